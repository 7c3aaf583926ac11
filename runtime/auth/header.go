package auth

import "github.com/valyala/fasthttp"

// fasthttp copies and normalizes a header name on every Peek, PeekAll and
// Del, which on the path of a known credential cost as much as the
// lookup. The names this package asks for are fixed when a scheme is built,
// so they are normalized once (canonicalHeader) and looked up with the
// request header's normalization switched off for the one call: the
// stored names were normalized as the request was parsed, so the exact
// comparison finds what the normalizing one would.

// canonicalHeader is name as fasthttp stores a request header's name.
func canonicalHeader(name string) string {
	return string(fasthttp.AppendNormalizedHeaderKey(nil, name))
}

// peekAllCanon is h.PeekAll(name) for a name in canonical form.
func peekAllCanon(h *fasthttp.RequestHeader, name string) [][]byte {
	if h.DisableNormalizing() {
		// The server keeps names as sent: fasthttp's lookup is exact
		// anyway, and normalization stays off.
		return h.PeekAll(name)
	}
	v := h.PeekAll(name)
	h.EnableNormalizing()
	return v
}

// delCanon is h.Del(name) for a name in canonical form.
func delCanon(h *fasthttp.RequestHeader, name string) {
	if h.DisableNormalizing() {
		h.Del(name)
		return
	}
	h.Del(name)
	h.EnableNormalizing()
}

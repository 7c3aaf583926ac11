package proxy

import (
	"bytes"

	"github.com/valyala/fasthttp"
)

// dropTrailers removes the trailer fields of a chunked answer from h,
// keeping the header fields of the same names. fasthttp keeps a received
// trailer section apart, but moves it among the header fields when the
// Trailer field or the chunked framing goes, which the removal of
// hop-by-hop fields does: an upstream's trailer field (X-Evil in
// "0\r\nX-Evil: 1\r\n\r\n") reached the client as a header field, which RFC
// 9110 §6.5.1 forbids a recipient to make of it. The client's answer has
// a Content-Length, and no trailer section to carry them in, so they are
// dropped, as runtime/server drops a request's. A trailer section is
// rare, so this path may allocate; an answer without one costs a look at
// an empty list.
func dropTrailers(h *fasthttp.ResponseHeader) {
	section := h.TrailerHeader()
	if len(section) <= len("\r\n") {
		return
	}
	var names [][]byte
	for _, line := range bytes.Split(section, []byte("\r\n")) {
		if i := bytes.IndexByte(line, ':'); i > 0 {
			names = append(names, append([]byte(nil), line[:i]...))
		}
	}
	type field struct{ k, v []byte }
	var kept []field
	for k, v := range h.All() { // the header section alone
		for _, n := range names {
			if bytes.EqualFold(k, n) {
				kept = append(kept, field{append([]byte(nil), k...), append([]byte(nil), v...)})
				break
			}
		}
	}
	for _, n := range names {
		h.DelBytes(n)
	}
	h.Del(fasthttp.HeaderTrailer)
	for _, f := range kept {
		h.AddBytesKV(f.k, f.v)
	}
}

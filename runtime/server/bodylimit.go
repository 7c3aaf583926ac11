package server

import (
	"bytes"

	"github.com/valyala/fasthttp"
)

// bodyLimiter picks each request's body limit from its header, before
// fasthttp reads the body: an operation that takes 4 KiB must not buffer
// the 1 MiB another operation allows. limit is Config.BodyLimit, or nil;
// fallback is the server-wide limit, for a request limit does not place.
type bodyLimiter struct {
	limit    func(method, path []byte) int
	fallback int
}

// of is the body limit of the request whose header is h.
func (b bodyLimiter) of(h *fasthttp.RequestHeader) int {
	if b.limit == nil || h == nil {
		return b.fallback
	}
	if n := b.limit(h.Method(), requestPath(h.RequestURI())); n > 0 {
		return n
	}
	return b.fallback
}

// requestPath is the raw path of a request target as the router sees it
// (fasthttp's PathOriginal): without query or fragment, and without the
// scheme and authority of an absolute-form target.
func requestPath(uri []byte) []byte {
	if i := bytes.IndexAny(uri, "?#"); i >= 0 {
		uri = uri[:i]
	}
	if len(uri) > 0 && uri[0] != '/' {
		if i := bytes.Index(uri, []byte("://")); i >= 0 {
			rest := uri[i+3:]
			if j := bytes.IndexByte(rest, '/'); j >= 0 {
				return rest[j:]
			}
			return nil
		}
	}
	return uri
}

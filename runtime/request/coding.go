package request

import (
	"bytes"

	"github.com/valyala/fasthttp"
)

var identity = []byte("identity")

// ContentCoding returns the request's Content-Encoding when the body is
// encoded, nil when it is not (no field, an empty one, or "identity").
// A body check validates the bytes it is given: a gzip body would be
// refused as malformed JSON, and plain JSON labelled gzip would pass here
// and reach the upstream as a body it cannot decode; neither is the body
// the upstream reads.
func ContentCoding(h *fasthttp.RequestHeader) []byte {
	v := bytes.TrimSpace(h.Peek(fasthttp.HeaderContentEncoding))
	if len(v) == 0 || bytes.EqualFold(v, identity) {
		return nil
	}
	return v
}

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
//
// Every line of the field counts: "Content-Encoding: identity" then
// "Content-Encoding: gzip" is the list "identity, gzip" (RFC 9110 §5.3),
// a gzip body to the upstream, where the first line alone passed.
func ContentCoding(h *fasthttp.RequestHeader) []byte {
	for _, v := range h.PeekAll(fasthttp.HeaderContentEncoding) {
		if v = bytes.TrimSpace(v); len(v) > 0 && !bytes.EqualFold(v, identity) {
			return v
		}
	}
	return nil
}

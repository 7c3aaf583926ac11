// Package trailer removes the trailer fields of a chunked message from the
// header fasthttp parsed it into. fasthttp keeps a chunked message's
// trailer fields among its header fields, where RFC 9110 §6.5.1 forbids a
// recipient to put them (a trailer field cannot take a header field's
// place: it would change what the header section said after it was acted
// on). The gateway forwards neither a request's nor an answer's trailers,
// so both sides drop them here. It never drops a header field that a
// trailer field repeats.
package trailer

import (
	"bytes"
	"iter"

	"github.com/valyala/fasthttp"
)

// Header is what Drop needs of fasthttp's RequestHeader and ResponseHeader.
type Header interface {
	TrailerHeader() []byte
	All() iter.Seq2[[]byte, []byte]
	DelBytes(key []byte)
	Del(key string)
	AddBytesKV(key, value []byte)
}

// Drop removes the trailer fields from h, keeping the header fields of the
// same names. A trailer section is rare, so this path may allocate; a
// message without one costs a look at an empty list.
func Drop[H Header](h H) {
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
	// With the names no longer announced, the header values put back below
	// go to the header section.
	h.Del(fasthttp.HeaderTrailer)
	for _, f := range kept {
		h.AddBytesKV(f.k, f.v)
	}
}

// Package transform holds what the generated request and response
// transformations (x-gateway request-headers, response-headers,
// request-query) share: the escaping of values taken from the request, and
// the re-encoding of a changed query.
//
// A value copied from the request into a header field must never carry a
// line break or another control character, or a client could add fields of
// its own choosing to what the upstream receives; it must never allocate.
package transform

import "github.com/valyala/fasthttp"

const hex = "0123456789ABCDEF"

// AppendSafe appends v to dst with control characters and DEL
// percent-encoded (a tab stays, as field values may hold one).
func AppendSafe(dst, v []byte) []byte {
	for _, c := range v {
		if c < 0x20 && c != '\t' || c == 0x7f {
			dst = append(dst, '%', hex[c>>4], hex[c&15])
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

// AppendSafeString is AppendSafe for a string.
func AppendSafeString(dst []byte, v string) []byte {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < 0x20 && c != '\t' || c == 0x7f {
			dst = append(dst, '%', hex[c>>4], hex[c&15])
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

// SyncQuery writes the request's query arguments, changed through
// ctx.QueryArgs(), back into its URI, which is what the proxy forwards. buf
// is scratch, returned for reuse.
func SyncQuery(ctx *fasthttp.RequestCtx, buf []byte) []byte {
	buf = ctx.QueryArgs().AppendBytes(buf[:0])
	ctx.URI().SetQueryStringBytes(buf)
	return buf
}

package proxy

import (
	"bytes"
	"math"
	"strconv"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/problem"
)

var hMaxForwards = []byte("Max-Forwards")

// maxForwards applies Max-Forwards to an OPTIONS or TRACE request before
// it is forwarded (RFC 9110 §7.6.2): an intermediary decrements the value,
// and at 0 answers itself, as the final recipient, rather than forward.
// The field was sent on unchanged, 0 included, so that a client tracing
// the chain could not stop at the gateway. It reports whether ctx holds
// the gateway's own answer; any other method passes at the cost of two
// comparisons of its name.
//
// As the final recipient, OPTIONS is answered 200 with no content (§9.3.7)
// and TRACE 200 with the request as received as message/http, without
// the fields that carry credentials (§9.3.8). A value that is not a
// decimal integer is 400; one too large to hold counts as the largest.
func maxForwards(ctx *fasthttp.RequestCtx) bool {
	h := &ctx.Request.Header
	if !h.IsOptions() && !h.IsTrace() {
		return false
	}
	v := bytes.TrimSpace(h.PeekBytes(hMaxForwards))
	if len(v) == 0 {
		return false
	}
	n := uint64(0)
	for _, c := range v {
		if c < '0' || c > '9' {
			problem.Write(ctx, fasthttp.StatusBadRequest, problem.TypeBlank, problem.Title(fasthttp.StatusBadRequest),
				"Max-Forwards is a decimal integer (RFC 9110 §7.6.2)", nil)
			return true
		}
		if n < math.MaxUint32 {
			n = n*10 + uint64(c-'0')
		}
	}
	if n > 0 {
		h.SetBytesKV(hMaxForwards, strconv.AppendUint(nil, min(n, math.MaxUint32)-1, 10))
		return false
	}
	ctx.SetStatusCode(fasthttp.StatusOK)
	if h.IsTrace() {
		ctx.SetContentType("message/http")
		ctx.SetBody(traceEcho(h))
	}
	return true
}

// traceEcho is the request line and header fields of h as TRACE reflects
// them, the ones that carry credentials left out.
func traceEcho(h *fasthttp.RequestHeader) []byte {
	b := append([]byte(nil), h.Method()...)
	b = append(b, ' ')
	b = append(b, h.RequestURI()...)
	b = append(b, ' ')
	b = append(b, h.Protocol()...)
	b = append(b, "\r\n"...)
	for k, v := range h.All() {
		if anyName(k, credentialFields) {
			continue
		}
		b = append(b, k...)
		b = append(b, ": "...)
		b = append(b, v...)
		b = append(b, "\r\n"...)
	}
	return append(b, "\r\n"...)
}

// credentialFields are never reflected by TRACE.
var credentialFields = [][]byte{
	[]byte("Authorization"), []byte("Proxy-Authorization"), []byte("Cookie"),
}

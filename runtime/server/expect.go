package server

import (
	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/metrics"
	"github.com/gatewaygen/gatewaygen/runtime/problem"
	"github.com/gatewaygen/gatewaygen/runtime/requestid"
)

// expectContinue answers a request with "Expect: 100-continue" before its
// body is sent. fasthttp sends 100 Continue by default and only then meets
// the body limit, so a client that asked first was invited to send a body
// the gateway then refused unread (100, then 413, the upload wasted). A
// Content-Length over the operation's limit is refused at once instead, as
// RFC 9110 §10.1.1 has a server answer with a final status when it will
// not accept the content; the connection is closed, since the client may
// have begun sending. A chunked body has no length to judge by: 100.
//
// An Expect field that asks for more than 100-continue (on another line,
// or another member of the list) is refused with 417 at once, before the
// 100 a framing check would have followed with 417 (framing.go).
func expectContinue(limits bodyLimiter, rec *refusals) func(*fasthttp.RequestCtx) int {
	return func(ctx *fasthttp.RequestCtx) int {
		hd := &ctx.Request.Header
		if _, other := fieldFaults(hd.RawHeaders()); other {
			blank(ctx, fasthttp.StatusExpectationFailed, expectDetail)
			return fasthttp.StatusExpectationFailed
		}
		limit := limits.of(hd)
		if n := hd.ContentLength(); n <= limit {
			return fasthttp.StatusContinue
		}
		requestid.Ensure(ctx) // for the problem's body, as in errorHandler
		problem.PayloadTooLarge(ctx, int64(limit))
		rec.record(ctx, metrics.BodyTooLarge, true)
		return fasthttp.StatusRequestEntityTooLarge
	}
}

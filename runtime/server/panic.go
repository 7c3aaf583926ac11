package server

import (
	"log"
	"runtime/debug"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/metrics"
	"github.com/gatewaygen/gatewaygen/runtime/requestid"
)

// recovering keeps one request's panic from ending the process. fasthttp
// recovers nothing, so a bug that some odd request reaches (in a generated
// validator, say) would otherwise drop every connection of the gateway and
// let anyone who found that request stop it at will. The request is
// answered 500 and its connection closed, since what the handler had
// written or read is unknown; the panic is logged with its stack under the
// request id the client is given, and counted (gateway_panics_total). A
// recover that finds nothing costs a deferred call per request.
func recovering(h fasthttp.RequestHandler) fasthttp.RequestHandler {
	return func(ctx *fasthttp.RequestCtx) {
		defer func() {
			if p := recover(); p != nil {
				panicked(ctx, p)
			}
		}()
		h(ctx)
	}
}

func panicked(ctx *fasthttp.RequestCtx, p any) {
	metrics.Panicked()
	ctx.Response.Reset()
	ctx.SetConnectionClose()
	id := requestid.Ensure(ctx)
	log.Printf("panic serving %q %q (request id %s): %v\n%s", ctx.Method(), ctx.URI().PathOriginal(), id, p, debug.Stack())
	blank(ctx, fasthttp.StatusInternalServerError, "the gateway failed on this request; its log names the request id")
}

package proxy

import (
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/spans"
)

// recordSpan gives a traced request its upstream call: from start, to the
// target that answered last, with the upstream's status or the error that
// made the gateway answer for it. One span covers every attempt, since the
// traceparent the upstream receives is the same for each.
func recordSpan(ctx *fasthttp.RequestCtx, name string, target []byte, start time.Time, err error) {
	status := 0
	if err == nil {
		status = ctx.Response.StatusCode()
	}
	spans.Upstream(ctx, name, target, start, status, err != nil)
}

package cors

import (
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/metrics"
)

// TestPreflightCounted: every preflight the gateway answers is counted
// once, as allowed or refused, whichever rule refused it.
func TestPreflightCounted(t *testing.T) {
	for _, c := range []struct {
		name, origin, headers string
		allowed               bool
	}{
		{"allowed", "https://app.example.com", "content-type", true},
		{"origin refused", "https://evil.example", "", false},
		{"header refused", "https://app.example.com", "x-evil", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var ctx fasthttp.RequestCtx
			ctx.Request.Header.SetMethod("OPTIONS")
			ctx.Request.Header.Set("Origin", c.origin)
			ctx.Request.Header.Set("Access-Control-Request-Method", "POST")
			if c.headers != "" {
				ctx.Request.Header.Set("Access-Control-Request-Headers", c.headers)
			}
			yes, no := metrics.PreflightCount(true), metrics.PreflightCount(false)
			app.Preflight(&ctx)
			dy, dn := metrics.PreflightCount(true)-yes, metrics.PreflightCount(false)-no
			if c.allowed && (dy != 1 || dn != 0) || !c.allowed && (dy != 0 || dn != 1) {
				t.Fatalf("status %d: allowed +%d, refused +%d", ctx.Response.StatusCode(), dy, dn)
			}
		})
	}
}

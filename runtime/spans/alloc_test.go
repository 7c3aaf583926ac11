//go:build !race

package spans

import (
	"context"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// TestHandlerAllocatesNothing: sampling, recording both spans and queueing
// them cost the request no allocation, and neither does an untraced one.
func TestHandlerAllocatesNothing(t *testing.T) {
	col := newCollector(t)
	tr, err := New(Config{Endpoint: col.srv.URL, Service: "pets-gateway", Sample: 1, Buffer: 1 << 12, Interval: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close(context.Background())
	h := tr.Handler(gateway(false, 200))
	for name, tp := range map[string]string{
		"sampled parent": "00-" + inTrace + "-" + inParent + "-01",
		"not sampled":    "00-" + inTrace + "-" + inParent + "-00",
		"new trace":      "",
	} {
		var ctx fasthttp.RequestCtx
		ctx.Request.SetRequestURI("/v1/pets/7")
		run := func() {
			if tp != "" {
				ctx.Request.Header.Set("Traceparent", tp)
			} else {
				ctx.Request.Header.Del("Traceparent")
			}
			h(&ctx)
		}
		run() // the header's and the user values' storage
		if n := testing.AllocsPerRun(200, run); n != 0 {
			t.Errorf("%s: %v allocations per request, want 0", name, n)
		}
	}
}

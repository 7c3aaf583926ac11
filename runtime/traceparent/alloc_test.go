//go:build !race

package traceparent

import (
	"testing"

	"github.com/valyala/fasthttp"
)

func TestPropagateAllocatesNothing(t *testing.T) {
	var ctx fasthttp.RequestCtx
	ctx.Request.Header.Set("Traceparent", sample)
	if n := testing.AllocsPerRun(100, func() { Propagate(&ctx) }); n != 0 {
		t.Fatalf("%v allocations, want 0", n)
	}
	var fresh fasthttp.RequestCtx
	if n := testing.AllocsPerRun(100, func() { fresh.Request.Header.Del("Traceparent"); Propagate(&fresh) }); n != 0 {
		t.Fatalf("new trace: %v allocations, want 0", n)
	}
}

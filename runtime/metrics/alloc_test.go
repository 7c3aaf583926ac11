//go:build !race

package metrics

import (
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

func TestObserveAllocatesNothing(t *testing.T) {
	g := New(Info{Gateway: "alloc"}, []string{"op"})
	defer g.Close()
	var ctx fasthttp.RequestCtx
	ctx.Request.SetBodyString(`{}`)
	ctx.Response.SetStatusCode(400)
	op := g.Op(0)
	if n := testing.AllocsPerRun(200, func() { op.Observe(&ctx, time.Millisecond, 0, false) }); n != 0 {
		t.Fatalf("Observe: %v allocations, want 0", n)
	}
}

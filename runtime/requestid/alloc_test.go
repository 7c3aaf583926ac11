//go:build !race

package requestid

import (
	"testing"

	"github.com/valyala/fasthttp"
)

func TestEnsureAllocs(t *testing.T) {
	ctx := &fasthttp.RequestCtx{}
	Ensure(ctx) // warm the header's storage, as a reused RequestCtx is
	if n := testing.AllocsPerRun(100, func() {
		ctx.Request.Header.Del(Header)
		Ensure(ctx)
	}); n != 0 {
		t.Fatalf("%v allocs, want 0", n)
	}
}

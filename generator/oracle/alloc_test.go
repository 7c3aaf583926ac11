//go:build !race

package oracle

import (
	"testing"

	"github.com/valyala/fasthttp"
)

// TestGeneratedAllocs asserts what the benchmarks show: a valid request,
// with or without a JSON body, goes through the generated gateway without an
// allocation.
func TestGeneratedAllocs(t *testing.T) {
	for _, v := range benchVersions {
		for _, c := range benchCases(t) {
			if !c.valid {
				continue
			}
			h, base := compiledGateway(t, c.doc+v)
			var ctx fasthttp.RequestCtx
			c.r.fasthttp(&ctx, base)
			if n := testing.AllocsPerRun(50, func() {
				ctx.Response.Reset()
				h.Handle(&ctx)
			}); n != 0 {
				t.Errorf("%s/%s: %v allocations per request, want 0", v, c.name, n)
			}
		}
	}
}

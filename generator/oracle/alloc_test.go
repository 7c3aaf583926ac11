//go:build !race

package oracle

import (
	"testing"

	"github.com/valyala/fasthttp"
)

// TestGeneratedAllocs asserts what the benchmarks show: a request, with or
// without a JSON body, goes through the generated gateway without an
// allocation, and so does its rejection (a missing property, a bound
// broken): the violation's detail and the problem document are written
// into buffers the request holds.
func TestGeneratedAllocs(t *testing.T) {
	for _, v := range benchVersions {
		for _, c := range benchCases(t) {
			h, base := compiledGateway(t, c.doc+v)
			var ctx fasthttp.RequestCtx
			c.r.fasthttp(&ctx, base)
			serverLike(&ctx)
			if n := testing.AllocsPerRun(50, func() {
				ctx.Response.Reset()
				h.Handle(&ctx)
			}); n != 0 {
				t.Errorf("%s/%s: %v allocations per request, want 0", v, c.name, n)
			}
		}
	}
}

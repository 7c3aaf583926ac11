//go:build !race

package portal

import (
	"testing"

	"github.com/valyala/fasthttp"
)

// TestServeAllocs: a page is answered from memory without allocating.
func TestServeAllocs(t *testing.T) {
	s := testSite(t)
	var ctx fasthttp.RequestCtx
	ctx.Request.Header.SetMethod("GET")
	ctx.Request.SetRequestURI("/docs/op/Get.html")
	path := ctx.URI().PathOriginal()
	n := testing.AllocsPerRun(200, func() {
		ctx.Response.Reset()
		if s.Match(path) {
			s.Serve(&ctx, path)
		}
	})
	if n != 0 {
		t.Fatalf("%v allocs per page, want 0", n)
	}
}

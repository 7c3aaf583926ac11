//go:build !race

package portal

import (
	"strings"
	"testing"
	"testing/fstest"

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
	// Compressed, once compressed, and revalidated: the same.
	page := "<!doctype html>" + strings.Repeat("<p>words</p>", 100)
	s, err := New(fstest.MapFS{"site/index.html": {Data: []byte(page)}}, "site", "/docs", "")
	if err != nil {
		t.Fatal(err)
	}
	ctx.Request.SetRequestURI("/docs/")
	ctx.Request.Header.Set("Accept-Encoding", "gzip, deflate")
	path = ctx.URI().PathOriginal()
	s.Serve(&ctx, path)
	for _, inm := range []string{"", string(ctx.Response.Header.Peek("ETag"))} {
		ctx.Request.Header.Set("If-None-Match", inm)
		n = testing.AllocsPerRun(200, func() {
			ctx.Response.Reset()
			s.Serve(&ctx, path)
		})
		if n != 0 {
			t.Fatalf("If-None-Match %q: %v allocs per page, want 0", inm, n)
		}
	}
}

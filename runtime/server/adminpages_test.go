package server

import (
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// TestAdminPages checks that a page a gateway adds is served at its path
// with the admin listener's rules (GET and HEAD, no caching) and that other
// unknown paths stay 404.
func TestAdminPages(t *testing.T) {
	HandleAdmin(PathAnomalies, func(ctx *fasthttp.RequestCtx) {
		ctx.SetContentType("application/json")
		ctx.SetBodyString(`{"events":[]}`)
	})
	t.Cleanup(func() { adminPages.Lock(); delete(adminPages.m, PathAnomalies); adminPages.Unlock() })
	var st state
	h := adminHandler(&st)
	for _, c := range []struct {
		method, path string
		status       int
		body         string
	}{
		{"GET", PathAnomalies, 200, `{"events":[]}`},
		{"POST", PathAnomalies, 405, "Method Not Allowed"},
		{"GET", "/-/anomalies/x", 404, "Not Found"},
	} {
		var ctx fasthttp.RequestCtx
		ctx.Request.Header.SetMethod(c.method)
		ctx.Request.SetRequestURI(c.path)
		h(&ctx)
		if ctx.Response.StatusCode() != c.status || !strings.Contains(string(ctx.Response.Body()), c.body) {
			t.Errorf("%s %s: %d %q, want %d containing %q", c.method, c.path, ctx.Response.StatusCode(), ctx.Response.Body(), c.status, c.body)
		}
		if c.status == 200 && string(ctx.Response.Header.Peek("Cache-Control")) != "no-store" {
			t.Errorf("%s %s: Cache-Control %q", c.method, c.path, ctx.Response.Header.Peek("Cache-Control"))
		}
	}
}

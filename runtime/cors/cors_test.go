package cors

import (
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

var (
	app = New(Config{
		Origins: []string{"https://app.example.com", "http://localhost:3000"},
		Methods: []string{"GET", "POST"},
		Headers: []string{"Authorization", "Content-Type", "X-Request-Id"},
		Expose:  []string{"X-Request-Id"},
		MaxAge:  10 * time.Minute,
	})
	admin = New(Config{
		Origins:     []string{"https://admin.example.com"},
		Methods:     []string{"DELETE"},
		Headers:     []string{"X-Admin-Key"},
		Credentials: true,
	})
	public = New(Config{Origins: []string{"*"}, Methods: []string{"GET"}})
)

// TestPreflight is the preflight table: allowed and refused origins,
// request headers, credentials and max-age.
func TestPreflight(t *testing.T) {
	for _, c := range []struct {
		name    string
		p       *Policy
		origin  string
		method  string
		headers string
		status  int
		want    map[string]string // response headers; "" must be absent
	}{
		{"allowed origin", app, "https://app.example.com", "POST", "content-type, authorization", 204, map[string]string{
			"Access-Control-Allow-Origin": "https://app.example.com", "Access-Control-Allow-Methods": "GET, POST",
			"Access-Control-Allow-Headers": "Authorization, Content-Type, X-Request-Id", "Access-Control-Max-Age": "600",
			"Access-Control-Allow-Credentials": "", "Vary": "Origin"}},
		{"origin compared without case", app, "HTTPS://APP.EXAMPLE.COM", "GET", "", 204, map[string]string{"Access-Control-Allow-Origin": "HTTPS://APP.EXAMPLE.COM"}},
		{"second origin", app, "http://localhost:3000", "GET", "", 204, map[string]string{"Access-Control-Allow-Origin": "http://localhost:3000"}},
		{"disallowed origin", app, "https://evil.example", "GET", "", 403, map[string]string{"Access-Control-Allow-Origin": "", "Vary": "Origin"}},
		{"origin differing by port", app, "http://localhost:3001", "GET", "", 403, map[string]string{"Access-Control-Allow-Origin": ""}},
		{"origin differing by scheme", app, "http://app.example.com", "GET", "", 403, nil},
		{"null origin", app, "null", "GET", "", 403, nil},
		{"header not allowed", app, "https://app.example.com", "POST", "content-type, x-evil", 403, map[string]string{"Access-Control-Allow-Origin": ""}},
		{"credentials echo the origin", admin, "https://admin.example.com", "DELETE", "x-admin-key", 204, map[string]string{
			"Access-Control-Allow-Origin": "https://admin.example.com", "Access-Control-Allow-Credentials": "true",
			"Access-Control-Allow-Methods": "DELETE", "Access-Control-Max-Age": ""}},
		{"any origin without credentials is a star", public, "https://anyone.example", "GET", "", 204, map[string]string{"Access-Control-Allow-Origin": "*"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var ctx fasthttp.RequestCtx
			ctx.Request.Header.SetMethod("OPTIONS")
			ctx.Request.Header.Set("Origin", c.origin)
			ctx.Request.Header.Set("Access-Control-Request-Method", c.method)
			if c.headers != "" {
				ctx.Request.Header.Set("Access-Control-Request-Headers", c.headers)
			}
			if !IsPreflight(&ctx) {
				t.Fatal("not a preflight")
			}
			c.p.Preflight(&ctx)
			if got := ctx.Response.StatusCode(); got != c.status {
				t.Fatalf("status %d, want %d: %s", got, c.status, ctx.Response.Body())
			}
			for k, v := range c.want {
				if got := string(ctx.Response.Header.Peek(k)); got != v {
					t.Errorf("%s: %q, want %q", k, got, v)
				}
			}
			if c.status == 403 && !strings.Contains(string(ctx.Response.Header.ContentType()), "problem+json") {
				t.Errorf("refusal is not problem+json: %s", ctx.Response.Header.ContentType())
			}
		})
	}
}

func TestAllowActual(t *testing.T) {
	for _, c := range []struct {
		origin string
		ok     bool
		acao   string
	}{
		{"", true, ""},
		{"https://app.example.com", true, "https://app.example.com"},
		{"https://evil.example", false, ""},
	} {
		var ctx fasthttp.RequestCtx
		if c.origin != "" {
			ctx.Request.Header.Set("Origin", c.origin)
		}
		ok := app.Allow(&ctx)
		if ok != c.ok || string(ctx.Response.Header.Peek("Access-Control-Allow-Origin")) != c.acao {
			t.Errorf("origin %q: ok %v ACAO %q", c.origin, ok, ctx.Response.Header.Peek("Access-Control-Allow-Origin"))
		}
		if !ok && ctx.Response.StatusCode() != 403 {
			t.Errorf("origin %q refused with %d", c.origin, ctx.Response.StatusCode())
		}
		if ok && c.origin != "" && string(ctx.Response.Header.Peek("Access-Control-Expose-Headers")) != "X-Request-Id" {
			t.Errorf("no expose headers")
		}
	}
}

func TestVary(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "Origin"},
		{"Accept-Encoding", "Accept-Encoding, Origin"},
		{"accept-encoding, origin", "accept-encoding, origin"},
		{"*", "*"},
	} {
		var ctx fasthttp.RequestCtx
		if c.in != "" {
			ctx.Response.Header.Set("Vary", c.in)
		}
		Vary(&ctx)
		if got := string(ctx.Response.Header.Peek("Vary")); got != c.want {
			t.Errorf("Vary(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

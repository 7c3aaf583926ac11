package portal

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/valyala/fasthttp"
)

func testSite(t *testing.T) *Site {
	t.Helper()
	fsys := fstest.MapFS{
		"site/index.html":  {Data: []byte("<!doctype html><p>home")},
		"site/portal.css":  {Data: []byte("body{}")},
		"site/op/Get.html": {Data: []byte("<!doctype html><p>get")},
	}
	s, err := New(fsys, "site", "/docs", "default-src 'none'")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestServe(t *testing.T) {
	s := testSite(t)
	for _, c := range []struct {
		method, path string
		match        bool
		status       int
		ctype, body  string
		location     string
	}{
		{"GET", "/docs", true, 308, "", "", "/docs/"},
		{"GET", "/docs/", true, 200, "text/html; charset=utf-8", "<!doctype html><p>home", ""},
		{"GET", "/docs/index.html", true, 200, "text/html; charset=utf-8", "<!doctype html><p>home", ""},
		{"GET", "/docs/portal.css", true, 200, "text/css; charset=utf-8", "body{}", ""},
		{"GET", "/docs/op/Get.html", true, 200, "text/html; charset=utf-8", "<!doctype html><p>get", ""},
		{"HEAD", "/docs/op/Get.html", true, 200, "text/html; charset=utf-8", "", ""},
		{"GET", "/docs/op/", true, 404, "application/problem+json", "", ""},
		{"GET", "/docs/../go.mod", true, 404, "application/problem+json", "", ""},
		{"GET", "/docs/nothere.html", true, 404, "application/problem+json", "", ""},
		{"POST", "/docs/", true, 405, "application/problem+json", "", ""},
		{"GET", "/docsx", false, 0, "", "", ""},
		{"GET", "/doc", false, 0, "", "", ""},
		{"GET", "/v1/docs/", false, 0, "", "", ""},
	} {
		var ctx fasthttp.RequestCtx
		ctx.Request.Header.SetMethod(c.method)
		ctx.Request.SetRequestURI(c.path)
		path := ctx.URI().PathOriginal()
		if got := s.Match(path); got != c.match {
			t.Errorf("%s %s: Match = %v, want %v", c.method, c.path, got, c.match)
			continue
		}
		if !c.match {
			continue
		}
		s.Serve(&ctx, path)
		r := &ctx.Response
		if r.StatusCode() != c.status {
			t.Errorf("%s %s: status %d, want %d", c.method, c.path, r.StatusCode(), c.status)
		}
		if c.ctype != "" && string(r.Header.ContentType()) != c.ctype {
			t.Errorf("%s %s: content type %q, want %q", c.method, c.path, r.Header.ContentType(), c.ctype)
		}
		if c.body != "" && string(r.Body()) != c.body {
			t.Errorf("%s %s: body %q, want %q", c.method, c.path, r.Body(), c.body)
		}
		if c.location != "" && string(r.Header.Peek("Location")) != c.location {
			t.Errorf("%s %s: Location %q, want %q", c.method, c.path, r.Header.Peek("Location"), c.location)
		}
		if c.status != 405 {
			if got := string(r.Header.Peek("Content-Security-Policy")); got != "default-src 'none'" {
				t.Errorf("%s %s: CSP %q", c.method, c.path, got)
			}
			if got := string(r.Header.Peek("X-Content-Type-Options")); got != "nosniff" {
				t.Errorf("%s %s: X-Content-Type-Options %q", c.method, c.path, got)
			}
		}
		if c.status == 405 && !strings.Contains(string(r.Header.Peek("Allow")), "GET") {
			t.Errorf("%s %s: Allow %q", c.method, c.path, r.Header.Peek("Allow"))
		}
	}
}

func TestNewRefuses(t *testing.T) {
	fsys := fstest.MapFS{"site/a.html": {Data: []byte("x")}}
	for _, c := range []struct{ dir, prefix, want string }{
		{"site", "/docs", "has no index.html"},
		{"site", "docs", "must start with /"},
		{"site", "/docs/", "not end with one"},
	} {
		if _, err := New(fsys, c.dir, c.prefix, ""); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%q, %q): %v, want %q", c.dir, c.prefix, err, c.want)
		}
	}
}

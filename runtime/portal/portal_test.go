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

// TestConditionalAndGzip: every file has a strong ETag and a matching
// If-None-Match gets a 304 without a body; text a client accepts gzip for
// is sent compressed, under its own ETag, and either tag revalidates.
func TestConditionalAndGzip(t *testing.T) {
	page := "<!doctype html><title>t</title>" + strings.Repeat("<p>the same words again and again</p>\n", 40)
	fsys := fstest.MapFS{
		"site/index.html": {Data: []byte(page)},
		"site/small.css":  {Data: []byte("body{}")},
		"site/logo.png":   {Data: []byte(strings.Repeat("\x89PNG", 300))},
	}
	s, err := New(fsys, "site", "/docs", "default-src 'none'")
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string, headers ...string) *fasthttp.Response {
		var ctx fasthttp.RequestCtx
		ctx.Request.Header.SetMethod("GET")
		ctx.Request.SetRequestURI(path)
		for i := 0; i+1 < len(headers); i += 2 {
			ctx.Request.Header.Set(headers[i], headers[i+1])
		}
		s.Serve(&ctx, ctx.URI().PathOriginal())
		var r fasthttp.Response
		ctx.Response.CopyTo(&r)
		return &r
	}
	plain := get("/docs/")
	etag := string(plain.Header.Peek("ETag"))
	if plain.StatusCode() != 200 || len(etag) < 10 || etag[0] != '"' || string(plain.Body()) != page ||
		len(plain.Header.Peek("Content-Encoding")) != 0 || string(plain.Header.Peek("Vary")) != "Accept-Encoding" {
		t.Fatalf("plain: %d ETag %q Content-Encoding %q Vary %q", plain.StatusCode(), etag, plain.Header.Peek("Content-Encoding"), plain.Header.Peek("Vary"))
	}
	gz := get("/docs/", "Accept-Encoding", "br;q=1, gzip;q=0.8")
	gzTag := string(gz.Header.Peek("ETag"))
	if string(gz.Header.Peek("Content-Encoding")) != "gzip" || gzTag == etag || len(gz.Body()) >= len(page) {
		t.Fatalf("gzip: Content-Encoding %q ETag %q (plain %q), %d bytes of %d", gz.Header.Peek("Content-Encoding"), gzTag, etag, len(gz.Body()), len(page))
	}
	if body, err := gz.BodyGunzip(); err != nil || string(body) != page {
		t.Fatalf("gunzip: %v, %d bytes", err, len(body))
	}
	for _, c := range []struct {
		name    string
		headers []string
		status  int
		enc     string
	}{
		{"own tag", []string{"If-None-Match", etag}, 304, ""},
		{"weak form", []string{"If-None-Match", "W/" + etag}, 304, ""},
		{"in a list", []string{"If-None-Match", `"other", ` + etag}, 304, ""},
		{"star", []string{"If-None-Match", "*"}, 304, ""},
		{"gzip tag, gzip asked", []string{"If-None-Match", gzTag, "Accept-Encoding", "gzip"}, 304, "gzip"},
		{"gzip tag, plain asked", []string{"If-None-Match", gzTag}, 304, ""},
		{"stale tag", []string{"If-None-Match", `"0000"`}, 200, ""},
		{"gzip refused", []string{"Accept-Encoding", "gzip;q=0, *"}, 200, ""},
		{"gzip refused by q=0.000", []string{"Accept-Encoding", "gzip; q=0.000"}, 200, ""},
		{"star accepts gzip", []string{"Accept-Encoding", "*"}, 200, "gzip"},
		{"star refused", []string{"Accept-Encoding", "*;q=0"}, 200, ""},
		{"identity only", []string{"Accept-Encoding", "identity"}, 200, ""},
		{"upper case", []string{"Accept-Encoding", "GZIP"}, 200, "gzip"},
		{"x-gzip", []string{"Accept-Encoding", "x-gzip"}, 200, "gzip"},
	} {
		r := get("/docs/", c.headers...)
		if r.StatusCode() != c.status || string(r.Header.Peek("Content-Encoding")) != c.enc {
			t.Errorf("%s: %d Content-Encoding %q, want %d %q", c.name, r.StatusCode(), r.Header.Peek("Content-Encoding"), c.status, c.enc)
		}
		if c.status == 304 && (len(r.Body()) != 0 || len(r.Header.Peek("ETag")) == 0) {
			t.Errorf("%s: 304 with %d bytes of body, ETag %q", c.name, len(r.Body()), r.Header.Peek("ETag"))
		}
	}
	// Small text and images go as they are.
	for _, p := range []string{"/docs/small.css", "/docs/logo.png"} {
		r := get(p, "Accept-Encoding", "gzip")
		if len(r.Header.Peek("Content-Encoding")) != 0 || len(r.Header.Peek("ETag")) == 0 {
			t.Errorf("%s: Content-Encoding %q ETag %q", p, r.Header.Peek("Content-Encoding"), r.Header.Peek("ETag"))
		}
	}
}

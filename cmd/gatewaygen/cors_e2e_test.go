package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// TestCORSEndToEnd builds the cors30 golden spec's gateway and sends it
// browsers' preflights and cross-origin requests over loopback, checking
// what a page would be told and what reached the backend.
func TestCORSEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a gateway; skipped in -short mode")
	}
	bin := buildGateway(t, "../../testdata/golden/cors30/spec.yaml", "cors30")
	var hits atomic.Int64
	beAddr := freeAddr(t)
	be := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		hits.Add(1)
		ctx.Response.Header.Set("Vary", "Accept-Encoding")
		ctx.SetBodyString("[]")
	}}
	go be.ListenAndServe(beAddr) //nolint:errcheck // ends with Shutdown
	t.Cleanup(func() { _ = be.Shutdown() })
	waitAccept(t, beAddr, make(chan struct{}), new(syncBuffer), 5*time.Second)
	jwks, _ := filepath.Abs("../../specs/petstore-demo-jwks.json")
	t.Setenv("CORS30_KEYS", "admin:k-1")
	gw := startGateway(t, bin, "--upstream", "app=http://"+beAddr,
		"--auth", "token=file:"+jwks, "--auth", "key=env:CORS30_KEYS")

	send := func(method, path string, h map[string]string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, gw+path, nil)
		for k, v := range h {
			req.Header.Set(k, v)
		}
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		return r
	}
	const app, adminOrigin, evil = "https://app.example.com", "https://admin.example.com", "https://evil.example"
	for _, c := range []struct {
		name, path, origin, method, headers string
		status                              int
		want                                map[string]string
	}{
		{"notes POST from the app", "/api/notes", app, "POST", "content-type, authorization", 204, map[string]string{
			"Access-Control-Allow-Origin": app, "Access-Control-Allow-Methods": "GET, POST",
			"Access-Control-Allow-Headers": "Authorization, Content-Type, X-Request-Id", "Access-Control-Max-Age": "600", "Vary": "Origin"}},
		{"notes GET with its declared header", "/api/notes", "http://localhost:3000", "GET", "x-tenant", 204, map[string]string{
			"Access-Control-Allow-Headers": "X-Request-Id, X-Tenant"}},
		{"notes from another origin", "/api/notes", evil, "GET", "", 403, map[string]string{"Access-Control-Allow-Origin": ""}},
		{"notes with an undeclared header", "/api/notes", app, "GET", "x-tenant, x-other", 403, nil},
		{"admin from its origin with credentials", "/api/admin", adminOrigin, "DELETE", "x-admin-key, x-csrf-token", 204, map[string]string{
			"Access-Control-Allow-Origin": adminOrigin, "Access-Control-Allow-Credentials": "true", "Access-Control-Allow-Methods": "DELETE"}},
		{"admin from the app's origin", "/api/admin", app, "DELETE", "", 403, nil},
		{"a method the path does not have", "/api/admin", adminOrigin, "PUT", "", 405, nil},
		{"a path without CORS", "/api/private", app, "GET", "", 405, nil},
	} {
		t.Run("preflight "+c.name, func(t *testing.T) {
			h := map[string]string{"Origin": c.origin, "Access-Control-Request-Method": c.method}
			if c.headers != "" {
				h["Access-Control-Request-Headers"] = c.headers
			}
			r := send("OPTIONS", c.path, h)
			if r.StatusCode != c.status {
				t.Fatalf("status %d, want %d", r.StatusCode, c.status)
			}
			for k, v := range c.want {
				if got := r.Header.Get(k); got != v {
					t.Errorf("%s: %q, want %q", k, got, v)
				}
			}
		})
	}
	if hits.Load() != 0 {
		t.Fatalf("preflights reached the backend %d times", hits.Load())
	}

	r := send("GET", "/api/notes", map[string]string{"Origin": app})
	if r.StatusCode != 200 || r.Header.Get("Access-Control-Allow-Origin") != app || r.Header.Get("Access-Control-Expose-Headers") != "X-Request-Id" {
		t.Errorf("actual GET from the app: %d %v", r.StatusCode, r.Header)
	}
	if v := r.Header.Get("Vary"); !strings.Contains(v, "Accept-Encoding") || !strings.Contains(v, "Origin") {
		t.Errorf("Vary %q, want the upstream's and Origin", v)
	}
	if hits.Load() != 1 {
		t.Fatalf("backend hits %d, want 1", hits.Load())
	}
	r = send("GET", "/api/notes", map[string]string{"Origin": evil})
	if r.StatusCode != 403 || hits.Load() != 1 {
		t.Errorf("GET from another origin: %d, backend hits %d; want 403 and no call", r.StatusCode, hits.Load())
	}
	r = send("GET", "/api/notes", nil)
	if r.StatusCode != 200 || r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("same-origin GET: %d, ACAO %q", r.StatusCode, r.Header.Get("Access-Control-Allow-Origin"))
	}
}

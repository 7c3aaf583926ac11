package main

import (
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// TestEndToEndCache drives the petstore's cached listPets (x-gateway cache:
// ttl 5s, vary Accept, stale-if-error 1m) through a generated gateway in
// front of a backend that counts what reaches it.
func TestEndToEndCache(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a generated gateway")
	}
	var calls sync.Map // path -> *atomic.Int64
	count := func(path string) *atomic.Int64 {
		v, _ := calls.LoadOrStore(path, new(atomic.Int64))
		return v.(*atomic.Int64)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		page := string(ctx.QueryArgs().Peek("limit")) // the test's pages, each with its own behaviour
		n := count(page).Add(1)
		switch page {
		case "1":
			time.Sleep(200 * time.Millisecond) // long enough for every client to miss at once
		case "2":
			ctx.Response.Header.Set("Cache-Control", "no-store")
		case "3":
			ctx.Response.Header.Set("Cache-Control", "max-age=1")
		}
		ctx.Response.Header.Set("ETag", fmt.Sprintf(`"%s-%d"`, page, n))
		ctx.SetContentType("application/json")
		ctx.SetBodyString(fmt.Sprintf(`[{"id":1,"name":"call %d","status":"available","tags":[]}]`, n))
	}}
	served := make(chan struct{})
	go func() { _ = srv.Serve(ln); close(served) }()
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			_ = srv.Shutdown()
			<-served
		}
	}
	t.Cleanup(stop)
	gw := startGateway(t, buildPetstoreGateway(t), "--upstream", "pets=http://"+ln.Addr().String()) + "/v1"

	get := func(path string, header map[string]string) response { return do(t, "GET", gw+path, "", header) }

	t.Run("coalesced misses", func(t *testing.T) {
		c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxConnsPerHost: 0, MaxIdleConnsPerHost: 1000}}
		var wg sync.WaitGroup
		var failed atomic.Int64
		for range 1000 {
			wg.Go(func() {
				res, err := c.Get(gw + "/pets?limit=1")
				if err != nil || res.StatusCode != http.StatusOK {
					failed.Add(1)
				}
				if err == nil {
					res.Body.Close()
				}
			})
		}
		wg.Wait()
		if failed.Load() > 0 {
			t.Fatalf("%d of 1000 concurrent requests failed", failed.Load())
		}
		if n := count("1").Load(); n != 1 {
			t.Fatalf("1000 concurrent misses made %d upstream requests, want 1", n)
		}
	})

	t.Run("hit, 304 and Vary", func(t *testing.T) {
		r := get("/pets?limit=1", nil)
		if r.status != 200 || r.header.Get("X-Cache") != "hit" || r.header.Get("Age") == "" {
			t.Fatalf("second GET: %d X-Cache %q Age %q", r.status, r.header.Get("X-Cache"), r.header.Get("Age"))
		}
		etag := r.header.Get("ETag")
		r = get("/pets?limit=1", map[string]string{"If-None-Match": etag})
		if r.status != http.StatusNotModified || len(r.body) != 0 {
			t.Fatalf("If-None-Match %s: %d %q, want 304 without a body", etag, r.status, r.body)
		}
		get("/pets?limit=1", map[string]string{"Accept": "application/json"}) // another Accept, another entry
		if n := count("1").Load(); n != 2 {
			t.Fatalf("upstream requests for /pets?limit=1: %d, want 2 (one per Accept value)", n)
		}
		// X-Client-Version is a declared header parameter of GET /pets: part
		// of the key though x-gateway.cache.vary names only Accept.
		for _, v := range []string{"1.0", "2.0", "2.0"} {
			get("/pets?limit=1", map[string]string{"X-Client-Version": v})
		}
		if n := count("1").Load(); n != 4 {
			t.Fatalf("upstream requests for /pets?limit=1: %d, want 4 (one more per X-Client-Version value)", n)
		}
	})

	t.Run("no-store and credentials", func(t *testing.T) {
		get("/pets?limit=2", nil)
		get("/pets?limit=2", nil)
		if n := count("2").Load(); n != 2 {
			t.Fatalf("no-store answer served from the cache: %d upstream requests, want 2", n)
		}
		before := count("1").Load()
		r := get("/pets?limit=1", map[string]string{"Authorization": "Bearer someone"})
		if r.header.Get("X-Cache") == "hit" || count("1").Load() != before+1 {
			t.Fatal("a request with credentials was answered from the shared cache")
		}
	})

	t.Run("stale if error", func(t *testing.T) {
		first := get("/pets?limit=3", nil)
		time.Sleep(1100 * time.Millisecond) // past the upstream's max-age=1
		stop()
		r := get("/pets?limit=3", nil)
		if r.status != 200 || r.header.Get("X-Cache") != "stale" || string(r.body) != string(first.body) {
			t.Fatalf("upstream down, entry stale: %d X-Cache %q %s, want the stored answer", r.status, r.header.Get("X-Cache"), r.body)
		}
		if r := get("/pets?limit=4", nil); r.status != http.StatusBadGateway && r.status != http.StatusServiceUnavailable {
			t.Fatalf("upstream down, nothing stored: %d, want 502 or 503", r.status)
		}
	})
}

package cache

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/request"
)

// origin stands in for the upstream: it counts calls and answers with what
// answer sets on the response (200 "body-N" when nil).
type origin struct {
	calls  atomic.Int64
	delay  time.Duration
	fail   atomic.Bool // answer as the gateway does when the upstream is unreachable
	answer func(ctx *fasthttp.RequestCtx)
}

// handle is what a generated handler does around the upstream call.
func (o *origin) handle(c *Cache, ctx *fasthttp.RequestCtx) {
	st := request.Acquire()
	defer request.Release(st)
	st.Consumer = string(ctx.Request.Header.Peek("X-Test-Consumer"))
	fill, done := c.Lookup(ctx, st)
	if done {
		return
	}
	n := o.calls.Add(1)
	time.Sleep(o.delay)
	answered := !o.fail.Load()
	if !answered {
		ctx.SetStatusCode(fasthttp.StatusBadGateway)
		ctx.SetBodyString("upstream down")
	} else if o.answer != nil {
		o.answer(ctx)
	} else {
		ctx.SetBodyString(fmt.Sprint("body-", n))
	}
	c.Store(ctx, &fill, answered)
}

// get sends one request through o and returns the response.
func (o *origin) get(c *Cache, method, uri string, header ...string) *fasthttp.Response {
	var ctx fasthttp.RequestCtx
	ctx.Request.Header.SetMethod(method)
	ctx.Request.SetRequestURI(uri)
	for i := 0; i+1 < len(header); i += 2 {
		ctx.Request.Header.Add(header[i], header[i+1])
	}
	o.handle(c, &ctx)
	var r fasthttp.Response
	ctx.Response.CopyTo(&r)
	return &r
}

func newCache(t testing.TB, p Policy, maxBytes int64) *Cache {
	t.Helper()
	s, err := NewStore(maxBytes)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(s, p)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func expect(t *testing.T, r *fasthttp.Response, status int, body, xcache string) {
	t.Helper()
	if r.StatusCode() != status || string(r.Body()) != body || string(r.Header.Peek("X-Cache")) != xcache {
		t.Fatalf("got %d %q X-Cache %q, want %d %q %q", r.StatusCode(), r.Body(), r.Header.Peek("X-Cache"), status, body, xcache)
	}
}

func TestHitMissAndTTL(t *testing.T) {
	c := newCache(t, Policy{TTL: 150 * time.Millisecond, QueryAll: true}, 0)
	o := &origin{}
	expect(t, o.get(c, "GET", "/pets?a=1&b=2"), 200, "body-1", "miss")
	r := o.get(c, "GET", "/pets?b=2&a=1") // the same query in another order
	expect(t, r, 200, "body-1", "hit")
	if string(r.Header.Peek("Age")) != "0" {
		t.Fatalf("Age %q, want 0", r.Header.Peek("Age"))
	}
	expect(t, o.get(c, "HEAD", "/pets?a=1&b=2"), 200, "body-1", "hit")
	expect(t, o.get(c, "GET", "/pets?a=1&b=3"), 200, "body-2", "miss")
	expect(t, o.get(c, "GET", "/other"), 200, "body-3", "miss")
	time.Sleep(200 * time.Millisecond)
	expect(t, o.get(c, "GET", "/pets?a=1&b=2"), 200, "body-4", "miss")
	// The client may ask for a fresh answer, which then replaces the entry.
	expect(t, o.get(c, "GET", "/pets?a=1&b=2", "Cache-Control", "no-cache"), 200, "body-5", "miss")
	expect(t, o.get(c, "GET", "/pets?a=1&b=2"), 200, "body-5", "hit")
	// POST is never cached.
	expect(t, o.get(c, "POST", "/pets?a=1&b=2"), 200, "body-6", "")
}

func TestQuerySubset(t *testing.T) {
	c := newCache(t, Policy{TTL: time.Minute, Query: []string{"page"}}, 0)
	o := &origin{}
	expect(t, o.get(c, "GET", "/pets?page=1&utm=a"), 200, "body-1", "miss")
	expect(t, o.get(c, "GET", "/pets?utm=b&page=1"), 200, "body-1", "hit")
	expect(t, o.get(c, "GET", "/pets?page=2"), 200, "body-2", "miss")
}

// What the upstream says about storing wins, and some answers are never
// stored.
func TestNotStored(t *testing.T) {
	for _, tt := range []struct {
		name   string
		answer func(ctx *fasthttp.RequestCtx)
	}{
		{"no-store", func(ctx *fasthttp.RequestCtx) { ctx.Response.Header.Set("Cache-Control", "no-store") }},
		{"private", func(ctx *fasthttp.RequestCtx) { ctx.Response.Header.Set("Cache-Control", "private, max-age=60") }},
		{"no-cache", func(ctx *fasthttp.RequestCtx) { ctx.Response.Header.Set("Cache-Control", "no-cache") }},
		{"max-age=0", func(ctx *fasthttp.RequestCtx) { ctx.Response.Header.Set("Cache-Control", "max-age=0") }},
		{"set-cookie", func(ctx *fasthttp.RequestCtx) { ctx.Response.Header.Set("Set-Cookie", "s=1") }},
		{"vary not in key", func(ctx *fasthttp.RequestCtx) { ctx.Response.Header.Set("Vary", "Accept-Language") }},
		{"vary *", func(ctx *fasthttp.RequestCtx) { ctx.Response.Header.Set("Vary", "*") }},
		{"201", func(ctx *fasthttp.RequestCtx) { ctx.SetStatusCode(201) }},
		{"500", func(ctx *fasthttp.RequestCtx) { ctx.SetStatusCode(500) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := newCache(t, Policy{TTL: time.Minute, Vary: []string{"Accept"}}, 0)
			o := &origin{answer: func(ctx *fasthttp.RequestCtx) {
				ctx.SetBodyString("x")
				tt.answer(ctx)
			}}
			o.get(c, "GET", "/p")
			o.get(c, "GET", "/p")
			if n := o.calls.Load(); n != 2 {
				t.Fatalf("%d upstream calls for two requests, want 2: the answer was stored", n)
			}
		})
	}
}

func TestUpstreamFreshness(t *testing.T) {
	c := newCache(t, Policy{TTL: time.Hour}, 0)
	o := &origin{answer: func(ctx *fasthttp.RequestCtx) {
		ctx.Response.Header.Set("Cache-Control", "public, max-age=60, s-maxage=0")
		ctx.SetBodyString("x")
	}}
	o.get(c, "GET", "/p")
	o.get(c, "GET", "/p")
	if n := o.calls.Load(); n != 2 {
		t.Fatalf("s-maxage=0 wins over max-age and the TTL: %d calls, want 2", n)
	}
	c2 := newCache(t, Policy{}, 0) // no TTL: only what the upstream says
	o2 := &origin{answer: func(ctx *fasthttp.RequestCtx) {
		ctx.Response.Header.Set("Cache-Control", "max-age=60")
		ctx.SetBodyString("x")
	}}
	o2.get(c2, "GET", "/p")
	expect(t, o2.get(c2, "GET", "/p"), 200, "x", "hit")
}

func TestVary(t *testing.T) {
	c := newCache(t, Policy{TTL: time.Minute, Vary: []string{"Accept"}}, 0)
	o := &origin{answer: func(ctx *fasthttp.RequestCtx) {
		ctx.Response.Header.Set("Vary", "accept")
		ctx.SetBodyString("for " + string(ctx.Request.Header.Peek("Accept")))
	}}
	expect(t, o.get(c, "GET", "/p", "Accept", "text/csv"), 200, "for text/csv", "miss")
	expect(t, o.get(c, "GET", "/p", "Accept", "application/json"), 200, "for application/json", "miss")
	expect(t, o.get(c, "GET", "/p", "Accept", "text/csv"), 200, "for text/csv", "hit")
}

func TestConditional(t *testing.T) {
	c := newCache(t, Policy{TTL: time.Minute}, 0)
	o := &origin{answer: func(ctx *fasthttp.RequestCtx) {
		ctx.Response.Header.Set("ETag", `"v1"`)
		ctx.Response.Header.Set("Last-Modified", "Mon, 07 Dec 2026 08:00:00 GMT")
		ctx.Response.Header.Set("Content-Type", "text/plain")
		ctx.SetBodyString("x")
	}}
	o.get(c, "GET", "/p")
	for _, tt := range []struct {
		header []string
		status int
	}{
		{[]string{"If-None-Match", `"v1"`}, 304},
		{[]string{"If-None-Match", `W/"v1"`}, 304},
		{[]string{"If-None-Match", `"v0", "v1"`}, 304},
		{[]string{"If-None-Match", `*`}, 304},
		{[]string{"If-None-Match", `"v2"`}, 200},
		{[]string{"If-Modified-Since", "Mon, 07 Dec 2026 09:00:00 GMT"}, 304},
		{[]string{"If-Modified-Since", "Mon, 07 Dec 2026 07:00:00 GMT"}, 200},
		// If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
		{[]string{"If-None-Match", `"v2"`, "If-Modified-Since", "Mon, 07 Dec 2026 09:00:00 GMT"}, 200},
	} {
		r := o.get(c, "GET", "/p", tt.header...)
		if r.StatusCode() != tt.status {
			t.Errorf("%v: status %d, want %d", tt.header, r.StatusCode(), tt.status)
		}
		if tt.status == 304 && (len(r.Body()) != 0 || string(r.Header.Peek("ETag")) != `"v1"` || len(r.Header.Peek("Content-Type")) != 0 && string(r.Header.Peek("Content-Type")) == "text/plain") {
			t.Errorf("%v: 304 with body %q, ETag %q, Content-Type %q", tt.header, r.Body(), r.Header.Peek("ETag"), r.Header.Peek("Content-Type"))
		}
	}
	if n := o.calls.Load(); n != 1 {
		t.Fatalf("%d upstream calls, want 1", n)
	}
}

// TestConditionalStar: If-None-Match: * is answered 304 from a stored
// answer that has no ETag (it matched only one with an ETag, and the
// request got the whole answer).
func TestConditionalStar(t *testing.T) {
	c := newCache(t, Policy{TTL: time.Minute}, 0)
	o := &origin{answer: func(ctx *fasthttp.RequestCtx) { ctx.SetBodyString("x") }}
	o.get(c, "GET", "/p")
	if r := o.get(c, "GET", "/p", "If-None-Match", " * "); r.StatusCode() != 304 || len(r.Body()) != 0 {
		t.Fatalf("status %d, body %q; want 304 and none", r.StatusCode(), r.Body())
	}
	if r := o.get(c, "GET", "/p", "If-None-Match", `"v1"`); r.StatusCode() != 200 {
		t.Fatalf("an ETag against an answer without one: status %d, want 200", r.StatusCode())
	}
}

// A request with credentials is not served from, or stored in, a cache
// that does not key by consumer; one that does keeps consumers apart.
func TestAuthenticated(t *testing.T) {
	c := newCache(t, Policy{TTL: time.Minute}, 0)
	o := &origin{}
	o.get(c, "GET", "/p")
	expect(t, o.get(c, "GET", "/p", "Authorization", "Bearer x"), 200, "body-2", "")
	expect(t, o.get(c, "GET", "/p", "X-Test-Consumer", "ann"), 200, "body-3", "")
	expect(t, o.get(c, "GET", "/p"), 200, "body-1", "hit")

	pc := newCache(t, Policy{TTL: time.Minute, PerConsumer: true}, 0)
	o = &origin{}
	expect(t, o.get(pc, "GET", "/p", "X-Test-Consumer", "ann"), 200, "body-1", "miss")
	expect(t, o.get(pc, "GET", "/p", "X-Test-Consumer", "bob"), 200, "body-2", "miss")
	expect(t, o.get(pc, "GET", "/p", "X-Test-Consumer", "ann"), 200, "body-1", "hit")
	expect(t, o.get(pc, "GET", "/p", "X-Test-Consumer", "bob"), 200, "body-2", "hit")
	expect(t, o.get(pc, "GET", "/p"), 200, "body-3", "miss")
}

// 1,000 concurrent misses for one key make one upstream call.
func TestCoalescing(t *testing.T) {
	c := newCache(t, Policy{TTL: time.Minute, Wait: 5 * time.Second}, 0)
	o := &origin{delay: 200 * time.Millisecond}
	var wg sync.WaitGroup
	var wrong atomic.Int64
	for range 1000 {
		wg.Go(func() {
			if r := o.get(c, "GET", "/hot"); string(r.Body()) != "body-1" {
				wrong.Add(1)
			}
		})
	}
	wg.Wait()
	if n := o.calls.Load(); n != 1 {
		t.Fatalf("%d upstream calls for 1000 concurrent misses, want 1", n)
	}
	if wrong.Load() != 0 {
		t.Fatalf("%d requests got another answer", wrong.Load())
	}
}

// When the leader's answer cannot be stored, the waiting requests go to
// the upstream themselves.
func TestCoalescingUnstorable(t *testing.T) {
	c := newCache(t, Policy{TTL: time.Minute, Wait: 5 * time.Second}, 0)
	o := &origin{delay: 50 * time.Millisecond, answer: func(ctx *fasthttp.RequestCtx) {
		ctx.Response.Header.Set("Cache-Control", "no-store")
		ctx.SetBodyString("x")
	}}
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() { o.get(c, "GET", "/p") })
	}
	wg.Wait()
	if n := o.calls.Load(); n < 2 {
		t.Fatalf("%d upstream calls: waiting requests were not sent on", n)
	}
}

func TestStale(t *testing.T) {
	c := newCache(t, Policy{TTL: 50 * time.Millisecond, StaleIfError: time.Minute}, 0)
	o := &origin{}
	o.get(c, "GET", "/p")
	time.Sleep(60 * time.Millisecond)
	o.fail.Store(true)
	expect(t, o.get(c, "GET", "/p"), 200, "body-1", "stale")
	o.fail.Store(false)
	expect(t, o.get(c, "GET", "/p"), 200, "body-3", "miss")

	// stale-while-revalidate: while one request refreshes, the others are
	// answered from the stale copy at once.
	c = newCache(t, Policy{TTL: 50 * time.Millisecond, StaleWhileRevalidate: time.Minute}, 0)
	o = &origin{}
	o.get(c, "GET", "/p")
	time.Sleep(60 * time.Millisecond)
	o.delay = 200 * time.Millisecond
	done := make(chan *fasthttp.Response)
	go func() { done <- o.get(c, "GET", "/p") }()
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	expect(t, o.get(c, "GET", "/p"), 200, "body-1", "stale")
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Fatalf("the stale answer took %v", d)
	}
	expect(t, <-done, 200, "body-2", "miss")
	o.delay = 0
	expect(t, o.get(c, "GET", "/p"), 200, "body-2", "hit")

	// must-revalidate forbids both.
	c = newCache(t, Policy{TTL: 50 * time.Millisecond, StaleIfError: time.Minute}, 0)
	o = &origin{answer: func(ctx *fasthttp.RequestCtx) {
		ctx.Response.Header.Set("Cache-Control", "max-age=0, must-revalidate")
		ctx.SetBodyString("x")
	}}
	o.get(c, "GET", "/p")
	o.fail.Store(true)
	if r := o.get(c, "GET", "/p"); r.StatusCode() != http.StatusBadGateway {
		t.Fatalf("must-revalidate: %d, want the 502", r.StatusCode())
	}
}

// The store holds its byte budget: 4,000 answers of 4 KiB through a
// 1 MiB store.
func TestBudget(t *testing.T) {
	const budget = 1 << 20
	c := newCache(t, Policy{TTL: time.Minute}, budget)
	body := strings.Repeat("x", 4096)
	o := &origin{answer: func(ctx *fasthttp.RequestCtx) { ctx.SetBodyString(body) }}
	for i := range 4000 {
		o.get(c, "GET", fmt.Sprint("/p/", i))
	}
	time.Sleep(50 * time.Millisecond) // the store applies evictions in batches
	o.get(c, "GET", "/p/x")
	if n := c.s.Bytes(); n > budget {
		t.Fatalf("store holds %d bytes, budget %d", n, budget)
	}
	big := newCache(t, Policy{TTL: time.Minute}, 64<<10)
	o = &origin{answer: func(ctx *fasthttp.RequestCtx) { ctx.SetBodyString(strings.Repeat("y", 16<<10)) }}
	o.get(big, "GET", "/big")
	o.get(big, "GET", "/big")
	if o.calls.Load() != 2 {
		t.Fatal("an answer over an eighth of the budget was stored")
	}
}

func BenchmarkHit(b *testing.B) {
	c := newCache(b, Policy{TTL: time.Hour, QueryAll: true, Vary: []string{"Accept"}}, 0)
	o := &origin{answer: func(ctx *fasthttp.RequestCtx) {
		ctx.Response.Header.Set("Content-Type", "application/json")
		ctx.Response.Header.Set("ETag", `"abc"`)
		ctx.SetBodyString(`{"id":1,"name":"Rex","status":"available"}`)
	}}
	o.get(c, "GET", "/pets/1?fields=name&b=2", "Accept", "application/json")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		var ctx fasthttp.RequestCtx
		ctx.Request.SetRequestURI("/pets/1?b=2&fields=name")
		ctx.Request.Header.Set("Accept", "application/json")
		for pb.Next() {
			ctx.Response.Reset()
			st := request.Acquire()
			if _, done := c.Lookup(&ctx, st); !done {
				b.Fatal("miss")
			}
			request.Release(st)
		}
	})
}

// TestInvalidate: once Invalidate has run, no answer stored before it is
// served; answers stored after it are.
func TestInvalidate(t *testing.T) {
	c := newCache(t, Policy{TTL: time.Minute, StaleIfError: time.Minute}, 0)
	o := &origin{}
	expect(t, o.get(c, "GET", "/p"), 200, "body-1", "miss")
	expect(t, o.get(c, "GET", "/p"), 200, "body-1", "hit")
	c.Invalidate()
	expect(t, o.get(c, "GET", "/p"), 200, "body-2", "miss")
	expect(t, o.get(c, "GET", "/p"), 200, "body-2", "hit")
	var none *Cache
	none.Invalidate() // mock mode: no cache, nothing to do
}

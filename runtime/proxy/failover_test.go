package proxy

import (
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/balance"
)

// backend is a fasthttp server on 127.0.0.1 that counts its calls and
// answers with whatever status holds (200 when 0).
type backend struct {
	addr   string
	calls  atomic.Int64
	status atomic.Int64
	health atomic.Int64 // status of /healthz, 200 when 0
}

func startBackend(t *testing.T) *backend {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &backend{addr: ln.Addr().String()}
	srv := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		if string(ctx.Path()) == "/healthz" {
			ctx.SetStatusCode(orOK(b.health.Load()))
			return
		}
		b.calls.Add(1)
		ctx.SetStatusCode(orOK(b.status.Load()))
		ctx.SetBodyString(b.addr)
	}}
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	t.Cleanup(func() { srv.Shutdown(); <-done })
	return b
}

func orOK(s int64) int {
	if s == 0 {
		return 200
	}
	return int(s)
}

func (b *backend) url() string { return "http://" + b.addr }

// deadAddr returns an address on 127.0.0.1 that refuses connections.
func deadAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

func upstreamOf(t *testing.T, cfg UpstreamConfig, urls ...string) *Upstream {
	t.Helper()
	if cfg.Name == "" {
		cfg.Name = "pets"
	}
	for _, u := range urls {
		cfg.Targets = append(cfg.Targets, balance.Target{URL: u})
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 2 * time.Second
	}
	u, err := NewUpstream(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(u.Close)
	return u
}

// call sends method to the gateway and returns the status.
func call(t *testing.T, gw, method string, header ...string) int {
	t.Helper()
	raw := method + " /r HTTP/1.1\r\nHost: gw\r\nContent-Length: 0\r\n"
	for _, h := range header {
		raw += h + "\r\n"
	}
	return do(t, gw, raw+"\r\n").StatusCode()
}

// A target that refuses connections received nothing, so any method is
// retried on another target; passive ejection then takes it out.
func TestRetryConnectError(t *testing.T) {
	live := startBackend(t)
	u := upstreamOf(t, UpstreamConfig{Balance: balance.RoundRobin, Retries: Retries{Attempts: 1}, // the default floor lets the first calls retry
		Passive: balance.Passive{ConsecutiveFailures: 2, Eject: time.Minute}}, deadAddr(t), live.url())
	gw := startGateway(t, u, "", 0)
	for i := range 10 {
		method := "GET"
		if i%2 == 1 {
			method = "POST"
		}
		if s := call(t, gw, method); s != 200 {
			t.Fatalf("%s #%d: status %d, want 200 (retried on the live target)", method, i, s)
		}
	}
	if !u.Pool().Ejected(0) {
		t.Fatal("the refusing target was not ejected")
	}
}

// A status in On is retried for idempotent methods only, and never on the
// same target twice.
func TestRetryStatus(t *testing.T) {
	a, b := startBackend(t), startBackend(t)
	a.status.Store(503)
	b.status.Store(503)
	u := upstreamOf(t, UpstreamConfig{Balance: balance.RoundRobin, Retries: Retries{Attempts: 5, On: []int{503}, MinPerSecond: 100}},
		a.url(), b.url())
	gw := startGateway(t, u, "", 0)
	if s := call(t, gw, "GET"); s != 503 {
		t.Fatalf("status %d, want the last 503", s)
	}
	if n := a.calls.Load() + b.calls.Load(); n != 2 {
		t.Fatalf("%d upstream calls for one GET with 5 retries over 2 targets, want 2 (never the same target twice)", n)
	}
	b.status.Store(0)
	a.calls.Store(0)
	b.calls.Store(0)
	for range 4 {
		if s := call(t, gw, "GET"); s != 200 {
			t.Fatalf("GET: status %d, want 200 from the healthy target", s)
		}
	}
	posts503 := 0
	for range 4 {
		if call(t, gw, "POST") == 503 {
			posts503++
		}
	}
	if posts503 != 2 {
		t.Fatalf("%d of 4 round-robin POSTs answered 503, want 2: a POST that got an answer is not retried", posts503)
	}
}

// With every call failing, the upstream sees at most 1 + budget times the
// client's calls.
func TestRetryBudget(t *testing.T) {
	a, b, c := startBackend(t), startBackend(t), startBackend(t)
	for _, x := range []*backend{a, b, c} {
		x.status.Store(502)
	}
	u := upstreamOf(t, UpstreamConfig{Retries: Retries{Attempts: 2, Budget: 0.2, MinPerSecond: -1, On: []int{502}}},
		a.url(), b.url(), c.url())
	gw := startGateway(t, u, "", 0)
	const n = 500
	for range n {
		call(t, gw, "GET")
	}
	got := a.calls.Load() + b.calls.Load() + c.calls.Load()
	if limit := int64(n*1.2) + 1; got > limit {
		t.Fatalf("%d upstream calls for %d client calls, budget 20%% allows %d", got, n, limit)
	}
	if got < n*1.15 {
		t.Fatalf("%d upstream calls for %d client calls: the budget was not spent (want about %d)", got, n, int(n*1.2))
	}
}

// When active probes find every target down, the gateway answers 503 at
// once without calling any; a target that passes again comes back.
func TestHealthAllDown(t *testing.T) {
	a, b := startBackend(t), startBackend(t)
	u := upstreamOf(t, UpstreamConfig{Health: Health{Path: "/healthz", Interval: 10 * time.Millisecond, Healthy: 2, Unhealthy: 2}},
		a.url(), b.url())
	gw := startGateway(t, u, "", 0)
	if s := call(t, gw, "GET"); s != 200 {
		t.Fatalf("status %d, want 200", s)
	}
	a.health.Store(500)
	b.health.Store(500)
	waitFor(t, func() bool { return !u.Pool().Up(0) && !u.Pool().Up(1) })
	before := a.calls.Load() + b.calls.Load()
	start := time.Now()
	if s := call(t, gw, "GET"); s != 503 {
		t.Fatalf("all down: status %d, want 503", s)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("all down: 503 took %v", d)
	}
	if after := a.calls.Load() + b.calls.Load(); after != before {
		t.Fatal("all down: a target was called")
	}
	b.health.Store(0)
	waitFor(t, func() bool { return u.Pool().Up(1) })
	if s := call(t, gw, "GET"); s != 200 {
		t.Fatalf("after recovery: status %d, want 200", s)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not met within 5s")
}

// The hash policy sends one key to one target, and different keys spread.
// The targets' ports are the system's choice, so which keys go where
// changes from run to run: with n keys a target gets none with chance
// about 3·(2/3)^n, 2 % for the 12 keys this took before, 1e-11 for 64.
func TestHashKey(t *testing.T) {
	bs := []*backend{startBackend(t), startBackend(t), startBackend(t)}
	u := upstreamOf(t, UpstreamConfig{Balance: balance.Hash, HashKey: KeySource{Kind: "header", Name: "X-User"}},
		bs[0].url(), bs[1].url(), bs[2].url())
	gw := startGateway(t, u, "", 0)
	used := 0
	for k := range 64 {
		var before [3]int64
		for i, b := range bs {
			before[i] = b.calls.Load()
		}
		for range 3 {
			call(t, gw, "GET", fmt.Sprintf("X-User: user-%d", k))
		}
		for i, b := range bs {
			switch d := b.calls.Load() - before[i]; d {
			case 0:
			case 3:
				used |= 1 << i
			default:
				t.Fatalf("key user-%d: target %d got %d of its 3 calls", k, i, d)
			}
		}
	}
	if used != 7 {
		t.Fatalf("64 keys used targets %03b, want all three", used)
	}
}

func TestNewUpstreamRefusesHashKey(t *testing.T) {
	for _, k := range []KeySource{{Kind: "header"}, {Kind: "body", Name: "x"}} {
		if _, err := NewUpstream(UpstreamConfig{Name: "p", HashKey: k}); err == nil {
			t.Errorf("hash key %+v accepted", k)
		}
	}
}

// Targets replaced under traffic: no call fails, new calls go to the new
// targets, and a bad list keeps the old ones.
func TestSetTargets(t *testing.T) {
	a, b := startBackend(t), startBackend(t)
	u := upstreamOf(t, UpstreamConfig{Health: Health{Path: "/healthz", Interval: 10 * time.Millisecond}}, a.url())
	gw := startGateway(t, u, "", 0)
	stop := make(chan struct{})
	var failed atomic.Int64
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if call(t, gw, "GET") != 200 {
					failed.Add(1)
				}
			}
		})
	}
	time.Sleep(100 * time.Millisecond)
	if err := u.SetTargets([]balance.Target{{URL: b.url()}}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	before := a.calls.Load()
	time.Sleep(100 * time.Millisecond)
	close(stop)
	wg.Wait()
	if failed.Load() > 0 {
		t.Fatalf("%d calls failed across the swap", failed.Load())
	}
	if a.calls.Load() != before || b.calls.Load() == 0 {
		t.Fatalf("after the swap: old target got %d more calls, new one %d", a.calls.Load()-before, b.calls.Load())
	}
	if err := u.SetTargets([]balance.Target{{URL: "ftp://x"}}); err == nil {
		t.Fatal("a bad target list was accepted")
	}
	if got := u.Targets(); len(got) != 1 || got[0] != b.url() {
		t.Fatalf("targets after a refused reload: %v, want [%s]", got, b.url())
	}
}

// ForwardFor hashes the consumer the caller passes.
func TestHashConsumer(t *testing.T) {
	bs := []*backend{startBackend(t), startBackend(t), startBackend(t)}
	u := upstreamOf(t, UpstreamConfig{Balance: balance.Hash, HashKey: KeySource{Kind: "consumer"}}, bs[0].url(), bs[1].url(), bs[2].url())
	var ctx fasthttp.RequestCtx
	counts := map[string]map[int]bool{}
	for _, c := range []string{"ann", "bob", "cy", "dee", "eve"} {
		counts[c] = map[int]bool{}
		for range 4 {
			ctx.Request.Reset()
			ctx.Response.Reset()
			ctx.Request.SetRequestURI("http://gw/r")
			if !u.ForwardFor(&ctx, []byte("/r"), time.Second, c) {
				t.Fatalf("%s: %s", c, ctx.Response.Body())
			}
			for i, b := range bs {
				if string(ctx.Response.Body()) == b.addr {
					counts[c][i] = true
				}
			}
		}
		if len(counts[c]) != 1 {
			t.Fatalf("consumer %s went to targets %v, want one", c, counts[c])
		}
	}
}

// An upstream's cap on calls in flight answers 503 with Retry-After at
// once past it, and frees its slots as calls end.
func TestMaxInFlight(t *testing.T) {
	release := make(chan struct{})
	var entered atomic.Int64
	srv := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		entered.Add(1)
		<-release
	}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln) //nolint:errcheck // ends with Shutdown
	t.Cleanup(func() { _ = srv.Shutdown() })
	u := upstreamOf(t, UpstreamConfig{MaxInFlight: 2, Timeout: 5 * time.Second}, "http://"+ln.Addr().String())
	gw := startGateway(t, u, "", 0)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer close(release)
	for range 2 {
		wg.Go(func() {
			if c, err := net.Dial("tcp", gw); err == nil {
				fmt.Fprint(c, "GET /orig HTTP/1.1\r\nHost: gw\r\n\r\n")
				io.Copy(io.Discard, io.LimitReader(c, 1)) // until the answer starts
				c.Close()
			}
		})
	}
	waitFor(t, func() bool { return entered.Load() == 2 })
	start := time.Now()
	r := do(t, gw, "GET /orig HTTP/1.1\r\nHost: gw\r\n\r\n")
	if d := time.Since(start); d > time.Second {
		t.Fatalf("the third call waited %v", d)
	}
	decodeProblem(t, r, fasthttp.StatusServiceUnavailable, "upstream pets: serving its maximum of 2 requests at once; retry shortly")
	if string(r.Header.Peek("Retry-After")) != "1" {
		t.Fatalf("Retry-After %q", r.Header.Peek("Retry-After"))
	}
	if u.inFlight.Load() != 2 {
		t.Fatalf("%d calls in flight counted, want 2", u.inFlight.Load())
	}
}

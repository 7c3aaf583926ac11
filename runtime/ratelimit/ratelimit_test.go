package ratelimit

import (
	"encoding/json"
	"fmt"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// fakeClock is a settable clock for a Memory store.
type fakeClock struct{ ns atomic.Int64 }

func (c *fakeClock) now() int64          { return c.ns.Load() }
func (c *fakeClock) add(d time.Duration) { c.ns.Add(int64(d)) }
func newClock() *fakeClock               { c := &fakeClock{}; c.ns.Store(1e18); return c }

func check(l Limit, key string) Check {
	return Check{Key: []byte(key), Interval: l.interval(), Tolerance: l.tolerance()}
}

func TestGCRABurstThenRate(t *testing.T) {
	clock := newClock()
	m := NewMemory(0)
	l := Limit{Count: 10, Period: time.Second, Burst: 20}
	var got []string
	take := func() {
		cs := []Check{check(l, "k")}
		_ = m.Take(cs, clock.now())
		got = append(got, fmt.Sprintf("%v/%d/%v", cs[0].Allowed, cs[0].Remaining, cs[0].Wait))
	}
	for range 21 {
		take()
	}
	for i, want := range map[int]string{0: "true/19/0s", 19: "true/0/0s", 20: "false/0/100ms"} {
		if got[i] != want {
			t.Errorf("request %d: %s, want %s", i+1, got[i], want)
		}
	}
	clock.add(100 * time.Millisecond) // exactly the wait it was told
	take()
	if got[21] != "true/0/0s" {
		t.Errorf("after the wait: %s, want admitted", got[21])
	}
	clock.add(99 * time.Millisecond)
	take()
	if got[22] != "false/0/1ms" {
		t.Errorf("1ms early: %s, want refused for 1ms", got[22])
	}
	clock.add(time.Hour)
	take()
	if got[23] != "true/19/0s" {
		t.Errorf("after an hour idle: %s, want a whole burst again", got[23])
	}
}

// TestMemoryAllOrNothing: a request a quota refuses does not spend the
// burst allowance of the operation's other limit.
func TestMemoryAllOrNothing(t *testing.T) {
	clock := newClock()
	m := NewMemory(0)
	burst := Limit{Count: 100, Period: time.Second}
	quota := Limit{Count: 2, Period: 24 * time.Hour}
	for i := range 5 {
		cs := []Check{check(burst, "b"), check(quota, "q")}
		_ = m.Take(cs, clock.now())
		if want := i < 2; cs[0].Allowed != true || cs[1].Allowed != want {
			t.Fatalf("request %d: burst %v quota %v, want true %v", i+1, cs[0].Allowed, cs[1].Allowed, want)
		}
		if i >= 2 && cs[0].Remaining != 98 {
			t.Errorf("request %d refused by the quota: burst remaining %d, want 98 (unspent)", i+1, cs[0].Remaining)
		}
	}
	cs := []Check{check(burst, "b")}
	_ = m.Take(cs, clock.now())
	if cs[0].Remaining != 97 {
		t.Errorf("burst remaining %d after two admitted requests and this one, want 97", cs[0].Remaining)
	}
}

// TestMemoryExactUnderConcurrency: with the clock stopped, exactly the
// burst is admitted however many goroutines race for one key (run with
// -race).
func TestMemoryExactUnderConcurrency(t *testing.T) {
	clock := newClock()
	m := NewMemory(0)
	l := Limit{Count: 500, Period: time.Second, Burst: 1000}
	var admitted atomic.Int64
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				cs := []Check{check(l, "shared"), check(l, "own"+strconv.Itoa(g))}
				cs[1].Tolerance = 1 << 62 // never refuses
				_ = m.Take(cs, clock.now())
				if cs[0].Allowed {
					admitted.Add(1)
				}
				_ = i
			}
		}()
	}
	wg.Wait()
	if n := admitted.Load(); n != 1000 {
		t.Fatalf("%d admitted, want exactly the burst of 1000", n)
	}
}

// TestMemoryBounded fills a store with a million distinct client addresses
// and checks that it holds no more keys than its bound, reporting the heap
// it takes.
func TestMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("a million keys; skipped in -short mode")
	}
	const maxKeys = 100_000
	clock := newClock()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m := NewMemory(maxKeys)
	l := Limit{Count: 10, Period: time.Second}
	cs := []Check{check(l, "")}
	key := make([]byte, 0, 64)
	for i := range 1_000_000 {
		key = strconv.AppendInt(append(key[:0], "ip=10."...), int64(i), 10)
		cs[0].Key = key
		_ = m.Take(cs, clock.now())
		if !cs[0].Allowed {
			t.Fatalf("key %d refused on its first request", i)
		}
		if i%1000 == 0 {
			clock.add(time.Millisecond) // keys go idle as time passes
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	n := m.Len()
	if n > maxKeys {
		t.Fatalf("%d keys held after 1,000,000 distinct ones, bound %d", n, maxKeys)
	}
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("1,000,000 distinct keys, bound %d: %d held, heap %.1f MiB (%.0f B per key held)", maxKeys, n, float64(heap)/(1<<20), float64(heap)/float64(n))
	if heap > 64<<20 {
		t.Errorf("heap grew by %d MiB for %d keys", heap>>20, n)
	}
	runtime.KeepAlive(m)
}

// TestMemoryDefaultBound reports the heap of a store at its default bound.
func TestMemoryDefaultBound(t *testing.T) {
	if testing.Short() {
		t.Skip("a million keys; skipped in -short mode")
	}
	clock := newClock()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m := NewMemory(0)
	cs := []Check{check(Limit{Count: 1, Period: time.Hour}, "")}
	key := make([]byte, 0, 64)
	for i := range 2 * DefaultMaxKeys {
		key = strconv.AppendInt(append(key[:0], "k"...), int64(i), 10)
		cs[0].Key = key
		_ = m.Take(cs, clock.now())
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	if n := m.Len(); n > DefaultMaxKeys {
		t.Fatalf("%d keys held, bound %d", n, DefaultMaxKeys)
	}
	t.Logf("%d distinct keys into the default bound: %d held, heap %.1f MiB", 2*DefaultMaxKeys, m.Len(), float64(heap)/(1<<20))
	runtime.KeepAlive(m)
}

// newCtx is a request from peer with the given header lines.
func newCtx(peer string, headers ...string) *fasthttp.RequestCtx {
	var req fasthttp.Request
	req.SetRequestURI("/v1/pets")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	ctx := &fasthttp.RequestCtx{}
	host, port, _ := net.SplitHostPort(peer)
	p, _ := strconv.Atoi(port)
	ctx.Init(&req, &net.TCPAddr{IP: net.ParseIP(host), Port: p}, nil)
	return ctx
}

func TestClientIP(t *testing.T) {
	xff, err := ParseProxies([]string{"10.0.0.0/8", "192.0.2.7", "2001:db8::/32"}, "")
	if err != nil {
		t.Fatal(err)
	}
	fwd, err := ParseProxies([]string{"10.0.0.0/8"}, "forwarded")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		p       *Proxies
		peer    string
		headers []string
		want    string
	}{
		{"no proxies: the peer", nil, "203.0.113.5:1000", []string{"X-Forwarded-For", "1.1.1.1"}, "203.0.113.5"},
		{"untrusted peer: its header ignored", xff, "203.0.113.5:1000", []string{"X-Forwarded-For", "1.1.1.1"}, "203.0.113.5"},
		{"trusted peer: the forwarded client", xff, "10.1.2.3:1000", []string{"X-Forwarded-For", "198.51.100.9"}, "198.51.100.9"},
		{"right-most untrusted, a spoofed left entry ignored", xff, "10.1.2.3:1000", []string{"X-Forwarded-For", "6.6.6.6, 198.51.100.9, 10.9.9.9"}, "198.51.100.9"},
		{"several lines: the last is right-most", xff, "10.1.2.3:1000", []string{"X-Forwarded-For", "6.6.6.6", "X-Forwarded-For", "198.51.100.9, 192.0.2.7"}, "198.51.100.9"},
		{"every entry trusted: the left-most", xff, "10.1.2.3:1000", []string{"X-Forwarded-For", "10.0.0.1, 10.0.0.2"}, "10.0.0.1"},
		{"no header from a trusted peer: the peer", xff, "10.1.2.3:1000", nil, "10.1.2.3"},
		{"garbage stops the walk at the proxy", xff, "10.1.2.3:1000", []string{"X-Forwarded-For", "198.51.100.9, nonsense"}, "10.1.2.3"},
		{"entry with a port", xff, "10.1.2.3:1000", []string{"X-Forwarded-For", "198.51.100.9:4711"}, "198.51.100.9"},
		{"IPv6 entry bracketed with port", xff, "10.1.2.3:1000", []string{"X-Forwarded-For", "[2001:db9::1]:4711"}, "2001:db9::1"},
		{"IPv4-mapped entry", xff, "10.1.2.3:1000", []string{"X-Forwarded-For", "::ffff:198.51.100.9"}, "198.51.100.9"},
		{"IPv6 trusted peer", xff, "[2001:db8::5]:1000", []string{"X-Forwarded-For", "198.51.100.9"}, "198.51.100.9"},
		{"empty elements skipped", xff, "10.1.2.3:1000", []string{"X-Forwarded-For", "198.51.100.9,, "}, "198.51.100.9"},
		{"xff proxies ignore Forwarded", xff, "10.1.2.3:1000", []string{"Forwarded", "for=6.6.6.6"}, "10.1.2.3"},
		{"Forwarded: for of the right-most element", fwd, "10.1.2.3:1000", []string{"Forwarded", "for=6.6.6.6, for=198.51.100.9;proto=https", "X-Forwarded-For", "7.7.7.7"}, "198.51.100.9"},
		{"Forwarded: quoted IPv6 with port", fwd, "10.1.2.3:1000", []string{"Forwarded", `For="[2001:db9::1]:4711"`}, "2001:db9::1"},
		{"Forwarded: unknown stops at the proxy", fwd, "10.1.2.3:1000", []string{"Forwarded", "for=198.51.100.9, for=unknown"}, "10.1.2.3"},
		{"Forwarded: obfuscated stops at the proxy", fwd, "10.1.2.3:1000", []string{"Forwarded", "for=_hidden"}, "10.1.2.3"},
		{"Forwarded: element without for stops at the proxy", fwd, "10.1.2.3:1000", []string{"Forwarded", "for=198.51.100.9, proto=http"}, "10.1.2.3"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := c.p.ClientIP(newCtx(c.peer, c.headers...))
			if got.String() != c.want {
				t.Errorf("client %s, want %s", got, c.want)
			}
		})
	}
}

func TestParseProxiesErrors(t *testing.T) {
	for _, c := range []struct {
		cidrs  []string
		header string
		want   string
	}{
		{[]string{"10.0.0.0/33"}, "", `trusted proxy "10.0.0.0/33"`},
		{[]string{"example.com"}, "", `trusted proxy "example.com"`},
		{nil, "x-real-ip", `client address header "x-real-ip"`},
	} {
		_, err := ParseProxies(c.cidrs, c.header)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseProxies(%v, %q): %v, want an error naming %s", c.cidrs, c.header, err, c.want)
		}
	}
}

// TestAdmitAnswers drives Op.Admit: the headers on an admitted request, the
// 429 problem with an honest Retry-After, and keys by consumer and header.
func TestAdmitAnswers(t *testing.T) {
	clock := newClock()
	stores := &Stores{Memory: NewMemory(0)}
	op, err := NewOp(Policy{Gateway: "petstore", Op: "listPets", Limits: []Limit{
		{Name: "burst", Count: 1, Period: 2 * time.Second, Burst: 2, Key: []KeyPart{{Kind: ClientIP}}},
		{Name: "daily", Count: 1000, Period: 24 * time.Hour, Key: []KeyPart{{Kind: Consumer}, {Kind: Header, Name: "X-Tenant"}}},
	}}, stores)
	if err != nil {
		t.Fatal(err)
	}
	op.now = clock.now
	ctx := newCtx("203.0.113.5:1000")
	if !op.Admit(ctx, "") {
		t.Fatal("first request refused")
	}
	if got := string(ctx.Response.Header.Peek("RateLimit-Policy")); got != `"burst";q=1;w=2, "daily";q=1000;w=86400` {
		t.Errorf("RateLimit-Policy %q", got)
	}
	if got := string(ctx.Response.Header.Peek("RateLimit")); got != `"burst";r=1;t=2, "daily";r=999;t=87` {
		t.Errorf("RateLimit %q", got)
	}
	ctx = newCtx("203.0.113.5:1000")
	op.Admit(ctx, "")
	ctx = newCtx("203.0.113.5:1000")
	if op.Admit(ctx, "") {
		t.Fatal("third request within the burst of 2 admitted")
	}
	if ctx.Response.StatusCode() != 429 || string(ctx.Response.Header.ContentType()) != "application/problem+json" {
		t.Fatalf("refusal: %d %s", ctx.Response.StatusCode(), ctx.Response.Header.ContentType())
	}
	var p map[string]any
	if err := json.Unmarshal(ctx.Response.Body(), &p); err != nil {
		t.Fatalf("429 body: %v\n%s", err, ctx.Response.Body())
	}
	if p["status"] != float64(429) || p["title"] != "Too Many Requests" || !strings.Contains(p["detail"].(string), `"burst"`) {
		t.Errorf("429 problem %s", ctx.Response.Body())
	}
	ra, err := strconv.Atoi(string(ctx.Response.Header.Peek("Retry-After")))
	if err != nil || ra != 2 {
		t.Fatalf("Retry-After %q, want 2", ctx.Response.Header.Peek("Retry-After"))
	}
	if got := string(ctx.Response.Header.Peek("RateLimit")); !strings.HasPrefix(got, `"burst";r=0;`) {
		t.Errorf("RateLimit on the 429 %q", got)
	}
	clock.add(time.Duration(ra)*time.Second - time.Millisecond)
	if op.Admit(newCtx("203.0.113.5:1000"), "") {
		t.Fatal("admitted before Retry-After passed (the wait would be dishonest the other way)")
	}
	clock.add(time.Millisecond)
	if !op.Admit(newCtx("203.0.113.5:1000"), "") {
		t.Fatal("refused after waiting Retry-After")
	}
	if !op.Admit(newCtx("203.0.113.6:1000"), "") {
		t.Fatal("another address refused: keys are per client")
	}

	// Keys: the daily quota is per consumer and tenant.
	keys := func(consumer string, headers ...string) string {
		s := scratchPool.Get().(*scratch)
		defer scratchPool.Put(s)
		ctx := newCtx("203.0.113.5:1000", headers...)
		return string(op.appendKey(nil, 1, ctx, Peer(ctx), consumer, nil))
	}
	for _, c := range []struct{ consumer, tenant, want string }{
		{"alice", "acme", "gatewaygen:rl:petstore:listPets:daily:c=5:alice|h=4:acme"},
		{"", "acme", "gatewaygen:rl:petstore:listPets:daily:ip=203.0.113.5|h=4:acme"},
		{"alice", "", "gatewaygen:rl:petstore:listPets:daily:c=5:alice|ip=203.0.113.5"},
		{"a|h=1:x", "y", "gatewaygen:rl:petstore:listPets:daily:c=7:a|h=1:x|h=1:y"},
		{"bob", strings.Repeat("t", 65), "gatewaygen:rl:petstore:listPets:daily:c=3:bob|h=sha256:"},
	} {
		var hs []string
		if c.tenant != "" {
			hs = []string{"X-Tenant", c.tenant}
		}
		if got := keys(c.consumer, hs...); !strings.HasPrefix(got, c.want) {
			t.Errorf("key of %q/%q: %s, want %s", c.consumer, c.tenant, got, c.want)
		}
	}
}

func TestNewOpErrors(t *testing.T) {
	stores := &Stores{Memory: NewMemory(16)}
	for _, c := range []struct {
		p    Policy
		want string
	}{
		{Policy{Op: "a"}, "0 limits"},
		{Policy{Op: "a", Limits: []Limit{{Name: "x", Count: 0, Period: time.Second, Key: []KeyPart{{Kind: ClientIP}}}}}, `limit "x"`},
		{Policy{Op: "a", Limits: []Limit{{Name: "x", Count: 1, Period: time.Second, Key: []KeyPart{{Kind: ClientIP}}, Shared: true}}}, "--redis"},
	} {
		if _, err := NewOp(c.p, stores); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewOp(%+v): %v, want an error naming %s", c.p, err, c.want)
		}
	}
}

func TestInFlight(t *testing.T) {
	var f InFlight
	f.SetMax(2)
	ctx := newCtx("203.0.113.5:1000")
	if !f.Acquire(ctx) || !f.Acquire(ctx) {
		t.Fatal("refused within the cap")
	}
	if f.Acquire(ctx) {
		t.Fatal("admitted past the cap")
	}
	if ctx.Response.StatusCode() != 503 || string(ctx.Response.Header.Peek("Retry-After")) != "1" ||
		!strings.Contains(string(ctx.Response.Body()), "maximum of 2 requests at once") {
		t.Errorf("refusal %d %q %s", ctx.Response.StatusCode(), ctx.Response.Header.Peek("Retry-After"), ctx.Response.Body())
	}
	f.Release()
	if !f.Acquire(newCtx("203.0.113.5:1000")) {
		t.Fatal("refused after a release")
	}
	// Under contention the count never passes the cap and returns to 0.
	var g InFlight
	g.SetMax(3)
	var peak, active atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newCtx("203.0.113.5:1000")
			for range 1000 {
				if g.Acquire(c) {
					n := active.Add(1)
					for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
					}
					active.Add(-1)
					g.Release()
				}
			}
		}()
	}
	wg.Wait()
	if peak.Load() > 3 || g.Len() != 0 {
		t.Errorf("peak %d (cap 3), %d left after all released", peak.Load(), g.Len())
	}
}

// TestAdmitWithoutServerTime: a RequestCtx made outside a server has no
// request time; a handler called in-process (the generated tests, the
// oracle) must still get the limit, not a refusal of the first request.
func TestAdmitWithoutServerTime(t *testing.T) {
	op, err := NewOp(Policy{Gateway: "petstore", Op: "listPets", Limits: []Limit{
		{Name: "burst", Count: 1, Period: time.Hour, Burst: 2, Key: []KeyPart{{Kind: ClientIP}}},
	}}, &Stores{Memory: NewMemory(0)})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{true, true, false} {
		var ctx fasthttp.RequestCtx // as a handler's test makes one: no Init
		ctx.Request.SetRequestURI("/v1/pets")
		if !ctx.Time().IsZero() {
			t.Fatal("the test needs a context without a request time")
		}
		if got := op.Admit(&ctx, ""); got != want {
			t.Fatalf("request %d admitted %v, want %v: %s", i+1, got, want, ctx.Response.Body())
		}
	}
}

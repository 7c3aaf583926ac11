package guard

import (
	"bytes"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/anomaly"
	"github.com/gatewaygen/gatewaygen/runtime/ratelimit"
)

// request returns a request context from ip, as the server would pass it.
func request(ip string, status int) *fasthttp.RequestCtx {
	var ctx fasthttp.RequestCtx
	ctx.Init(&fasthttp.Request{}, &net.TCPAddr{IP: net.ParseIP(ip), Port: 40000}, nil)
	ctx.Request.SetRequestURI("/items")
	ctx.Response.SetStatusCode(status)
	return &ctx
}

// TestGuardActs drives a guard through a credential-stuffing burst from one
// address and checks what each action does to that address afterwards, and
// that another address and a consumer are left alone.
func TestGuardActs(t *testing.T) {
	for _, c := range []struct {
		action     Action
		refused    bool
		tagged     bool
		logsJSONOf string
	}{
		{Log, false, false, `"signal":"key_auth_failures"`},
		{Header, false, true, `"signal":"key_auth_failures"`},
		{Block, true, false, `"signal":"key_auth_failures"`},
	} {
		var log bytes.Buffer
		g := New(Config{Gateway: "t", Ops: []string{"(none)", "listItems"}, Action: c.action, TTL: time.Minute, Capacity: 100,
			Detector: anomaly.Config{WarmUp: time.Nanosecond, KeyAuth: 5}, Log: &log})
		now := time.Now()
		g.det.Tick(now)
		g.det.Tick(now.Add(6 * time.Second)) // one closed bucket: warm
		for i := 0; i < 10; i++ {
			g.Observe(request("192.0.2.7", 401), 1, "", 0, false)
		}
		g.det.Tick(time.Now().Add(7 * time.Second))
		if !strings.Contains(log.String(), c.logsJSONOf) {
			t.Fatalf("action %d: log %q, want %s", c.action, log.String(), c.logsJSONOf)
		}
		bad := request("192.0.2.7", 0)
		if got := g.Refused(bad, ""); got != c.refused {
			t.Errorf("action %d: refused %v, want %v", c.action, got, c.refused)
		}
		if c.refused && (bad.Response.StatusCode() != 403 || !strings.HasPrefix(string(bad.Response.Header.ContentType()), "application/problem+json")) {
			t.Errorf("action %d: refusal %d %s", c.action, bad.Response.StatusCode(), bad.Response.Header.ContentType())
		}
		if got := string(bad.Request.Header.Peek(HeaderName)) == "1"; got != c.tagged {
			t.Errorf("action %d: tagged %v, want %v", c.action, got, c.tagged)
		}
		other := request("192.0.2.8", 0)
		other.Request.Header.Set(HeaderName, "forged")
		if g.Refused(other, "") {
			t.Errorf("action %d: another address is refused", c.action)
		}
		if forged := len(other.Request.Header.Peek(HeaderName)) > 0; forged == (c.action == Header) {
			t.Errorf("action %d: a client's own %s kept: %v", c.action, HeaderName, forged)
		}
		if g.Refused(bad, "alice") && c.action == Block {
			t.Errorf("action %d: a consumer is refused for its address's event", c.action)
		}
		list := request("127.0.0.1", 200)
		g.ServeEvents(list)
		var got struct {
			Events []struct{ Signal, Operation string } `json:"events"`
		}
		if err := json.Unmarshal(list.Response.Body(), &got); err != nil || len(got.Events) != 1 || got.Events[0].Signal != "key_auth_failures" {
			t.Errorf("action %d: listing %s (%v)", c.action, list.Response.Body(), err)
		}
		g.Close()
	}
}

func TestClientKey(t *testing.T) {
	g := New(Config{Gateway: "t", Ops: []string{"(none)"}})
	defer g.Close()
	proxies, err := ratelimit.ParseProxies([]string{"10.0.0.0/8"}, "")
	if err != nil {
		t.Fatal(err)
	}
	behind := New(Config{Gateway: "t", Ops: []string{"(none)"}, Proxies: proxies})
	defer behind.Close()
	a, b := request("192.0.2.7", 0), request("192.0.2.8", 0)
	for _, c := range []struct {
		name string
		x, y uint64
		same bool
	}{
		{"one address", g.ClientKey(a, ""), g.ClientKey(request("192.0.2.7", 0), ""), true},
		{"two addresses", g.ClientKey(a, ""), g.ClientKey(b, ""), false},
		{"a consumer is not its address", g.ClientKey(a, "alice"), g.ClientKey(a, ""), false},
		{"a consumer from two addresses", g.ClientKey(a, "alice"), g.ClientKey(b, "alice"), true},
		// One proxy forwarding for two clients: two keys, each the one the
		// client would have had connecting directly.
		{"two clients behind a trusted proxy", behind.ClientKey(forwarded("10.1.2.3", "192.0.2.7"), ""),
			behind.ClientKey(forwarded("10.1.2.3", "192.0.2.8"), ""), false},
		{"a forwarded client is its address", behind.ClientKey(forwarded("10.1.2.3", "192.0.2.7"), ""), g.ClientKey(a, ""), true},
		{"two proxies for one client", behind.ClientKey(forwarded("10.1.2.3", "192.0.2.7"), ""),
			behind.ClientKey(forwarded("10.9.9.9", "192.0.2.7"), ""), true},
		// A peer that is not a trusted proxy is the client, whatever it
		// claims to forward for.
		{"an untrusted peer's header is ignored", g.ClientKey(forwarded("192.0.2.9", "192.0.2.7"), ""),
			g.ClientKey(request("192.0.2.9", 0), ""), true},
	} {
		if (c.x == c.y) != c.same || c.x == 0 || c.y == 0 {
			t.Errorf("%s: %x and %x", c.name, c.x, c.y)
		}
	}
}

// forwarded returns a request from peer that says it forwards for client.
func forwarded(peer, client string) *fasthttp.RequestCtx {
	ctx := request(peer, 0)
	ctx.Request.Header.Set("X-Forwarded-For", client)
	return ctx
}

// TestThrottle drives a throttling guard on its own clock: an event holds
// its key to the throttle's rate (the excess answered 429 with the
// rate-limit stage's headers) while other clients pass untouched, and the
// throttle lifts by itself when the TTL is over.
func TestThrottle(t *testing.T) {
	proxies, err := ratelimit.ParseProxies([]string{"10.0.0.0/8"}, "")
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	// A rate of 2 a minute: the real clock the limiter reads cannot refill
	// the allowance while the test runs.
	g := New(Config{Gateway: "t", Ops: []string{"(none)", "listItems"}, Action: Throttle, TTL: time.Minute,
		Throttle: Rate{Count: 2, Period: time.Minute}, Proxies: proxies,
		Detector: anomaly.Config{WarmUp: time.Nanosecond, KeyRate: 20}, Log: &log})
	defer g.Close()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := t0
	g.now = func() time.Time { return clock }
	g.det.Tick(t0)
	g.det.Tick(t0.Add(6 * time.Second))
	for i := 0; i < 30; i++ {
		if g.Refused(forwarded("10.1.2.3", "192.0.2.7"), "") {
			t.Fatalf("request %d refused before any event", i)
		}
		g.Observe(forwarded("10.1.2.3", "192.0.2.7"), 1, "", 0, false)
	}
	g.Observe(forwarded("10.1.2.3", "192.0.2.8"), 1, "", 0, false)
	clock = t0.Add(7 * time.Second)
	g.det.Tick(clock)
	if !strings.Contains(log.String(), `"signal":"key_rate"`) {
		t.Fatalf("no key_rate event: %q", log.String())
	}

	var refusals int
	for i := 0; i < 5; i++ {
		ctx := forwarded("10.1.2.3", "192.0.2.7")
		if !g.Refused(ctx, "") {
			if got := string(ctx.Response.Header.Peek("RateLimit-Policy")); !strings.Contains(got, `"anomaly-throttle";q=2;w=60`) {
				t.Errorf("admitted request %d: RateLimit-Policy %q", i, got)
			}
			continue
		}
		refusals++
		h := &ctx.Response.Header
		if ctx.Response.StatusCode() != 429 || !strings.HasPrefix(string(h.ContentType()), "application/problem+json") {
			t.Errorf("refusal %d: %d %s", i, ctx.Response.StatusCode(), h.ContentType())
		}
		if ra := string(h.Peek("Retry-After")); ra == "" || ra == "0" {
			t.Errorf("refusal %d: Retry-After %q", i, ra)
		}
		if rl := string(h.Peek("RateLimit")); !strings.Contains(rl, `"anomaly-throttle";r=0`) {
			t.Errorf("refusal %d: RateLimit %q", i, rl)
		}
	}
	if refusals != 3 {
		t.Errorf("the throttled client had %d of 5 requests refused, want 3 (2 a minute admitted)", refusals)
	}
	for i := 0; i < 5; i++ {
		ctx := forwarded("10.1.2.3", "192.0.2.8")
		if g.Refused(ctx, "") || len(ctx.Response.Header.Peek("RateLimit-Policy")) > 0 {
			t.Fatalf("another client behind the same proxy is throttled: %d", ctx.Response.StatusCode())
		}
	}
	if g.Refused(forwarded("10.1.2.3", "192.0.2.7"), "alice") {
		t.Errorf("a consumer is throttled for its address's event")
	}

	clock = t0.Add(7*time.Second + time.Minute)
	for i := 0; i < 5; i++ {
		ctx := forwarded("10.1.2.3", "192.0.2.7")
		if g.Refused(ctx, "") || len(ctx.Response.Header.Peek("RateLimit-Policy")) > 0 {
			t.Fatalf("request %d after the TTL: still throttled (%d)", i, ctx.Response.StatusCode())
		}
	}
}

// BenchmarkRequestPath is what each request costs the gateway: the check
// before auth and the observation when it returns, from many goroutines.
func BenchmarkRequestPath(b *testing.B) {
	g := New(Config{Gateway: "t", Ops: []string{"(none)", "listItems"}, Action: Block})
	defer g.Close()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		ctx := request("192.0.2.7", 200)
		for pb.Next() {
			g.Refused(ctx, "")
			g.Observe(ctx, 1, "", time.Millisecond, false)
		}
	})
}

// BenchmarkThrottlePath is the request path of a throttling guard behind a
// trusted proxy while another client is throttled: the forwarded address
// is read and hashed, the list probed, and the client observed.
func BenchmarkThrottlePath(b *testing.B) {
	proxies, err := ratelimit.ParseProxies([]string{"10.0.0.0/8"}, "")
	if err != nil {
		b.Fatal(err)
	}
	g := New(Config{Gateway: "t", Ops: []string{"(none)", "listItems"}, Action: Throttle, Proxies: proxies})
	defer g.Close()
	g.listed.Block(g.ClientKey(forwarded("10.1.2.3", "192.0.2.8"), ""), time.Now().Add(time.Hour))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		ctx := forwarded("10.1.2.3", "192.0.2.7")
		for pb.Next() {
			g.Refused(ctx, "")
			g.Observe(ctx, 1, "", time.Millisecond, false)
		}
	})
}

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
	a, b := request("192.0.2.7", 0), request("192.0.2.8", 0)
	for _, c := range []struct {
		name string
		x, y uint64
		same bool
	}{
		{"one address", ClientKey(a, ""), ClientKey(request("192.0.2.7", 0), ""), true},
		{"two addresses", ClientKey(a, ""), ClientKey(b, ""), false},
		{"a consumer is not its address", ClientKey(a, "alice"), ClientKey(a, ""), false},
		{"a consumer from two addresses", ClientKey(a, "alice"), ClientKey(b, "alice"), true},
	} {
		if (c.x == c.y) != c.same || c.x == 0 || c.y == 0 {
			t.Errorf("%s: %x and %x", c.name, c.x, c.y)
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

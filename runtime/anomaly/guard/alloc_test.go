//go:build !race

package guard

import (
	"testing"
	"time"

	"github.com/gatewaygen/gatewaygen/runtime/anomaly"
	"github.com/gatewaygen/gatewaygen/runtime/ratelimit"
)

func TestRequestPathDoesNotAllocate(t *testing.T) {
	g := New(Config{Gateway: "t", Ops: []string{"(none)", "listItems"}, Action: Block, Detector: anomaly.Config{}})
	defer g.Close()
	ctx := request("192.0.2.7", 401)
	if n := testing.AllocsPerRun(1000, func() {
		g.Observe(ctx, 1, "alice", 0, false)
		g.Refused(ctx, "")
	}); n != 0 {
		t.Fatalf("Observe and Refused allocate %v times per request, want 0", n)
	}
}

// TestThrottlePathDoesNotAllocate measures a throttling guard behind a
// trusted proxy, for a client it does not throttle (the common case) and
// for one it does.
func TestThrottlePathDoesNotAllocate(t *testing.T) {
	proxies, err := ratelimit.ParseProxies([]string{"10.0.0.0/8"}, "")
	if err != nil {
		t.Fatal(err)
	}
	g := New(Config{Gateway: "t", Ops: []string{"(none)", "listItems"}, Action: Throttle, Proxies: proxies,
		Throttle: Rate{Count: 1000000, Period: time.Second}, Detector: anomaly.Config{}})
	defer g.Close()
	ctx := forwarded("10.1.2.3", "192.0.2.7")
	run := func(what string) {
		if n := testing.AllocsPerRun(1000, func() {
			g.Observe(ctx, 1, "alice", 0, false)
			g.Refused(ctx, "")
		}); n != 0 {
			t.Fatalf("%s: Observe and Refused allocate %v times per request, want 0", what, n)
		}
	}
	run("no throttle")
	g.listed.Block(g.ClientKey(forwarded("10.1.2.3", "192.0.2.8"), ""), time.Now().Add(time.Hour))
	run("another client throttled")
	g.listed.Block(g.ClientKey(ctx, ""), time.Now().Add(time.Hour))
	run("this client throttled")
}

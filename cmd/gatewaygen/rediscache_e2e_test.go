package main

import (
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/valyala/fasthttp"
)

// TestEndToEndRedisCache runs two copies of a gateway whose cache is in
// Redis (rediscache31): an answer fetched through one is served by the
// other, and with Redis stopped both still answer, from the upstream.
func TestEndToEndRedisCache(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a generated gateway")
	}
	redisAddr := freeAddr(t)
	redis := startRedisServer(t, redisAddr)
	var calls atomic.Int64
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		n := calls.Add(1)
		ctx.SetContentType("application/json")
		ctx.SetBodyString(fmt.Sprintf(`{"call":%d}`, n))
	}}
	go srv.Serve(ln) //nolint:errcheck // ends with Shutdown
	t.Cleanup(func() { _ = srv.Shutdown() })

	bin := buildGateway(t, "../../testdata/golden/rediscache31/spec.yaml", "rediscache31")
	args := []string{"--upstream", "catalog=http://" + ln.Addr().String(), "--redis", "redis://" + redisAddr}
	gws := []string{startGateway(t, bin, args...), startGateway(t, bin, args...)}

	first := do(t, "GET", gws[0]+"/products/7", "", nil)
	if first.status != http.StatusOK || first.header.Get("X-Cache") != "miss" {
		t.Fatalf("first copy: %d X-Cache %q %s", first.status, first.header.Get("X-Cache"), first.body)
	}
	second := do(t, "GET", gws[1]+"/products/7", "", nil)
	if second.header.Get("X-Cache") != "hit" || string(second.body) != string(first.body) || calls.Load() != 1 {
		t.Fatalf("second copy: X-Cache %q %s after %d upstream calls, want the first copy's stored answer",
			second.header.Get("X-Cache"), second.body, calls.Load())
	}

	redis.stop()
	for i, gw := range gws {
		if r := do(t, "GET", gw+"/products/8", "", nil); r.status != http.StatusOK {
			t.Fatalf("copy %d with Redis down: %d %s, want the upstream's answer", i, r.status, r.body)
		}
	}
}

package rediscache

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/cache"
	"github.com/gatewaygen/gatewaygen/runtime/ratelimit/redisstore"
	"github.com/gatewaygen/gatewaygen/runtime/request"
)

// redisOn starts redis-server on addr without persistence and returns a
// function that kills it by its PID (also at the test's end). Without
// redis-server the test skips, unless CI is set.
func redisOn(t *testing.T, addr string) (stop func()) {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("redis-server is not installed; .ci/run installs the redis-server package")
		}
		t.Skip("redis-server is not installed (apt-get install redis-server); skipped outside CI")
	}
	_, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command(bin, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	var once sync.Once
	stop = func() { once.Do(func() { _ = cmd.Process.Kill(); <-done }) }
	t.Cleanup(stop)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond); err == nil {
			c.Close()
			return stop
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server on %s did not accept connections", addr)
		}
	}
}

type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// gateway is two gateway instances' caches over one Redis, and an origin
// that counts its calls.
type gateway struct {
	caches [2]*cache.Cache
	calls  atomic.Int64
}

func (g *gateway) get(i int, uri string) *fasthttp.Response {
	var ctx fasthttp.RequestCtx
	ctx.Request.SetRequestURI(uri)
	st := request.Acquire()
	defer request.Release(st)
	fill, done := g.caches[i].Lookup(&ctx, st)
	if !done {
		n := g.calls.Add(1)
		ctx.Response.Header.Set("ETag", fmt.Sprintf(`"v%d"`, n))
		ctx.SetBodyString(fmt.Sprint("body-", n))
		g.caches[i].Store(&ctx, &fill, true)
	}
	var r fasthttp.Response
	ctx.Response.CopyTo(&r)
	return &r
}

// Two gateways share entries through a real Redis; with Redis gone they
// serve from the upstream, and they share again once it is back.
func TestSharedThroughRedis(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	stop := redisOn(t, addr)
	log := &logBuffer{}
	g := &gateway{}
	for i := range g.caches {
		r, err := New(Config{Prefix: "petstore", Redis: redisstore.Config{URL: "redis://" + addr, Name: "petstore", Log: log, LogInterval: time.Hour}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close() })
		g.caches[i], err = cache.New(cache.NewRemoteStore(r, 0), cache.Policy{TTL: time.Minute, QueryAll: true})
		if err != nil {
			t.Fatal(err)
		}
	}
	if r := g.get(0, "/pets?a=1&b=2"); string(r.Body()) != "body-1" || string(r.Header.Peek("X-Cache")) != "miss" {
		t.Fatalf("first: %s %s", r.Body(), r.Header.Peek("X-Cache"))
	}
	r := g.get(1, "/pets?b=2&a=1")
	if string(r.Body()) != "body-1" || string(r.Header.Peek("X-Cache")) != "hit" || string(r.Header.Peek("ETag")) != `"v1"` {
		t.Fatalf("the other gateway: %s X-Cache %s ETag %s, want the first one's entry", r.Body(), r.Header.Peek("X-Cache"), r.Header.Peek("ETag"))
	}

	stop()
	start := time.Now()
	if r := g.get(1, "/pets?a=1&b=2"); string(r.Body()) != "body-2" {
		t.Fatalf("Redis down: %s, want a fresh answer from the upstream", r.Body())
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("Redis down: the request took %v", d)
	}
	if !strings.Contains(log.String(), "cache store redis "+addr+" unavailable") {
		t.Fatalf("no outage line logged: %q", log.String())
	}

	redisOn(t, addr)
	g.get(0, "/pets/7")
	if r := g.get(1, "/pets/7"); string(r.Header.Peek("X-Cache")) != "hit" {
		t.Fatalf("after Redis came back: X-Cache %s, want hit", r.Header.Peek("X-Cache"))
	}
	if !strings.Contains(log.String(), "reachable again") {
		t.Fatalf("no recovery line logged: %q", log.String())
	}
}

package main

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const rateLimitSpec = `openapi: 3.0.3
info: {title: Limits, version: "1"}
x-gateway:
  name: limits
  mock: true
paths:
  /burst:
    get:
      x-gateway:
        rate-limit: {rate: 1/s, burst: 3}
      parameters:
        - {name: n, in: query, schema: {type: integer}}
      responses:
        "200": {description: ok, content: {application/json: {example: {ok: true}}}}
  /tenant:
    get:
      x-gateway:
        rate-limit: [{rate: 1/min, key: "header:X-Tenant", name: per-tenant}]
      responses:
        "200": {description: ok, content: {application/json: {example: {ok: true}}}}
  /open:
    get:
      responses:
        "200": {description: ok, content: {application/json: {example: {ok: true}}}}
`

// writeSpec writes src as a spec file in a temporary directory.
func writeSpec(t *testing.T, name, src string) string {
	t.Helper()
	spec := filepath.Join(t.TempDir(), name+".yaml")
	if err := os.WriteFile(spec, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	return spec
}

// TestEndToEndRateLimit runs a generated gateway with memory limits: the
// RateLimit headers on every answer of a limited operation (a 400 too), a
// 429 problem with a Retry-After that is honest, keys by header, client
// addresses that a client cannot forge, and the right-most untrusted one
// behind a trusted proxy.
func TestEndToEndRateLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a gateway; skipped in -short mode")
	}
	bin := buildGateway(t, writeSpec(t, "limits", rateLimitSpec), "limits")
	gw := startGateway(t, bin)
	const policy = `"1-per-s";q=1;w=1`

	r := do(t, "GET", gw+"/burst?n=abc", "", nil)
	r.problem(t, 400, "query.n")
	if got := r.header.Get("RateLimit-Policy"); got != policy {
		t.Errorf("400 on a limited operation: RateLimit-Policy %q, want %q", got, policy)
	}
	if got := r.header.Get("RateLimit"); got != `"1-per-s";r=2;t=1` {
		t.Errorf("400: RateLimit %q", got)
	}
	for i, want := range []string{`"1-per-s";r=1;t=2`, `"1-per-s";r=0;t=3`} {
		r := do(t, "GET", gw+"/burst", "", nil)
		if r.status != 200 || r.header.Get("RateLimit") != want || r.header.Get("RateLimit-Policy") != policy {
			t.Fatalf("request %d: %d RateLimit %q Policy %q, want 200 %q", i+2, r.status, r.header.Get("RateLimit"), r.header.Get("RateLimit-Policy"), want)
		}
	}
	// A client that names another address in X-Forwarded-For is still
	// itself: the gateway trusts no proxy here.
	r = do(t, "GET", gw+"/burst", "", map[string]string{"X-Forwarded-For": "198.51.100.7", "Forwarded": "for=198.51.100.8"})
	r.problem(t, 429, "1-per-s")
	ra, err := strconv.Atoi(r.header.Get("Retry-After"))
	if err != nil || ra < 1 || ra > 2 {
		t.Fatalf("429 Retry-After %q, want 1 or 2 seconds", r.header.Get("Retry-After"))
	}
	if !strings.HasPrefix(r.header.Get("RateLimit"), `"1-per-s";r=0;`) || r.header.Get("RateLimit-Policy") != policy {
		t.Errorf("429: RateLimit %q Policy %q", r.header.Get("RateLimit"), r.header.Get("RateLimit-Policy"))
	}
	time.Sleep(time.Duration(ra) * time.Second)
	if r := do(t, "GET", gw+"/burst", "", nil); r.status != 200 {
		t.Fatalf("after waiting Retry-After (%ds): %d, want 200\n%s", ra, r.status, r.body)
	}

	tenant := func(name string) response {
		h := map[string]string{}
		if name != "" {
			h["X-Tenant"] = name
		}
		return do(t, "GET", gw+"/tenant", "", h)
	}
	for _, c := range []struct {
		tenant string
		status int
	}{{"acme", 200}, {"acme", 429}, {"globex", 200}, {"", 200}, {"", 429}} {
		if r := tenant(c.tenant); r.status != c.status {
			t.Errorf("tenant %q: %d, want %d", c.tenant, r.status, c.status)
		} else if c.status == 429 {
			if ra, _ := strconv.Atoi(r.header.Get("Retry-After")); ra < 55 || ra > 60 {
				t.Errorf("tenant %q: Retry-After %q, want about 60", c.tenant, r.header.Get("Retry-After"))
			}
		}
	}
	if r := do(t, "GET", gw+"/open", "", nil); r.status != 200 || r.header.Get("RateLimit") != "" || r.header.Get("RateLimit-Policy") != "" {
		t.Errorf("an operation without limits: %d RateLimit %q Policy %q", r.status, r.header.Get("RateLimit"), r.header.Get("RateLimit-Policy"))
	}

	// Behind a trusted proxy (this test's loopback), the right-most
	// untrusted address of X-Forwarded-For is the client.
	proxied := startGateway(t, bin, "--trusted-proxies", "127.0.0.0/8")
	for i, c := range []struct {
		xff    string
		status int
	}{
		{"198.51.100.1", 200}, {"6.6.6.6, 198.51.100.1", 200}, {"198.51.100.1, 127.0.0.5", 200},
		{"7.7.7.7, 198.51.100.1", 429}, {"198.51.100.2", 200},
	} {
		if r := do(t, "GET", proxied+"/burst", "", map[string]string{"X-Forwarded-For": c.xff}); r.status != c.status {
			t.Errorf("behind the proxy, request %d from %q: %d, want %d", i+1, c.xff, r.status, c.status)
		}
	}
}

const sharedLimitSpec = `openapi: 3.0.3
info: {title: Shared, version: "1"}
x-gateway:
  name: shared
  mock: true
paths:
  /allow:
    get:
      x-gateway:
        rate-limit: {rate: 50/s, burst: 5, store: redis}
      responses:
        "200": {description: ok, content: {application/json: {example: {ok: true}}}}
  /deny:
    get:
      x-gateway:
        rate-limit: {rate: 50/s, burst: 5, store: redis, on-store-error: deny}
      responses:
        "200": {description: ok, content: {application/json: {example: {ok: true}}}}
`

// startGatewayEnv is startGateway with env added to the environment.
func startGatewayEnv(t *testing.T, bin string, env []string, args ...string) string {
	t.Helper()
	addr := freeAddr(t)
	out := new(syncBuffer)
	cmd := exec.Command(bin, append([]string{"--listen", addr}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("gateway %v output:\n%s", env, out.String())
		}
	})
	waitAccept(t, addr, exited, out, 15*time.Second)
	return "http://" + addr
}

// redisProc is a redis-server this test started.
type redisProc struct {
	cmd  *exec.Cmd
	done chan struct{}
}

// startRedisServer starts redis-server on addr without persistence and
// waits until it answers; it is killed by its PID when the test ends.
// Without redis-server the test skips, unless CI is set.
func startRedisServer(t *testing.T, addr string) *redisProc {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("redis-server is not installed; .ci/run installs the redis-server package")
		}
		t.Skip("redis-server is not installed (apt-get install redis-server); skipped outside CI")
	}
	_, port, _ := net.SplitHostPort(addr)
	p := &redisProc{cmd: exec.Command(bin, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning"), done: make(chan struct{})}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(p.stop)
	waitAccept(t, addr, p.done, new(syncBuffer), 10*time.Second)
	return p
}

func (p *redisProc) stop() {
	select {
	case <-p.done:
	default:
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// hammer sends GET url from workers goroutines until ctx ends and counts
// the answers by status.
func hammer(ctx context.Context, urls []string, workers int) map[int]int64 {
	var mu sync.Mutex
	counts := map[int]int64{}
	tr := &http.Transport{MaxIdleConnsPerHost: workers}
	defer tr.CloseIdleConnections()
	cl := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	var wg sync.WaitGroup
	for w := range workers * len(urls) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := map[int]int64{}
			for ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, "GET", urls[w%len(urls)], nil)
				res, err := cl.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						local[-1]++
					}
					continue
				}
				res.Body.Close()
				local[res.StatusCode]++
			}
			mu.Lock()
			for k, v := range local {
				counts[k] += v
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	return counts
}

// TestEndToEndRateLimitRedis runs two generated gateway processes that
// share a 50/s limit through a real redis-server: under load from both,
// the total admitted stays within 10% of 50 a second. With Redis stopped,
// on-store-error: allow admits and deny answers 503, both at once; with
// Redis back on its address, limiting resumes without a restart.
func TestEndToEndRateLimitRedis(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs gateways and redis-server; skipped in -short mode")
	}
	redisAddr := freeAddr(t)
	rp := startRedisServer(t, redisAddr)
	bin := buildGateway(t, writeSpec(t, "shared", sharedLimitSpec), "shared")
	// Reads may take 500ms rather than the default 100ms: on a loaded test
	// machine a slow answer would be a store error, and admitted.
	redisURL := "redis://" + redisAddr + "?read_timeout=500ms&write_timeout=500ms&pool_timeout=500ms"
	gw1, out1 := startGatewayOutput(t, bin, "--redis", redisURL)
	// The second copy takes its Redis from the environment.
	gw2 := startGatewayEnv(t, bin, []string{"GATEWAY_REDIS=" + redisURL})

	const window = 3 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), window)
	start := time.Now()
	counts := hammer(ctx, []string{gw1 + "/allow", gw2 + "/allow"}, 3)
	elapsed := time.Since(start)
	cancel()
	// GCRA admits the burst of 5, then one every 20ms.
	want := 5 + 50*elapsed.Seconds()
	got := float64(counts[200])
	t.Logf("two gateways, one 50/s limit in Redis: %d admitted, %d refused, %d errors in %v (%.1f/s; expected %.0f)",
		counts[200], counts[429], counts[-1], elapsed.Round(time.Millisecond), (got-5)/elapsed.Seconds(), want)
	if got < 0.9*want || got > 1.1*want {
		t.Errorf("%v admitted in %v, want %.0f ±10%%", got, elapsed, want)
	}
	if counts[429] == 0 || counts[-1] > 0 {
		t.Errorf("refused %d, errors %d: the load did not exceed the limit or failed", counts[429], counts[-1])
	}

	rp.stop()
	for _, c := range []struct {
		path   string
		status int
	}{{"/allow", 200}, {"/deny", 503}, {"/allow", 200}, {"/deny", 503}} {
		t0 := time.Now()
		r := do(t, "GET", gw1+c.path, "", nil)
		if d := time.Since(t0); d > 2*time.Second {
			t.Errorf("%s with Redis down took %v", c.path, d)
		}
		if r.status != c.status {
			t.Errorf("%s with Redis down: %d, want %d\n%s", c.path, r.status, c.status, r.body)
		}
		if c.status == 503 {
			r.problem(t, 503, "rate limit store")
			if r.header.Get("Retry-After") != "1" {
				t.Errorf("503: Retry-After %q, want 1", r.header.Get("Retry-After"))
			}
		}
	}
	if n := strings.Count(out1.String(), "unavailable"); n != 1 {
		t.Errorf("gateway logged Redis unavailable %d times, want once per interval:\n%s", n, out1.String())
	}

	startRedisServer(t, redisAddr)
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		c := hammer(ctx, []string{gw1 + "/allow"}, 2)
		cancel()
		if c[429] > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no request refused 10s after Redis came back: %v", c)
		}
	}
	if r := do(t, "GET", gw1+"/deny", "", nil); r.status != 200 {
		t.Errorf("/deny after Redis came back: %d, want 200", r.status)
	}
	if !strings.Contains(out1.String(), "reachable again") {
		t.Errorf("no recovery line in the gateway's log:\n%s", out1.String())
	}
}

const inFlightSpec = `openapi: 3.0.3
info: {title: Flight, version: "1"}
paths:
  /pets/{petId}:
    get:
      parameters:
        - {name: petId, in: path, required: true, schema: {type: string}}
      x-gateway:
        limits: {max-in-flight: 1}
      responses:
        "200": {description: ok}
`

// TestEndToEndInFlight: an operation capped at one request in flight
// answers a second one 503 with Retry-After at once, while the first waits
// on its slow upstream, and serves again once the first is done.
func TestEndToEndInFlight(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a gateway; skipped in -short mode")
	}
	be := startBackend(t)
	bin := buildGateway(t, writeSpec(t, "flight", inFlightSpec), "flight")
	gw := startGateway(t, bin, "--upstream", "default=http://"+be.addr)
	slow := make(chan response, 1)
	go func() { slow <- do(t, "GET", gw+"/pets/"+slowPetID, "", nil) }()
	time.Sleep(500 * time.Millisecond) // the slow request holds the slot for 2s
	t0 := time.Now()
	r := do(t, "GET", gw+"/pets/1", "", nil)
	if d := time.Since(t0); d > time.Second {
		t.Errorf("the refusal took %v: it must not wait for the slot", d)
	}
	r.problem(t, 503, "at once")
	if r.header.Get("Retry-After") != "1" {
		t.Errorf("503: Retry-After %q, want 1", r.header.Get("Retry-After"))
	}
	if s := <-slow; s.status != 200 {
		t.Fatalf("the slow request: %d, want 200", s.status)
	}
	do(t, "GET", gw+"/pets/1", "", nil).echo(t, 200)
}

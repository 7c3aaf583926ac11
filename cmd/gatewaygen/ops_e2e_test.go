package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/valyala/fasthttp"
)

// TestOperations runs the generated petstore gateway as an operator would:
// scraped through its admin listener, stopped with SIGTERM under load, and
// restarted twice under constant traffic.
func TestOperations(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs gateways; skipped in -short mode")
	}
	bin := buildPetstoreGateway(t)
	t.Run("metrics", func(t *testing.T) { testMetricsScrape(t, bin) })
	t.Run("access log", func(t *testing.T) { testAccessLog(t, bin) })
	t.Run("traceparent", func(t *testing.T) { testTraceparent(t, bin) })
	t.Run("sigterm drains", func(t *testing.T) { testSigtermDrains(t, bin) })
	t.Run("restart under load", func(t *testing.T) { testRestartUnderLoad(t, bin) })
	// ops: what the server refuses before routing, the upstream health
	// and preflight metrics, the log level on SIGHUP, OTLP spans
	t.Run("refusals before routing", func(t *testing.T) { testRefusalsBeforeRouting(t, bin) })
	t.Run("upstream health metrics", func(t *testing.T) { testUpstreamHealthMetrics(t, bin) })
	t.Run("span export", func(t *testing.T) { testSpanExport(t, bin) })
	t.Run("sighup reloads settings", func(t *testing.T) { testReloadSettings(t, bin) })
}

// gatewayProc is one gateway process started by a test.
type gatewayProc struct {
	cmd    *exec.Cmd
	out    *syncBuffer
	exited chan struct{}
	code   int
	admin  string
}

// startProc starts bin listening on listen with its admin listener on a
// free address, waits until the admin listener says it is ready, and kills
// the process by its PID when the test ends if it still runs.
func startProc(t *testing.T, bin, listen string, args ...string) *gatewayProc {
	t.Helper()
	p := &gatewayProc{out: new(syncBuffer), exited: make(chan struct{}), admin: freeAddr(t)}
	p.cmd = exec.Command(bin, append([]string{"--listen", listen, "--admin", p.admin}, args...)...)
	p.cmd.Dir = filepath.Join("..", "..")
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = p.cmd.Wait()
		p.code = p.cmd.ProcessState.ExitCode()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
		if t.Failed() {
			t.Logf("gateway on %s output:\n%s", listen, p.out.String())
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for p.ready() != http.StatusOK {
		select {
		case <-p.exited:
			t.Fatalf("gateway exited before it was ready:\n%s", p.out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("gateway not ready within 15s:\n%s", p.out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return p
}

// ready is the status of GET /-/ready, 0 when the admin listener does not
// answer.
func (p *gatewayProc) ready() int {
	c := http.Client{Timeout: time.Second}
	r, err := c.Get("http://" + p.admin + "/-/ready")
	if err != nil {
		return 0
	}
	r.Body.Close()
	return r.StatusCode
}

// term sends SIGTERM to the process.
func (p *gatewayProc) term(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
}

// wait waits for the process to exit and returns its exit code.
func (p *gatewayProc) wait(t *testing.T, timeout time.Duration) int {
	t.Helper()
	select {
	case <-p.exited:
		return p.code
	case <-time.After(timeout):
		t.Fatalf("gateway did not exit within %v:\n%s", timeout, p.out.String())
		return -1
	}
}

// slowBackend answers every request with a small JSON array after delay.
func slowBackend(t *testing.T, delay time.Duration) string {
	t.Helper()
	addr := freeAddr(t)
	srv := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		time.Sleep(delay)
		ctx.SetContentType("application/json")
		ctx.SetBodyString(`[{"id":1,"name":"Rex"}]`)
	}}
	ln, err := (&fasthttp.TCPDialer{}).Dial(addr) // probe: nothing must listen yet
	if err == nil {
		ln.Close()
		t.Fatalf("%s already in use", addr)
	}
	done := make(chan error, 1)
	go func() { done <- srv.ListenAndServe(addr) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.ShutdownWithContext(ctx)
	})
	waitAccept(t, addr, make(chan struct{}), new(syncBuffer), 5*time.Second)
	return addr
}

func testMetricsScrape(t *testing.T, bin string) {
	be := slowBackend(t, 0)
	listen := freeAddr(t)
	p := startProc(t, bin, listen, "--upstream", "pets=http://"+be, "--upstream", "inventory=http://"+be)
	gw := "http://" + listen + "/v1"
	send := func(n int, method, path, body string, header map[string]string, want int) {
		for range n {
			r := do(t, method, gw+path, body, header)
			if r.status != want {
				t.Fatalf("%s %s: %d, want %d: %s", method, path, r.status, want, r.body)
			}
		}
	}
	// getPet, not listPets: listPets is cached, and these counts are of
	// requests that reach the upstream.
	send(5, "GET", "/pets/10", "", nil, 200)
	send(3, "GET", "/pets/abc", "", nil, 400)
	send(2, "POST", "/pets", `{"name":`, map[string]string{"Content-Type": "application/json"}, 400)
	send(4, "PUT", "/pets/7", `{"name":"Rex"}`, map[string]string{"Content-Type": "application/json", "If-Match": `"v1"`}, 401)
	send(2, "GET", "/nowhere", "", nil, 404)
	send(1, "PATCH", "/pets", "", nil, 405)
	if r := do(t, "GET", "http://"+listen+"/outside", "", nil); r.status != 404 {
		t.Fatalf("outside the base path: %d", r.status)
	}

	r, err := http.Get("http://" + p.admin + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("Content-Type %q", ct)
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := parser.TextToMetricFamilies(r.Body)
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	value := func(fam string, labels ...string) float64 {
		t.Helper()
		f := fams[fam]
		if f == nil {
			t.Fatalf("no %s in /metrics", fam)
		}
	next:
		for _, m := range f.Metric {
			got := map[string]string{}
			for _, l := range m.Label {
				got[l.GetName()] = l.GetValue()
			}
			for i := 0; i < len(labels); i += 2 {
				if got[labels[i]] != labels[i+1] {
					continue next
				}
			}
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue()
			case m.Gauge != nil:
				return m.Gauge.GetValue()
			case m.Histogram != nil:
				return float64(m.Histogram.GetSampleCount())
			}
		}
		t.Fatalf("%s%v: no such series", fam, labels)
		return 0
	}
	for _, c := range []struct {
		fam    string
		labels []string
		want   float64
	}{
		{"gateway_requests_total", []string{"operation", "getPet", "class", "2xx"}, 5},
		{"gateway_requests_total", []string{"operation", "getPet", "class", "4xx"}, 3},
		{"gateway_requests_total", []string{"operation", "createPet", "class", "4xx"}, 2},
		{"gateway_requests_total", []string{"operation", "updatePet", "class", "4xx"}, 4},
		{"gateway_rejections_total", []string{"operation", "getPet", "reason", "validation"}, 3},
		{"gateway_rejections_total", []string{"operation", "createPet", "reason", "validation"}, 2},
		{"gateway_rejections_total", []string{"operation", "updatePet", "reason", "auth"}, 4},
		{"gateway_rejections_total", []string{"operation", "updatePet", "reason", "validation"}, 0},
		{"gateway_upstream_duration_seconds", []string{"operation", "getPet"}, 5},
		{"gateway_own_duration_seconds", []string{"operation", "getPet"}, 8},
		{"gateway_request_size_bytes", []string{"operation", "updatePet"}, 4},
		{"gateway_response_size_bytes", []string{"operation", "createPet"}, 2},
		{"gateway_build_info", []string{"gateway", "petstore", "api_version", "1.2.0"}, 1},
		{"gateway_requests_total", []string{"operation", "(none)", "class", "4xx"}, 4},
	} {
		if got := value(c.fam, c.labels...); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.fam, c.labels, got, c.want)
		}
	}
	if fams["process_resident_memory_bytes"] == nil {
		t.Error("no process metrics")
	}
	for path, want := range map[string]int{"/-/health": 200, "/-/ready": 200, "/nope": 404} {
		r, err := http.Get("http://" + p.admin + path)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != want {
			t.Errorf("admin %s: %d, want %d", path, r.StatusCode, want)
		}
	}
	// The admin pages are not on the public port.
	if r := do(t, "GET", "http://"+listen+"/metrics", "", nil); r.status != 404 {
		t.Errorf("public /metrics: %d, want 404", r.status)
	}
}

// testSigtermDrains sends SIGTERM while requests that take 800ms are in
// flight: readiness must turn 503 before they finish, every one of them
// must complete with 200, and the process must exit 0.
func testSigtermDrains(t *testing.T, bin string) {
	be := slowBackend(t, 800*time.Millisecond)
	listen := freeAddr(t)
	p := startProc(t, bin, listen, "--upstream", "pets=http://"+be, "--drain-timeout", "10s")
	const inflight = 20
	var wg sync.WaitGroup
	statuses := make([]int, inflight)
	errs := make([]error, inflight)
	start := time.Now()
	for i := range inflight {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := http.Client{Timeout: 10 * time.Second}
			// listPets (a 2s timeout), each request with a query of its own,
			// so that none is a cache hit.
			r, err := c.Get(fmt.Sprintf("http://%s/v1/pets?limit=%d", listen, i+1))
			if err != nil {
				errs[i] = err
				return
			}
			_, _ = io.Copy(io.Discard, r.Body)
			r.Body.Close()
			statuses[i] = r.StatusCode
		}()
	}
	time.Sleep(300 * time.Millisecond) // all 20 are waiting on the backend
	p.term(t)
	deadline := time.Now().Add(400 * time.Millisecond)
	for p.ready() != http.StatusServiceUnavailable {
		if time.Now().After(deadline) {
			t.Fatal("/-/ready did not turn 503 within 400ms of SIGTERM")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if since := time.Since(start); since > 800*time.Millisecond {
		t.Fatalf("readiness turned after %v, not ahead of the in-flight requests", since)
	}
	wg.Wait()
	for i := range inflight {
		if errs[i] != nil || statuses[i] != 200 {
			t.Errorf("in-flight request %d: status %d, error %v", i, statuses[i], errs[i])
		}
	}
	if code := p.wait(t, 15*time.Second); code != 0 {
		t.Fatalf("exit %d after SIGTERM, want 0", code)
	}
}

// testRestartUnderLoad keeps clients sending while the gateway is replaced
// twice: each new process binds the same address with SO_REUSEPORT, and
// once it is ready the old one gets SIGTERM and drains. The clients count
// every request that did not end in a 200.
func testRestartUnderLoad(t *testing.T, bin string) {
	be := slowBackend(t, 2*time.Millisecond)
	listen := freeAddr(t)
	args := []string{"--upstream", "pets=http://" + be, "--drain-delay", "300ms"}
	old := startProc(t, bin, listen, args...)

	var sent, failed atomic.Int64
	var firstErr atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Two clients keep their connections alive, two open one per
			// request, so both a pooled connection closed by a draining
			// process and a fresh connect meet the restart.
			tr := &http.Transport{DisableKeepAlives: i%2 == 1, MaxIdleConnsPerHost: 4}
			c := http.Client{Timeout: 5 * time.Second, Transport: tr}
			defer tr.CloseIdleConnections()
			deadline := time.Now().Add(30 * time.Second) // bounded whatever happens
			for time.Now().Before(deadline) {
				select {
				case <-stop:
					return
				default:
				}
				sent.Add(1)
				r, err := c.Get("http://" + listen + "/v1/pets/1")
				if err == nil {
					_, _ = io.Copy(io.Discard, r.Body)
					r.Body.Close()
					if r.StatusCode != 200 {
						err = &statusError{r.StatusCode}
					}
				}
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				}
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	for range 2 {
		next := startProc(t, bin, listen, args...)
		time.Sleep(200 * time.Millisecond) // traffic reaches both
		old.term(t)
		if code := old.wait(t, 15*time.Second); code != 0 {
			t.Fatalf("old gateway exit %d, want 0", code)
		}
		old = next
		time.Sleep(300 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	t.Logf("%d requests during two restarts, %d failed", sent.Load(), failed.Load())
	if failed.Load() > 0 {
		t.Fatalf("%d of %d requests failed; first: %v", failed.Load(), sent.Load(), firstErr.Load())
	}
	if sent.Load() < 100 {
		t.Fatalf("only %d requests sent; the test did not load the gateway", sent.Load())
	}
}

type statusError struct{ status int }

func (e *statusError) Error() string { return "status " + http.StatusText(e.status) }

// testAccessLog sends requests carrying every kind of credential through
// the generated gateway with every request logged, and reads its JSON
// lines: one per request, the consumer auth verified, and no secret.
func testAccessLog(t *testing.T, bin string) {
	be := slowBackend(t, 0)
	listen := freeAddr(t)
	p := startProc(t, bin, listen, "--upstream", "pets=http://"+be, "--access-log", "stderr",
		"--access-log-sample", "1", "--log-redact", "session")
	gw := "http://" + listen + "/v1"
	const demoKey = "demo-key-petstore-0001"
	body := `{"name":"Rex","status":"sold","age":4,"owner":{"name":"Ann","phone":"+44 20 7946 0000"}}`
	hdr := map[string]string{"Content-Type": "application/json", "If-Match": `"v1"`}
	with := func(k, v string) map[string]string {
		h := map[string]string{}
		for a, b := range hdr {
			h[a] = b
		}
		h[k] = v
		return h
	}
	do(t, "PUT", gw+"/pets/7", body, with("X-API-Key", demoKey))
	do(t, "PUT", gw+"/pets/7", body, with("Authorization", "Bearer eyJhbGciOiJub25lIn0.secret-token.sig"))
	do(t, "GET", gw+"/pets?limit=2", "", map[string]string{"Cookie": "sid=cookie-secret-value", "Traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"})
	do(t, "GET", gw+"/pets?limit=2&session=query-secret-value", "", nil)
	var lines []map[string]any
	deadline := time.Now().Add(5 * time.Second)
	for len(lines) < 4 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		lines = lines[:0]
		for _, l := range strings.Split(p.out.String(), "\n") {
			var m map[string]any
			if strings.HasPrefix(l, "{") && jsonUnmarshal(l, &m) == nil {
				lines = append(lines, m)
			}
		}
	}
	if len(lines) != 4 {
		t.Fatalf("%d access log lines, want 4:\n%s", len(lines), p.out.String())
	}
	for _, secret := range []string{demoKey, "secret-token", "cookie-secret-value", "query-secret-value"} {
		if strings.Contains(p.out.String(), secret) {
			t.Errorf("%q reached the log", secret)
		}
	}
	if lines[0]["consumer"] != "demo" || lines[0]["operation"] != "updatePet" || lines[0]["status"] != float64(200) {
		t.Errorf("API key line: %v", lines[0])
	}
	if lines[1]["rejected"] != "auth" || lines[1]["status"] != float64(401) {
		t.Errorf("bad token line: %v", lines[1])
	}
	if lines[2]["trace_id"] != "4bf92f3577b34da6a3ce929d0e0e4736" || lines[2]["request_id"] == "" {
		t.Errorf("trace line: %v", lines[2])
	}
	if lines[3]["query"] != "limit=2&session="+"REDACTED" {
		t.Errorf("query line: %v", lines[3])
	}
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

// testTraceparent asserts at a recording backend that a client's trace is
// continued with the gateway as the parent, that a request without one
// starts a trace, and that the access log names the trace the upstream saw.
func testTraceparent(t *testing.T, bin string) {
	var mu sync.Mutex
	var seen []string // traceparent|tracestate per request, in order
	beAddr := freeAddr(t)
	be := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		mu.Lock()
		seen = append(seen, string(ctx.Request.Header.Peek("Traceparent"))+"|"+string(ctx.Request.Header.Peek("Tracestate")))
		mu.Unlock()
		ctx.SetContentType("application/json")
		ctx.SetBodyString("[]")
	}}
	go be.ListenAndServe(beAddr) //nolint:errcheck // ends with Shutdown
	t.Cleanup(func() { _ = be.Shutdown() })
	waitAccept(t, beAddr, make(chan struct{}), new(syncBuffer), 5*time.Second)
	listen := freeAddr(t)
	p := startProc(t, bin, listen, "--upstream", "pets=http://"+beAddr, "--access-log", "stderr", "--access-log-sample", "1")
	gw := "http://" + listen + "/v1/pets/1" // getPet: not cached, so each request reaches the backend
	const client = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
	do(t, "GET", gw, "", map[string]string{"Traceparent": client, "Tracestate": "vendor=abc"})
	do(t, "GET", gw, "", nil)
	do(t, "GET", gw, "", map[string]string{"Traceparent": "00-zz-bad-01", "Tracestate": "vendor=abc"})
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 3 {
		t.Fatalf("backend saw %d requests, want 3", len(seen))
	}
	tp, ts, _ := strings.Cut(seen[0], "|")
	if !strings.HasPrefix(tp, "00-0af7651916cd43dd8448eb211c80319c-") || strings.Contains(tp, "b7ad6b7169203331") || !strings.HasSuffix(tp, "-01") || ts != "vendor=abc" {
		t.Errorf("continued trace reached the backend as %q / %q", tp, ts)
	}
	started := map[string]bool{}
	for i, s := range seen[1:] {
		tp, ts, _ := strings.Cut(s, "|")
		if len(tp) != 55 || !strings.HasPrefix(tp, "00-") || !strings.HasSuffix(tp, "-00") || ts != "" {
			t.Errorf("request %d: a started trace reached the backend as %q / %q", i+2, tp, ts)
		}
		started[tp[3:35]] = true
	}
	if len(started) != 2 {
		t.Errorf("started traces share an id: %v", seen[1:])
	}
	deadline := time.Now().Add(5 * time.Second)
	for strings.Count(p.out.String(), `"trace_id"`) < 3 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	out := p.out.String()
	for _, s := range seen {
		tp, _, _ := strings.Cut(s, "|")
		if !strings.Contains(out, `"trace_id":"`+tp[3:35]+`"`) {
			t.Errorf("access log lacks the trace id %s the backend saw:\n%s", tp[3:35], out)
		}
	}
}

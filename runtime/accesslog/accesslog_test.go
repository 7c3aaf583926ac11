package accesslog

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// TestRedaction sends every kind of secret a request can carry and asserts
// that none reaches a captured line, while the line still has its fields.
func TestRedaction(t *testing.T) {
	var out lockedBuffer
	l := New(Config{Out: &out, Sample: 1, Sensitive: []string{"api_key", "Session_Token"}})
	secrets := map[string]func(*fasthttp.Request){
		"bearer-secret-1":  func(r *fasthttp.Request) { r.Header.Set("Authorization", "Bearer bearer-secret-1") },
		"basic-secret-2":   func(r *fasthttp.Request) { r.Header.Set("Authorization", "Basic basic-secret-2") },
		"header-key-3":     func(r *fasthttp.Request) { r.Header.Set("X-API-Key", "header-key-3") },
		"cookie-secret-4":  func(r *fasthttp.Request) { r.Header.Set("Cookie", "sid=cookie-secret-4; theme=dark") },
		"query-key-5":      func(r *fasthttp.Request) { r.SetRequestURI("/v1/pets?limit=3&api_key=query-key-5") },
		"query-key-6":      func(r *fasthttp.Request) { r.SetRequestURI("/v1/pets?API_KEY=query-key-6&limit=3") },
		"configured-7":     func(r *fasthttp.Request) { r.SetRequestURI("/v1/pets?session_token=configured-7") },
		"proxy-auth-8":     func(r *fasthttp.Request) { r.Header.Set("Proxy-Authorization", "Basic proxy-auth-8") },
		"set-cookie-9":     func(r *fasthttp.Request) { r.Header.Set("X-Forwarded-Cookie", "set-cookie-9") },
		"body-password-10": func(r *fasthttp.Request) { r.SetBodyString(`{"password":"body-password-10"}`) },
	}
	for secret, set := range secrets {
		var ctx fasthttp.RequestCtx
		ctx.Request.SetRequestURI("/v1/pets")
		ctx.Request.Header.SetMethod("POST")
		set(&ctx.Request)
		ctx.Response.Header.Set("X-Request-Id", "rid-"+secret[:4])
		ctx.Response.SetStatusCode(401)
		l.Log(&ctx, "listPets", "", "auth", time.Millisecond, 0, 10)
	}
	l.Close()
	lines := strings.Split(strings.TrimSpace(out.b.String()), "\n")
	if len(lines) != len(secrets) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(secrets), out.b.String())
	}
	for secret := range secrets {
		if strings.Contains(out.b.String(), secret) {
			t.Errorf("secret %q reached the log", secret)
		}
	}
	redacted := 0
	for _, line := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("not JSON: %v: %s", err, line)
		}
		for _, k := range []string{"time", "request_id", "operation", "method", "path", "status", "req_bytes", "resp_bytes", "gateway_ms", "upstream_ms", "rejected"} {
			if _, ok := m[k]; !ok {
				t.Errorf("line has no %s: %s", k, line)
			}
		}
		if q, _ := m["query"].(string); strings.Contains(q, "="+Redacted) {
			redacted++
			if !strings.Contains(q, "limit=3") && !strings.Contains(q, "session_token") {
				t.Errorf("query lost its other parameters: %q", q)
			}
		}
	}
	if redacted != 3 {
		t.Errorf("%d lines with a redacted query, want 3:\n%s", redacted, out.b.String())
	}
}

func TestSampling(t *testing.T) {
	var out lockedBuffer
	l := New(Config{Out: &out, Sample: 0})
	var ctx fasthttp.RequestCtx
	ctx.Request.SetRequestURI("/v1/pets")
	for _, status := range []int{200, 200, 204, 404, 500, 502} {
		ctx.Response.SetStatusCode(status)
		l.Log(&ctx, "listPets", "", "", 0, 0, 0)
	}
	l.Close()
	if n := strings.Count(out.b.String(), "\n"); n != 3 {
		t.Fatalf("%d lines with successes unsampled, want the 3 errors:\n%s", n, out.b.String())
	}
}

func TestTraceID(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "4bf92f3577b34da6a3ce929d0e0e4736"},
		{"00-00000000000000000000000000000000-00f067aa0ba902b7-01", ""},
		{"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", ""},
		{"garbage", ""},
	} {
		if got := string(TraceID([]byte(c.in))); got != c.want {
			t.Errorf("TraceID(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func BenchmarkLog(b *testing.B) {
	l := New(Config{Out: discard{}, Sample: 0.01, Buffer: 1 << 16})
	defer l.Close()
	var ctx fasthttp.RequestCtx
	ctx.Request.SetRequestURI("/v1/pets?limit=3&api_key=k")
	ctx.Request.Header.SetMethod("GET")
	ctx.Response.SetStatusCode(200)
	b.ReportAllocs()
	for b.Loop() {
		l.Log(&ctx, "listPets", "carol", "", time.Millisecond, 0, 100)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// TestCloseAllWritesWaitingLines: lines handed over before exit are
// written by CloseAll, and a line logged afterwards is dropped quietly.
func TestCloseAllWritesWaitingLines(t *testing.T) {
	var out lockedBuffer
	l := New(Config{Out: &out, Sample: 1})
	var ctx fasthttp.RequestCtx
	ctx.Response.SetStatusCode(500)
	for range 50 {
		l.Log(&ctx, "op", "", "", 0, 0, 0)
	}
	CloseAll()
	if n := strings.Count(out.b.String(), "\n"); n != 50 {
		t.Fatalf("%d lines after CloseAll, want 50", n)
	}
	l.Log(&ctx, "op", "", "", 0, 0, 0) // after close: no panic, no line
	l.Close()
}

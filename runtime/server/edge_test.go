package server

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/problem"
)

// serveTest serves New(cfg, h) on 127.0.0.1 behind the connection caps, as
// run does, and returns its address; the server is shut down at cleanup.
func serveTest(t *testing.T, cfg Config, h fasthttp.RequestHandler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := New(cfg, h)
	lln := LimitConns(ln, cfg)
	parked := parkIdle(srv, lln)
	done := make(chan struct{})
	go func() { srv.Serve(lln); close(done) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		parked.close()
		srv.ShutdownWithContext(ctx)
		<-done
	})
	return ln.Addr().String()
}

func okHandler(ctx *fasthttp.RequestCtx) { ctx.SetBodyString("ok") }

// exchange sends raw on a new connection to addr and returns all that
// comes back until the server closes it (raw should ask it to).
func exchange(t *testing.T, addr, raw string) []byte {
	t.Helper()
	c := dialTest(t, addr, 5*time.Second)
	io.WriteString(c, raw)
	resp, _ := io.ReadAll(c)
	return resp
}

// dialTest connects to addr, with every read and write of the connection
// due within d; the connection is closed at cleanup.
func dialTest(t *testing.T, addr string, d time.Duration) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(d))
	return c
}

// TestSlowHeaders opens a few hundred connections that send their header a
// few bytes a second, and checks that every one is closed once the header
// timeout has passed, far before the body and write timeout, while ordinary
// requests keep being answered.
func TestSlowHeaders(t *testing.T) {
	const (
		conns         = 300
		headerTimeout = time.Second
		// Long enough for the scheduler of a loaded machine, far below
		// Timeout, which is what bounded them before.
		closedBy = 4 * time.Second
	)
	addr := serveTest(t, Config{HeaderTimeout: headerTimeout, Timeout: 30 * time.Second, IdleTimeout: 30 * time.Second}, okHandler)

	type result struct {
		lived time.Duration
		first string // the first line the server wrote, if any
		err   error
	}
	results := make(chan result, conns)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range conns {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		wg.Go(func() { // the trickle: a byte every 200ms, until the server hangs up
			defer c.Close()
			if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: "); err != nil {
				return
			}
			tick := time.NewTicker(200 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					if _, err := c.Write([]byte("a")); err != nil {
						return
					}
				}
			}
		})
		wg.Go(func() { // the watch: how long until the server closes
			c.SetReadDeadline(start.Add(closedBy))
			line, _ := bufio.NewReader(c).ReadString('\n')
			_, err := io.Copy(io.Discard, c)
			results <- result{time.Since(start), strings.TrimSpace(line), err}
		})
	}

	// Meanwhile, ordinary clients are served.
	served := 0
	for deadline := time.Now().Add(headerTimeout + 500*time.Millisecond); time.Now().Before(deadline); served++ {
		if resp := raw(t, addr, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); string(resp.Body()) != "ok" {
			t.Fatalf("ordinary request answered %d %q", resp.StatusCode(), resp.Body())
		}
		time.Sleep(50 * time.Millisecond)
	}

	var slowest time.Duration
	for range conns {
		r := <-results
		// Closed means an end of stream or a reset (the server closes with
		// the trickle's bytes unread); only the watch's own deadline means
		// the connection outlived the test.
		if ne, ok := r.err.(net.Error); ok && ne.Timeout() {
			t.Errorf("slow connection still open after %v", r.lived.Round(time.Millisecond))
			continue
		}
		slowest = max(slowest, r.lived)
		if r.lived < headerTimeout-100*time.Millisecond {
			t.Errorf("slow connection closed after %v, before the header timeout", r.lived)
		}
		if r.first != "" && r.first != "HTTP/1.1 408 Request Timeout" {
			t.Errorf("slow connection answered %q, want 408 or nothing", r.first)
		}
	}
	close(stop)
	wg.Wait()
	t.Logf("%d slow connections closed within %v; %d ordinary requests served meanwhile", conns, slowest.Round(time.Millisecond), served)
}

// TestHeaderTimeoutLifted checks that the header deadline stops once the
// header is in: a body that takes longer than the header timeout, but not
// than Timeout, is read; and that a keep-alive request's header is held to
// the header timeout too, counted from its first byte, not the idle wait.
func TestHeaderTimeoutLifted(t *testing.T) {
	addr := serveTest(t, Config{HeaderTimeout: 500 * time.Millisecond, Timeout: 10 * time.Second, IdleTimeout: 10 * time.Second},
		func(ctx *fasthttp.RequestCtx) { ctx.SetBody(ctx.Request.Body()) })
	c := dialTest(t, addr, 10*time.Second)
	br := bufio.NewReader(c)

	// A slow body: the header at once, the body over a second.
	io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n")
	for _, b := range "body" {
		time.Sleep(300 * time.Millisecond)
		if _, err := c.Write([]byte{byte(b)}); err != nil {
			t.Fatalf("body write: %v", err)
		}
	}
	var resp fasthttp.Response
	if err := resp.Read(br); err != nil || string(resp.Body()) != "body" {
		t.Fatalf("slow body: %v %d %q", err, resp.StatusCode(), resp.Body())
	}

	// An idle wait longer than the header timeout, then a slow header.
	time.Sleep(700 * time.Millisecond)
	start := time.Now()
	io.WriteString(c, "GET / HTTP/1.1\r\n")
	for i := 0; i < 20; i++ {
		time.Sleep(100 * time.Millisecond)
		if _, err := c.Write([]byte("X")); err != nil {
			break
		}
	}
	resp.Reset()
	err := resp.Read(br)
	if d := time.Since(start); err != nil || resp.StatusCode() != 408 || d > 1500*time.Millisecond {
		t.Fatalf("slow keep-alive header: %v, status %d after %v; want 408 after about 500ms", err, resp.StatusCode(), d)
	}
}

// TestBodyTimeout checks that a body that stops coming is answered 408
// once Timeout has passed since its header.
func TestBodyTimeout(t *testing.T) {
	addr := serveTest(t, Config{HeaderTimeout: 5 * time.Second, Timeout: 500 * time.Millisecond, IdleTimeout: 5 * time.Second}, okHandler)
	c := dialTest(t, addr, 5*time.Second)
	start := time.Now()
	io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab")
	var resp fasthttp.Response
	err := resp.Read(bufio.NewReader(c))
	if d := time.Since(start); err != nil || resp.StatusCode() != 408 || d < 400*time.Millisecond || d > 3*time.Second {
		t.Fatalf("stalled body: %v, status %d after %v; want 408 after about 500ms", err, resp.StatusCode(), d)
	}
}

// TestIdleTimeout checks that a keep-alive connection is closed once it has
// waited IdleTimeout for its next request, without an answer.
func TestIdleTimeout(t *testing.T) {
	addr := serveTest(t, Config{HeaderTimeout: 5 * time.Second, Timeout: 5 * time.Second, IdleTimeout: 300 * time.Millisecond}, okHandler)
	c := dialTest(t, addr, 5*time.Second)
	br := bufio.NewReader(c)
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	var resp fasthttp.Response
	if err := resp.Read(br); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	rest, err := io.ReadAll(br)
	if d := time.Since(start); err != nil || len(rest) != 0 || d < 250*time.Millisecond || d > 2*time.Second {
		t.Fatalf("idle connection: closed after %v with %q, err %v; want a silent close after 300ms", d, rest, err)
	}
}

// TestConnectionCaps checks the global and per-address caps: the
// connection past either is answered with a problem and closed, and a slot
// freed by a closed connection is usable again.
func TestConnectionCaps(t *testing.T) {
	tests := []struct {
		name          string
		maxConns      int
		perIP, status int
		detail        string
	}{
		{"global", 3, 0, 503, "the gateway is serving its maximum of 3 connections"},
		{"per address", 100, 3, 429, "too many connections from your address (at most 3)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := serveTest(t, Config{MaxConns: tt.maxConns, MaxConnsPerIP: tt.perIP, HeaderTimeout: 5 * time.Second}, okHandler)
			var held []net.Conn
			defer func() {
				for _, c := range held {
					c.Close()
				}
			}()
			for range 3 {
				c, err := net.DialTimeout("tcp", addr, 5*time.Second)
				if err != nil {
					t.Fatal(err)
				}
				held = append(held, c)
				// A request answered proves the connection was admitted
				// before the next is dialled.
				c.SetDeadline(time.Now().Add(5 * time.Second))
				io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
				var resp fasthttp.Response
				if err := resp.Read(bufio.NewReader(c)); err != nil || resp.StatusCode() != 200 {
					t.Fatalf("connection %d: %v %d", len(held), err, resp.StatusCode())
				}
			}

			c, err := net.DialTimeout("tcp", addr, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			c.SetDeadline(time.Now().Add(5 * time.Second))
			var resp fasthttp.Response
			err = resp.Read(bufio.NewReader(c))
			c.Close()
			if err != nil || resp.StatusCode() != tt.status || !resp.ConnectionClose() {
				t.Fatalf("connection past the cap: %v, status %d, close %v; want %d and close", err, resp.StatusCode(), resp.ConnectionClose(), tt.status)
			}
			var p struct {
				Type, Title, Detail string
				Status              int
			}
			if err := json.Unmarshal(resp.Body(), &p); err != nil || string(resp.Header.ContentType()) != "application/problem+json" {
				t.Fatalf("body %q (%s): %v", resp.Body(), resp.Header.ContentType(), err)
			}
			if p.Type != "about:blank" || p.Status != tt.status || p.Title != problem.Title(tt.status) || p.Detail != tt.detail {
				t.Fatalf("problem %+v", p)
			}

			held[0].Close()
			held = held[1:]
			// The slot is freed when the server sees the close; retry briefly.
			for i := 0; ; i++ {
				resp := raw(t, addr, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
				if resp.StatusCode() == 200 {
					break
				}
				if i == 50 {
					t.Fatalf("slot not freed: status %d", resp.StatusCode())
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}

// TestHTTPVersion: a request line of another major version than 1 gets 505
// and never reaches the handler (fasthttp would serve it as 1.1); 1.0, 1.1
// and a higher 1.x minor are served.
func TestHTTPVersion(t *testing.T) {
	var served sync.Map
	addr := serveTest(t, Config{}, func(ctx *fasthttp.RequestCtx) {
		served.Store(string(ctx.Request.Header.Protocol()), true)
		ctx.SetBodyString("ok")
	})
	for _, c := range []struct {
		proto string
		want  string
	}{
		{"HTTP/1.1", "HTTP/1.1 200 "},
		{"HTTP/1.0", "HTTP/1.1 200 "},
		{"HTTP/1.2", "HTTP/1.1 200 "},
		{"HTTP/2.0", "HTTP/1.1 505 "},
		{"HTTP/3.0", "HTTP/1.1 505 "},
		{"HTTP/0.9", "HTTP/1.1 505 "},
		// Not an HTTP-version at all (one digit each side of the dot,
		// RFC 9112 §2.3): malformed, 400.
		{"HTTP/11.1", "HTTP/1.1 400 "},
	} {
		resp := exchange(t, addr, "GET /x "+c.proto+"\r\nHost: a\r\nConnection: close\r\n\r\n")
		if !strings.HasPrefix(string(resp), c.want) {
			t.Errorf("%s: answered %.40q, want %q", c.proto, resp, c.want)
		}
		if _, ok := served.Load(c.proto); ok != strings.Contains(c.want, "200") {
			t.Errorf("%s: reached the handler: %v", c.proto, ok)
		}
		if !strings.Contains(c.want, "200") && !strings.Contains(string(resp), "application/problem+json") {
			t.Errorf("%s: the refusal is not problem+json: %.200q", c.proto, resp)
		}
		if !strings.Contains(c.want, "200") && !regexp.MustCompile(`X-Request-Id: (\w{32})\r\n[\s\S]*"request_id":"\w{32}"`).Match(resp) {
			t.Errorf("%s: the refusal has no request id in its header and its problem: %q", c.proto, resp)
		}
	}
}

// TestAsteriskForm: "OPTIONS *" is a ping of the server (200, no content,
// the handler not involved); another method with the * target is 400.
// The other request-target forms that name no resource of the API never
// reach the handler either: CONNECT (authority-form or not) is 501 and
// closes the connection, an absolute-form target of a scheme other than
// http or https is 400, a method longer than any OpenAPI has is 501 (RFC
// 9112 §3); they were routed (404, 405, or served as http).
func TestAsteriskForm(t *testing.T) {
	var handled atomic.Bool
	addr := serveTest(t, Config{}, func(ctx *fasthttp.RequestCtx) { handled.Store(true); ctx.SetStatusCode(404) })
	for _, c := range []struct{ method, target, want string }{
		{"OPTIONS", "*", "HTTP/1.1 200 "},
		{"GET", "*", "HTTP/1.1 400 "},
		{"DELETE", "*", "HTTP/1.1 400 "},
		{"CONNECT", "a:443", "HTTP/1.1 501 "},
		{"CONNECT", "/v1/pets", "HTTP/1.1 501 "},
		{"GET", "ftp://a/v1/pets", "HTTP/1.1 400 "},
		{"GET", "javascript://a/v1/pets", "HTTP/1.1 400 "},
		{"PROPFIND", "/v1/pets", "HTTP/1.1 501 "},
		{strings.Repeat("A", 4000), "/v1/pets", "HTTP/1.1 501 "},
	} {
		resp := exchange(t, addr, c.method+" "+c.target+" HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
		if !strings.HasPrefix(string(resp), c.want) {
			t.Errorf("%.20s %s: answered %.60q, want %q", c.method, c.target, resp, c.want)
		}
		if c.method == "OPTIONS" && !strings.Contains(string(resp), "Content-Length: 0\r\n") {
			t.Errorf("OPTIONS *: want no content, got %q", resp)
		}
		if c.want != "HTTP/1.1 200 " && !strings.Contains(string(resp), "application/problem+json") {
			t.Errorf("%.20s %s: the refusal is not problem+json: %q", c.method, c.target, resp)
		}
	}
	if handled.Load() {
		t.Error("a request of those forms reached the handler")
	}
	// An absolute target of http or https, in any case, is served.
	for _, target := range []string{"http://a/x", "HTTPS://a/x"} {
		handled.Store(false)
		exchange(t, addr, "GET "+target+" HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
		if !handled.Load() {
			t.Errorf("GET %s did not reach the handler", target)
		}
	}
	// CONNECT's answer closes the connection: what the client sends next
	// is the tunnel's, not a request.
	resp := exchange(t, addr, "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\nGET /x HTTP/1.1\r\nHost: a\r\n\r\n")
	if n := strings.Count(string(resp), "HTTP/1.1 "); n != 1 || !strings.Contains(string(resp), "Connection: close") {
		t.Errorf("CONNECT then a request on the connection: %q", resp)
	}
}

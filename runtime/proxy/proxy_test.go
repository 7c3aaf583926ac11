package proxy

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/balance"
	"github.com/gatewaygen/gatewaygen/runtime/problem"
)

// seen is what an upstream received.
type seen struct {
	method, uri, host, body string
	header                  map[string][]string
	raw                     string
}

// upstream is a hand-written HTTP/1.1 server: it records each request and
// writes the raw response text respond returns, so tests control every
// byte the proxy reads (hop-by-hop headers, chunking) without a server
// library tidying them up.
type upstream struct {
	ln   net.Listener
	reqs chan seen
	wg   sync.WaitGroup
	stop chan struct{}
}

func startUpstream(t *testing.T, respond func(r *fasthttp.Request) string) *upstream {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := &upstream{ln: ln, reqs: make(chan seen, 100), stop: make(chan struct{})}
	var mu sync.Mutex
	var conns []net.Conn
	u.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			u.wg.Go(func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					var r fasthttp.Request
					r.Header.DisableNormalizing()
					if err := r.Read(br); err != nil {
						return
					}
					s := seen{method: string(r.Header.Method()), uri: string(r.Header.RequestURI()),
						host: string(r.Header.Host()), body: string(r.Body()), header: map[string][]string{}, raw: r.Header.String()}
					for k, v := range r.Header.All() {
						key := strings.ToLower(string(k))
						s.header[key] = append(s.header[key], string(v))
					}
					u.reqs <- s
					if _, err := c.Write([]byte(respond(&r))); err != nil {
						return
					}
				}
			})
		}
	})
	t.Cleanup(func() {
		close(u.stop)
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		u.wg.Wait()
	})
	return u
}

func (u *upstream) url() string { return "http://" + u.ln.Addr().String() }

func (u *upstream) next(t *testing.T) seen {
	t.Helper()
	select {
	case s := <-u.reqs:
		return s
	case <-time.After(5 * time.Second):
		t.Fatal("upstream got no request")
		return seen{}
	}
}

const okResponse = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"

// hAnswered carries what Forward returned, for the tests to read.
const hAnswered = "X-Test-Upstream-Answered"

// startGateway serves Forward on 127.0.0.1 and returns its address.
func startGateway(t *testing.T, up *Upstream, path string, timeout time.Duration) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &fasthttp.Server{
		Handler: func(ctx *fasthttp.RequestCtx) {
			p := []byte(path)
			if path == "" {
				p = ctx.URI().PathOriginal()
			}
			answered := up.Forward(ctx, p, timeout)
			ctx.Response.Header.Set(hAnswered, fmt.Sprint(answered))
		},
		NoDefaultServerHeader: true,
		ReadTimeout:           10 * time.Second,
	}
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	t.Cleanup(func() {
		srv.Shutdown()
		<-done
	})
	return ln.Addr().String()
}

// do sends raw request text to addr and reads one response.
func do(t *testing.T, addr, raw string) *fasthttp.Response {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write([]byte(raw)); err != nil {
		t.Fatal(err)
	}
	resp := &fasthttp.Response{}
	if err := resp.Read(bufio.NewReader(c)); err != nil {
		t.Fatal(err)
	}
	return resp
}

func newUpstream(t *testing.T, name string, urls ...string) *Upstream {
	t.Helper()
	var ts []balance.Target
	for _, u := range urls {
		ts = append(ts, balance.Target{URL: u})
	}
	u, err := NewUpstream(UpstreamConfig{Name: name, Targets: ts, Timeout: 5 * time.Second, Balance: balance.RoundRobin})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestForwardRequest(t *testing.T) {
	up := startUpstream(t, func(*fasthttp.Request) string { return okResponse })
	gw := startGateway(t, newUpstream(t, "pets", up.url()+"/base/"), "/pets/a%2Fb", 0)
	req := "POST /v1/pets?q=a%20b&x&y=%2F HTTP/1.1\r\n" +
		"Host: api.example.com:8443\r\n" +
		"Content-Type: application/json\r\n" +
		"Content-Length: 11\r\n" +
		"X-Custom: one\r\n" +
		"X-Custom: two\r\n" +
		"User-Agent: test/1\r\n" +
		"Connection: keep-alive, X-Hop\r\n" +
		"X-Hop: secret\r\n" +
		"Keep-Alive: timeout=5\r\n" +
		"Proxy-Connection: keep-alive\r\n" +
		"Proxy-Authorization: Basic eA==\r\n" +
		"TE: trailers\r\n" +
		"Upgrade: websocket\r\n" +
		"X-Forwarded-For: 203.0.113.7\r\n" +
		"X-Forwarded-Proto: https\r\n" +
		"Forwarded: for=203.0.113.7;proto=https\r\n" +
		"X-Request-Id: given-id-1\r\n" +
		"\r\n" +
		`{"a":"b c"}`
	resp := do(t, gw, req)
	if resp.StatusCode() != 200 || string(resp.Body()) != "ok" {
		t.Fatalf("response %d %q", resp.StatusCode(), resp.Body())
	}
	if got := string(resp.Header.Peek(hAnswered)); got != "true" {
		t.Errorf("Forward returned %s for the upstream's answer, want true", got)
	}
	s := up.next(t)
	checks := []struct{ what, got, want string }{
		{"method", s.method, "POST"},
		{"uri", s.uri, "/base/pets/a%2Fb?q=a%20b&x&y=%2F"},
		{"host", s.host, up.ln.Addr().String()},
		{"body", s.body, `{"a":"b c"}`},
		{"content-type", strings.Join(s.header["content-type"], "|"), "application/json"},
		{"x-custom", strings.Join(s.header["x-custom"], "|"), "one|two"},
		{"user-agent", strings.Join(s.header["user-agent"], "|"), "test/1"},
		{"x-forwarded-for", strings.Join(s.header["x-forwarded-for"], "|"), "203.0.113.7, 127.0.0.1"},
		{"x-forwarded-proto", strings.Join(s.header["x-forwarded-proto"], "|"), "http"},
		{"x-forwarded-host", strings.Join(s.header["x-forwarded-host"], "|"), "api.example.com:8443"},
		{"forwarded", strings.Join(s.header["forwarded"], "|"), `for=203.0.113.7;proto=https, for=127.0.0.1;host="api.example.com:8443";proto=http`},
		{"x-request-id", strings.Join(s.header["x-request-id"], "|"), "given-id-1"},
		{"echoed id", string(resp.Header.Peek("X-Request-Id")), "given-id-1"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
		}
	}
	for _, h := range []string{"connection", "x-hop", "keep-alive", "proxy-connection", "proxy-authorization", "te", "upgrade", "transfer-encoding", "trailer"} {
		if v, ok := s.header[h]; ok {
			t.Errorf("hop-by-hop %s forwarded: %q", h, v)
		}
	}
}

func TestForwardResponse(t *testing.T) {
	up := startUpstream(t, func(*fasthttp.Request) string {
		return "HTTP/1.1 201 Created\r\n" +
			"Content-Type: application/json\r\n" +
			"Connection: X-Resp-Hop\r\n" +
			"X-Resp-Hop: secret\r\n" +
			"Keep-Alive: timeout=5\r\n" +
			"Proxy-Authenticate: Basic\r\n" +
			"Upgrade: h2c\r\n" +
			"Set-Cookie: a=1; Path=/\r\n" +
			"Set-Cookie: b=2\r\n" +
			"X-Up: 1\r\n" +
			"Access-Control-Allow-Origin: *\r\n" +
			"Transfer-Encoding: chunked\r\n" +
			"\r\n" +
			"5\r\n{\"id\"\r\n3\r\n:1}\r\n0\r\n\r\n"
	})
	u := newUpstream(t, "pets", up.url())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		// Headers a generated handler sets before proxying (CORS) win.
		ctx.Response.Header.Set("Access-Control-Allow-Origin", "https://app.example.com")
		u.Forward(ctx, []byte("/x"), 0)
	}}
	go srv.Serve(ln)
	defer srv.Shutdown()

	resp := do(t, ln.Addr().String(), "GET /x HTTP/1.1\r\nHost: gw\r\n\r\n")
	up.next(t)
	if resp.StatusCode() != 201 || string(resp.Body()) != `{"id":1}` {
		t.Fatalf("response %d %q", resp.StatusCode(), resp.Body())
	}
	if got := string(resp.Header.ContentType()); got != "application/json" {
		t.Errorf("content-type %q", got)
	}
	if got := string(resp.Header.Peek("X-Up")); got != "1" {
		t.Errorf("X-Up %q", got)
	}
	if got := string(resp.Header.Peek("Access-Control-Allow-Origin")); got != "https://app.example.com" {
		t.Errorf("pre-set header lost: %q", got)
	}
	var cookies []string
	for _, v := range resp.Header.Cookies() {
		cookies = append(cookies, string(v))
	}
	if strings.Join(cookies, "|") != "a=1; Path=/|b=2" {
		t.Errorf("cookies %q", cookies)
	}
	if id := resp.Header.Peek("X-Request-Id"); len(id) != 32 {
		t.Errorf("generated request id %q", id)
	}
	raw := strings.ToLower(resp.Header.String())
	for _, h := range []string{"x-resp-hop", "keep-alive", "proxy-authenticate", "upgrade", "transfer-encoding", "connection"} {
		if strings.Contains(raw, h+":") {
			t.Errorf("hop-by-hop %s reached the client:\n%s", h, raw)
		}
	}
}

func TestRequestIDGenerated(t *testing.T) {
	up := startUpstream(t, func(*fasthttp.Request) string { return okResponse })
	gw := startGateway(t, newUpstream(t, "pets", up.url()), "", 0)
	resp := do(t, gw, "GET /a HTTP/1.1\r\nHost: gw\r\nX-Request-Id: bad id\r\n\r\n")
	s := up.next(t)
	id := string(resp.Header.Peek("X-Request-Id"))
	if len(id) != 32 || strings.Trim(id, "0123456789abcdef") != "" {
		t.Fatalf("echoed id %q", id)
	}
	if got := strings.Join(s.header["x-request-id"], "|"); got != id {
		t.Fatalf("upstream saw %q, client got %q", got, id)
	}
}

type problemBody struct {
	Type, Title, Detail, Instance string
	Status                        int
	RequestID                     string `json:"request_id"`
}

func decodeProblem(t *testing.T, resp *fasthttp.Response, status int, detail string) {
	t.Helper()
	if resp.StatusCode() != status {
		t.Fatalf("status %d, want %d: %s", resp.StatusCode(), status, resp.Body())
	}
	if ct := string(resp.Header.ContentType()); ct != "application/problem+json" {
		t.Fatalf("content-type %q", ct)
	}
	var p problemBody
	if err := json.Unmarshal(resp.Body(), &p); err != nil {
		t.Fatalf("%s: %v", resp.Body(), err)
	}
	if p.Status != status || p.Detail != detail || p.Type != "about:blank" || p.Title != problem.Title(status) || p.Instance != "/orig" || len(p.RequestID) != 32 {
		t.Fatalf("problem %+v, want status %d detail %q", p, status, detail)
	}
	if string(resp.Header.Peek("X-Request-Id")) != p.RequestID {
		t.Fatalf("request id header %q, body %q", resp.Header.Peek("X-Request-Id"), p.RequestID)
	}
}

func TestFailures(t *testing.T) {
	// A port that was just open and is now closed: connection refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()

	slowRelease := make(chan struct{})
	defer close(slowRelease)
	slow := startUpstream(t, func(*fasthttp.Request) string {
		select {
		case <-slowRelease:
		case <-time.After(10 * time.Second):
		}
		return okResponse
	})
	garbage := startUpstream(t, func(*fasthttp.Request) string { return "NOT HTTP AT ALL\r\n\r\n" })

	tests := []struct {
		name    string
		up      *Upstream
		timeout time.Duration
		status  int
		detail  string
	}{
		{"refused", newUpstream(t, "pets", closed), 0, 502, "upstream pets: connection refused"},
		{"timeout", newUpstream(t, "pets", slow.url()), 200 * time.Millisecond, 504, "upstream pets: timed out"},
		{"malformed", newUpstream(t, "pets", garbage.url()), 0, 502, "upstream pets: invalid response"},
		{"no targets", newUpstream(t, "pets"), 0, 503, "upstream pets: no targets"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gw := startGateway(t, tt.up, "/up", tt.timeout)
			start := time.Now()
			resp := do(t, gw, "GET /orig?a=1 HTTP/1.1\r\nHost: gw\r\n\r\n")
			if d := time.Since(start); d > 5*time.Second {
				t.Fatalf("took %v", d)
			}
			decodeProblem(t, resp, tt.status, tt.detail)
			if got := string(resp.Header.Peek(hAnswered)); got != "false" {
				t.Errorf("Forward returned %s on a failure, want false", got)
			}
			if strings.Contains(string(resp.Body()), "127.0.0.1") {
				t.Fatalf("internal address leaked: %s", resp.Body())
			}
		})
	}
}

func TestRoundRobin(t *testing.T) {
	a := startUpstream(t, func(*fasthttp.Request) string { return okResponse })
	b := startUpstream(t, func(*fasthttp.Request) string { return okResponse })
	gw := startGateway(t, newUpstream(t, "pets", a.url(), b.url()), "", 0)
	for i := range 4 {
		do(t, gw, "GET /r HTTP/1.1\r\nHost: gw\r\n\r\n")
		want := a
		if i%2 == 1 {
			want = b
		}
		want.next(t)
	}
	if len(a.reqs)+len(b.reqs) != 0 {
		t.Fatal("extra requests")
	}
}

func TestForwardedHeader(t *testing.T) {
	tests := []struct {
		name, remote, host, xff, fwd string
		wantXFF, wantFwd             string
	}{
		{"ipv4", "192.0.2.1:1234", "example.com", "", "", "192.0.2.1", "for=192.0.2.1;host=example.com;proto=http"},
		{"ipv6", "[2001:db8::1]:1234", "example.com", "", "", "2001:db8::1", `for="[2001:db8::1]";host=example.com;proto=http`},
		{"v4-mapped", "[::ffff:192.0.2.1]:1234", "h", "", "", "192.0.2.1", "for=192.0.2.1;host=h;proto=http"},
		{"appends", "192.0.2.1:1", "h:80", "10.0.0.1", "for=10.0.0.1", "10.0.0.1, 192.0.2.1", `for=10.0.0.1, for=192.0.2.1;host="h:80";proto=http`},
		{"no host", "192.0.2.1:1", "", "", "", "192.0.2.1", "for=192.0.2.1;proto=http"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var req fasthttp.Request
			req.SetRequestURI("/x")
			req.Header.SetHost(tt.host)
			if tt.xff != "" {
				req.Header.Set("X-Forwarded-For", tt.xff)
			}
			if tt.fwd != "" {
				req.Header.Set("Forwarded", tt.fwd)
			}
			addr, err := net.ResolveTCPAddr("tcp", tt.remote)
			if err != nil {
				t.Fatal(err)
			}
			var ctx fasthttp.RequestCtx
			ctx.Init(&req, addr, nil)
			s := &state{origHost: []byte(tt.host)}
			(&Upstream{}).setForwarded(&ctx, s)
			if got := string(ctx.Request.Header.Peek("X-Forwarded-For")); got != tt.wantXFF {
				t.Errorf("XFF %q, want %q", got, tt.wantXFF)
			}
			if got := string(ctx.Request.Header.Peek("Forwarded")); got != tt.wantFwd {
				t.Errorf("Forwarded %q, want %q", got, tt.wantFwd)
			}
		})
	}
}

func TestNewUpstreamValidation(t *testing.T) {
	tests := []struct {
		url, err string
	}{
		{"http://127.0.0.1:9001", ""},
		{"https://api.internal/base/", ""},
		{"http://[::1]:8080/v1", ""},
		{"ftp://h", `proxy: upstream pets: target "ftp://h": scheme must be http or https, want http[s]://host[:port][/base]`},
		{"http://", `proxy: upstream pets: target "http://": no host`},
		{"127.0.0.1:9001", `proxy: upstream pets: target "127.0.0.1:9001": not a URL, want http[s]://host[:port][/base]`},
		{"http://h/?a=1", `proxy: upstream pets: target "http://h/?a=1": query is not allowed`},
		{"http://h/?", `proxy: upstream pets: target "http://h/?": query is not allowed`},
		{"http://h/#f", `proxy: upstream pets: target "http://h/#f": fragment is not allowed`},
		{"http://u:p@h/", `proxy: upstream pets: target "http://u:p@h/": user info is not allowed`},
		{"http://h:99999", `proxy: upstream pets: target "http://h:99999": bad port`},
		{"http://h\x7f", "proxy: upstream pets: target \"http://h\\x7f\": not a URL, want http[s]://host[:port][/base]"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			u, err := NewUpstream(UpstreamConfig{Name: "pets", Targets: []balance.Target{{URL: "http://ok"}, {URL: tt.url}}})
			if tt.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				if u.Name() != "pets" || u.timeout != DefaultTimeout {
					t.Fatalf("name %q timeout %v", u.Name(), u.timeout)
				}
				return
			}
			if err == nil || err.Error() != tt.err {
				t.Fatalf("err %v, want %s", err, tt.err)
			}
		})
	}
	if _, err := NewUpstream(UpstreamConfig{}); err == nil {
		t.Fatal("nameless upstream accepted")
	}
}

func TestTargetPrefix(t *testing.T) {
	for in, want := range map[string]string{
		"http://h":              "http://h",
		"http://h/":             "http://h",
		"http://h:81/a/b/":      "http://h:81/a/b",
		"https://h/a%2Fb":       "https://h/a%2Fb",
		"http://[::1]:8080/api": "http://[::1]:8080/api",
	} {
		tg, err := newTarget(in, time.Second, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		if string(tg.prefix) != want {
			t.Errorf("%s: prefix %q, want %q", in, tg.prefix, want)
		}
	}
	tg, _ := newTarget("https://h", time.Second, nil, 0)
	if tg.client.Addr != "h:443" || !tg.client.IsTLS {
		t.Errorf("addr %q tls %v", tg.client.Addr, tg.client.IsTLS)
	}
}

var errSentinel = errors.New("x")

func TestFailMapping(t *testing.T) {
	u, _ := NewUpstream(UpstreamConfig{Name: "pets"})
	tests := []struct {
		err    error
		status int
	}{
		{fasthttp.ErrTimeout, 504},
		{fasthttp.ErrDialTimeout, 504},
		{fasthttp.ErrNoFreeConns, 503},
		{fasthttp.ErrConnectionClosed, 502},
		{&net.DNSError{Err: "no such host", Name: "h", IsNotFound: true}, 502},
		{&net.OpError{Op: "dial", Err: errSentinel}, 502},
		{fmt.Errorf("wrapped: %w", errSentinel), 502},
	}
	for _, tt := range tests {
		var ctx fasthttp.RequestCtx
		u.fail(&ctx, tt.err)
		if ctx.Response.StatusCode() != tt.status {
			t.Errorf("%v: status %d, want %d", tt.err, ctx.Response.StatusCode(), tt.status)
		}
	}
}

// TestHTTP10Upstream checks that the protocol version stays per hop: an
// HTTP/1.0 upstream that closes its connection still gives the client an
// HTTP/1.1 response on a connection that stays open.
func TestHTTP10Upstream(t *testing.T) {
	up := startUpstream(t, func(*fasthttp.Request) string {
		return "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
	})
	addr := startGateway(t, newUpstream(t, "old", up.url()), "/x", 0)
	resp := do(t, addr, "GET /x HTTP/1.1\r\nHost: gw\r\n\r\n")
	up.next(t)
	if string(resp.Header.Protocol()) != "HTTP/1.1" || resp.Header.ConnectionClose() || string(resp.Body()) != "ok" {
		t.Fatalf("got %s close=%v body %q; want HTTP/1.1, keep-alive, ok", resp.Header.Protocol(), resp.Header.ConnectionClose(), resp.Body())
	}
}

// TestClientControlledHeaders sends, byte for byte, headers a client could
// use to mislead the upstream about who it is or what the gateway added,
// and checks what the upstream receives.
func TestClientControlledHeaders(t *testing.T) {
	up := startUpstream(t, func(*fasthttp.Request) string { return okResponse })
	gw := startGateway(t, newUpstream(t, "pets", up.url()), "/x", 0)
	const head = "GET /x HTTP/1.1\r\nHost: api.example.com\r\n"
	tests := []struct {
		name, headers string
		want          map[string]string // header (lowercase) -> values joined by "|"; "" means absent
	}{
		{"x-real-ip overwritten", "X-Real-IP: 203.0.113.7\r\n",
			map[string]string{"x-real-ip": "127.0.0.1"}},
		{"x-real-ip twice", "X-Real-IP: 203.0.113.7\r\nx-real-ip: 198.51.100.1\r\n",
			map[string]string{"x-real-ip": "127.0.0.1"}},
		{"x-real-ip absent", "",
			map[string]string{"x-real-ip": "127.0.0.1"}},
		{"other address claims dropped", "True-Client-IP: 203.0.113.7\r\nX-Client-IP: 203.0.113.7\r\nX-Cluster-Client-IP: 203.0.113.7\r\n",
			map[string]string{"true-client-ip": "", "x-client-ip": "", "x-cluster-client-ip": "", "x-real-ip": "127.0.0.1"}},
		{"request id nominated", "X-Request-Id: given-id-1\r\nConnection: X-Request-Id\r\n",
			map[string]string{"x-request-id": "given-id-1"}},
		{"generated request id nominated", "Connection: keep-alive, x-request-id\r\n",
			map[string]string{"x-request-id": "(echoed)"}},
		{"forwarding fields nominated",
			"X-Forwarded-For: 203.0.113.7\r\nForwarded: for=203.0.113.7\r\nX-Real-IP: 203.0.113.7\r\n" +
				"Connection: X-Forwarded-For, Forwarded, X-Forwarded-Host, X-Forwarded-Proto, X-Real-IP\r\n",
			map[string]string{
				"x-forwarded-for": "127.0.0.1", "forwarded": "for=127.0.0.1;host=api.example.com;proto=http",
				"x-forwarded-host": "api.example.com", "x-forwarded-proto": "http", "x-real-ip": "127.0.0.1",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := do(t, gw, head+tt.headers+"\r\n")
			if resp.StatusCode() != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode(), resp.Body())
			}
			s := up.next(t)
			for h, want := range tt.want {
				if want == "(echoed)" {
					want = string(resp.Header.Peek("X-Request-Id"))
				}
				if got := strings.Join(s.header[h], "|"); got != want {
					t.Errorf("upstream got %s %q, want %q\n%s", h, got, want, s.raw)
				}
			}
		})
	}
}

// TestHeaderNameNotToken checks that a field name the upstream could read
// differently from the gateway (RFC 9110 §5.1 allows only token characters)
// is refused with a problem naming it, and nothing is forwarded.
func TestHeaderNameNotToken(t *testing.T) {
	up := startUpstream(t, func(*fasthttp.Request) string { return okResponse })
	gw := startGateway(t, newUpstream(t, "pets", up.url()), "/x", 0)
	for _, name := range []string{"X-Bad Name", "Transfer-Encoding x", "X-A  B"} {
		t.Run(name, func(t *testing.T) {
			resp := do(t, gw, "POST /orig HTTP/1.1\r\nHost: gw\r\nContent-Length: 2\r\n"+name+": 1\r\n\r\n{}")
			if resp.StatusCode() != 400 {
				t.Fatalf("status %d, want 400: %s", resp.StatusCode(), resp.Body())
			}
			if ct := string(resp.Header.ContentType()); ct != "application/problem+json" {
				t.Fatalf("content-type %q", ct)
			}
			var p struct {
				Type   string
				Detail string
				Errors []struct{ Location, Rule, Detail string }
			}
			if err := json.Unmarshal(resp.Body(), &p); err != nil {
				t.Fatalf("%s: %v", resp.Body(), err)
			}
			if len(p.Errors) != 1 || p.Errors[0].Location != "header."+name || p.Errors[0].Rule != "field-name" ||
				!strings.Contains(p.Detail, `"`+name+`"`) {
				t.Fatalf("problem does not name the header: %s", resp.Body())
			}
			if !resp.ConnectionClose() {
				t.Error("connection kept open after a malformed header")
			}
			select {
			case s := <-up.reqs:
				t.Fatalf("forwarded anyway:\n%s", s.raw)
			case <-time.After(100 * time.Millisecond):
			}
		})
	}
}

func TestScanFields(t *testing.T) {
	tests := []struct {
		name, raw string
		bad       string // "" when every name is a token
		claims    bool
	}{
		{"empty block", "", "", true},
		{"plain", "Host: h\r\nAccept: */*\r\n\r\n", "", false},
		{"bare LF", "Host: h\nAccept: */*\n\n", "", false},
		{"obs-fold", "X-A: 1\r\n  X Y: not a field\r\n\r\n", "", false},
		{"space in name", "Host: h\r\nX-Bad Name: 1\r\n\r\n", "X-Bad Name", false},
		{"name at the end", "Host: h\r\nX-Bad\x7fName", "X-Bad\x7fName", false},
		{"empty name", ": 1\r\n\r\n", "", false},
		{"claim any case", "x-real-ip: 1\r\n\r\n", "", true},
		{"other claim", "Host: h\r\nX-CLUSTER-CLIENT-IP: 1\r\n\r\n", "", true},
		{"claim after the block", "Host: h\r\n\r\nX-Real-IP: 1\r\n", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad, claims, _, _, ok := scanFields([]byte(tt.raw))
			wantOK := tt.bad == "" && tt.name != "empty name"
			if ok != wantOK || string(bad) != tt.bad || claims != tt.claims {
				t.Fatalf("scanFields(%q) = %q, claims %v, ok %v; want %q, %v, %v", tt.raw, bad, claims, ok, tt.bad, tt.claims, wantOK)
			}
		})
	}
}

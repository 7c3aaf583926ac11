package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net"
	"os"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/problem"

	"github.com/gatewaygen/gatewaygen/runtime/balance"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestParseFlags(t *testing.T) {
	defaults := Config{
		Name:      "petstore",
		Listen:    ":8080",
		Upstreams: map[string][]string{"pets": {"http://default:1"}},
		Timeout:   time.Second,
	}
	// limits is what every want below has of the connection limits the
	// spec left unset: ParseFlags spells the defaults out.
	limits := func(c Config) Config {
		c.HeaderTimeout, c.IdleTimeout, c.MaxConns = DefaultHeaderTimeout, DefaultIdleTimeout, DefaultMaxConns
		c.DrainTimeout, c.AccessLog, c.AccessSample = ShutdownTimeout, "off", DefaultAccessSample
		c.TraceSample = DefaultTraceSample // tracing.go
		return c
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want Config
		err  string
	}{
		{name: "defaults", want: limits(defaults)},
		{
			name: "env over defaults",
			env:  map[string]string{EnvListen: "127.0.0.1:9000", EnvUpstreams: "pets=http://e1, pets=http://e2,users=http://u", EnvMock: "true"},
			want: limits(Config{Name: "petstore", Listen: "127.0.0.1:9000", Mock: true, Timeout: time.Second,
				Upstreams: map[string][]string{"pets": {"http://e1", "http://e2"}, "users": {"http://u"}}}),
		},
		{
			name: "flags over env",
			args: []string{"--listen", ":0", "-upstream", "pets=http://f1", "--upstream=pets=http://f2", "--mock=false"},
			env:  map[string]string{EnvListen: "127.0.0.1:9000", EnvUpstreams: "pets=http://e1,users=http://u", EnvMock: "1"},
			want: limits(Config{Name: "petstore", Listen: ":0", Timeout: time.Second,
				Upstreams: map[string][]string{"pets": {"http://f1", "http://f2"}, "users": {"http://u"}}}),
		},
		{
			name: "bare --mock",
			args: []string{"--mock"},
			env:  map[string]string{EnvMock: "0"},
			want: limits(Config{Name: "petstore", Listen: ":8080", Mock: true, Timeout: time.Second, Upstreams: defaults.Upstreams}),
		},
		{
			name: "connection limits from env",
			env:  map[string]string{EnvHeaderTimeout: "2s", EnvIdleTimeout: "90s", EnvMaxConns: "500", EnvMaxConnsPerIP: "20"},
			want: Config{Name: "petstore", Listen: ":8080", Timeout: time.Second, Upstreams: defaults.Upstreams,
				HeaderTimeout: 2 * time.Second, IdleTimeout: 90 * time.Second, MaxConns: 500, MaxConnsPerIP: 20, DrainTimeout: ShutdownTimeout, AccessLog: "off", AccessSample: DefaultAccessSample, TraceSample: DefaultTraceSample},
		},
		{
			name: "connection limits from flags over env",
			args: []string{"--header-timeout", "1s", "--idle-timeout=5s", "--max-conns", "7", "--max-conns-per-ip", "0"},
			env:  map[string]string{EnvHeaderTimeout: "2s", EnvIdleTimeout: "90s", EnvMaxConns: "500", EnvMaxConnsPerIP: "20"},
			want: Config{Name: "petstore", Listen: ":8080", Timeout: time.Second, Upstreams: defaults.Upstreams,
				HeaderTimeout: time.Second, IdleTimeout: 5 * time.Second, MaxConns: 7, DrainTimeout: ShutdownTimeout, AccessLog: "off", AccessSample: DefaultAccessSample, TraceSample: DefaultTraceSample},
		},
		{
			name: "auth sources: flag over env",
			args: []string{"--auth", "petsKey=file:keys.txt"},
			env:  map[string]string{EnvAuth: "petsKey=env:A, admin=file:jwks.json"},
			want: limits(Config{Name: "petstore", Listen: ":8080", Timeout: time.Second, Upstreams: defaults.Upstreams,
				Auth: map[string]string{"petsKey": "file:keys.txt", "admin": "file:jwks.json"}}),
		},
		{name: "auth without a source kind", args: []string{"--auth", "petsKey=keys.txt"}, err: `server: invalid value "petsKey=keys.txt" for flag -auth: "petsKey=keys.txt": want SCHEME=env:NAME, SCHEME=file:PATH or SCHEME=url:URL (a JWKS)`},
		{name: "upstream without =", args: []string{"--upstream", "pets"}, err: `server: invalid value "pets" for flag -upstream: "pets": want NAME=URL`},
		{name: "upstream without name", args: []string{"--upstream", "=http://x"}, err: `server: invalid value "=http://x" for flag -upstream: "=http://x": want NAME=URL`},
		{name: "env upstream bad", env: map[string]string{EnvUpstreams: "pets=http://x,oops"}, err: `server: GATEWAY_UPSTREAMS: "oops": want NAME=URL`},
		{name: "env bad bool", env: map[string]string{EnvMock: "yes"}, err: `server: GATEWAY_MOCK="yes": want 1, true, 0 or false`},
		{name: "flag bad bool", args: []string{"--mock=maybe"}, err: `server: invalid boolean value "maybe" for -mock: parse error`},
		{name: "bad listen", args: []string{"--listen", "8080"}, err: `server: listen address "8080": want HOST:PORT or :PORT`},
		{name: "env bad duration", env: map[string]string{EnvHeaderTimeout: "10"}, err: `server: GATEWAY_HEADER_TIMEOUT="10": want a duration > 0 like 10s`},
		{name: "env zero duration", env: map[string]string{EnvIdleTimeout: "0s"}, err: `server: GATEWAY_IDLE_TIMEOUT="0s": want a duration > 0 like 10s`},
		{name: "env bad count", env: map[string]string{EnvMaxConns: "0"}, err: `server: GATEWAY_MAX_CONNS="0": want an integer >= 1`},
		{name: "env negative per ip", env: map[string]string{EnvMaxConnsPerIP: "-1"}, err: `server: GATEWAY_MAX_CONNS_PER_IP="-1": want an integer >= 0`},
		{name: "flag zero header timeout", args: []string{"--header-timeout", "0s"}, err: "server: --header-timeout 0s: want a duration > 0"},
		{name: "flag zero idle timeout", args: []string{"--idle-timeout", "0s"}, err: "server: --idle-timeout 0s: want a duration > 0"},
		{name: "flag zero max conns", args: []string{"--max-conns", "0"}, err: "server: --max-conns 0: want at least 1"},
		{name: "flag negative per ip", args: []string{"--max-conns-per-ip", "-2"}, err: "server: --max-conns-per-ip -2: want 0 (no limit) or more"},
		{name: "unknown flag", args: []string{"--nope"}, err: "server: flag provided but not defined: -nope"},
		{name: "stray argument", args: []string{"extra"}, err: `server: unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseFlags(defaults, tt.args, env(tt.env), io.Discard)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("err %v, want %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
	if defaults.Upstreams["pets"][0] != "http://default:1" {
		t.Fatal("defaults were modified")
	}
}

func TestHelp(t *testing.T) {
	var out bytes.Buffer
	_, err := parseFlags(Config{Name: "petstore", Listen: ":8080"}, []string{"--help"}, env(nil), &out)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("err %v", err)
	}
	for _, want := range []string{"petstore-gateway", "-listen", EnvListen, "-upstream", EnvUpstreams, "-mock", EnvMock,
		"-header-timeout", EnvHeaderTimeout, "-idle-timeout", EnvIdleTimeout, "-max-conns", EnvMaxConns, "-max-conns-per-ip", EnvMaxConnsPerIP} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("usage lacks %q:\n%s", want, out.String())
		}
	}
}

func TestTargets(t *testing.T) {
	def := []balance.Target{{URL: "http://d", Weight: 3}}
	c := Config{Upstreams: map[string][]string{"pets": {"http://a", "http://b"}}}
	if got := c.Targets("users", def); !reflect.DeepEqual(got, def) {
		t.Fatalf("defaults not kept: %v", got)
	}
	want := []balance.Target{{URL: "http://a", Weight: 1}, {URL: "http://b", Weight: 1}}
	if got := c.Targets("pets", def); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v", got)
	}
}

func TestNewDefaults(t *testing.T) {
	s := New(Config{}, func(*fasthttp.RequestCtx) {})
	if s.MaxRequestBodySize != DefaultMaxRequestBody || s.ReadBufferSize != DefaultMaxHeaderBytes ||
		s.ReadTimeout != DefaultHeaderTimeout || s.WriteTimeout != DefaultTimeout || s.IdleTimeout != DefaultIdleTimeout ||
		s.HeaderReceived == nil || s.HeaderReceived(nil).ReadTimeout != DefaultTimeout ||
		s.Name != "gatewaygen" || !s.NoDefaultServerHeader || !s.DisablePreParseMultipartForm || s.ErrorHandler == nil {
		t.Fatalf("server %+v", s)
	}
}

// raw sends request text to addr and reads one response.
func raw(t *testing.T, addr, req string) *fasthttp.Response {
	t.Helper()
	c := dialTest(t, addr, 10*time.Second)
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	resp := &fasthttp.Response{}
	if err := resp.Read(bufio.NewReader(c)); err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestErrorHandler(t *testing.T) {
	srv := New(Config{MaxRequestBody: 1024, MaxHeaderBytes: 4096, Timeout: 5 * time.Second}, func(ctx *fasthttp.RequestCtx) {
		ctx.SetBodyString("ok")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	defer func() { srv.Shutdown(); <-done }()
	addr := ln.Addr().String()

	// instance is the target when the request was read, and absent when
	// it was not: "/" named a resource the client never asked for.
	tests := []struct {
		name     string
		req      string
		status   int
		detail   string
		instance string
	}{
		{"ok", "GET /a HTTP/1.1\r\nHost: x\r\n\r\n", 200, "", ""},
		{"body too large", "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + strings.Repeat("x", 5000), 413, "request body exceeds the limit of 1024 bytes", "/a"},
		{"chunked body too large", "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1388\r\n" + strings.Repeat("x", 5000) + "\r\n0\r\n\r\n", 413, "chunked request body exceeds the body limit of its operation", ""},
		{"headers too large", "GET /a HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("y", 8000) + "\r\n\r\n", 431, "request line and headers exceed 4096 bytes", ""},
		{"malformed", "GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400, "Content-Length is not a decimal number (RFC 9110 §8.6)", ""},
		// Each parse error fasthttp reports is named with its rule, in a
		// fixed text that quotes nothing of the request.
		{"no Host", "GET /a HTTP/1.1\r\n\r\n", 400, "an HTTP/1.1 request needs a Host field with a value (RFC 9112 §3.2)", ""},
		{"empty Host", "GET /a HTTP/1.1\r\nHost:\r\n\r\n", 400, "an HTTP/1.1 request needs a Host field with a value (RFC 9112 §3.2)", ""},
		{"two Hosts", "GET /a HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400, "more than one Host field (RFC 9112 §3.2)", ""},
		{"two lengths", "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400, "Content-Length given more than once (RFC 9112 §6.3)", ""},
		{"broken chunk", "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n", 400, "malformed chunked body (RFC 9112 §7.1)", ""},
		{"space before the colon", "GET /a HTTP/1.1\r\nHost: x\r\nX : 1\r\n\r\n", 400, "a field name that is not a token (RFC 9110 §5.1)", ""},
		{"control character in a name", "GET /a HTTP/1.1\r\nHost: x\r\nX\x01Y: 1\r\n\r\n", 400, "a field name that is not a token (RFC 9110 §5.1)", ""},
		{"no colon", "GET /a HTTP/1.1\r\nHost: x\r\nXY\r\n\r\n", 400, "a field line without a colon (RFC 9112 §5)", ""},
		{"control character in a value", "GET /a HTTP/1.1\r\nHost: x\r\nX: a\x01b\r\n\r\n", 400, "a field value with a character fields cannot hold (RFC 9110 §5.5)", ""},
		{"two spaces", "GET  /a HTTP/1.1\r\nHost: x\r\n\r\n", 400, "malformed request line: expected method, target and HTTP version, one space apart (RFC 9112 §3)", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := raw(t, addr, tt.req)
			if resp.StatusCode() != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode(), tt.status, resp.Body())
			}
			if tt.status == 200 {
				return
			}
			if ct := string(resp.Header.ContentType()); ct != "application/problem+json" {
				t.Fatalf("content-type %q", ct)
			}
			var p struct {
				Type, Title, Detail string
				Status              int
				Instance            *string
			}
			if err := json.Unmarshal(resp.Body(), &p); err != nil {
				t.Fatalf("%s: %v", resp.Body(), err)
			}
			if p.Type != "about:blank" || p.Status != tt.status || p.Title != problem.Title(tt.status) || p.Detail != tt.detail {
				t.Fatalf("problem %+v", p)
			}
			if (p.Instance == nil) != (tt.instance == "") || p.Instance != nil && *p.Instance != tt.instance {
				t.Fatalf("instance in %s, want %q", resp.Body(), tt.instance)
			}
		})
	}
}

// syncBuffer lets the test read what run writes from another goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRunLifecycle(t *testing.T) {
	var out syncBuffer
	stop := make(chan os.Signal, 1)
	code := make(chan int, 1)
	build := func(cfg Config) (fasthttp.RequestHandler, error) {
		return func(ctx *fasthttp.RequestCtx) { ctx.SetBodyString("hi") }, nil
	}
	go func() {
		code <- run(Config{Name: "petstore", Listen: ":8080"}, build, []string{"--listen", "127.0.0.1:0", "--mock"}, env(nil), &out, stop)
	}()
	var addr string
	deadline := time.Now().Add(5 * time.Second)
	for addr == "" && time.Now().Before(deadline) {
		if line, _, ok := strings.Cut(out.String(), " (mock mode)\n"); ok {
			addr = strings.TrimPrefix(line, "petstore gateway listening on http://")
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if addr == "" || strings.HasSuffix(addr, ":0") {
		t.Fatalf("no listening line with a real port: %q", out.String())
	}
	if resp := raw(t, addr, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); string(resp.Body()) != "hi" {
		t.Fatalf("body %q", resp.Body())
	}
	stop <- syscall.SIGTERM
	select {
	case c := <-code:
		if c != 0 {
			t.Fatalf("exit %d: %s", c, out.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after SIGTERM")
	}
}

func TestRunErrors(t *testing.T) {
	okBuild := func(Config) (fasthttp.RequestHandler, error) { return func(*fasthttp.RequestCtx) {}, nil }
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	tests := []struct {
		name  string
		args  []string
		build func(Config) (fasthttp.RequestHandler, error)
		code  int
		out   string
	}{
		{"flag error", []string{"--upstream", "x"}, okBuild, 2, `petstore-gateway: server: invalid value "x" for flag -upstream`},
		{"help", []string{"--help"}, okBuild, 0, "Usage: petstore-gateway"},
		{"build error", []string{"--listen", "127.0.0.1:0"}, func(Config) (fasthttp.RequestHandler, error) {
			return nil, errors.New("proxy: upstream pets: target \"ftp://x\": scheme must be http or https")
		}, 1, "petstore-gateway: proxy: upstream pets"},
		{"listen error", []string{"--listen", busy.Addr().String()}, okBuild, 1, "petstore-gateway: listen tcp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out syncBuffer
			c := run(Config{Name: "petstore", Listen: ":8080"}, tt.build, tt.args, env(nil), &out, make(chan os.Signal))
			if c != tt.code || !strings.Contains(out.String(), tt.out) {
				t.Fatalf("exit %d, output %q; want %d and %q", c, out.String(), tt.code, tt.out)
			}
		})
	}
}

func TestCheckUpstreams(t *testing.T) {
	c := Config{Upstreams: map[string][]string{"pets": {"http://a"}}}
	if err := c.CheckUpstreams("pets", "inventory"); err != nil {
		t.Fatal(err)
	}
	c.Upstreams["pest"] = []string{"http://b"}
	err := c.CheckUpstreams("pets", "inventory")
	if err == nil || !strings.Contains(err.Error(), "pest") || !strings.Contains(err.Error(), "pets, inventory") {
		t.Fatalf("err = %v, want one naming the unknown upstream and the known ones", err)
	}
}

package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// recorder is a backend that keeps the header block of every request it
// gets, as fasthttp read it off the wire, and answers an empty JSON list.
type recorder struct {
	addr string
	reqs chan map[string][]string // lower-case name -> values, in order
}

func startRecorder(t *testing.T) *recorder {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &recorder{addr: ln.Addr().String(), reqs: make(chan map[string][]string, 16)}
	srv := &fasthttp.Server{
		// Names as sent, so that a name the gateway let through unchanged
		// would show as such.
		DisableHeaderNamesNormalizing: true,
		Handler: func(ctx *fasthttp.RequestCtx) {
			h := map[string][]string{}
			for k, v := range ctx.Request.Header.All() {
				key := strings.ToLower(string(k))
				h[key] = append(h[key], string(v))
			}
			h[":uri"] = []string{string(ctx.Request.RequestURI())} // not a header name, so no clash
			r.reqs <- h
			ctx.SetContentType("application/json")
			ctx.SetBodyString("[]")
		},
	}
	done := make(chan struct{})
	go func() { _ = srv.Serve(ln); close(done) }()
	t.Cleanup(func() { _ = srv.Shutdown(); <-done })
	return r
}

// rawExchange writes req to the gateway at addr and reads one response.
func rawExchange(t *testing.T, addr, req string) *fasthttp.Response {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	resp := &fasthttp.Response{}
	if err := resp.Read(bufio.NewReader(c)); err != nil {
		t.Fatalf("reading the answer to %q: %v", req, err)
	}
	return resp
}

// TestEndToEndEdge drives the generated petstore gateway with raw bytes for
// what the client controls at the edge: headers that would mislead the
// upstream, a trickled header, and more connections than it takes.
func TestEndToEndEdge(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a gateway; skipped in -short mode")
	}
	bin := buildPetstoreGateway(t)
	be := startRecorder(t)
	gw := strings.TrimPrefix(startGateway(t, bin, "--upstream", "pets=http://"+be.addr, "--header-timeout", "1s"), "http://")

	const head = "GET /v1/pets/7 HTTP/1.1\r\nHost: api.example.com\r\n" // getPet: not cached, so every request reaches the backend
	for _, tc := range []struct {
		name, headers string
		want          map[string]string // lower-case name -> values joined by "|"; "" for absent
	}{
		{"client address claims", "X-Real-IP: 203.0.113.7\r\nTrue-Client-IP: 203.0.113.7\r\nX-Client-IP: 203.0.113.7\r\n",
			map[string]string{"x-real-ip": "127.0.0.1", "true-client-ip": "", "x-client-ip": ""}},
		{"request id nominated", "X-Request-Id: edge-test-1\r\nConnection: X-Request-Id\r\n",
			map[string]string{"x-request-id": "edge-test-1"}},
		{"forwarding fields nominated",
			"X-Forwarded-For: 203.0.113.7\r\nConnection: X-Forwarded-For, Forwarded, X-Forwarded-Host, X-Real-IP\r\n",
			map[string]string{"x-forwarded-for": "127.0.0.1", "forwarded": "for=127.0.0.1;host=api.example.com;proto=http",
				"x-forwarded-host": "api.example.com", "x-real-ip": "127.0.0.1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := rawExchange(t, gw, head+tc.headers+"\r\n")
			if resp.StatusCode() != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode(), resp.Body())
			}
			var seen map[string][]string
			select {
			case seen = <-be.reqs:
			case <-time.After(5 * time.Second):
				t.Fatal("the backend got nothing")
			}
			for h, want := range tc.want {
				if got := strings.Join(seen[h], "|"); got != want {
					t.Errorf("backend got %s %q, want %q (all: %v)", h, got, want, seen)
				}
			}
		})
	}

	t.Run("field name not a token", func(t *testing.T) {
		resp := rawExchange(t, gw, head+"X-Bad Name: 1\r\n\r\n")
		r := response{req: "GET /v1/pets/7 with X-Bad Name", status: resp.StatusCode(), header: map[string][]string{
			"Content-Type": {string(resp.Header.ContentType())}}, body: resp.Body()}
		r.problem(t, 400, "header.X-Bad Name", "field-name")
		select {
		case seen := <-be.reqs:
			t.Fatalf("forwarded anyway: %v", seen)
		case <-time.After(200 * time.Millisecond):
		}
	})

	t.Run("trickled header cut at the header timeout", func(t *testing.T) {
		c, err := net.DialTimeout("tcp", gw, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		start := time.Now()
		_, _ = io.WriteString(c, head)
		var wg sync.WaitGroup
		stop := make(chan struct{})
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				case <-time.After(200 * time.Millisecond):
					if _, err := c.Write([]byte("X")); err != nil {
						return
					}
				}
			}
		})
		_ = c.SetReadDeadline(start.Add(5 * time.Second))
		line, _ := bufio.NewReader(c).ReadString('\n')
		took := time.Since(start)
		close(stop)
		wg.Wait()
		if !strings.HasPrefix(line, "HTTP/1.1 408") || took > 3*time.Second {
			t.Fatalf("after %v the gateway wrote %q; want a 408 after about 1s", took, line)
		}
	})

	t.Run("connections past --max-conns", func(t *testing.T) {
		capped := strings.TrimPrefix(startGateway(t, bin, "--mock", "--max-conns", "2"), "http://")
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		// startGateway's readiness probe has closed its connection, but the
		// gateway may not have seen that yet: wait until two are served.
		for len(held) < 2 {
			c, err := net.DialTimeout("tcp", capped, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			_ = c.SetDeadline(time.Now().Add(5 * time.Second))
			_, _ = io.WriteString(c, "GET /v1/pets/1 HTTP/1.1\r\nHost: x\r\n\r\n")
			var resp fasthttp.Response
			if err := resp.Read(bufio.NewReader(c)); err != nil || resp.StatusCode() != 200 {
				c.Close()
				time.Sleep(50 * time.Millisecond)
				continue
			}
			held = append(held, c)
		}
		// The refusal comes before any request is read; writing one would
		// race the close, so this client only listens.
		c, err := net.DialTimeout("tcp", capped, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		resp := &fasthttp.Response{}
		if err := resp.Read(bufio.NewReader(c)); err != nil {
			t.Fatalf("third connection: %v", err)
		}
		var p struct {
			Status int
			Detail string
		}
		if resp.StatusCode() != 503 || string(resp.Header.ContentType()) != "application/problem+json" ||
			json.Unmarshal(resp.Body(), &p) != nil || p.Status != 503 || !strings.Contains(p.Detail, "2 connections") {
			t.Fatalf("third connection: %d %s %s", resp.StatusCode(), resp.Header.ContentType(), resp.Body())
		}
	})
}

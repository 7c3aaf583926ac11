package proxy

import (
	"bufio"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// rawUpstream answers each request on a connection with the pieces
// answer gives for its path, written one after another with a pause
// between them, so that what an upstream sends after an answer arrives
// once the gateway has read that answer; a piece "" closes the
// connection. Any other path is answered 200 with the path as its body.
func rawUpstream(t *testing.T, answer func(path string) []string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					var req fasthttp.Request
					if err := req.Read(br); err != nil {
						return
					}
					path := string(req.URI().PathOriginal())
					pieces := answer(path)
					if pieces == nil {
						pieces = []string{"HTTP/1.1 200 OK\r\nContent-Length: " + strconv.Itoa(len(path)) + "\r\n\r\n" + path}
					}
					for i, p := range pieces {
						if p == "" {
							return
						}
						if i > 0 {
							time.Sleep(50 * time.Millisecond)
						}
						c.Write([]byte(p))
					}
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// TestUnsolicitedUpstreamData: what an upstream sends past the framing of
// its answer (a body on a 204 or a HEAD answer, a second answer, the other
// protocol after a 101) never becomes the answer to the next request on
// the connection, which before went to another client ({"smuggled"});
// a 101 nobody asked for and a status outside 100-599 are 502; and a
// kept connection the upstream closed is replaced before a POST is
// written on it, where the POST failed with 502 before.
func TestUnsolicitedUpstreamData(t *testing.T) {
	const smuggled = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{smuggled}"
	for _, c := range []struct {
		name, method string
		first        []string
		status       int
	}{
		{"second answer after the body", "GET", []string{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", smuggled}, 200},
		{"body on a 204", "DELETE", []string{"HTTP/1.1 204 No Content\r\n\r\n", "hello" + smuggled}, 204},
		{"body on a 304", "GET", []string{"HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n", smuggled}, 304},
		{"body on a HEAD answer", "HEAD", []string{"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", "hello" + smuggled}, 200},
		{"101 to a request without Upgrade", "GET", []string{"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", smuggled}, 502},
		{"101 then silence", "GET", []string{"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"}, 502},
		{"status below 100", "GET", []string{"HTTP/1.1 099 Weird\r\nContent-Length: 2\r\n\r\n{}"}, 502},
		{"status above 599", "GET", []string{"HTTP/1.1 600 Weird\r\nContent-Length: 2\r\n\r\n{}"}, 502},
		{"HTTP/2.0 status line", "GET", []string{"HTTP/2.0 200 OK\r\nContent-Length: 2\r\n\r\n{}"}, 502},
		{"HTTP/1.0 status line", "GET", []string{"HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n{}"}, 200},
		{"connection closed after the answer", "GET", []string{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", ""}, 200},
	} {
		t.Run(c.name, func(t *testing.T) {
			up := rawUpstream(t, func(path string) []string {
				if path == "/first" {
					return c.first
				}
				return nil
			})
			u := upstreamOf(t, UpstreamConfig{}, up)
			gw := startGateway(t, u, "", 0)
			r := doMethod(t, gw, c.method, c.method+" /first HTTP/1.1\r\nHost: gw\r\nContent-Length: 0\r\n\r\n")
			if r.StatusCode() != c.status {
				t.Fatalf("first: status %d, want %d: %s", r.StatusCode(), c.status, r.Body())
			}
			if c.status == 502 && string(r.Header.ContentType()) != "application/problem+json" {
				t.Errorf("first: 502 is not a problem: %s", r.Body())
			}
			time.Sleep(300 * time.Millisecond) // the rest of the first answer arrives (50 ms after it)
			// Another client, a method no one retries blindly: it gets its
			// own answer on a connection of its own.
			for i, method := range []string{"POST", "GET"} {
				path := "/second-" + strconv.Itoa(i)
				r = do(t, gw, method+" "+path+" HTTP/1.1\r\nHost: gw\r\nContent-Length: 0\r\n\r\n")
				if r.StatusCode() != 200 || string(r.Body()) != path {
					t.Fatalf("%s %s: status %d %q, want 200 %q", method, path, r.StatusCode(), r.Body(), path)
				}
			}
		})
	}
}

// doMethod is do for a request of method, whose answer has no body when
// it is HEAD.
func doMethod(t *testing.T, addr, method, raw string) *fasthttp.Response {
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
	resp := &fasthttp.Response{SkipBody: method == "HEAD"}
	if err := resp.Read(bufio.NewReader(c)); err != nil {
		t.Fatal(err)
	}
	return resp
}

// TestRetryStale: a call refused before it was sent is made again whatever
// its method; any other error is retried once for GET, HEAD, PUT and
// QUERY only, as fasthttp's own rule has it.
func TestRetryStale(t *testing.T) {
	for _, c := range []struct {
		method   string
		attempts int
		err      error
		want     bool
	}{
		{"POST", 1, errStale, true},
		{"PATCH", 3, errStale, true},
		{"POST", 1, fasthttp.ErrConnectionClosed, false},
		{"GET", 1, fasthttp.ErrConnectionClosed, true},
		{"GET", 2, fasthttp.ErrConnectionClosed, false},
		{"PUT", 1, fasthttp.ErrConnectionClosed, true},
		{"DELETE", 1, fasthttp.ErrConnectionClosed, false},
	} {
		var req fasthttp.Request
		req.Header.SetMethod(c.method)
		if _, got := retryStale(&req, c.attempts, c.err); got != c.want {
			t.Errorf("%s after %d calls and %v: retry %v, want %v", c.method, c.attempts, c.err, got, c.want)
		}
	}
	if !strings.Contains(errStale.Error(), "upstream") {
		t.Error(errStale)
	}
}

// TestStalePool: after an upstream closes every kept connection (a
// restart), a POST is sent on a new one, however many closed ones the pool
// holds; it failed with 502 on the second closed one.
func TestStalePool(t *testing.T) {
	up := rawUpstream(t, func(path string) []string {
		if path == "/slow" {
			time.Sleep(100 * time.Millisecond) // the calls overlap: one connection each
			return []string{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", ""}
		}
		return nil
	})
	gw := startGateway(t, upstreamOf(t, UpstreamConfig{}, up), "", 0)
	done := make(chan int)
	for range 4 {
		go func() {
			done <- doStatus(gw, "GET /slow HTTP/1.1\r\nHost: gw\r\n\r\n")
		}()
	}
	for range 4 {
		if s := <-done; s != 200 {
			t.Fatalf("GET /slow: %d", s)
		}
	}
	time.Sleep(100 * time.Millisecond) // the closes arrive
	r := do(t, gw, "POST /after HTTP/1.1\r\nHost: gw\r\nContent-Length: 0\r\n\r\n")
	if r.StatusCode() != 200 || string(r.Body()) != "/after" {
		t.Fatalf("POST after the upstream closed its connections: %d %s", r.StatusCode(), r.Body())
	}
}

// doStatus is do for another goroutine than the test's: the status, 0 on
// an error.
func doStatus(addr, raw string) int {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return 0
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write([]byte(raw)); err != nil {
		return 0
	}
	var resp fasthttp.Response
	if err := resp.Read(bufio.NewReader(c)); err != nil {
		return 0
	}
	return resp.StatusCode()
}

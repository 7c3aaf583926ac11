package server

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// TestBodyLimitBeforeRead checks that a request over its operation's body
// limit is refused from its header alone: every over-limit case sends the
// header and no body, then must get 413 and a closed connection, which it
// could not if the server waited for the body.
func TestBodyLimitBeforeRead(t *testing.T) {
	limit := func(method, path []byte) int {
		if string(method) == "POST" && string(path) == "/small" {
			return 16
		}
		return 0 // the server-wide limit
	}
	srv := New(Config{MaxRequestBody: 1024, Timeout: 5 * time.Second, BodyLimit: limit}, func(ctx *fasthttp.RequestCtx) {
		ctx.SetBodyString(strconv.Itoa(len(ctx.PostBody())))
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	t.Cleanup(func() { srv.Shutdown(); <-done })
	addr := ln.Addr().String()

	head := func(target string, n int) string {
		return "POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + strconv.Itoa(n) + "\r\n\r\n"
	}
	chunked := "POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
		"a\r\n0123456789\r\na\r\n0123456789\r\n" // 20 bytes, and more would follow
	tests := []struct {
		name   string
		req    string
		status int
		body   string // the handler's count of body bytes, or the problem's detail
	}{
		{"at the limit", head("/small", 16) + strings.Repeat("x", 16), 200, "16"},
		{"content-length over", head("/small", 17), 413, "request body exceeds the limit of 16 bytes"},
		{"megabyte announced", head("/small", 1<<20), 413, "request body exceeds the limit of 16 bytes"},
		{"query is not path", head("/small?big=1", 100), 413, "request body exceeds the limit of 16 bytes"},
		{"absolute form", head("http://x/small", 100), 413, "request body exceeds the limit of 16 bytes"},
		{"chunked cut", chunked, 413, "chunked request body exceeds the body limit of its operation"},
		{"other path takes the server's", head("/other", 1000) + strings.Repeat("x", 1000), 200, "1000"},
		{"other path over the server's", head("/other", 1025), 413, "request body exceeds the limit of 1024 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dialTest(t, addr, 5*time.Second)
			if _, err := io.WriteString(c, tt.req); err != nil {
				t.Fatal(err)
			}
			br := bufio.NewReader(c)
			resp := &fasthttp.Response{}
			if err := resp.Read(br); err != nil {
				t.Fatalf("no answer before the body was sent: %v", err)
			}
			if resp.StatusCode() != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode(), tt.status, resp.Body())
			}
			if tt.status == 200 {
				if string(resp.Body()) != tt.body {
					t.Fatalf("handler read %s bytes, want %s", resp.Body(), tt.body)
				}
				return
			}
			var p struct{ Detail string }
			if err := json.Unmarshal(resp.Body(), &p); err != nil || p.Detail != tt.body {
				t.Fatalf("problem %s (%v), want detail %q", resp.Body(), err, tt.body)
			}
			if !resp.ConnectionClose() {
				t.Error("413 without Connection: close")
			}
			if _, err := br.ReadByte(); !errors.Is(err, io.EOF) {
				t.Errorf("connection left open after refusing an unread body: %v", err)
			}
		})
	}
}

func TestRequestPath(t *testing.T) {
	for _, tt := range []struct{ uri, want string }{
		{"/v1/pets", "/v1/pets"},
		{"/v1/pets?limit=3", "/v1/pets"},
		{"/v1/pets#frag", "/v1/pets"},
		{"/v1/a%2Fb?x=/y", "/v1/a%2Fb"},
		{"http://host:8080/v1/pets?x", "/v1/pets"},
		{"https://host", ""},
		{"*", "*"},
		{"", ""},
	} {
		if got := string(requestPath([]byte(tt.uri))); got != tt.want {
			t.Errorf("requestPath(%q) = %q, want %q", tt.uri, got, tt.want)
		}
	}
}

// TestBodyLimitAllocs checks that choosing a request's limit allocates
// nothing: it runs for every request, before the handler.
func TestBodyLimitAllocs(t *testing.T) {
	b := bodyLimiter{limit: func(method, path []byte) int { return len(path) }, fallback: 1024}
	var h fasthttp.RequestHeader
	h.SetMethod("POST")
	h.SetRequestURI("http://x/v1/pets?limit=3")
	if n := b.of(&h); n != len("/v1/pets") {
		t.Fatalf("limit %d, want %d", n, len("/v1/pets"))
	}
	if a := testing.AllocsPerRun(100, func() { b.of(&h) }); a != 0 {
		t.Errorf("%v allocations per request", a)
	}
}

package server

import (
	"bufio"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// TestHasBody checks which request headers are taken to announce a body, as
// fasthttp then reads one.
func TestHasBody(t *testing.T) {
	for _, tc := range []struct {
		head string
		want bool
	}{
		{"GET / HTTP/1.1\r\nHost: x\r\n\r\n", false},
		{"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", false},
		{"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\n", true},
		{"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", true},
		{"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n", true},
	} {
		var h fasthttp.RequestHeader
		if err := h.Read(bufio.NewReader(strings.NewReader(tc.head))); err != nil {
			t.Fatalf("%q: %v", tc.head, err)
		}
		if got := hasBody(&h); got != tc.want {
			t.Errorf("hasBody(%q) = %v, want %v", tc.head, got, tc.want)
		}
	}
	if !hasBody(nil) {
		t.Error("hasBody(nil) = false, want true (unknown)")
	}
}

// TestSlowAnswerToBodilessRequest checks that the header deadline, which a
// request without a body keeps, does not cut an answer that takes longer
// than it, nor the keep-alive connection after.
func TestSlowAnswerToBodilessRequest(t *testing.T) {
	addr := serveTest(t, Config{HeaderTimeout: 200 * time.Millisecond, Timeout: 5 * time.Second, IdleTimeout: 5 * time.Second},
		func(ctx *fasthttp.RequestCtx) {
			time.Sleep(500 * time.Millisecond)
			ctx.SetBodyString("late")
		})
	c := dialTest(t, addr, 10*time.Second)
	br := bufio.NewReader(c)
	for i := range 2 {
		if _, err := c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
		var resp fasthttp.Response
		if err := resp.Read(br); err != nil || resp.StatusCode() != 200 || string(resp.Body()) != "late" {
			t.Fatalf("request %d: %v, status %d %q; want 200 \"late\"", i+1, err, resp.StatusCode(), resp.Body())
		}
	}
}

// BenchmarkHeaderReceived measures the per-request callback for a GET and
// a POST of an API whose body limit is looked up per operation.
func BenchmarkHeaderReceived(b *testing.B) {
	srv := New(Config{BodyLimit: func(method, path []byte) int {
		if string(method) == "POST" && strings.HasPrefix(string(path), "/v1/pets") {
			return 4096
		}
		return 0
	}}, okHandler)
	for _, tc := range []struct{ name, head string }{
		{"GET", "GET /v1/pets/42?fields=name HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"POST", "POST /v1/pets HTTP/1.1\r\nHost: x\r\nContent-Length: 200\r\n\r\n"},
	} {
		var h fasthttp.RequestHeader
		if err := h.Read(bufio.NewReader(strings.NewReader(tc.head))); err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				srv.HeaderReceived(&h)
			}
		})
	}
}

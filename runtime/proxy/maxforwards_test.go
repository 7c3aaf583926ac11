package proxy

import (
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// TestMaxForwards: an OPTIONS or TRACE request goes upstream with
// Max-Forwards one less, and at 0 is answered by the gateway itself (RFC
// 9110 §7.6.2); it was forwarded unchanged, 0 included. Other methods
// leave the field alone.
func TestMaxForwards(t *testing.T) {
	up := startUpstream(t, func(*fasthttp.Request) string { return okResponse })
	gw := startGateway(t, upstreamOf(t, UpstreamConfig{}, up.url()), "", 0)
	for _, c := range []struct {
		name, req string
		status    int
		forwarded string // the Max-Forwards the upstream gets; "" when it gets no request
		body      []string
		not       []string
	}{
		{name: "OPTIONS decremented", req: "OPTIONS /r HTTP/1.1\r\nHost: gw\r\nMax-Forwards: 3\r\n\r\n", status: 200, forwarded: "2"},
		{name: "TRACE decremented", req: "TRACE /r HTTP/1.1\r\nHost: gw\r\nMax-Forwards: 1\r\n\r\n", status: 200, forwarded: "0"},
		{name: "huge", req: "OPTIONS /r HTTP/1.1\r\nHost: gw\r\nMax-Forwards: 99999999999999999999999\r\n\r\n", status: 200, forwarded: "4294967294"},
		{name: "GET untouched", req: "GET /r HTTP/1.1\r\nHost: gw\r\nMax-Forwards: 0\r\n\r\n", status: 200, forwarded: "0"},
		{name: "OPTIONS at 0", req: "OPTIONS /r HTTP/1.1\r\nHost: gw\r\nMax-Forwards: 0\r\n\r\n", status: 200},
		{
			name:   "TRACE at 0",
			req:    "TRACE /r?q=1 HTTP/1.1\r\nHost: gw\r\nMax-Forwards: 0\r\nX-A: b\r\nAuthorization: Bearer secret\r\nCookie: s=secret\r\n\r\n",
			status: 200,
			body:   []string{"TRACE /r?q=1 HTTP/1.1\r\n", "X-A: b\r\n", "Max-Forwards: 0\r\n"},
			not:    []string{"secret"},
		},
		{name: "not a number", req: "OPTIONS /r HTTP/1.1\r\nHost: gw\r\nMax-Forwards: -1\r\n\r\n", status: 400},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := do(t, gw, c.req)
			if r.StatusCode() != c.status {
				t.Fatalf("status %d, want %d: %s", r.StatusCode(), c.status, r.Body())
			}
			select {
			case s := <-up.reqs:
				if c.forwarded == "" {
					t.Fatalf("forwarded: %s", s.raw)
				}
				if got := strings.Join(s.header["max-forwards"], ","); got != c.forwarded {
					t.Errorf("upstream got Max-Forwards %q, want %q", got, c.forwarded)
				}
			case <-time.After(200 * time.Millisecond):
				if c.forwarded != "" {
					t.Fatal("not forwarded")
				}
			}
			for _, w := range c.body {
				if !strings.Contains(string(r.Body()), w) {
					t.Errorf("body %q, want %q in it", r.Body(), w)
				}
			}
			for _, n := range c.not {
				if strings.Contains(string(r.Body()), n) {
					t.Errorf("body %q has %q", r.Body(), n)
				}
			}
		})
	}
}

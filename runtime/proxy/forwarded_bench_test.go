package proxy

import (
	"bufio"
	"net"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// BenchmarkSetForwarded measures the forwarding fields set on a request as
// a server reads it, with one X-Forwarded-For from a proxy before.
func BenchmarkSetForwarded(b *testing.B) {
	var wire fasthttp.Request
	if err := wire.Read(bufio.NewReader(strings.NewReader("GET /v1/pets/42 HTTP/1.1\r\n" +
		"Host: api.example.com\r\nAccept: application/json\r\nUser-Agent: bench/1\r\n" +
		"X-Forwarded-For: 203.0.113.7\r\nX-Request-Id: 0123456789abcdef0123456789abcdef\r\n\r\n"))); err != nil {
		b.Fatal(err)
	}
	u, err := NewUpstream(UpstreamConfig{Name: "pets"})
	if err != nil {
		b.Fatal(err)
	}
	var ctx fasthttp.RequestCtx
	ctx.Init(&wire, &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 4242}, nil)
	s := new(state)
	s.origHost = append(s.origHost[:0], "api.example.com"...)
	// read is the request as Forward passes it, with the client's lines of
	// each forwarding field counted; built is one whose lines are unknown
	// (built in memory), which takes every deletion and join.
	_, _, _, read, _ := scanFields(wire.Header.RawHeaders())
	for _, bb := range []struct {
		name  string
		lines forwardedLines
	}{{"read", read}, {"built", forwardedLines{}}} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				wire.Header.CopyTo(&ctx.Request.Header)
				s.lines = bb.lines
				u.setForwarded(&ctx, s)
			}
		})
	}
}

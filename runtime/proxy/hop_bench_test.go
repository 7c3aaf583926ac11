package proxy

import (
	"bufio"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// BenchmarkStripHopByHop measures the hop-by-hop pass over a request and a
// response header as a server and a client read them, with no hop-by-hop
// field: the common case.
func BenchmarkStripHopByHop(b *testing.B) {
	var req fasthttp.RequestHeader
	if err := req.Read(bufio.NewReader(strings.NewReader("GET /v1/pets/42?fields=name HTTP/1.1\r\n" +
		"Host: api.example.com\r\nAccept: application/json\r\nUser-Agent: bench/1\r\n" +
		"Accept-Encoding: gzip, br\r\nAccept-Language: en-GB,en;q=0.9\r\n" +
		"X-Request-Id: 0123456789abcdef0123456789abcdef\r\n\r\n"))); err != nil {
		b.Fatal(err)
	}
	resp := benchAnswer(b)
	var buf []byte
	b.Run("request", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buf = stripHopByHop(&req, buf)
		}
	})
	b.Run("response", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buf = stripHopByHop(resp, buf)
		}
	})
}

// BenchmarkStripResponseHopByHop is the answer's pass as Forward runs it,
// over the same answer as BenchmarkStripHopByHop/response.
func BenchmarkStripResponseHopByHop(b *testing.B) {
	resp := benchAnswer(b)
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = stripResponseHopByHop(resp, buf)
	}
}

// benchAnswer is the upstream answer the hop-by-hop benchmarks strip: a
// usual one, without a hop-by-hop field.
func benchAnswer(b *testing.B) *fasthttp.ResponseHeader {
	var resp fasthttp.ResponseHeader
	if err := resp.Read(bufio.NewReader(strings.NewReader("HTTP/1.1 200 OK\r\n" +
		"Content-Type: application/json\r\nContent-Length: 20\r\nDate: Mon, 07 Dec 2026 12:00:00 GMT\r\n" +
		"Cache-Control: no-store\r\n\r\n"))); err != nil {
		b.Fatal(err)
	}
	return &resp
}

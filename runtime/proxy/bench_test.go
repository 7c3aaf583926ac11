package proxy

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttputil"

	"github.com/gatewaygen/gatewaygen/runtime/balance"
)

// inmemUpstream serves a small JSON answer over an in-memory listener and
// points every target of u at it, so the benchmark measures the proxy, not
// the loopback TCP stack.
func inmemUpstream(b *testing.B, u *Upstream) {
	ln := fasthttputil.NewInmemoryListener()
	srv := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		ctx.SetContentType("application/json")
		ctx.SetBodyString(`{"id":1,"name":"rex"}`)
	}}
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	b.Cleanup(func() {
		srv.Shutdown()
		ln.Close()
		<-done
	})
	set := u.set.Load()
	for i := range set.targets {
		// DialTimeout, which the targets set (guard.go), wins over Dial.
		set.targets[i].client.DialTimeout = func(string, time.Duration) (net.Conn, error) { return ln.Dial() }
	}
}

func BenchmarkForward(b *testing.B) {
	u, err := NewUpstream(UpstreamConfig{Name: "pets", Targets: []balance.Target{{URL: "http://pets.internal/api"}, {URL: "http://pets2.internal/api"}}})
	if err != nil {
		b.Fatal(err)
	}
	inmemUpstream(b, u)

	var tmpl fasthttp.Request
	tmpl.SetRequestURI("/v1/pets/42?fields=name")
	tmpl.Header.SetHost("api.example.com")
	tmpl.Header.Set("Accept", "application/json")
	tmpl.Header.Set("X-Forwarded-For", "203.0.113.7")
	tmpl.Header.Set("X-Request-Id", "0123456789abcdef0123456789abcdef")
	path := []byte("/pets/42")
	addr := &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 4242}

	b.Run("serial", func(b *testing.B) {
		var ctx fasthttp.RequestCtx
		ctx.Init(&tmpl, addr, nil)
		b.ReportAllocs()
		for b.Loop() {
			tmpl.CopyTo(&ctx.Request)
			ctx.Response.Reset()
			u.Forward(&ctx, path, time.Second)
			if ctx.Response.StatusCode() != 200 {
				b.Fatalf("status %d: %s", ctx.Response.StatusCode(), ctx.Response.Body())
			}
		}
	})
	// wire is serial with the request read from bytes, as a server reads it:
	// then its raw header block is there for Forward to inspect.
	var wire fasthttp.Request
	if err := wire.Read(bufio.NewReader(strings.NewReader("GET /v1/pets/42?fields=name HTTP/1.1\r\n" +
		"Host: api.example.com\r\nAccept: application/json\r\nUser-Agent: bench/1\r\n" +
		"Accept-Encoding: gzip, br\r\nAccept-Language: en-GB,en;q=0.9\r\n" +
		"Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig\r\nX-Forwarded-For: 203.0.113.7\r\n" +
		"X-Request-Id: 0123456789abcdef0123456789abcdef\r\n\r\n"))); err != nil {
		b.Fatal(err)
	}
	b.Run("wire", func(b *testing.B) {
		var ctx fasthttp.RequestCtx
		ctx.Init(&wire, addr, nil)
		b.ReportAllocs()
		for b.Loop() {
			wire.CopyTo(&ctx.Request)
			ctx.Response.Reset()
			u.Forward(&ctx, path, time.Second)
			if ctx.Response.StatusCode() != 200 {
				b.Fatalf("status %d: %s", ctx.Response.StatusCode(), ctx.Response.Body())
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			var ctx fasthttp.RequestCtx
			ctx.Init(&tmpl, addr, nil)
			for pb.Next() {
				tmpl.CopyTo(&ctx.Request)
				ctx.Response.Reset()
				u.Forward(&ctx, path, time.Second)
			}
		})
	})
}

// BenchmarkScanFields measures the pass over the client's header block that
// Forward adds: every name checked to be a token, address claims noticed.
func BenchmarkScanFields(b *testing.B) {
	raw := []byte("Host: api.example.com\r\nAccept: application/json\r\nUser-Agent: bench/1\r\n" +
		"Accept-Encoding: gzip, br\r\nAccept-Language: en-GB,en;q=0.9\r\n" +
		"Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig\r\nX-Forwarded-For: 203.0.113.7\r\n" +
		"X-Request-Id: 0123456789abcdef0123456789abcdef\r\n\r\n")
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, claims, hop, _, ok := scanFields(raw); !ok || claims || hop {
			b.Fatal("misread")
		}
	}
}

package proxy

import (
	"testing"

	"github.com/valyala/fasthttp"
)

// BenchmarkRestore puts back what the full policy sets before forwarding
// (request id, RateLimit headers) over an upstream answer's headers.
func BenchmarkRestore(b *testing.B) {
	var pre, dst fasthttp.ResponseHeader
	pre.Set("X-Request-Id", "0123456789abcdef0123456789abcdef")
	pre.Set("RateLimit-Policy", `"loadfull.createPet.1000000-per-s";q=1000000;w=1`)
	pre.Set("RateLimit", `"loadfull.createPet.1000000-per-s";r=999999;t=1`)
	pre.SetContentType("text/plain")
	b.ReportAllocs()
	for b.Loop() {
		dst.Reset()
		dst.SetContentType("application/json")
		dst.SetContentLength(66)
		restore(&dst, &pre)
	}
}

// TestRestoreKeepsNames checks that restore puts back every header the
// gateway set, names and values as they were, and leaves the upstream's
// body headers alone.
func TestRestoreKeepsNames(t *testing.T) {
	var pre, dst fasthttp.ResponseHeader
	pre.Set("x-request-id", "id-1")
	pre.Set("RateLimit", `"p";r=1;t=1`)
	pre.Set("Set-Cookie", "a=b")
	pre.SetContentType("text/plain")
	dst.SetContentType("application/json")
	dst.Set("X-Upstream", "u")
	restore(&dst, &pre)
	for _, c := range []struct{ name, want string }{
		{"X-Request-Id", "id-1"},
		{"RateLimit", `"p";r=1;t=1`},
		{"Set-Cookie", "a=b"},
		{"Content-Type", "application/json"},
		{"X-Upstream", "u"},
	} {
		if got := string(dst.Peek(c.name)); got != c.want {
			t.Errorf("%s = %q, want %q (header %q)", c.name, got, c.want, dst.String())
		}
	}
}

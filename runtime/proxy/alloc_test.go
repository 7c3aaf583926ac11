//go:build !race

package proxy

import (
	"bufio"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// TestRefuseFieldNameAllocs checks that refusing a malformed field name
// costs no allocation beyond the response's own buffers, as every other
// rejection does.
func TestRefuseFieldNameAllocs(t *testing.T) {
	u, err := NewUpstream(UpstreamConfig{Name: "pets"})
	if err != nil {
		t.Fatal(err)
	}
	var tmpl fasthttp.Request
	if err := tmpl.Read(bufio.NewReader(strings.NewReader("GET /x HTTP/1.1\r\nHost: h\r\nX-Bad Name: 1\r\n\r\n"))); err != nil {
		t.Fatal(err)
	}
	var ctx fasthttp.RequestCtx
	ctx.Init(&tmpl, nil, nil)
	run := func() {
		tmpl.CopyTo(&ctx.Request)
		ctx.Response.Reset()
		u.Forward(&ctx, []byte("/x"), 0)
	}
	run()
	if ctx.Response.StatusCode() != 400 {
		t.Fatalf("status %d: %s", ctx.Response.StatusCode(), ctx.Response.Body())
	}
	if n := testing.AllocsPerRun(100, run); n != 0 {
		t.Fatalf("%v allocs, want 0", n)
	}
}

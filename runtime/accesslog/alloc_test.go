//go:build !race

package accesslog

import (
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// TestLogAllocatesNothing: deciding, filling an Entry with a redacted
// query and handing it over cost the request no allocation.
func TestLogAllocatesNothing(t *testing.T) {
	l := New(Config{Out: discard{}, Sample: 1, Sensitive: []string{"api_key"}, Buffer: 1 << 12})
	defer l.Close()
	var ctx fasthttp.RequestCtx
	ctx.Request.SetRequestURI("/v1/pets?limit=3&api_key=secret")
	ctx.Request.Header.Set("Traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	ctx.Response.SetStatusCode(400)
	if n := testing.AllocsPerRun(200, func() { l.Log(&ctx, "listPets", "carol", "validation", time.Millisecond, 0, 10) }); n != 0 {
		t.Fatalf("Log: %v allocations, want 0", n)
	}
}

// TestRefusedAllocatesNothing: a refusal's line is handed over as a
// routed request's is.
func TestRefusedAllocatesNothing(t *testing.T) {
	l := New(Config{Out: discard{}, Buffer: 1 << 12})
	defer l.Close()
	var ctx fasthttp.RequestCtx
	ctx.Request.Header.SetRequestURI("/v1/pets?api_key=secret")
	ctx.Request.Header.SetMethod("POST")
	ctx.Response.SetStatusCode(413)
	if n := testing.AllocsPerRun(200, func() { l.Refused(&ctx, "body_too_large", time.Millisecond, true) }); n != 0 {
		t.Fatalf("Refused: %v allocations, want 0", n)
	}
}

package server

import (
	"bytes"
	"log"
	"os"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/metrics"
)

// TestPanicAnswered500: a handler that panics gets its request answered
// 500 with a problem naming the request id, its connection closed, the
// panic logged with that id and counted; the process goes on serving the
// next request. Without the recover the test binary itself would exit.
func TestPanicAnswered500(t *testing.T) {
	var logged bytes.Buffer
	log.SetOutput(&logged)
	defer log.SetOutput(os.Stderr)
	addr := serveTest(t, Config{}, func(ctx *fasthttp.RequestCtx) {
		if string(ctx.Path()) == "/boom" {
			ctx.Response.Header.Set("X-Half", "written") // must not survive
			var m map[string]int
			m["x"]++ // a nil map: the kind of bug a generated validator could have
		}
		ctx.SetBodyString("ok")
	})
	before := metrics.PanicCount()
	resp := raw(t, addr, "GET /boom HTTP/1.1\r\nHost: a\r\nX-Request-Id: boom-1\r\n\r\n")
	body := string(resp.Body())
	if resp.StatusCode() != 500 || !strings.Contains(body, `"request_id":"boom-1"`) ||
		string(resp.Header.ContentType()) != "application/problem+json" || !resp.ConnectionClose() || len(resp.Header.Peek("X-Half")) > 0 {
		t.Fatalf("answered %d %q (close %v, X-Half %q), want a 500 problem with the request id and the connection closed",
			resp.StatusCode(), body, resp.ConnectionClose(), resp.Header.Peek("X-Half"))
	}
	if got := metrics.PanicCount(); got != before+1 {
		t.Errorf("gateway_panics_total went from %d to %d", before, got)
	}
	if l := logged.String(); !strings.Contains(l, `panic serving "GET" "/boom" (request id boom-1): assignment to entry in nil map`) || !strings.Contains(l, "panic_test.go") {
		t.Errorf("log:\n%s\nwant the panic with its request id and stack", l)
	}
	if resp := raw(t, addr, "GET /fine HTTP/1.1\r\nHost: a\r\n\r\n"); resp.StatusCode() != 200 {
		t.Errorf("after the panic: %d, want the next request served", resp.StatusCode())
	}
}

package problem

import (
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// TestTitle: an about:blank title is RFC 9110's reason phrase, including
// the codes it renamed (fasthttp's phrases are RFC 2616's).
func TestTitle(t *testing.T) {
	for status, want := range map[int]string{
		400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 413: "Content Too Large",
		414: "URI Too Long", 416: "Range Not Satisfiable", 422: "Unprocessable Content",
		429: "Too Many Requests", 431: "Request Header Fields Too Large", 501: "Not Implemented",
	} {
		if got := Title(status); got != want {
			t.Errorf("Title(%d) = %q, want %q", status, got, want)
		}
	}
}

// TestStatusLine: a problem's status line says the reason phrase its title
// does, RFC 9110's where it renamed the status (fasthttp wrote "413
// Request Entity Too Large" above "title":"Content Too Large"), and
// never a phrase an upstream's answer left on the response.
func TestStatusLine(t *testing.T) {
	for _, c := range []struct {
		write func(*fasthttp.RequestCtx)
		want  string
	}{
		{func(c *fasthttp.RequestCtx) { PayloadTooLarge(c, 10) }, "HTTP/1.1 413 Content Too Large\r\n"},
		{func(c *fasthttp.RequestCtx) { Write(c, 414, TypeBlank, Title(414), "long", nil) }, "HTTP/1.1 414 URI Too Long\r\n"},
		{func(c *fasthttp.RequestCtx) { BadGateway(c, "upstream answered garbage") }, "HTTP/1.1 502 Bad Gateway\r\n"},
		{NotFound, "HTTP/1.1 404 Not Found\r\n"},
	} {
		var ctx fasthttp.RequestCtx
		ctx.Request.SetRequestURI("/x")
		ctx.Response.Header.SetStatusMessage([]byte("Everything Fine")) // an upstream's
		c.write(&ctx)
		if got := ctx.Response.Header.String(); !strings.HasPrefix(got, c.want) {
			t.Errorf("status line %q, want %q", strings.SplitAfter(got, "\n")[0], c.want)
		}
	}
}

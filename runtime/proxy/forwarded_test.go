package proxy

import (
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// TestForwardingFieldsOneLine checks that each forwarding field reaches the
// upstream as one line, however many the client sent and in whatever case,
// as SetCanonical replaces only the first.
func TestForwardingFieldsOneLine(t *testing.T) {
	up := startUpstream(t, func(*fasthttp.Request) string { return okResponse })
	gw := startGateway(t, newUpstream(t, "pets", up.url()), "/x", 0)
	const head = "GET /x HTTP/1.1\r\nHost: h\r\n"
	for _, tt := range []struct {
		name, headers string
		want          map[string]string // header (lowercase) -> values joined by "|"
	}{
		{"none", "", map[string]string{
			"x-forwarded-for": "127.0.0.1", "forwarded": "for=127.0.0.1;host=h;proto=http",
			"x-forwarded-proto": "http", "x-forwarded-host": "h",
		}},
		{"one each, lower case",
			"x-forwarded-for: 10.0.0.1\r\nforwarded: for=10.0.0.1\r\nx-forwarded-proto: https\r\nx-forwarded-host: evil\r\n",
			map[string]string{
				"x-forwarded-for": "10.0.0.1, 127.0.0.1", "forwarded": "for=10.0.0.1, for=127.0.0.1;host=h;proto=http",
				"x-forwarded-proto": "http", "x-forwarded-host": "h",
			}},
		{"two each",
			"X-Forwarded-For: 10.0.0.1\r\nX-Forwarded-For: 10.0.0.2\r\nForwarded: for=10.0.0.1\r\nForwarded: for=10.0.0.2\r\n" +
				"X-Forwarded-Proto: https\r\nX-Forwarded-Proto: ftp\r\nX-Forwarded-Host: a\r\nX-Forwarded-Host: b\r\n",
			map[string]string{
				"x-forwarded-for": "10.0.0.1, 10.0.0.2, 127.0.0.1", "forwarded": "for=10.0.0.1, for=10.0.0.2, for=127.0.0.1;host=h;proto=http",
				"x-forwarded-proto": "http", "x-forwarded-host": "h",
			}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp := do(t, gw, head+tt.headers+"\r\n")
			if resp.StatusCode() != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode(), resp.Body())
			}
			s := up.next(t)
			for h, want := range tt.want {
				if got := strings.Join(s.header[h], "|"); got != want {
					t.Errorf("upstream got %s %q, want %q\n%s", h, got, want, s.raw)
				}
			}
		})
	}
}

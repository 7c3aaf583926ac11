package proxy

import (
	"strings"
	"testing"
)

// TestReasonPhrase: an upstream's reason phrase with a control character
// is replaced by the status's own; a valid one, obs-text included, goes
// to the client as it came.
func TestReasonPhrase(t *testing.T) {
	for _, c := range []struct{ line, want string }{
		{"HTTP/1.1 200 O\x01K", "HTTP/1.1 200 OK\r\n"},
		{"HTTP/1.1 404 Gone\x7f", "HTTP/1.1 404 Not Found\r\n"},
		{"HTTP/1.1 200 Fine\tThanks", "HTTP/1.1 200 Fine\tThanks\r\n"},
		{"HTTP/1.1 200 \xfe", "HTTP/1.1 200 \xfe\r\n"},
	} {
		up := rawUpstream(t, func(string) []string { return []string{c.line + "\r\nContent-Length: 2\r\n\r\nok"} })
		gw := startGateway(t, upstreamOf(t, UpstreamConfig{}, up), "", 0)
		r := do(t, gw, "GET /r HTTP/1.1\r\nHost: gw\r\n\r\n")
		if got := r.Header.String(); !strings.HasPrefix(got, c.want) {
			t.Errorf("%q: the client got %.40q, want %q", c.line, got, c.want)
		}
	}
}

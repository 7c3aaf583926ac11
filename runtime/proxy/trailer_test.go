package proxy

import (
	"strings"
	"testing"
)

// TestResponseTrailersDropped: an upstream's trailer fields never reach
// the client among the header fields (fasthttp moved them there once the
// proxy removed Trailer and Transfer-Encoding), while header fields of
// the same names stay.
func TestResponseTrailersDropped(t *testing.T) {
	for _, c := range []struct {
		name, answer string
		want, not    []string
	}{{
		name:   "unannounced",
		answer: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-Evil: 1\r\n\r\n",
		not:    []string{"X-Evil:"},
	}, {
		name:   "announced",
		answer: "HTTP/1.1 200 OK\r\nTrailer: X-T, X-U\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-T: 1\r\nX-U: 2\r\n\r\n",
		not:    []string{"X-T:", "X-U:", "Trailer"},
	}, {
		name:   "a header's name",
		answer: "HTTP/1.1 200 OK\r\nX-Version: 1.0\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-Version: evil\r\n\r\n",
		want:   []string{"X-Version: 1.0\r\n"},
		not:    []string{"evil"},
	}, {
		name:   "an announced header's name",
		answer: "HTTP/1.1 200 OK\r\nX-Version: 1.0\r\nTrailer: X-Version\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-Version: evil\r\n\r\n",
		want:   []string{"X-Version: 1.0\r\n"},
		not:    []string{"evil"},
	}, {
		name:   "no trailer",
		answer: "HTTP/1.1 200 OK\r\nX-Version: 1.0\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
		want:   []string{"X-Version: 1.0\r\n"},
	}} {
		t.Run(c.name, func(t *testing.T) {
			up := rawUpstream(t, func(string) []string { return []string{c.answer} })
			gw := startGateway(t, upstreamOf(t, UpstreamConfig{}, up), "", 0)
			r := do(t, gw, "GET /r HTTP/1.1\r\nHost: gw\r\n\r\n")
			head := r.Header.String()
			if r.StatusCode() != 200 || string(r.Body()) != "ok" {
				t.Fatalf("status %d %q, want 200 ok", r.StatusCode(), r.Body())
			}
			for _, w := range c.want {
				if !strings.Contains(head, w) {
					t.Errorf("no %q in the answer's header:\n%s", w, head)
				}
			}
			for _, n := range c.not {
				if strings.Contains(head, n) {
					t.Errorf("%q in the answer's header:\n%s", n, head)
				}
			}
		})
	}
}

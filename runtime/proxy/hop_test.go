package proxy

import (
	"bufio"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// TestScanFieldsHop checks which header blocks scanFields reports as
// holding a hop-by-hop field, in any case; a block it cannot see (empty)
// is taken to hold one.
func TestScanFieldsHop(t *testing.T) {
	for _, tt := range []struct {
		raw string
		hop bool
	}{
		{"", true},
		{"Host: h\r\nAccept: */*\r\n\r\n", false},
		{"Host: h\r\nconnection: x-foo\r\n\r\n", true},
		{"TE: trailers\r\n\r\n", true},
		{"Host: h\r\nPROXY-AUTHORIZATION: Basic eA==\r\n\r\n", true},
		{"Transfer-Encoding: chunked\r\n\r\n", true},
		{"X-Upgrade: no\r\nTea: no\r\n\r\n", false},
		{"Host: h\r\n\r\nUpgrade: after the block\r\n", false},
	} {
		if _, _, hop, _, _ := scanFields([]byte(tt.raw)); hop != tt.hop {
			t.Errorf("scanFields(%q): hop %v, want %v", tt.raw, hop, tt.hop)
		}
	}
	for _, k := range hopByHop { // every name of the list, whatever its length
		raw := "Host: h\r\n" + strings.ToLower(string(k)) + ": x\r\n\r\n"
		if _, _, hop, _, _ := scanFields([]byte(raw)); !hop {
			t.Errorf("scanFields(%q): hop false, want true", raw)
		}
	}
}

// TestHopByHopRemoved checks what reaches the upstream now that the
// hop-by-hop pass runs only for requests that have such a field: those
// that do lose them (any case, and the fields Connection names), a request
// with none keeps its own fields, and an HTTP/1.0 request goes upstream as
// HTTP/1.1 without the Connection: close its version implies (RFC 9110
// §6.2: the version is each hop's), so the upstream keeps the connection.
func TestHopByHopRemoved(t *testing.T) {
	up := startUpstream(t, func(*fasthttp.Request) string { return okResponse })
	gw := startGateway(t, newUpstream(t, "pets", up.url()), "/x", 0)
	for _, tt := range []struct {
		name, req string
		want      map[string]string // header (lowercase) -> values joined by "|"; "" means absent
	}{
		{"none", "GET /x HTTP/1.1\r\nHost: h\r\nX-Foo: 1\r\n\r\n",
			map[string]string{"x-foo": "1", "connection": ""}},
		{"lower case", "GET /x HTTP/1.1\r\nHost: h\r\nte: trailers\r\nupgrade: h2c\r\nkeep-alive: 5\r\n\r\n",
			map[string]string{"te": "", "upgrade": "", "keep-alive": ""}},
		{"nominated", "GET /x HTTP/1.1\r\nHost: h\r\nconnection: x-foo\r\nX-Foo: 1\r\nX-Bar: 2\r\n\r\n",
			map[string]string{"x-foo": "", "x-bar": "2", "connection": ""}},
		{"HTTP/1.0", "GET /x HTTP/1.0\r\nHost: h\r\nX-Foo: 1\r\nUpgrade: h2c\r\n\r\n",
			map[string]string{"x-foo": "1", "upgrade": "", "connection": ""}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp := do(t, gw, tt.req)
			if resp.StatusCode() != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode(), resp.Body())
			}
			s := up.next(t)
			if line, _, _ := strings.Cut(s.raw, "\r\n"); !strings.HasSuffix(line, " HTTP/1.1") {
				t.Errorf("upstream got request line %q, want HTTP/1.1", line)
			}
			for h, want := range tt.want {
				if got := strings.Join(s.header[h], "|"); got != want {
					t.Errorf("upstream got %s %q, want %q\n%s", h, got, want, s.raw)
				}
			}
		})
	}
}

// TestStripResponseHopByHop checks that the answer's pass, which skips the
// deletions when no field of the list is there, leaves every answer as the
// full pass does, chunked answers and their trailers included.
func TestStripResponseHopByHop(t *testing.T) {
	for _, raw := range []string{
		"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nDate: x\r\n\r\n{}",
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nKeep-Alive: timeout=5\r\n\r\n{}",
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nconnection: close\r\n\r\n{}",
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: X-Foo, keep-alive\r\nX-Foo: 1\r\nX-Bar: 2\r\n\r\n{}",
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nPROXY-CONNECTION: keep-alive\r\nUpgrade: h2c\r\n\r\n{}",
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nProxy-Authenticate: Basic\r\nTe: trailers\r\n\r\n{}",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n2\r\n{}\r\n0\r\nX-Sum: 1\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
		"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}",
	} {
		var fast, full fasthttp.Response
		for _, r := range []*fasthttp.Response{&fast, &full} {
			if err := r.Read(bufio.NewReader(strings.NewReader(raw))); err != nil {
				t.Fatalf("%q: %v", raw, err)
			}
		}
		stripResponseHopByHop(&fast.Header, nil)
		stripHopByHop(&full.Header, nil)
		if got, want := fast.Header.String(), full.Header.String(); got != want {
			t.Errorf("%q:\ngot  %q\nwant %q", raw, got, want)
		}
	}
}

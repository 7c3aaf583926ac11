package server

import (
	"bufio"
	"strings"
	"sync"
	"testing"

	"github.com/valyala/fasthttp"
)

// TestFraming sends framings fasthttp accepts and checks what the handler
// is given: a chunked body's trailer fields never join the header fields
// (fasthttp let them through, and the proxy forwarded them as headers, a
// field name with a space and a second value of a checked header among
// them), and a transfer coding other than chunked is 501 before the
// handler.
func TestFraming(t *testing.T) {
	var mu sync.Mutex
	var seen string
	addr := serveTest(t, Config{}, func(ctx *fasthttp.RequestCtx) {
		hd := &ctx.Request.Header
		// What a proxy sends: Trailer is hop-by-hop and removed first.
		hd.Del(fasthttp.HeaderTrailer)
		var b strings.Builder
		for k, v := range hd.All() {
			b.WriteString(string(k) + ": " + string(v) + "\n")
		}
		for _, v := range hd.PeekAll("X-Version") {
			b.WriteString("peek X-Version=" + string(v) + "\n")
		}
		b.WriteString("body=" + string(ctx.Request.Body()))
		mu.Lock()
		seen = b.String()
		mu.Unlock()
		ctx.SetBodyString("ok")
	})
	for _, c := range []struct {
		name, req  string
		status     string
		want, not  []string // lines the handler must or must not see
		reachesApp bool
	}{{
		name:       "trailer dropped",
		req:        "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\nX-T: 1\r\n\r\n",
		status:     "200",
		want:       []string{"body=hi"},
		not:        []string{"X-T"},
		reachesApp: true,
	}, {
		name:       "a name that is not a token, in the trailer",
		req:        "GET /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-Bad Name: 1\r\n\r\n",
		status:     "200",
		not:        []string{"X-Bad"},
		reachesApp: true,
	}, {
		name:       "a header's second value, in the trailer",
		req:        "GET /x HTTP/1.1\r\nHost: a\r\nX-Version: 1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-Version: evil\r\n\r\n",
		status:     "200",
		want:       []string{"X-Version: 1.0", "peek X-Version=1.0"},
		not:        []string{"evil"},
		reachesApp: true,
	}, {
		name:       "announced trailer",
		req:        "GET /x HTTP/1.1\r\nHost: a\r\nX-Version: 1.0\r\nTrailer: X-Version, X-T\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-Version: evil\r\nX-T: 2\r\n\r\n",
		status:     "200",
		want:       []string{"X-Version: 1.0"},
		not:        []string{"evil", "X-T"},
		reachesApp: true,
	}, {
		name:       "chunked without trailer",
		req:        "POST /x HTTP/1.1\r\nHost: a\r\nX-Version: 1.0\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
		status:     "200",
		want:       []string{"X-Version: 1.0", "body=hi"},
		reachesApp: true,
	}, {
		name:   "identity",
		req:    "GET /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n",
		status: "501",
	}, {
		name:   "identity in capitals, with a length",
		req:    "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\ntransfer-encoding: IDENTITY\r\n\r\nhi",
		status: "501",
	}, {
		// obs-fold: fasthttp reads the folded value as chunked, and so
		// does the check (it answered 501).
		name:       "folded chunked",
		req:        "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
		status:     "200",
		want:       []string{"body=hi"},
		reachesApp: true,
	}, {
		name:   "dot-segment",
		req:    "GET /stores/../inventory HTTP/1.1\r\nHost: a\r\n\r\n",
		status: "400",
	}, {
		name:   "dot-segment percent-encoded",
		req:    "GET /stores/%2e%2E/inventory?x=1 HTTP/1.1\r\nHost: a\r\n\r\n",
		status: "400",
	}, {
		name:   "dot-segment in absolute-form",
		req:    "GET http://a/stores/./inventory HTTP/1.1\r\nHost: a\r\n\r\n",
		status: "400",
	}, {
		name:       "dots that are no dot-segment",
		req:        "GET /stores/.../a..b/%2E%2E%2E/..%2F/.x?p=/../ HTTP/1.1\r\nHost: a\r\n\r\n",
		status:     "200",
		reachesApp: true,
	}, {
		name:   "userinfo in Host",
		req:    "GET /x HTTP/1.1\r\nHost: trusted.example@evil.example\r\n\r\n",
		status: "400",
	}, {
		name:   "a quote in Host",
		req:    "GET /x HTTP/1.1\r\nHost: a\"b\r\n\r\n",
		status: "400",
	}, {
		name:   "angle brackets in Host",
		req:    "GET /x HTTP/1.1\r\nHost: a<b>\r\n\r\n",
		status: "400",
	}, {
		name:   "a byte over 0x7F in Host",
		req:    "GET /x HTTP/1.1\r\nHost: \xc3\xa9.example\r\n\r\n",
		status: "400",
	}, {
		name:   "a quote in an absolute-form authority",
		req:    "GET http://a\"b/x HTTP/1.1\r\nHost: a\r\n\r\n",
		status: "400",
	}, {
		name:   "a quote in Host, with an absolute-form target",
		req:    "GET http://a/x HTTP/1.1\r\nHost: a\"b\r\n\r\n",
		status: "400",
	}, {
		name:       "an IP literal in Host",
		req:        "GET /x HTTP/1.1\r\nHost: [::1]:8080\r\nConnection: close\r\n\r\n",
		status:     "200",
		reachesApp: true,
	}, {
		name:       "sub-delims in Host, a valid reg-name",
		req:        "GET /x HTTP/1.1\r\nHost: a,b;c'd:8080\r\nConnection: close\r\n\r\n",
		status:     "200",
		reachesApp: true,
	}, {
		name:       "Expect 100-continue, with an empty member",
		req:        "GET /x HTTP/1.1\r\nHost: a\r\nExpect: , 100-Continue\r\n\r\n",
		status:     "200",
		reachesApp: true,
	}, {
		name:   "Expect other than 100-continue",
		req:    "GET /x HTTP/1.1\r\nHost: a\r\nExpect: foo\r\n\r\n",
		status: "417",
	}, {
		name:   "Expect 100-continue and another",
		req:    "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nexpect: 100-continue, x=1\r\n\r\nhi",
		status: "417",
	}, {
		name:   "Expect's second line",
		req:    "GET /x HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nX: 1\r\nExpect: 200-ok\r\n\r\n",
		status: "417",
	}, {
		name:   "Expect folded",
		req:    "GET /x HTTP/1.1\r\nHost: a\r\nExpect:\r\n 200-ok\r\n\r\n",
		status: "417",
	}, {
		// fasthttp's own refusal, kept: 400.
		name:   "gzip",
		req:    "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n",
		status: "400",
	}} {
		t.Run(c.name, func(t *testing.T) {
			mu.Lock()
			seen = ""
			mu.Unlock()
			resp := string(exchange(t, addr, strings.Replace(c.req, "Host: a\r\n", "Host: a\r\nConnection: close\r\n", 1)))
			if !strings.HasPrefix(resp, "HTTP/1.1 "+c.status+" ") {
				t.Fatalf("answered %.200q, want %s", resp, c.status)
			}
			if c.status != "200" && !strings.Contains(resp, "application/problem+json") {
				t.Errorf("refusal is not problem+json: %q", resp)
			}
			mu.Lock()
			got := seen
			mu.Unlock()
			if (got != "") != c.reachesApp {
				t.Fatalf("reached the handler: %v, want %v (%q)", got != "", c.reachesApp, got)
			}
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("handler did not see %q in:\n%s", w, got)
				}
			}
			for _, n := range c.not {
				if strings.Contains(got, n) {
					t.Errorf("handler saw %q in:\n%s", n, got)
				}
			}
		})
	}
}

// TestTooLarge: a request line that alone overruns the read buffer is 414
// (RFC 9112 §3); a header block that does, after a request line of any
// length, is 431. Both were 431.
func TestTooLarge(t *testing.T) {
	addr := serveTest(t, Config{MaxHeaderBytes: 4096}, okHandler)
	for _, c := range []struct{ name, req, status string }{
		{"long target", "GET /" + strings.Repeat("a", 20000) + " HTTP/1.1\r\nHost: a\r\n\r\n", "414"},
		{"long query", "GET /x?q=" + strings.Repeat("%5C", 3000) + " HTTP/1.1\r\nHost: a\r\n\r\n", "414"},
		{"many fields", "GET /x HTTP/1.1\r\nHost: a\r\n" + strings.Repeat("X-A: 123456789\r\n", 500) + "\r\n", "431"},
		{"one long field", "GET /x HTTP/1.1\r\nHost: a\r\nCookie: " + strings.Repeat("c", 20000) + "\r\n\r\n", "431"},
		{"long target and fields", "GET /" + strings.Repeat("a", 1000) + " HTTP/1.1\r\nHost: a\r\n" + strings.Repeat("X-A: 123456789\r\n", 500) + "\r\n", "431"},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp := string(exchange(t, addr, c.req))
			if !strings.HasPrefix(resp, "HTTP/1.1 "+c.status+" ") || !strings.Contains(resp, "application/problem+json") {
				t.Fatalf("answered %.300q, want a %s problem", resp, c.status)
			}
		})
	}
}

// TestOtherCoding reads header blocks as received, short and odd lines
// among them, without a panic.
func TestOtherCoding(t *testing.T) {
	for raw, want := range map[string]bool{
		"":                                   false,
		"\r\n":                               false,
		"X: 1\r\n\r\n":                       false,
		"Transfer-Encoding: chunked\r\n\r\n": false,
		"transfer-encoding:CHUNKED\r\n\r\n":  false,
		"Transfer-Encoding:\r\n\tchunked\r\n\r\n":  false,
		"Transfer-Encoding: identity\r\n\r\n":      true,
		"Transfer-Encoding:\r\n\r\n":               true,
		"Transfer-Encoding: chunked\r\n x\r\n\r\n": true,
		"Transfer-Encoding":                        false,
		"Transfer-Encoding:":                       true,
		"X-Transfer-Encoding: gzip\r\n\r\n":        false,
	} {
		if got, _ := fieldFaults([]byte(raw)); got != want {
			t.Errorf("fieldFaults(%q) coding = %v, want %v", raw, got, want)
		}
	}
}

// TestOtherExpectation reads Expect fields as received: 100-continue in
// any case and empty members pass, any other member does not.
func TestOtherExpectation(t *testing.T) {
	for raw, want := range map[string]bool{
		"Expect: 100-continue\r\n\r\n":              false,
		"expect:100-CONTINUE \r\n\r\n":              false,
		"Expect: ,, 100-continue ,\r\n\r\n":         false,
		"Expect:\r\n\r\n":                           false,
		"Expect":                                    false,
		"Expect:":                                   false,
		"X-Expect: foo\r\n\r\n":                     false,
		"Expect: foo\r\n\r\n":                       true,
		"Expect: 100-continue, foo\r\n\r\n":         true,
		"Expect: 100-continue;x=1\r\n\r\n":          true,
		"Expect: 100-continue\r\n\tfoo\r\n\r\n":     true,
		"Expect: 100-continue\r\nExpect: x\r\n\r\n": true,
		"Expect: foo":                               true,
	} {
		if _, got := fieldFaults([]byte(raw)); got != want {
			t.Errorf("fieldFaults(%q) expect = %v, want %v", raw, got, want)
		}
	}
}

// BenchmarkFraming is what every request pays for framing's checks: a
// target without '.' or '%', and a header block without Transfer-Encoding.
func BenchmarkFraming(b *testing.B) {
	var ctx fasthttp.RequestCtx
	raw := "GET /v1/pets/42?limit=5 HTTP/1.1\r\nHost: api.example.com\r\nUser-Agent: wrk\r\nAccept: application/json\r\nX-API-Key: k\r\nX-Request-Id: abc\r\n\r\n"
	if err := ctx.Request.Read(bufio.NewReader(strings.NewReader(raw))); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if !framing(&ctx) {
			b.Fatal("refused")
		}
	}
}

// FuzzFraming: the dot-segment check answers as a plain split of the path
// into segments does (its fast gate skips no target it should refuse), and
// the Transfer-Encoding walk never fails on a header block.
func FuzzFraming(f *testing.F) {
	for _, s := range []string{"/a/../b", "/a/%2e%2E/b", "/a/b?x=/../", "http://h/./x", "/a.b/c%20d", "*", "/..", "/.%2e"} {
		f.Add(s, "Host: x\r\nTransfer-Encoding: identity\r\n\r\n")
	}
	f.Fuzz(func(t *testing.T, uri, header string) {
		var want []byte
		for _, seg := range strings.Split(string(requestPath([]byte(uri))), "/")[1:] {
			if isDots([]byte(seg)) {
				want = []byte(seg)
				break
			}
		}
		if got := dotSegment([]byte(uri)); string(got) != string(want) || (got == nil) != (want == nil) {
			t.Fatalf("dotSegment(%q) = %q, want %q", uri, got, want)
		}
		fieldFaults([]byte(header))
	})
}

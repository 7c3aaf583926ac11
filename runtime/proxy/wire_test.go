package proxy

import (
	"bufio"
	"bytes"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/balance"
	"github.com/gatewaygen/gatewaygen/runtime/requestid"
	"github.com/gatewaygen/gatewaygen/runtime/traceparent"
)

// wireTransport stands in for the network: it writes the request as
// fasthttp would put it on the upstream connection into sent, and answers
// with the fixed bytes of answer, so that a test sees the exact bytes the
// upstream would receive and a benchmark measures the proxy's own work
// around the call without a socket.
type wireTransport struct {
	sent   bytes.Buffer
	bw     *bufio.Writer
	answer []byte
	rd     bytes.Reader
	br     *bufio.Reader
}

func newWireTransport(answer string) *wireTransport {
	w := &wireTransport{answer: []byte(answer)}
	w.bw = bufio.NewWriter(&w.sent)
	w.br = bufio.NewReader(&w.rd)
	return w
}

func (w *wireTransport) RoundTrip(_ *fasthttp.HostClient, req *fasthttp.Request, resp *fasthttp.Response) (bool, error) {
	w.sent.Reset()
	if err := req.Write(w.bw); err != nil {
		return false, err
	}
	if err := w.bw.Flush(); err != nil {
		return false, err
	}
	w.rd.Reset(w.answer)
	w.br.Reset(&w.rd)
	return false, resp.Read(w.br)
}

const wireAnswer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 21\r\n" +
	"Date: Mon, 07 Dec 2026 15:00:00 GMT\r\n\r\n{\"id\":1,\"name\":\"rex\"}"

// wireUpstream is an upstream whose every target answers through one
// wireTransport.
func wireUpstream(tb testing.TB, cfg UpstreamConfig) (*Upstream, *wireTransport) {
	tb.Helper()
	u, err := NewUpstream(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(u.Close)
	w := newWireTransport(wireAnswer)
	set := u.set.Load()
	for i := range set.targets {
		set.targets[i].client.Transport = w
	}
	return u, w
}

// readWire reads a request as a server reads it, so that its raw header
// block is there for Forward to inspect.
func readWire(tb testing.TB, raw string) *fasthttp.Request {
	tb.Helper()
	var r fasthttp.Request
	if err := r.Read(bufio.NewReader(strings.NewReader(raw))); err != nil {
		tb.Fatal(err)
	}
	return &r
}

// TestForwardWire pins the bytes of the request line and header block the
// upstream receives, and the client's answer header, for requests that
// take each branch of the header work around the upstream call: none of
// the forwarding fields, each of them once and twice, address claims,
// hop-by-hop fields, HTTP/1.0, an absolute-form target with user info, a
// query the handler parsed, a base path, and the client's Host kept.
// The order of fields is part of what is pinned, as an upstream sees it.
func TestForwardWire(t *testing.T) {
	const id = "X-Request-Id: 0123456789abcdef0123456789abcdef\r\n"
	tests := []struct {
		name       string
		cfg        UpstreamConfig
		req        string
		queryArgs  bool                            // the handler read the query through ctx.QueryArgs
		stage      func(h *fasthttp.RequestHeader) // a stage before Forward, setting fields
		wantReq    string
		wantAnswer string
	}{{
		name: "plain",
		req:  "GET /v1/pets/42?fields=name HTTP/1.1\r\nHost: api.example.com\r\nAccept: application/json\r\n" + id + "\r\n",
		wantReq: "GET /api/pets/42?fields=name HTTP/1.1\r\nHost: pets.internal\r\nAccept: application/json\r\n" + id +
			"X-Real-Ip: 192.0.2.1\r\nX-Forwarded-For: 192.0.2.1\r\nX-Forwarded-Proto: http\r\n" +
			"X-Forwarded-Host: api.example.com\r\nForwarded: for=192.0.2.1;host=api.example.com;proto=http\r\nVia: 1.1 gatewaygen\r\n\r\n",
		wantAnswer: "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 21\r\n" + id + "\r\n",
	}, {
		name: "forwarding fields once each",
		req: "GET /v1/pets/42 HTTP/1.1\r\nHost: api.example.com\r\nX-Forwarded-For: 203.0.113.7\r\n" +
			"X-Forwarded-Proto: https\r\nX-Forwarded-Host: edge.example\r\nForwarded: for=203.0.113.7\r\n" + id + "\r\n",
		// A single line of a field is replaced where the client put it.
		wantReq: "GET /api/pets/42 HTTP/1.1\r\nHost: pets.internal\r\nX-Forwarded-For: 203.0.113.7, 192.0.2.1\r\n" +
			"X-Forwarded-Proto: http\r\nX-Forwarded-Host: api.example.com\r\n" +
			"Forwarded: for=203.0.113.7, for=192.0.2.1;host=api.example.com;proto=http\r\n" + id +
			"X-Real-Ip: 192.0.2.1\r\nVia: 1.1 gatewaygen\r\n\r\n",
	}, {
		// Several lines are joined in the client's order (they were not,
		// when a deletion before the join had moved one of them).
		name: "forwarding fields twice each",
		req: "GET /v1/pets/42 HTTP/1.1\r\nHost: api.example.com\r\nX-Forwarded-For: 203.0.113.7\r\n" +
			"X-Forwarded-For: 198.51.100.2\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Proto: http\r\n" +
			"X-Forwarded-Host: a.example\r\nX-Forwarded-Host: b.example\r\nForwarded: for=203.0.113.7\r\n" +
			"Forwarded: for=198.51.100.2\r\n\r\n",
		wantReq: "GET /api/pets/42 HTTP/1.1\r\nHost: pets.internal\r\nX-Real-Ip: 192.0.2.1\r\n" +
			"X-Request-Id: 00000000000000000000000000000000\r\nX-Forwarded-For: 203.0.113.7, 198.51.100.2, 192.0.2.1\r\n" +
			"X-Forwarded-Host: api.example.com\r\nX-Forwarded-Proto: http\r\nForwarded: for=203.0.113.7, for=198.51.100.2, for=192.0.2.1;host=api.example.com;proto=http\r\nVia: 1.1 gatewaygen\r\n\r\n",
	}, {
		// A stage before (an identity header) may set a forwarding field
		// the client did not send: it is appended to as a client's is.
		name: "forwarding fields set by a stage",
		req:  "GET /v1/pets/42 HTTP/1.1\r\nHost: api.example.com\r\n" + id + "\r\n",
		stage: func(h *fasthttp.RequestHeader) {
			h.Set("Forwarded", "for=alice")
			h.Set("X-Forwarded-For", "198.51.100.9")
		},
		wantReq: "GET /api/pets/42 HTTP/1.1\r\nHost: pets.internal\r\n" + id +
			"Forwarded: for=alice, for=192.0.2.1;host=api.example.com;proto=http\r\n" +
			"X-Forwarded-For: 198.51.100.9, 192.0.2.1\r\nX-Real-Ip: 192.0.2.1\r\nX-Forwarded-Proto: http\r\n" +
			"X-Forwarded-Host: api.example.com\r\nVia: 1.1 gatewaygen\r\n\r\n",
	}, {
		name: "address claims and hop-by-hop",
		req: "GET /v1/pets/42 HTTP/1.1\r\nHost: api.example.com\r\nX-Real-IP: 10.0.0.1\r\nTrue-Client-IP: 10.0.0.2\r\n" +
			"Connection: keep-alive, X-Secret, X-Forwarded-Proto\r\nX-Secret: s\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\n" + id + "\r\n",
		wantReq: "GET /api/pets/42 HTTP/1.1\r\nHost: pets.internal\r\n" + id +
			"X-Real-Ip: 192.0.2.1\r\nX-Forwarded-For: 192.0.2.1\r\nX-Forwarded-Proto: http\r\n" +
			"X-Forwarded-Host: api.example.com\r\nForwarded: for=192.0.2.1;host=api.example.com;proto=http\r\nVia: 1.1 gatewaygen\r\n\r\n",
	}, {
		// fasthttp deletes a field by moving the last one into its place:
		// the claim's deletion must not reverse the lines of a field.
		name: "address claim before a field's two lines",
		req: "GET /v1/pets/42 HTTP/1.1\r\nHost: api.example.com\r\nX-Client-IP: 10.0.0.3\r\n" +
			"X-Forwarded-For: 203.0.113.7\r\n" + id + "X-Forwarded-For: 198.51.100.2\r\n\r\n",
		wantReq: "GET /api/pets/42 HTTP/1.1\r\nHost: pets.internal\r\nX-Forwarded-For: 203.0.113.7, 198.51.100.2, 192.0.2.1\r\n" +
			id + "X-Real-Ip: 192.0.2.1\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Host: api.example.com\r\n" +
			"Forwarded: for=192.0.2.1;host=api.example.com;proto=http\r\nVia: 1.1 gatewaygen\r\n\r\n",
	}, {
		// Via: the client's line gets the gateway's element where it is;
		// several lines are joined in order first.
		name: "via once",
		req:  "GET /v1/pets/42 HTTP/1.1\r\nHost: api.example.com\r\nVia: 1.1 edge (cdn)\r\n" + id + "\r\n",
		wantReq: "GET /api/pets/42 HTTP/1.1\r\nHost: pets.internal\r\nVia: 1.1 edge (cdn), 1.1 gatewaygen\r\n" + id +
			"X-Real-Ip: 192.0.2.1\r\nX-Forwarded-For: 192.0.2.1\r\nX-Forwarded-Proto: http\r\n" +
			"X-Forwarded-Host: api.example.com\r\nForwarded: for=192.0.2.1;host=api.example.com;proto=http\r\n\r\n",
	}, {
		name: "via on two lines",
		req:  "GET /v1/pets/42 HTTP/1.1\r\nHost: api.example.com\r\nVia: 1.0 a\r\n" + id + "Via: HTTP/1.1 b\r\n\r\n",
		// Deleting the two lines moves others (fasthttp fills a deleted
		// line's place with the last); the order of distinct names means
		// nothing (RFC 9110 §5.3).
		wantReq: "GET /api/pets/42 HTTP/1.1\r\nHost: pets.internal\r\nForwarded: for=192.0.2.1;host=api.example.com;proto=http\r\n" +
			id + "X-Forwarded-Host: api.example.com\r\nX-Real-Ip: 192.0.2.1\r\nX-Forwarded-For: 192.0.2.1\r\n" +
			"X-Forwarded-Proto: http\r\nVia: 1.0 a, HTTP/1.1 b, 1.1 gatewaygen\r\n\r\n",
	}, {
		name: "HTTP/1.0",
		req:  "GET /v1/pets/42 HTTP/1.0\r\nHost: api.example.com\r\n" + id + "\r\n",
		wantReq: "GET /api/pets/42 HTTP/1.1\r\nHost: pets.internal\r\n" + id +
			"X-Real-Ip: 192.0.2.1\r\nX-Forwarded-For: 192.0.2.1\r\nX-Forwarded-Proto: http\r\n" +
			"X-Forwarded-Host: api.example.com\r\nForwarded: for=192.0.2.1;host=api.example.com;proto=http\r\nVia: 1.0 gatewaygen\r\n\r\n",
	}, {
		name: "absolute form with user info",
		req:  "GET http://user:pw@api.example.com/v1/pets/42?x=1 HTTP/1.1\r\nHost: api.example.com\r\n" + id + "\r\n",
		wantReq: "GET /api/pets/42?x=1 HTTP/1.1\r\nHost: pets.internal\r\n" + id +
			"X-Real-Ip: 192.0.2.1\r\nX-Forwarded-For: 192.0.2.1\r\nX-Forwarded-Proto: http\r\n" +
			"X-Forwarded-Host: api.example.com\r\nForwarded: for=192.0.2.1;host=api.example.com;proto=http\r\nVia: 1.1 gatewaygen\r\n\r\n",
	}, {
		// RFC 9112 §3.2.2: the target's authority, not Host, is the host
		// the client asked for.
		name: "absolute form names another host than Host",
		req:  "GET http://api.example.com/v1/pets/42 HTTP/1.1\r\nHost: other.example\r\n" + id + "\r\n",
		wantReq: "GET /api/pets/42 HTTP/1.1\r\nHost: pets.internal\r\n" + id +
			"X-Real-Ip: 192.0.2.1\r\nX-Forwarded-For: 192.0.2.1\r\nX-Forwarded-Proto: http\r\n" +
			"X-Forwarded-Host: api.example.com\r\nForwarded: for=192.0.2.1;host=api.example.com;proto=http\r\nVia: 1.1 gatewaygen\r\n\r\n",
	}, {
		name:      "query parsed by the handler goes as sent",
		req:       "GET /v1/pets/42?b=2&a=%41+x&a HTTP/1.1\r\nHost: api.example.com\r\n" + id + "\r\n",
		queryArgs: true,
		wantReq: "GET /api/pets/42?b=2&a=%41+x&a HTTP/1.1\r\nHost: pets.internal\r\n" + id +
			"X-Real-Ip: 192.0.2.1\r\nX-Forwarded-For: 192.0.2.1\r\nX-Forwarded-Proto: http\r\n" +
			"X-Forwarded-Host: api.example.com\r\nForwarded: for=192.0.2.1;host=api.example.com;proto=http\r\nVia: 1.1 gatewaygen\r\n\r\n",
	}, {
		name: "client host kept",
		cfg:  UpstreamConfig{ClientHost: true},
		req:  "GET /v1/pets/42 HTTP/1.1\r\nHost: API.example.com:8443\r\n" + id + "\r\n",
		wantReq: "GET /api/pets/42 HTTP/1.1\r\nHost: API.example.com:8443\r\n" + id +
			"X-Real-Ip: 192.0.2.1\r\nX-Forwarded-For: 192.0.2.1\r\nX-Forwarded-Proto: http\r\n" +
			"X-Forwarded-Host: API.example.com:8443\r\nForwarded: for=192.0.2.1;host=\"API.example.com:8443\";proto=http\r\nVia: 1.1 gatewaygen\r\n\r\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.Name = "pets"
			cfg.Targets = []balance.Target{{URL: "http://pets.internal/api/"}}
			u, w := wireUpstream(t, cfg)
			in := readWire(t, tt.req)
			var ctx fasthttp.RequestCtx
			ctx.Init(in, &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 4242}, nil)
			if strings.Contains(tt.name, "twice") {
				// An invalid id is replaced; pin it so the bytes compare.
				ctx.Request.Header.Set(requestid.Header, "00000000000000000000000000000000")
			}
			if tt.stage != nil {
				tt.stage(&ctx.Request.Header)
			}
			if tt.queryArgs {
				ctx.QueryArgs().Len()
			}
			requestid.Ensure(&ctx)
			if !u.Forward(&ctx, []byte("/pets/42"), time.Second) {
				t.Fatalf("not answered: %s", ctx.Response.Body())
			}
			if got := w.sent.String(); got != tt.wantReq {
				t.Errorf("upstream got\n%q\nwant\n%q", got, tt.wantReq)
			}
			if tt.wantAnswer != "" {
				// fasthttp writes its own Date; the rest is the upstream's and
				// the gateway's.
				got := ctx.Response.Header.String()
				if i := strings.Index(got, "Date: "); i >= 0 {
					got = got[:i] + got[i+strings.Index(got[i:], "\r\n")+2:]
				}
				if got != tt.wantAnswer {
					t.Errorf("client gets\n%q\nwant\n%q", got, tt.wantAnswer)
				}
			}
			if got := string(ctx.Request.Header.RequestURI()); got != strings.Fields(tt.req)[1] {
				t.Errorf("request URI afterwards %q, want the client's %q", got, strings.Fields(tt.req)[1])
			}
			if got, want := string(ctx.URI().PathOriginal()), "/v1/pets/42"; got != want {
				t.Errorf("path afterwards %q, want the client's %q", got, want)
			}
		})
	}
}

// BenchmarkProxiedGET is the gateway's work on a proxied GET around the
// upstream call, as the generated handler does it (the request id, the
// traceparent, Forward), with the upstream connection replaced by
// wireTransport: what it measures is the header work, the URI, the
// balancer and fasthttp's writing and reading of the two messages, not a
// socket.
func BenchmarkProxiedGET(b *testing.B) {
	u, _ := wireUpstream(b, UpstreamConfig{Name: "pets", Targets: []balance.Target{{URL: "http://127.0.0.1:29001"}}})
	wire := readWire(b, "GET /pets/42 HTTP/1.1\r\nHost: 127.0.0.1:28080\r\nUser-Agent: wrk\r\n"+
		"Accept: */*\r\n\r\n")
	path := []byte("/pets/42")
	var ctx fasthttp.RequestCtx
	ctx.Init(wire, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 4242}, nil)
	b.ReportAllocs()
	for b.Loop() {
		wire.CopyTo(&ctx.Request)
		ctx.Response.Reset()
		ctx.URI() // the server parses it before the handler runs
		requestid.Ensure(&ctx)
		traceparent.Propagate(&ctx)
		if !u.Forward(&ctx, path, 0) {
			b.Fatalf("status %d: %s", ctx.Response.StatusCode(), ctx.Response.Body())
		}
	}
}

package proxy

import (
	"net"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/balance"
)

// TestUnderscoreAliases: a field whose name, '_' read as '-', is one the
// gateway sets or never forwards does not reach the upstream (a CGI-style
// upstream would read X_Forwarded_For as X-Forwarded-For, and
// Transfer_Encoding as the framing); one without such a twin does. All of
// them were forwarded.
func TestUnderscoreAliases(t *testing.T) {
	u, w := wireUpstream(t, UpstreamConfig{Name: "pets", Targets: []balance.Target{{URL: "http://pets.internal/api/"}}})
	in := readWire(t, "GET /v1/pets/42 HTTP/1.1\r\nHost: api.example.com\r\n"+
		"X_Forwarded_For: 6.6.6.6\r\nx_real_ip: 6.6.6.6\r\nTransfer_Encoding: chunked\r\nContent_Length: 5\r\n"+
		"X_Consumer: mallory\r\nX_Request_Id: forged\r\nCONNECTION_: x\r\nX_Tenant: t1\r\nX-Note: a_b\r\n\r\n")
	var ctx fasthttp.RequestCtx
	ctx.Init(in, &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 4242}, nil)
	// What an auth stage sets before Forward: the consumer it verified.
	ctx.Request.Header.Set("X-Consumer", "alice")
	if !u.Forward(&ctx, []byte("/pets/42"), 0) {
		t.Fatalf("not forwarded: %s", ctx.Response.Body())
	}
	sent := strings.ToLower(w.sent.String())
	for _, gone := range []string{"x_forwarded_for", "x_real_ip", "transfer_encoding", "content_length", "x_consumer", "x_request_id", "6.6.6.6", "mallory", "forged"} {
		if strings.Contains(sent, gone) {
			t.Errorf("upstream got %q:\n%s", gone, w.sent.String())
		}
	}
	for _, kept := range []string{"x_tenant: t1\r\n", "x-note: a_b\r\n", "x-consumer: alice\r\n", "connection_: x\r\n"} {
		if !strings.Contains(sent, kept) {
			t.Errorf("upstream did not get %q:\n%s", kept, w.sent.String())
		}
	}
}

package main

import (
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/valyala/fasthttp"
)

// testSpanExport: a generated gateway given --otlp-endpoint exports, to a
// fake OTLP/HTTP collector, a server span that continues the client's
// trace and a client span that is the parent the upstream received.
func testSpanExport(t *testing.T, bin string) {
	var mu sync.Mutex
	var got []*tracepb.Span
	var upstreamSaw []string // traceparents, in order
	col := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var td tracepb.TracesData
		if r.URL.Path != "/v1/traces" || proto.Unmarshal(body, &td) != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		for _, rs := range td.ResourceSpans {
			for _, ss := range rs.ScopeSpans {
				got = append(got, ss.Spans...)
			}
		}
	}))
	t.Cleanup(col.Close)
	beAddr := freeAddr(t)
	be := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		mu.Lock()
		upstreamSaw = append(upstreamSaw, string(ctx.Request.Header.Peek("Traceparent")))
		mu.Unlock()
		ctx.SetContentType("application/json")
		ctx.SetBodyString(`{"id":1,"name":"Rex"}`)
	}}
	go be.ListenAndServe(beAddr) //nolint:errcheck // ends with Shutdown
	t.Cleanup(func() { _ = be.Shutdown() })
	waitAccept(t, beAddr, make(chan struct{}), new(syncBuffer), 5*time.Second)
	listen := freeAddr(t)
	p := startProc(t, bin, listen, "--upstream", "pets=http://"+beAddr, "--otlp-endpoint", col.URL, "--trace-sample", "0")

	const trace, parent = "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"
	if r := do(t, "GET", "http://"+listen+"/v1/pets/1", "", map[string]string{"Traceparent": "00-" + trace + "-" + parent + "-01"}); r.status != 200 {
		t.Fatalf("GET /v1/pets/1: %d %s", r.status, r.body)
	}
	// Not sampled, and no new trace at --trace-sample 0: no span.
	do(t, "GET", "http://"+listen+"/v1/pets/1", "", map[string]string{"Traceparent": "00-" + trace + "-" + parent + "-00"})
	do(t, "GET", "http://"+listen+"/v1/pets/1", "", nil)
	var spans []*tracepb.Span
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		mu.Lock()
		spans = append(spans[:0], got...)
		mu.Unlock()
		if len(spans) >= 2 {
			break
		}
	}
	time.Sleep(300 * time.Millisecond) // another export period: nothing more may come
	mu.Lock()
	spans = append(spans[:0], got...)
	mu.Unlock()
	if len(spans) != 2 {
		t.Fatalf("%d spans exported, want 2 (server and client of the sampled request):\n%v\n%s", len(spans), spans, p.out.String())
	}
	server, client := spans[0], spans[1]
	if hex.EncodeToString(server.TraceId) != trace || hex.EncodeToString(server.ParentSpanId) != parent || server.Kind != tracepb.Span_SPAN_KIND_SERVER {
		t.Errorf("server span %v: want trace %s, parent %s", server, trace, parent)
	}
	if hex.EncodeToString(client.TraceId) != trace || string(client.ParentSpanId) != string(server.SpanId) || client.Kind != tracepb.Span_SPAN_KIND_CLIENT {
		t.Errorf("client span %v: want a child of the server span %x", client, server.SpanId)
	}
	mu.Lock()
	saw := append([]string(nil), upstreamSaw...)
	mu.Unlock()
	if len(saw) != 3 || len(saw[0]) != 55 || saw[0][36:52] != hex.EncodeToString(client.SpanId) || saw[2][53:] != "00" {
		t.Errorf("the upstream saw %q: want the client span %x as the first request's parent, and an unsampled new trace last", saw, client.SpanId)
	}
}

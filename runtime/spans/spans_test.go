package spans

import (
	"bytes"
	"context"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/metrics"
	"github.com/gatewaygen/gatewaygen/runtime/traceparent"
)

// collector is a fake OTLP/HTTP collector: it decodes every protobuf
// export it is sent and keeps the spans.
type collector struct {
	mu     sync.Mutex
	spans  []*tracepb.Span
	status int // answer; 0 is 200
	bad    []string
	srv    *httptest.Server
}

func newCollector(t *testing.T) *collector {
	c := &collector{}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		c.mu.Lock()
		defer c.mu.Unlock()
		if r.URL.Path != TracesPath || r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-protobuf" {
			c.bad = append(c.bad, r.Method+" "+r.URL.Path+" "+r.Header.Get("Content-Type"))
		}
		var td tracepb.TracesData
		if err := proto.Unmarshal(body, &td); err != nil {
			c.bad = append(c.bad, err.Error())
		}
		for _, rs := range td.ResourceSpans {
			if name := rs.GetResource().GetAttributes()[0]; name.GetKey() != "service.name" || name.GetValue().GetStringValue() != "pets-gateway" {
				c.bad = append(c.bad, "resource "+name.String())
			}
			for _, ss := range rs.ScopeSpans {
				c.spans = append(c.spans, ss.Spans...)
			}
		}
		if c.status != 0 {
			w.WriteHeader(c.status)
		}
	}))
	t.Cleanup(c.srv.Close)
	return c
}

func (c *collector) got() []*tracepb.Span {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*tracepb.Span(nil), c.spans...)
}

var petsTarget = []byte("http://pets.internal:8080")

// gateway stands for the generated handler: it propagates the trace and,
// unless local, calls an upstream that answers status.
func gateway(local bool, status int) fasthttp.RequestHandler {
	return func(ctx *fasthttp.RequestCtx) {
		traceparent.Propagate(ctx)
		if !local {
			Upstream(ctx, "pets", petsTarget, time.Now().Add(-time.Millisecond), status, status == 0)
		}
		ctx.SetStatusCode(int(answered(status)))
	}
}

// answered is the status gateway answers for an upstream status.
func answered(status int) int64 {
	if status == 0 {
		return 502
	}
	return int64(status)
}

const (
	inTrace  = "4bf92f3577b34da6a3ce929d0e0e4736"
	inParent = "00f067aa0ba902b7"
)

func TestSpans(t *testing.T) {
	for _, c := range []struct {
		name        string
		traceparent string
		sample      float64
		local       bool
		status      int
		spans       int  // 0, 1 (server) or 2 (server and client)
		root        bool // the server span has no parent
	}{
		{"sampled parent", "00-" + inTrace + "-" + inParent + "-01", 0, false, 200, 2, false},
		{"sampled parent, no upstream", "00-" + inTrace + "-" + inParent + "-01", 0, true, 404, 1, false},
		{"parent not sampled", "00-" + inTrace + "-" + inParent + "-00", 1, false, 200, 0, false},
		{"new trace sampled", "", 1, false, 200, 2, true},
		{"new trace not sampled", "", 0, false, 200, 0, true},
		{"malformed parent starts a sampled trace", "00-xyz", 1, false, 200, 2, true},
		{"upstream failed", "00-" + inTrace + "-" + inParent + "-03", 0, false, 0, 2, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			col := newCollector(t)
			tr, err := New(Config{Endpoint: col.srv.URL, Service: "pets-gateway", Sample: c.sample, Interval: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			var ctx fasthttp.RequestCtx
			ctx.Request.SetRequestURI("/v1/pets/7?key=secret")
			ctx.Request.Header.SetMethod("GET")
			if c.traceparent != "" {
				ctx.Request.Header.Set("Traceparent", c.traceparent)
				ctx.Request.Header.Set("Tracestate", "vendor=1")
			}
			tr.Handler(gateway(c.local, c.status))(&ctx)
			if err := tr.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			spans := col.got()
			if len(col.bad) > 0 {
				t.Fatalf("collector: %v", col.bad)
			}
			if len(spans) != c.spans {
				t.Fatalf("%d spans, want %d: %v", len(spans), c.spans, spans)
			}
			out := string(ctx.Request.Header.Peek("Traceparent")) // what the upstream got
			if c.spans == 0 {
				return
			}
			if !traceparent.Valid([]byte(out)) || out[53:] != "01" && c.root {
				t.Fatalf("traceparent sent upstream %q: want a valid, sampled one", out)
			}
			server := spans[0]
			wantTrace := out[3:35]
			if !c.root && wantTrace != inTrace {
				t.Fatalf("trace %s sent upstream, want the client's %s", wantTrace, inTrace)
			}
			if got := hex.EncodeToString(server.TraceId); got != wantTrace || server.Kind != tracepb.Span_SPAN_KIND_SERVER {
				t.Errorf("server span trace %s kind %v, want %s SERVER", got, server.Kind, wantTrace)
			}
			if got := hex.EncodeToString(server.ParentSpanId); c.root && got != "" || !c.root && got != inParent {
				t.Errorf("server span parent %q, want %q (root %v)", got, inParent, c.root)
			}
			attrs := map[string]any{}
			for _, kv := range server.Attributes {
				attrs[kv.Key] = kv.Value.GetStringValue()
				if _, ok := kv.Value.Value.(*commonpb.AnyValue_IntValue); ok {
					attrs[kv.Key] = kv.Value.GetIntValue()
				}
			}
			if attrs["url.path"] != "/v1/pets/7" || attrs["http.request.method"] != "GET" || attrs["http.response.status_code"] != answered(c.status) {
				t.Errorf("server attributes %v (the query must not be there)", attrs)
			}
			if server.EndTimeUnixNano < server.StartTimeUnixNano || server.StartTimeUnixNano == 0 {
				t.Errorf("server span from %d to %d", server.StartTimeUnixNano, server.EndTimeUnixNano)
			}
			if c.spans == 1 {
				return
			}
			client := spans[1]
			if client.Kind != tracepb.Span_SPAN_KIND_CLIENT || !bytes.Equal(client.ParentSpanId, server.SpanId) ||
				hex.EncodeToString(client.SpanId) != out[36:52] || !bytes.Equal(client.TraceId, server.TraceId) {
				t.Errorf("client span %v: want CLIENT, child of %x, id %s (the parent the upstream saw)", client, server.SpanId, out[36:52])
			}
			if failed := client.GetStatus().GetCode() == tracepb.Status_STATUS_CODE_ERROR; failed != (c.status == 0) {
				t.Errorf("client span status %v for upstream status %d", client.GetStatus(), c.status)
			}
			if c.traceparent != "" && c.root && len(ctx.Request.Header.Peek("Tracestate")) != 0 {
				t.Error("a malformed traceparent's tracestate was passed on")
			}
		})
	}
}

// TestExportFailuresCounted: a collector that refuses, and a full ring,
// lose spans that are counted, and no request waits.
func TestExportFailuresCounted(t *testing.T) {
	col := newCollector(t)
	col.status = http.StatusServiceUnavailable
	tr, err := New(Config{Endpoint: col.srv.URL + "/", Service: "pets-gateway", Sample: 1, Buffer: 4, Interval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	h := tr.Handler(gateway(false, 200))
	start := time.Now()
	for range 10 {
		var ctx fasthttp.RequestCtx
		ctx.Request.SetRequestURI("/v1/pets")
		h(&ctx)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("10 requests took %v with the exporter idle", d)
	}
	if err := tr.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if tr.dropped.Load() != 6 || tr.failed.Load() != 4 || tr.exported.Load() != 0 {
		t.Fatalf("dropped %d, failed %d, exported %d; want 6, 4, 0", tr.dropped.Load(), tr.failed.Load(), tr.exported.Load())
	}
	var buf bytes.Buffer
	live.add(tr)
	defer live.remove(tr)
	metrics.WritePrometheus(&buf)
	for _, want := range []string{`gateway_spans_total{result="dropped"} 6`, `gateway_spans_total{result="failed"} 4`} {
		if !bytes.Contains(buf.Bytes(), []byte(want)) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestTracesURL(t *testing.T) {
	for in, want := range map[string]string{
		"http://127.0.0.1:4318":            "http://127.0.0.1:4318/v1/traces",
		"http://127.0.0.1:4318/":           "http://127.0.0.1:4318/v1/traces",
		"https://otel.example/custom/path": "https://otel.example/custom/path",
		"127.0.0.1:4318":                   "",
		"ftp://x":                          "",
	} {
		got, err := TracesURL(in)
		if got != want || (err != nil) != (want == "") {
			t.Errorf("TracesURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// TestRingConcurrent: many producers and the consumer lose nothing and
// duplicate nothing while the ring has room (run with -race).
func TestRingConcurrent(t *testing.T) {
	q := newRing(1 << 10)
	const producers, each = 8, 100
	var wg sync.WaitGroup
	for p := range producers {
		wg.Go(func() {
			for i := range each {
				r := record{status: int32(p*each + i)}
				for !q.put(&r) {
					time.Sleep(time.Microsecond)
				}
			}
		})
	}
	seen := map[int32]bool{}
	var r record
	for deadline := time.Now().Add(5 * time.Second); len(seen) < producers*each && time.Now().Before(deadline); {
		if q.take(&r) {
			if seen[r.status] {
				t.Fatalf("record %d taken twice", r.status)
			}
			seen[r.status] = true
		}
	}
	wg.Wait()
	if len(seen) != producers*each || q.take(&r) {
		t.Fatalf("took %d records, want %d and then none", len(seen), producers*each)
	}
}

// BenchmarkHandler is the request path's cost of a sampled request, its
// two spans recorded and queued; the exporter stays idle (run with
// -benchtime at most 65536x, the ring's size here, or the rest are drops).
func BenchmarkHandler(b *testing.B) {
	tr, err := New(Config{Endpoint: "http://127.0.0.1:1", Service: "pets-gateway", Sample: 1, Buffer: 1 << 16, Interval: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	inner := gateway(false, 200)
	traced := tr.Handler(inner)
	for name, h := range map[string]fasthttp.RequestHandler{"untraced": inner, "traced": traced} {
		b.Run(name, func(b *testing.B) {
			var ctx fasthttp.RequestCtx
			ctx.Request.SetRequestURI("/v1/pets/7")
			b.ReportAllocs()
			for b.Loop() {
				ctx.Request.Header.Set("Traceparent", "00-"+inTrace+"-"+inParent+"-01")
				h(&ctx)
			}
		})
	}
	if tr.dropped.Load() > 0 {
		b.Logf("%d dropped: the ring filled", tr.dropped.Load())
	}
}

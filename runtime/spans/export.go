package spans

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/gatewaygen/gatewaygen/runtime/metrics"
)

// Defaults of Config.
const (
	DefaultBuffer   = 4096
	DefaultBatch    = 512
	DefaultInterval = 200 * time.Millisecond
	DefaultTimeout  = 10 * time.Second
)

// TracesPath is the OTLP/HTTP path of traces, appended to a base endpoint.
const TracesPath = "/v1/traces"

// Config configures a Tracer.
type Config struct {
	// Endpoint is the collector's OTLP/HTTP traces URL
	// (http://collector:4318/v1/traces); a URL without a path gets
	// TracesPath, as OTEL_EXPORTER_OTLP_ENDPOINT is read.
	Endpoint string
	Service  string  // service.name of the resource
	Version  string  // service.version, "" for none
	Sample   float64 // share of new traces sampled, 0 to 1
	Buffer   int     // spans waiting at most (the ring); 0: DefaultBuffer
	Batch    int     // spans per export at most; 0: DefaultBatch
	Interval time.Duration
	Timeout  time.Duration // per export
	Client   *http.Client  // nil: one with Timeout
}

// TracesURL is endpoint as a traces URL: TracesPath is added to one with
// no path, so that a base URL (http://collector:4318) works as the
// OpenTelemetry variable OTEL_EXPORTER_OTLP_ENDPOINT does.
func TracesURL(endpoint string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(endpoint))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%q: want an http or https URL of an OTLP collector, like http://127.0.0.1:4318", endpoint)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = TracesPath
	}
	return u.String(), nil
}

// New starts a Tracer exporting to cfg.Endpoint.
func New(cfg Config) (*Tracer, error) {
	endpoint, err := TracesURL(cfg.Endpoint)
	if err != nil {
		return nil, fmt.Errorf("spans: %w", err)
	}
	if cfg.Sample < 0 || cfg.Sample > 1 {
		return nil, fmt.Errorf("spans: sample %v: want a number from 0 to 1", cfg.Sample)
	}
	cfg.Buffer = max(cfg.Buffer, 0)
	if cfg.Buffer == 0 {
		cfg.Buffer = DefaultBuffer
	}
	if cfg.Batch <= 0 {
		cfg.Batch = DefaultBatch
	}
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	client := cfg.Client
	if client == nil {
		client = &http.Client{Timeout: cfg.Timeout}
	}
	t := &Tracer{ring: newRing(cfg.Buffer), stop: make(chan struct{}), done: make(chan struct{})}
	switch {
	case cfg.Sample >= 1:
		t.sample = ^uint64(0)
	case cfg.Sample > 0:
		t.sample = uint64(cfg.Sample * (1 << 63) * 2)
	}
	t.exp = &exporter{url: endpoint, client: client, batch: cfg.Batch, interval: cfg.Interval, resource: resourceOf(cfg)}
	live.add(t)
	go t.run()
	return t, nil
}

// Close exports what is queued and stops the exporter, waiting at most
// until ctx is done.
func (t *Tracer) Close(ctx context.Context) error {
	t.closeOnce.Do(func() { close(t.stop) })
	defer live.remove(t)
	select {
	case <-t.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("spans: %d spans not exported before the deadline", t.queued.Load())
	}
}

// exporter is what the export goroutine works with.
type exporter struct {
	url      string
	client   *http.Client
	batch    int
	interval time.Duration
	resource *resourcepb.Resource
}

func resourceOf(cfg Config) *resourcepb.Resource {
	attrs := []*commonpb.KeyValue{str("service.name", cfg.Service)}
	if cfg.Version != "" {
		attrs = append(attrs, str("service.version", cfg.Version))
	}
	return &resourcepb.Resource{Attributes: attrs}
}

// run drains the ring every interval, and at once again while batches
// come out full, until stopped; then it drains what is left.
func (t *Tracer) run() {
	defer close(t.done)
	tick := time.NewTicker(t.exp.interval)
	defer tick.Stop()
	batch := make([]record, t.exp.batch)
	for {
		stopping := false
		select {
		case <-t.stop:
			stopping = true
		case <-tick.C:
		}
		for {
			n := 0
			for n < len(batch) && t.ring.take(&batch[n]) {
				n++
			}
			if n > 0 {
				t.queued.Add(-int64(n))
				if err := t.exp.post(batch[:n]); err != nil {
					t.failed.Add(int64(n))
				} else {
					t.exported.Add(int64(n))
				}
			}
			if n < len(batch) {
				break
			}
		}
		if stopping {
			return
		}
	}
}

// post sends records as one OTLP/HTTP protobuf request. Its body is a
// TracesData, which is the ExportTraceServiceRequest on the wire (both are
// field 1, repeated ResourceSpans), without the gRPC service package.
func (e *exporter) post(recs []record) error {
	spans := make([]*tracepb.Span, 0, 2*len(recs))
	for i := range recs {
		spans = appendSpans(spans, &recs[i])
	}
	body, err := proto.Marshal(&tracepb.TracesData{ResourceSpans: []*tracepb.ResourceSpans{{
		Resource: e.resource,
		ScopeSpans: []*tracepb.ScopeSpans{{
			Scope: &commonpb.InstrumentationScope{Name: "gatewaygen"},
			Spans: spans,
		}},
	}}})
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPost, e.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	resp, err := e.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return errors.New("collector answered " + resp.Status)
	}
	return nil
}

// appendSpans appends r's server span and, when it went upstream, its
// client span, with the HTTP attributes of the OpenTelemetry semantic
// conventions.
func appendSpans(out []*tracepb.Span, r *record) []*tracepb.Span {
	method := string(r.method[:r.nMethod])
	server := &tracepb.Span{
		TraceId:           append([]byte(nil), r.trace[:]...),
		SpanId:            append([]byte(nil), r.id[:]...),
		Name:              method,
		Kind:              tracepb.Span_SPAN_KIND_SERVER,
		StartTimeUnixNano: uint64(r.start),
		EndTimeUnixNano:   uint64(r.end),
		Attributes: []*commonpb.KeyValue{
			str("http.request.method", method),
			str("url.path", string(r.path[:r.nPath])),
			num("http.response.status_code", int64(r.status)),
		},
	}
	if r.hasParent {
		server.ParentSpanId = append([]byte(nil), r.parent[:]...)
	}
	if r.status >= 500 {
		server.Status = &tracepb.Status{Code: tracepb.Status_STATUS_CODE_ERROR}
	}
	out = append(out, server)
	if !r.upstream {
		return out
	}
	client := &tracepb.Span{
		TraceId:           server.TraceId,
		SpanId:            append([]byte(nil), r.client[:]...),
		ParentSpanId:      server.SpanId,
		Name:              method,
		Kind:              tracepb.Span_SPAN_KIND_CLIENT,
		StartTimeUnixNano: uint64(r.upStart),
		EndTimeUnixNano:   uint64(r.upEnd),
		Attributes: []*commonpb.KeyValue{
			str("http.request.method", method),
			str("gateway.upstream", r.upName),
			str("url.full", string(r.target)+string(r.path[:r.nPath])),
		},
	}
	if r.upStatus > 0 {
		client.Attributes = append(client.Attributes, num("http.response.status_code", int64(r.upStatus)))
	}
	if r.upFailed || r.upStatus >= 500 {
		client.Status = &tracepb.Status{Code: tracepb.Status_STATUS_CODE_ERROR}
	}
	return append(out, client)
}

func str(k, v string) *commonpb.KeyValue {
	return &commonpb.KeyValue{Key: k, Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: v}}}
}

func num(k string, v int64) *commonpb.KeyValue {
	return &commonpb.KeyValue{Key: k, Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_IntValue{IntValue: v}}}
}

// live is every open Tracer, for the metrics.
var live tracers

type tracers struct {
	mu sync.Mutex
	ts []*Tracer
}

func (l *tracers) add(t *Tracer) {
	l.mu.Lock()
	l.ts = append(l.ts, t)
	l.mu.Unlock()
}

func (l *tracers) remove(t *Tracer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, x := range l.ts {
		if x == t {
			l.ts = append(l.ts[:i], l.ts[i+1:]...)
			return
		}
	}
}

func init() { metrics.RegisterWriter(live.write) }

// write writes gateway_spans_total{result}: requests recorded and
// exported, dropped because the ring was full, or lost because the
// collector did not take their batch. A request counts once, with its
// server and client span.
func (l *tracers) write(w io.Writer) {
	l.mu.Lock()
	var exported, dropped, failed int64
	n := len(l.ts)
	for _, t := range l.ts {
		exported += t.exported.Load()
		dropped += t.dropped.Load()
		failed += t.failed.Load()
	}
	l.mu.Unlock()
	if n == 0 {
		return
	}
	io.WriteString(w, "# HELP gateway_spans_total Sampled requests whose spans were exported, dropped (the queue was full) or failed (the collector refused or was unreachable).\n"+
		"# TYPE gateway_spans_total counter\n"+
		`gateway_spans_total{result="exported"} `+strconv.FormatInt(exported, 10)+"\n"+
		`gateway_spans_total{result="dropped"} `+strconv.FormatInt(dropped, 10)+"\n"+
		`gateway_spans_total{result="failed"} `+strconv.FormatInt(failed, 10)+"\n")
}

package metrics

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/valyala/fasthttp"
)

func TestClassify(t *testing.T) {
	for _, c := range []struct {
		status   int
		answered bool
		want     Reason
	}{
		{200, false, NotRejected},
		{400, false, Validation},
		{415, false, Validation},
		{400, true, NotRejected}, // the upstream's own 400
		{401, false, Auth},
		{403, false, Auth},
		{429, false, Limit},
		{413, false, Size},
		{431, false, Size},
		{502, false, NotRejected},
		{504, false, NotRejected},
	} {
		if got := Classify(c.status, c.answered); got != c.want {
			t.Errorf("Classify(%d, %v) = %v, want %v", c.status, c.answered, got, c.want)
		}
	}
}

// TestObserveExposition records known traffic and reads it back through
// Prometheus's own text parser.
func TestObserveExposition(t *testing.T) {
	g := New(Info{Gateway: "pets", APIVersion: `1.0 "beta"`}, []string{"", "", "getPet", "addPet"})
	defer g.Close()
	send := func(op int, status int, body string, resp string, took, up time.Duration, answered bool) {
		var ctx fasthttp.RequestCtx
		ctx.Request.SetBodyString(body)
		ctx.Response.SetStatusCode(status)
		ctx.Response.SetBodyString(resp)
		g.Op(op).Observe(&ctx, took, up, answered)
	}
	for range 3 {
		send(2, 200, "", `{"id":1}`, 3*time.Millisecond, 2*time.Millisecond, true)
	}
	send(2, 404, "", "", time.Millisecond, 500*time.Microsecond, true)
	send(3, 400, `{"x":1}`, "problem", 100*time.Microsecond, 0, false)
	send(3, 401, "", "problem", 50*time.Microsecond, 0, false)
	send(3, 504, "{}", "problem", 2*time.Second, 2*time.Second, false)

	var buf bytes.Buffer
	g.WritePrometheus(&buf)
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(&buf)
	if err != nil {
		t.Fatalf("exposition does not parse: %v\n%s", err, buf.String())
	}
	value := func(fam string, labels map[string]string) float64 {
		t.Helper()
		f := fams[fam]
		if f == nil {
			t.Fatalf("no family %s", fam)
		}
	next:
		for _, m := range f.Metric {
			got := map[string]string{}
			for _, l := range m.Label {
				got[l.GetName()] = l.GetValue()
			}
			for k, v := range labels {
				if got[k] != v {
					continue next
				}
			}
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue()
			case m.Gauge != nil:
				return m.Gauge.GetValue()
			case m.Histogram != nil:
				return float64(m.Histogram.GetSampleCount())
			}
		}
		t.Fatalf("%s%v: no such series", fam, labels)
		return 0
	}
	for _, c := range []struct {
		fam    string
		labels map[string]string
		want   float64
	}{
		{"gateway_requests_total", map[string]string{"operation": "getPet", "class": "2xx"}, 3},
		{"gateway_requests_total", map[string]string{"operation": "getPet", "class": "4xx"}, 1},
		{"gateway_requests_total", map[string]string{"operation": "addPet", "class": "4xx"}, 2},
		{"gateway_requests_total", map[string]string{"operation": "addPet", "class": "5xx"}, 1},
		{"gateway_rejections_total", map[string]string{"operation": "getPet", "reason": "validation"}, 0},
		{"gateway_rejections_total", map[string]string{"operation": "addPet", "reason": "validation"}, 1},
		{"gateway_rejections_total", map[string]string{"operation": "addPet", "reason": "auth"}, 1},
		{"gateway_rejections_total", map[string]string{"operation": "addPet", "reason": "size"}, 0},
		{"gateway_upstream_duration_seconds", map[string]string{"operation": "getPet"}, 4},
		{"gateway_upstream_duration_seconds", map[string]string{"operation": "addPet"}, 1},
		{"gateway_own_duration_seconds", map[string]string{"operation": "addPet"}, 3},
		{"gateway_request_size_bytes", map[string]string{"operation": "addPet"}, 3},
		{"gateway_build_info", map[string]string{"gateway": "pets", "api_version": `1.0 "beta"`}, 1},
	} {
		if got := value(c.fam, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.fam, c.labels, got, c.want)
		}
	}
	// The gateway's own time excludes the upstream's: 3×(3ms−2ms) plus
	// 1ms−0.5ms.
	for _, m := range fams["gateway_own_duration_seconds"].Metric {
		if m.Label[0].GetValue() != "getPet" {
			continue
		}
		if s := m.Histogram.GetSampleSum(); s < 0.00349 || s > 0.00351 {
			t.Errorf("getPet own time sum %v s, want 3.5ms", s)
		}
	}
	if fams["gateway_requests_total"].GetType().String() != "COUNTER" || fams["gateway_own_duration_seconds"].GetType().String() != "HISTOGRAM" {
		t.Errorf("types: %v, %v", fams["gateway_requests_total"].GetType(), fams["gateway_own_duration_seconds"].GetType())
	}
	if strings.Contains(buf.String(), "process_") {
		t.Error("WritePrometheus wrote process metrics")
	}
}

func BenchmarkObserve(b *testing.B) {
	g := New(Info{Gateway: "bench"}, []string{"op"})
	defer g.Close()
	var ctx fasthttp.RequestCtx
	ctx.Request.SetBodyString(`{"name":"Rex"}`)
	ctx.Response.SetBodyString(`{"id":1,"name":"Rex"}`)
	op := g.Op(0)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			op.Observe(&ctx, 900*time.Microsecond, 700*time.Microsecond, true)
		}
	})
}

// TestDuplicateNames: a document may give two operations one operationId;
// the registry must not panic, and both keep their series.
func TestDuplicateNames(t *testing.T) {
	g := New(Info{Gateway: "dup"}, []string{"", "op", "op"})
	defer g.Close()
	var ctx fasthttp.RequestCtx
	g.Op(1).Observe(&ctx, 0, 0, false)
	g.Op(2).Observe(&ctx, 0, 0, false)
	var buf bytes.Buffer
	g.WritePrometheus(&buf)
	if !strings.Contains(buf.String(), `operation="op#2"`) || !strings.Contains(buf.String(), `operation="op",class="2xx"} 1`) {
		t.Fatalf("series:\n%s", buf.String())
	}
}

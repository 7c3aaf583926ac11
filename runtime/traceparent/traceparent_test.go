package traceparent

import (
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

const sample = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

func TestPropagate(t *testing.T) {
	for _, c := range []struct {
		name, in, state string
		keepTrace       bool
		flags           string
		keepState       bool
	}{
		{"continued", sample, "congo=t61rcWkgMzE", true, "01", true},
		{"not sampled kept", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", "", true, "00", false},
		{"later version read as 00", "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", "", true, "01", false},
		{"absent", "", "", false, "00", false},
		{"upper case", strings.ToUpper(sample), "a=b", false, "00", false},
		{"zero trace id", "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "a=b", false, "00", false},
		{"zero parent id", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", "", false, "00", false},
		{"version ff", "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "", false, "00", false},
		{"00 too long", sample + "-x", "", false, "00", false},
		{"short", sample[:50], "", false, "00", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var ctx fasthttp.RequestCtx
			if c.in != "" {
				ctx.Request.Header.Set("Traceparent", c.in)
			}
			if c.state != "" {
				ctx.Request.Header.Set("Tracestate", c.state)
			}
			id := string(Propagate(&ctx))
			out := string(ctx.Request.Header.Peek("Traceparent"))
			if !Valid([]byte(out)) || len(out) != Len || out[:3] != "00-" {
				t.Fatalf("sent %q, not a valid version-00 traceparent", out)
			}
			if id != out[3:35] {
				t.Errorf("returned trace id %q, sent %q", id, out)
			}
			if c.keepTrace != (id == "4bf92f3577b34da6a3ce929d0e0e4736") {
				t.Errorf("trace id %q; kept want %v", id, c.keepTrace)
			}
			if out[36:52] == "00f067aa0ba902b7" {
				t.Error("the client's parent id was forwarded; the gateway must be the parent")
			}
			if out[53:] != c.flags {
				t.Errorf("flags %q, want %q", out[53:], c.flags)
			}
			if got := string(ctx.Request.Header.Peek("Tracestate")); (got != "") != c.keepState {
				t.Errorf("tracestate %q, kept want %v", got, c.keepState)
			}
		})
	}
}

func TestNewTracesDiffer(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		var ctx fasthttp.RequestCtx
		id := string(Propagate(&ctx))
		if seen[id] {
			t.Fatalf("trace id %s twice", id)
		}
		seen[id] = true
	}
}

func BenchmarkPropagate(b *testing.B) {
	var ctx fasthttp.RequestCtx
	b.ReportAllocs()
	for b.Loop() {
		ctx.Request.Header.Set("Traceparent", sample)
		Propagate(&ctx)
	}
}

// BenchmarkPropagateNew is the common case behind a load balancer that
// starts no trace: the request has no traceparent and the gateway starts one.
func BenchmarkPropagateNew(b *testing.B) {
	var ctx fasthttp.RequestCtx
	ctx.Request.Header.Set("X-Api-Key", "k")
	ctx.Request.Header.Set("Content-Type", "application/json")
	b.ReportAllocs()
	for b.Loop() {
		ctx.Request.Header.Del("Traceparent")
		Propagate(&ctx)
	}
}

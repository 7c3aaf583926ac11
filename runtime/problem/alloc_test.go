//go:build !race

package problem

import (
	"testing"

	"github.com/gatewaygen/gatewaygen/runtime/jsonv"
)

// The race detector allocates on its own, so allocation counts are only
// asserted in normal builds.
func TestWriteAllocs(t *testing.T) {
	ctx := newCtx("GET", "/pets?limit=500", "abc")
	var e Errors
	n := testing.AllocsPerRun(200, func() {
		e.Reset()
		e.Add("query.limit", "maximum", "must be <= 100, found 500")
		e.Write(ctx)
		MethodNotAllowed(ctx, "GET")
		BadGateway(ctx, "upstream pets: connection refused")
	})
	if n != 0 {
		t.Fatalf("%v allocs per run, want 0", n)
	}
	bs := []byte("a\xff\"b\u2028")
	dst := make([]byte, 0, 64)
	if n := testing.AllocsPerRun(200, func() { dst = AppendString(dst[:0], bs) }); n != 0 {
		t.Fatalf("AppendString: %v allocs, want 0", n)
	}
}

// TestReportAllocs asserts that a report builds nothing while probing or
// once MaxViolations are held.
func TestReportAllocs(t *testing.T) {
	var it jsonv.Iter
	it.Reset([]byte(`{"tags":["a"]}`))
	it.FirstKey()
	it.PushKey("tags")
	var e Errors
	p := e.Probe()
	if n := testing.AllocsPerRun(100, func() { reportAll(&e, &it) }); n != 0 {
		t.Errorf("probing: %v allocs, want 0", n)
	}
	e.EndProbe(p)
	for !e.Full() {
		e.Add("query.a", "required", "missing")
	}
	if n := testing.AllocsPerRun(100, func() { reportAll(&e, &it) }); n != 0 {
		t.Errorf("full: %v allocs, want 0", n)
	}
}

// TestKeptReportAllocs asserts that a kept report writes its location and
// detail into the Errors' buffer, once that buffer has grown: a request
// with bad values costs no allocation per violation.
func TestKeptReportAllocs(t *testing.T) {
	var it jsonv.Iter
	it.Reset([]byte(`{"tags":["a"]}`))
	it.FirstKey()
	it.PushKey("tags")
	var e Errors
	if n := testing.AllocsPerRun(100, func() {
		e.Reset()
		reportAll(&e, &it)
		e.Add("query.limit", "maximum", e.DetailInt64("must be <= 100, found ", 500))
		e.AddNamed(it.LocKey("x"), "additionalProperties", "property ", []byte("x"), " is not allowed")
	}); n != 0 {
		t.Fatalf("%v allocs per run, want 0", n)
	}
}

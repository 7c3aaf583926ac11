//go:build !race

package form

import (
	"testing"

	"github.com/gatewaygen/gatewaygen/runtime/problem"
)

// TestValidBodiesAllocateNothing asserts what the benchmarks show: once its
// buffers have grown, a Decoder transcodes a valid body without allocating.
func TestValidBodiesAllocateNothing(t *testing.T) {
	var d Decoder
	var errs problem.Errors
	ctype := []byte(ct)
	for name, run := range map[string]func() bool{
		"urlencoded": func() bool { return d.URLEncoded(benchForm, plan, &errs) },
		"objects":    func() bool { return d.URLEncoded(benchObjects, plan, &errs) },
		"nested":     func() bool { return d.URLEncoded(benchNested, plan, &errs) },
		"multipart":  func() bool { return d.Multipart(benchMP, ctype, plan, &errs) },
		"text":       func() bool { return d.Text(benchForm, 0, &errs) },
	} {
		allocs := testing.AllocsPerRun(100, func() {
			errs.Reset()
			if !run() {
				t.Fatal(errs.List)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per body, want 0", name, allocs)
		}
	}
}

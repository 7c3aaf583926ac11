//go:build !race

// The race detector makes sync.Pool drop items at random, so allocation
// counts are asserted only without it.

package request

import "testing"

func TestValidBodyAllocatesNothing(t *testing.T) {
	body := []byte(`{"name":"Rex","tags":["a","b"]}`)
	allocs := testing.AllocsPerRun(100, func() {
		st := Acquire()
		mark := st.BeginJSON(body)
		st.JSON.Skip()
		st.EndJSON(mark)
		if st.Errs.Len() != 0 {
			t.Fatal("unexpected violation")
		}
		Release(st)
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per request, want 0", allocs)
	}
}

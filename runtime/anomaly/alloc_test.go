//go:build !race

package anomaly

import "testing"

func TestObserveDoesNotAllocate(t *testing.T) {
	d := New(Config{Ops: 4})
	var i uint64
	if n := testing.AllocsPerRun(1000, func() { i++; d.Observe(benchObs(i)) }); n != 0 {
		t.Fatalf("Observe allocates %v times per call, want 0", n)
	}
	bl := NewBlockList(64)
	bl.Block(5, t0.Add(1e9))
	if n := testing.AllocsPerRun(1000, func() { bl.Blocked(5, t0) }); n != 0 {
		t.Fatalf("Blocked allocates %v times per call, want 0", n)
	}
}

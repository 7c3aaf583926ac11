package server

import (
	"testing"
	"time"
)

// TestParkCollector: a collection when the parked connections reach
// collectAfterParked, again each time they double, one per settled burst,
// none below the threshold, and after connections leave the doubling counts
// from the lower number.
func TestParkCollector(t *testing.T) {
	done := make(chan int, 16)
	var pc parkCollector
	pc.settle = 100 * time.Millisecond // long beside a burst of calls, even under -race
	calls := 0
	pc.free = func() { calls++; done <- calls }
	wait := func(want int) {
		t.Helper()
		select {
		case got := <-done:
			if got != want {
				t.Fatalf("collection %d, want %d", got, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no collection %d", want)
		}
	}
	none := func(why string) {
		t.Helper()
		select {
		case got := <-done:
			t.Fatalf("%s: collection %d", why, got)
		case <-time.After(250 * time.Millisecond):
		}
	}
	park := func(from, to int) {
		for n := from; n <= to; n++ {
			pc.parkedNow(n)
		}
	}

	park(1, collectAfterParked-1)
	none("below the threshold")
	park(collectAfterParked, collectAfterParked+500) // one burst
	wait(1)
	none("the burst settled")
	park(collectAfterParked+501, 2*collectAfterParked+499)
	none("not yet doubled")
	park(2*collectAfterParked+500, 3*collectAfterParked)
	wait(2)
	// Most connections leave (the mark follows them down by halves, to
	// 766 here); a new burst doubles from there.
	for n := 3 * collectAfterParked; n >= 600; n-- {
		pc.parkedNow(n)
	}
	none("connections leaving")
	park(601, 1531)
	none("not yet doubled from 766")
	park(1532, 1600)
	wait(3)
}

package jsonv

import "testing"

func TestEvaluated(t *testing.T) {
	check := func(name string, e *Evaluated, want func(int) bool) {
		t.Helper()
		for i := -2; i < 300; i++ {
			if e.Has(i) != want(i) {
				t.Errorf("%s: Has(%d) = %v", name, i, e.Has(i))
			}
		}
	}
	var e Evaluated
	check("zero", &e, func(int) bool { return false })
	for _, i := range []int{0, 5, 63, 64, 130, -1} {
		e.Set(i)
	}
	set := func(i int) bool { return i == 0 || i == 5 || i == 63 || i == 64 || i == 130 }
	check("set", &e, set)

	var f Evaluated
	f.Set(7)
	f.SetFrom(200)
	e.Merge(&f)
	check("merge", &e, func(i int) bool { return set(i) || i == 7 || i >= 200 })
	e.Merge(nil)
	e.Merge(&e)
	check("merge nil", &e, func(i int) bool { return set(i) || i == 7 || i >= 200 })

	e.SetFrom(100)
	e.SetFrom(150) // a higher watermark does not lower coverage
	check("setfrom", &e, func(i int) bool { return set(i) || i == 7 || i >= 100 })
	e.Set(1000) // covered by the watermark: no growth
	if len(e.high) > 3 {
		t.Errorf("Set under the watermark grew the slice to %d words", len(e.high))
	}

	e.Reset()
	check("reset", &e, func(int) bool { return false })
	e.Set(70)
	check("reuse", &e, func(i int) bool { return i == 70 })
	e.SetAll()
	check("all", &e, func(i int) bool { return i >= 0 })

	var g Evaluated
	g.SetFrom(-3)
	check("setfrom negative", &g, func(i int) bool { return i >= 0 })

	var n *Evaluated
	n.Set(1)
	n.SetFrom(0)
	n.SetAll()
	n.Merge(&e)
	n.Reset()
	if n.Has(1) {
		t.Error("nil Has is true")
	}

	var low Evaluated
	if allocs := testing.AllocsPerRun(100, func() {
		low.Reset()
		for i := 0; i < 64; i += 3 {
			low.Set(i)
		}
		low.SetFrom(40)
		_ = low.Has(50)
	}); allocs != 0 {
		t.Errorf("allocs = %v, want 0", allocs)
	}
}

package param

import (
	"strconv"
	"testing"
)

func TestDup(t *testing.T) {
	// long makes n distinct items, then a copy of item a at the end: the
	// sorted path (more than smallDup items) must find the same pair as
	// the pairwise one.
	long := func(n, a int) []string {
		var xs []string
		for k := range n {
			xs = append(xs, "v"+strconv.Itoa(k))
		}
		return append(xs, xs[a])
	}
	for _, c := range []struct {
		name   string
		strs   []string
		tokens bool
		i, j   int
		dup    bool
	}{
		{name: "empty"},
		{name: "one", strs: []string{"a"}},
		{name: "distinct", strs: []string{"a", "b", "c"}},
		{name: "repeat", strs: []string{"price", "name", "price"}, i: 0, j: 2, dup: true},
		{name: "first j wins", strs: []string{"a", "b", "b", "a"}, i: 1, j: 2, dup: true},
		{name: "strings 1 and 1.0 differ", strs: []string{"1", "1.0"}},
		{name: "numbers 1 and 1.0 equal", strs: []string{"1", "1.0"}, tokens: true, i: 0, j: 1, dup: true},
		{name: "numbers 1e0 and 10e-1", strs: []string{"x", "1e0", "10e-1"}, tokens: true, i: 1, j: 2, dup: true},
		{name: "number and string", strs: []string{"1", "a", "01"}, tokens: true},
		{name: "numbers beyond float64", strs: []string{"9007199254740993", "9007199254740992"}, tokens: true},
		{name: "long distinct", strs: long(40, 0)[:40]},
		{name: "long repeat", strs: long(40, 7), i: 7, j: 40, dup: true},
		{name: "long repeat numbers", strs: append(long(30, 0)[:30], "2", "x", "2.00"), tokens: true, i: 30, j: 32, dup: true},
		{name: "long big numbers apart", strs: append(long(30, 0)[:30], "9007199254740993", "9007199254740992"), tokens: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			var order []int32
			dup := DupStrings
			if c.tokens {
				dup = DupTokens
			}
			i, j, ok := dup(c.strs, &order)
			if ok != c.dup || (ok && (i != c.i || j != c.j)) {
				t.Fatalf("got %d, %d, %v; want %d, %d, %v", i, j, ok, c.i, c.j, c.dup)
			}
		})
	}
}

func TestDupTyped(t *testing.T) {
	var order []int32
	ints := make([]int64, 40)
	for k := range ints {
		ints[k] = int64(k * 3)
	}
	if _, _, ok := DupInts(ints, &order); ok {
		t.Error("distinct integers reported equal")
	}
	ints[39] = 3
	if i, j, ok := DupInts(ints, &order); !ok || i != 1 || j != 39 {
		t.Errorf("DupInts = %d, %d, %v; want 1, 39, true", i, j, ok)
	}
	if i, j, ok := DupFloats([]float64{1, 2, 1.0}, &order); !ok || i != 0 || j != 2 {
		t.Errorf("DupFloats = %d, %d, %v; want 0, 2, true", i, j, ok)
	}
	if i, j, ok := DupBools([]bool{true, false, false}); !ok || i != 1 || j != 2 {
		t.Errorf("DupBools = %d, %d, %v; want 1, 2, true", i, j, ok)
	}
	if _, _, ok := DupBools([]bool{true, false}); ok {
		t.Error("true and false reported equal")
	}
	allocs := testing.AllocsPerRun(50, func() { DupInts(ints, &order) })
	if allocs != 0 {
		t.Errorf("DupInts allocates %v times once warm", allocs)
	}
}

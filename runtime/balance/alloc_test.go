//go:build !race

package balance

import "testing"

func TestNextAllocs(t *testing.T) {
	for _, targets := range [][]Target{nil, {{URL: "a"}}, {{URL: "a"}, {URL: "b"}}, {{URL: "a", Weight: 2}, {URL: "b"}}} {
		b := NewRoundRobin(targets)
		if n := testing.AllocsPerRun(100, func() { b.Next() }); n != 0 {
			t.Fatalf("%v: %v allocs, want 0", targets, n)
		}
	}
}

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

func TestPoolAllocs(t *testing.T) {
	for _, policy := range Policies {
		p, err := NewPool([]Target{{URL: "a"}, {URL: "b", Weight: 2}, {URL: "c"}}, Config{Policy: policy})
		if err != nil {
			t.Fatal(err)
		}
		key := []byte("k")
		if n := testing.AllocsPerRun(100, func() {
			var tried Tried
			i := p.Pick(&tried, key)
			p.Done(i, p.Start(i), false)
		}); n != 0 {
			t.Fatalf("%s: %v allocs, want 0", policy, n)
		}
	}
}

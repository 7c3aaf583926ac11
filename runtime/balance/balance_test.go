package balance

import (
	"slices"
	"sync"
	"testing"
)

func TestRoundRobinCycles(t *testing.T) {
	tests := []struct {
		name    string
		targets []Target
		seq     []int // the first cycle, exactly
	}{
		{"empty", nil, []int{-1, -1}},
		{"one", []Target{{URL: "a"}}, []int{0, 0, 0}},
		{"equal", []Target{{URL: "a"}, {URL: "b"}, {URL: "c"}}, []int{0, 1, 2, 0, 1, 2}},
		{"zero and negative weights are 1", []Target{{URL: "a", Weight: 0}, {URL: "b", Weight: -3}, {URL: "c", Weight: 1}}, []int{0, 1, 2}},
		{"equal non-unit weights", []Target{{URL: "a", Weight: 3}, {URL: "b", Weight: 3}}, []int{0, 1, 0, 1}},
		{"nginx example", []Target{{URL: "a", Weight: 5}, {URL: "b", Weight: 1}, {URL: "c", Weight: 1}}, []int{0, 0, 1, 0, 2, 0, 0}},
		{"2:1", []Target{{URL: "a", Weight: 1}, {URL: "b", Weight: 2}}, []int{1, 0, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewRoundRobin(tt.targets)
			got := make([]int, len(tt.seq))
			for i := range got {
				got[i] = b.Next()
			}
			if !slices.Equal(got, tt.seq) {
				t.Fatalf("picks %v, want %v", got, tt.seq)
			}
		})
	}
}

// Every cycle of sum(weights) picks holds each target exactly weight times.
func TestWeightedExactPerCycle(t *testing.T) {
	targets := []Target{{URL: "a", Weight: 7}, {URL: "b", Weight: 3}, {URL: "c", Weight: 1}, {URL: "d"}, {URL: "e", Weight: 13}}
	total := 7 + 3 + 1 + 1 + 13
	b := NewRoundRobin(targets)
	for cycle := 0; cycle < 50; cycle++ {
		counts := make([]int, len(targets))
		for i := 0; i < total; i++ {
			counts[b.Next()]++
		}
		for i, tg := range targets {
			if counts[i] != weight(tg) {
				t.Fatalf("cycle %d: counts %v", cycle, counts)
			}
		}
	}
}

func TestConcurrent(t *testing.T) {
	for _, targets := range [][]Target{
		{{URL: "a"}, {URL: "b"}, {URL: "c"}},
		{{URL: "a", Weight: 2}, {URL: "b", Weight: 1}},
	} {
		b := NewRoundRobin(targets)
		total := 0
		for _, tg := range targets {
			total += weight(tg)
		}
		const workers, per = 8, 3000 // per is a multiple of every total above
		counts := make([][]int, workers)
		var wg sync.WaitGroup
		for w := range workers {
			counts[w] = make([]int, len(targets))
			wg.Go(func() {
				for range per {
					counts[w][b.Next()]++
				}
			})
		}
		wg.Wait()
		for i, tg := range targets {
			sum := 0
			for w := range workers {
				sum += counts[w][i]
			}
			if want := workers * per / total * weight(tg); sum != want {
				t.Fatalf("%v: target %d got %d picks, want %d", targets, i, sum, want)
			}
		}
	}
}

func BenchmarkNext(b *testing.B) {
	for _, bc := range []struct {
		name    string
		targets []Target
	}{
		{"equal3", []Target{{URL: "a"}, {URL: "b"}, {URL: "c"}}},
		{"weighted3", []Target{{URL: "a", Weight: 5}, {URL: "b", Weight: 1}, {URL: "c", Weight: 1}}},
	} {
		bal := NewRoundRobin(bc.targets)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				bal.Next()
			}
		})
		b.Run(bc.name+"/parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					bal.Next()
				}
			})
		})
	}
}

// Package balance picks which upstream target serves the next request.
//
// Balancers are built once at start-up from the target list and then only
// answer Next on the request path. They must never allocate, block on I/O,
// or know anything about HTTP: they hand out indices into the target slice
// they were built from.
package balance

import (
	"sync"
	"sync/atomic"
)

// Target is one upstream address. Weight <= 0 means 1.
type Target struct {
	URL    string
	Weight int
}

// Balancer picks the index of the next target. Safe for concurrent use.
// Next must not allocate.
type Balancer interface {
	Next() int
}

// NewRoundRobin returns a balancer over targets. When all weights are equal
// it is a lock-free atomic counter; when they differ it is nginx's smooth
// weighted round-robin, which spreads a heavy target's turns through the
// cycle instead of sending it a burst ({a:5,b:1,c:1} gives a a b a c a a,
// not a a a a a b c). With no targets Next returns -1.
func NewRoundRobin(targets []Target) Balancer {
	switch len(targets) {
	case 0:
		return none{}
	case 1:
		return single{}
	}
	w0 := weight(targets[0])
	for _, t := range targets[1:] {
		if weight(t) != w0 {
			return newSmooth(targets)
		}
	}
	return &roundRobin{n: uint64(len(targets))}
}

func weight(t Target) int {
	if t.Weight <= 0 {
		return 1
	}
	return t.Weight
}

// none is the balancer of an empty pool, so callers test for -1 once
// instead of guarding every call against a nil Balancer.
type none struct{}

func (none) Next() int { return -1 }

// single skips the shared counter: with one target there is nothing to
// count, and an atomic add on a hot cache line costs under contention.
type single struct{}

func (single) Next() int { return 0 }

// roundRobin hands out indices in turn. The counter is padded onto its own
// cache line so neighbouring data does not false-share with it.
type roundRobin struct {
	_    [64]byte
	next atomic.Uint64
	_    [56]byte
	n    uint64
}

func (r *roundRobin) Next() int {
	return int((r.next.Add(1) - 1) % r.n)
}

// smooth is nginx's smooth weighted round-robin: every pick adds each
// target's weight to its current score, picks the highest score and takes
// the total weight off it. Over one cycle of sum(weights) picks every target
// is chosen exactly weight times. The scores are shared state, hence the
// mutex; the critical section is a short loop over the targets.
type smooth struct {
	mu      sync.Mutex
	weights []int
	current []int
	total   int
}

func newSmooth(targets []Target) *smooth {
	s := &smooth{weights: make([]int, len(targets)), current: make([]int, len(targets))}
	for i, t := range targets {
		s.weights[i] = weight(t)
		s.total += s.weights[i]
	}
	return s
}

func (s *smooth) Next() int {
	s.mu.Lock()
	best := 0
	for i, w := range s.weights {
		s.current[i] += w
		if s.current[i] > s.current[best] {
			best = i
		}
	}
	s.current[best] -= s.total
	s.mu.Unlock()
	return best
}

var (
	_ Balancer = none{}
	_ Balancer = single{}
	_ Balancer = (*roundRobin)(nil)
	_ Balancer = (*smooth)(nil)
)

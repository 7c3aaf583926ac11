// Package retry decides whether a failed upstream call may be tried again:
// a budget that keeps retries a bounded share of live traffic, and the
// jittered pause before a retry.
//
// A retry policy without a budget turns a backend's partial outage into a
// full one: every failing call becomes several, just when the backend has
// the least to spare. The budget here grows with the calls that arrive and
// shrinks with the retries made, so retries can never multiply traffic by
// more than 1 + Ratio, plus a small floor per second so that a quiet
// gateway can still retry at all. It must never block or allocate: it is
// consulted on the request path.
package retry

import (
	"math/rand/v2"
	"sync/atomic"
	"time"
)

// DefaultRatio is the share of live calls that may be retried.
const DefaultRatio = 0.2

// DefaultMinPerSecond is the floor of retries a second the budget allows
// whatever the traffic, so a gateway with little traffic is not left with
// none to spend.
const DefaultMinPerSecond = 10

// unit is one retry in the budget's fixed-point tokens.
const unit = 1000

// Budget is a token bucket filled by calls and drained by retries. The zero
// value allows no retry; use NewBudget.
type Budget struct {
	tokens atomic.Int64 // in thousandths of a retry
	last   atomic.Int64 // unix ns of the last floor refill
	ratio  int64        // thousandths of a retry deposited per call
	floor  int64        // thousandths per second
	cap    int64
}

// NewBudget returns a budget allowing ratio retries per call (0.2: one
// retry for every five calls) and at least minPerSecond retries a second.
// ratio <= 0 means DefaultRatio, minPerSecond < 0 means none.
func NewBudget(ratio float64, minPerSecond int) *Budget {
	if ratio <= 0 {
		ratio = DefaultRatio
	}
	if minPerSecond < 0 {
		minPerSecond = 0
	}
	b := &Budget{ratio: int64(ratio * unit), floor: int64(minPerSecond) * unit}
	// The bucket holds ten seconds of the floor, or a hundred retries: a
	// burst of failures after a quiet spell spends at most that.
	b.cap = max(10*b.floor, 100*unit)
	b.tokens.Store(b.floor)
	b.last.Store(time.Now().UnixNano())
	return b
}

// Deposit records a call: it earns the budget ratio of a retry.
func (b *Budget) Deposit() {
	if b.tokens.Add(b.ratio) > b.cap {
		b.tokens.Store(b.cap)
	}
}

// Withdraw takes one retry from the budget and reports whether there was
// one to take.
func (b *Budget) Withdraw() bool {
	b.refill()
	for {
		t := b.tokens.Load()
		if t < unit {
			return false
		}
		if b.tokens.CompareAndSwap(t, t-unit) {
			return true
		}
	}
}

// refill adds the floor's share for the time since the last refill. Only
// the caller that moves last forward adds it, so concurrent callers do not
// count one interval twice.
func (b *Budget) refill() {
	if b.floor == 0 {
		return
	}
	now := time.Now().UnixNano()
	last := b.last.Load()
	elapsed := now - last
	if elapsed < int64(10*time.Millisecond) || !b.last.CompareAndSwap(last, now) {
		return
	}
	if b.tokens.Add(b.floor*elapsed/int64(time.Second)) > b.cap {
		b.tokens.Store(b.cap)
	}
}

// Backoff returns the pause before retry number n (1 for the first) with
// base as its mean: base doubling per retry, spread uniformly over
// [0.5, 1.5) of that so that clients failing together do not retry
// together. base <= 0 means no pause.
func Backoff(base time.Duration, n int) time.Duration {
	if base <= 0 || n < 1 {
		return 0
	}
	d := base << min(n-1, 6)
	return d/2 + time.Duration(rand.Int64N(int64(d)))
}

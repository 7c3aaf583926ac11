package auth

import (
	"sync"
	"sync/atomic"
	"time"
)

// coarseTick is how often the coarse clock advances.
const coarseTick = 100 * time.Millisecond

// coarseMargin is how far from its exp a cached token must be for the
// coarse clock alone to pass it; nearer, the wall clock decides.
const coarseMargin = 2 // seconds

// coarseClock spares a cached token's exp check a time.Now per request.
// It is one tick ahead of the last tick, so it is behind the wall clock
// only when its goroutine is held up; within coarseMargin of exp the
// wall clock is read instead, so a token is never let past its exp by a
// late tick shorter than that.
var coarseClock struct {
	once sync.Once
	sec  atomic.Int64
}

// coarseNow is about the wall clock in unix seconds, updated every
// coarseTick.
func coarseNow() int64 {
	coarseClock.once.Do(func() {
		coarseClock.sec.Store(time.Now().Add(coarseTick).Unix())
		go func() {
			for t := range time.Tick(coarseTick) {
				coarseClock.sec.Store(t.Add(coarseTick).Unix())
			}
		}()
	})
	return coarseClock.sec.Load()
}

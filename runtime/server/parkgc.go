package server

import (
	"runtime"
	"runtime/debug"
	"sync"
	"time"
)

// Returning a burst's memory once its connections are parked.
//
// Go's collector runs when the heap has grown by GOGC percent since the
// last collection, or every two minutes. A burst of connections that then
// go idle leaves the garbage of the requests they made (their pooled
// buffers' churn, parsed headers, the answers), and an idle gateway
// allocates nothing more that would trigger a collection: it held about
// 0.7 KiB per parked connection of garbage, a third of what an idle
// connection cost it in RSS, until the forced collection two minutes later.
// So when the number of parked connections has doubled since the last time
// (and is at least collectAfterParked), the parker collects and returns the
// free memory to the system once the burst has settled. That is a
// logarithmic number of collections as connections go idle, each over a
// heap with little live in it; a loaded gateway parks nothing and never
// pays for one.

const (
	// collectAfterParked is the least number of parked connections whose
	// growth triggers a collection: below it the garbage is small.
	collectAfterParked = 1024
	// idleWorkerTime is fasthttp's MaxIdleWorkerDuration: a worker
	// goroutine idle this long ends at the pool's next sweep, which runs as
	// often.
	idleWorkerTime = 2 * time.Second
	// collectSettle is how long the parker waits, after the doubling, for
	// the rest of the burst to park and the workers that served it to end
	// (two sweeps and a half), so that one collection covers it all.
	collectSettle = 5 * idleWorkerTime / 2
)

// parkCollector decides when parking warrants a collection.
type parkCollector struct {
	mu      sync.Mutex
	mark    int  // parked connections at the last collection
	n       int  // parked connections now
	pending bool // a collection is scheduled
	// free is debug.FreeOSMemory and settle collectSettle; tests set
	// their own.
	free   func()
	settle time.Duration
}

// parkedNow is told the number of parked connections after a change; it
// schedules a collection when the number has doubled since the last one.
func (pc *parkCollector) parkedNow(n int) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pc.n = n
	switch {
	case n < pc.mark/2:
		// Connections left: let the next growth count from here.
		pc.mark = n
	case n >= collectAfterParked && n >= 2*pc.mark && !pc.pending:
		pc.pending = true
		settle := pc.settle
		if settle == 0 {
			settle = collectSettle
		}
		time.AfterFunc(settle, pc.collect)
	}
}

// collect records the mark before collecting, so that a change of the
// parked count while the collector runs is measured against this
// collection, and whoever observes the collection sees the mark it set.
func (pc *parkCollector) collect() {
	pc.mu.Lock()
	pc.pending = false
	pc.mark = pc.n
	free := pc.free
	pc.mu.Unlock()
	if free == nil {
		free = freeMemory
	}
	free()
}

// freeMemory collects twice, the second time returning the free memory to
// the system: what the burst's requests left in sync.Pools (fasthttp's
// RequestCtx, readers and writers, the read-ahead buffers) survives one
// collection in the pools' victim cache and goes with the second.
func freeMemory() {
	runtime.GC()
	debug.FreeOSMemory()
}

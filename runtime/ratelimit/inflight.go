package ratelimit

import (
	"strconv"
	"sync/atomic"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/problem"
)

// InFlight caps the requests of one operation being served at once
// (x-gateway limits.max-in-flight). A request past the cap is answered at
// once, 503 with Retry-After, never queued: a queue would only hold the
// connection while the upstream that is already slow gets slower. The zero
// value admits nothing; SetMax sets the cap before use. It is safe for
// concurrent use.
type InFlight struct {
	n      atomic.Int64
	max    int64
	detail string
	_      [40]byte // two operations' counters on one cache line would contend
}

// SetMax sets the cap; it must be called before the first Acquire.
func (f *InFlight) SetMax(n int64) {
	f.max = n
	f.detail = "the operation is serving its maximum of " + strconv.FormatInt(n, 10) + " requests at once; retry shortly"
}

// Acquire takes a slot, or answers 503 and reports false. A request that
// took one must Release it when it is served.
func (f *InFlight) Acquire(ctx *fasthttp.RequestCtx) bool {
	if f.n.Add(1) <= f.max {
		return true
	}
	f.n.Add(-1)
	// One second is a hint, not a promise: when a slot frees depends on
	// the upstream.
	ctx.Response.Header.SetCanonical(hRetryAfter, one)
	problem.ServiceUnavailable(ctx, f.detail)
	return false
}

// Release frees the slot an admitted request took.
func (f *InFlight) Release() { f.n.Add(-1) }

// Len returns the requests being served.
func (f *InFlight) Len() int64 { return f.n.Load() }

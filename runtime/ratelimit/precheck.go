package ratelimit

import (
	"hash/maphash"
	"time"
)

// The local pre-check of a shared limit. Each gateway keeps, in its memory
// store, the GCRA state of what the shared store admitted for this
// instance: the same rate, counted only when Redis said yes. A TAT only
// grows as admitted requests are added to it, so this instance's share can
// never be ahead of the whole: when it alone is over the limit, the shared
// count is over too, and the request is refused without a round trip.
// What other instances spent is unknown here, so the pre-check never
// admits: everything it does not refuse goes to the shared store as
// before. The two stores read different clocks (the request's time here,
// Redis's there), so the pre-check refuses only a request more than
// precheckMargin early; its Retry-After is this instance's wait, which
// the shared one can only exceed: a client that comes back then may be
// refused again, never admitted before the limit allows.
//
// A GCRA never lets a key's TAT run more than the burst ahead, so a
// refused request is at most one interval early: the pre-check can fire
// only for limits slower than one request per precheckMargin (20/s),
// quotas above all, where a client over its allowance would otherwise
// cost a round trip per request for up to an interval.

// precheckMargin is how far ahead of its allowance a request must be for
// the local pre-check to refuse it: more than the gateway's and Redis's
// clocks differ.
const precheckMargin = 50 * time.Millisecond

// precheck looks at the local shadow of the shared checks cs at now and
// reports whether some limit is clearly over. Then those checks carry the
// local answer, and the others are marked as not asked (Key nil); else cs
// is untouched.
func (s *Memory) precheck(cs []Check, now int64) bool {
	over := false
	for i := range cs {
		c := cs[i]
		if !s.take(&c, now, false) && c.Wait > precheckMargin {
			over = true
		}
	}
	if !over {
		return false
	}
	for i := range cs {
		s.take(&cs[i], now, false)
		if cs[i].Allowed || cs[i].Wait <= precheckMargin {
			cs[i].Key = nil
		}
	}
	return true
}

// record counts a request the shared store admitted in the local shadow of
// c, whatever the shadow would say: it follows the shared count, never
// decides.
func (s *Memory) record(c *Check, now int64) {
	h := maphash.Bytes(s.seed, c.Key)
	sh := &s.shards[h&(shardCount-1)]
	sh.mu.Lock()
	tat, held := sh.m[h]
	if tat < now {
		tat = now
	}
	if !held && len(sh.m) >= s.perShard {
		sh.evict(now)
	}
	sh.m[h] = tat + c.Interval
	sh.mu.Unlock()
}

package spans

import "sync/atomic"

// ring is a bounded queue of records for many producers (requests) and one
// consumer (the exporter), after Dmitry Vyukov's bounded MPMC queue: each
// cell's sequence number says whether it is free for the producer at a
// position or full for the consumer, so a put is one compare-and-swap on
// the tail and a copy, and a full ring refuses at once.
type ring struct {
	cells []cell
	mask  uint64
	_     [48]byte // tail on a cache line of its own: every request writes it
	tail  atomic.Uint64
	_     [56]byte
	head  uint64 // the consumer's alone
}

type cell struct {
	seq atomic.Uint64
	r   record
}

// newRing makes a ring of at least n cells, a power of two.
func newRing(n int) *ring {
	size := 1
	for size < n {
		size <<= 1
	}
	rg := &ring{cells: make([]cell, size), mask: uint64(size - 1)}
	for i := range rg.cells {
		rg.cells[i].seq.Store(uint64(i))
	}
	return rg
}

// put copies *r into the ring; false when it is full.
func (q *ring) put(r *record) bool {
	pos := q.tail.Load()
	for {
		c := &q.cells[pos&q.mask]
		seq := c.seq.Load()
		switch d := int64(seq) - int64(pos); {
		case d == 0:
			if q.tail.CompareAndSwap(pos, pos+1) {
				c.r = *r
				c.seq.Store(pos + 1)
				return true
			}
			pos = q.tail.Load()
		case d < 0:
			return false
		default:
			pos = q.tail.Load()
		}
	}
}

// take copies the oldest record into *r; false when the ring is empty (or
// its oldest record is still being written).
func (q *ring) take(r *record) bool {
	c := &q.cells[q.head&q.mask]
	if c.seq.Load() != q.head+1 {
		return false
	}
	*r = c.r
	c.seq.Store(q.head + q.mask + 1)
	q.head++
	return true
}

package anomaly

import (
	"sync/atomic"
	"time"
)

// BlockList remembers keys denied until a time, in a fixed table: Blocked is
// a few atomic loads and a full table evicts the entry that expires first
// among the slots probed, so memory stays bounded whatever an attacker does.
type BlockList struct {
	slots []blockSlot
	mask  uint64
	// latest is the furthest time any key is denied until: while it is
	// past, as it is for a gateway under no attack, Blocked answers from
	// this one load without hashing or probing.
	latest atomic.Int64
}

type blockSlot struct {
	key   atomic.Uint64
	until atomic.Int64 // unix nanoseconds
}

const blockProbe = 8

// NewBlockList returns a list of size entries (rounded up to a power of two).
func NewBlockList(size int) *BlockList {
	n := 16
	for n < size {
		n <<= 1
	}
	return &BlockList{slots: make([]blockSlot, n), mask: uint64(n - 1)}
}

// Block denies key until until. Key 0 (unknown) is never blocked. Block is
// meant for one writer (the goroutine that handles events).
func (b *BlockList) Block(key uint64, until time.Time) {
	if key == 0 {
		return
	}
	h := mix(key)
	victim := &b.slots[h&b.mask]
	for i := uint64(0); i < blockProbe; i++ {
		s := &b.slots[(h+i)&b.mask]
		k := s.key.Load()
		if k == key || k == 0 {
			victim = s
			break
		}
		if s.until.Load() < victim.until.Load() {
			victim = s
		}
	}
	u := until.UnixNano()
	victim.until.Store(u)
	victim.key.Store(key)
	if u > b.latest.Load() {
		b.latest.Store(u)
	}
}

// Active reports whether some key may be denied at now; when it is false,
// Blocked is false for every key.
func (b *BlockList) Active(now time.Time) bool { return now.UnixNano() < b.latest.Load() }

// Blocked reports whether key is denied at now.
func (b *BlockList) Blocked(key uint64, now time.Time) bool {
	t := now.UnixNano()
	if key == 0 || t >= b.latest.Load() {
		return false
	}
	h := mix(key)
	for i := uint64(0); i < blockProbe; i++ {
		s := &b.slots[(h+i)&b.mask]
		if s.key.Load() == key {
			return t < s.until.Load()
		}
	}
	return false
}

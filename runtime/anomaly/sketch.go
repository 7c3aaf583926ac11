package anomaly

import "sync/atomic"

// mix is a 64-bit finalizer (splitmix64's), used so that caller-supplied
// hashes with poor low bits still spread over shards and sketch columns.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

const sketchDepth = 4

// column is row i's column for a key whose mixed hash is h: two halves of one
// hash combined (Kirsch and Mitzenmacher's double hashing) serve as the rows'
// independent hash functions at the cost of one mix per key.
func (c *cms) column(h uint64, i int) uint64 {
	return (h + uint64(i)*(h>>32|1)) & c.mask
}

// cms is a count-min sketch with atomic counters: an estimate is never below
// the true count and exceeds it only by what colliding keys added, so a key is
// never missed, only occasionally over-counted.
type cms struct {
	mask uint64
	rows [sketchDepth][]atomic.Uint32
}

func newCMS(width int) *cms {
	c := &cms{mask: uint64(width - 1)}
	for i := range c.rows {
		c.rows[i] = make([]atomic.Uint32, width)
	}
	return c
}

// add counts one for the key whose mixed hash is h and returns the new
// estimate.
func (c *cms) add(h uint64) uint32 {
	est := ^uint32(0)
	for i := range c.rows {
		v := c.rows[i][c.column(h, i)].Add(1)
		est = min(est, v)
	}
	return est
}

func (c *cms) estimate(h uint64) uint32 {
	est := ^uint32(0)
	for i := range c.rows {
		est = min(est, c.rows[i][c.column(h, i)].Load())
	}
	return est
}

func (c *cms) reset() {
	for i := range c.rows {
		for j := range c.rows[i] {
			c.rows[i][j].Store(0)
		}
	}
}

// seen is a one-hash Bloom filter: firstTime reports whether h had not been
// recorded since the last reset (false positives make it say "seen" for a new
// h now and then, which only under-counts distinct values).
type seen struct {
	mask uint64
	bits []atomic.Uint64
}

func newSeen(bits int) *seen {
	return &seen{mask: uint64(bits - 1), bits: make([]atomic.Uint64, bits/64)}
}

func (s *seen) firstTime(h uint64) bool {
	i := mix(h) & s.mask
	bit := uint64(1) << (i & 63)
	return s.bits[i>>6].Or(bit)&bit == 0
}

func (s *seen) reset() {
	for i := range s.bits {
		s.bits[i].Store(0)
	}
}

// candidates is a small lossy ring of keys that crossed a threshold; Observe
// pushes, Tick drains. Losing an entry under a flood is acceptable: a key that
// stays over its threshold is pushed again in the next window.
type candidates struct {
	pos  atomic.Uint32
	keys [32]atomic.Uint64
	ests [32]atomic.Uint32
}

func (c *candidates) push(key uint64, est uint32) {
	i := c.pos.Add(1) & 31
	c.ests[i].Store(est)
	c.keys[i].Store(key)
}

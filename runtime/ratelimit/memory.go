package ratelimit

import (
	"hash/maphash"
	"sync"
)

// DefaultMaxKeys bounds the keys a Memory store holds when its config says
// nothing: about 40 MiB of maps at most (see TestMemoryBounded for the
// figure), enough for a million clients active at once.
const DefaultMaxKeys = 1 << 20

// shardCount spreads keys over independent locks; a power of two so that a
// shard is picked with a mask.
const shardCount = 256

// evictSample is how many entries a full shard looks at to make room.
const evictSample = 16

// Memory is the in-process Store: keys are hashed (with a per-process
// random seed, so that nobody can aim two keys at one entry) into shards,
// each a map from the key's hash to its TAT under its own mutex. A key's
// state is 16 bytes; a shard that is full makes room by dropping, among a
// sample of its entries, every one whose allowance has refilled (which
// changes nothing: an idle key and an absent one admit alike), or else the
// one closest to refilled. Two keys share an entry only if their 64-bit
// hashes collide, which for a million keys is about one chance in
// thirty million, and cannot be aimed at without the seed. Memory is safe
// for concurrent use.
type Memory struct {
	seed     maphash.Seed
	perShard int
	shards   [shardCount]shard
}

type shard struct {
	mu sync.Mutex
	m  map[uint64]int64
	_  [40]byte // keeps two shards' locks off one cache line
}

// NewMemory returns a Memory store holding at most maxKeys keys (0:
// DefaultMaxKeys).
func NewMemory(maxKeys int) *Memory {
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	s := &Memory{seed: maphash.MakeSeed(), perShard: max(maxKeys/shardCount, 1)}
	for i := range s.shards {
		s.shards[i].m = make(map[uint64]int64)
	}
	return s
}

// Len returns the number of keys held.
func (s *Memory) Len() int {
	n := 0
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		n += len(sh.m)
		sh.mu.Unlock()
	}
	return n
}

// Take implements Store. It never fails.
func (s *Memory) Take(cs []Check, now int64) error {
	if len(cs) == 1 {
		s.take(&cs[0], now, true)
		return nil
	}
	// Look first, count only if every limit admits: a request a quota
	// refuses keeps the burst allowance it did not use.
	all := true
	for i := range cs {
		all = s.take(&cs[i], now, false) && all
	}
	if !all {
		for i := range cs {
			if cs[i].Allowed {
				unspent(&cs[i])
			}
		}
		return nil
	}
	for i := range cs {
		// Another request may have counted in between; then this one is
		// refused, having spent what it counted before (never more than
		// the limits allow).
		s.take(&cs[i], now, true)
	}
	return nil
}

// take decides c at now under its shard's lock and, when count is set and
// the request is admitted, stores the new TAT. It reports c.Allowed.
func (s *Memory) take(c *Check, now int64, count bool) bool {
	h := maphash.Bytes(s.seed, c.Key)
	sh := &s.shards[h&(shardCount-1)]
	sh.mu.Lock()
	tat, held := sh.m[h]
	next := gcra(c, tat, now)
	if count && c.Allowed {
		if !held && len(sh.m) >= s.perShard {
			sh.evict(now)
		}
		sh.m[h] = next
	}
	sh.mu.Unlock()
	return c.Allowed
}

// evict makes room for one key: it drops every refilled entry of a sample
// (Go starts each map iteration at a random entry), or the sample's
// oldest TAT when none has refilled.
func (sh *shard) evict(now int64) {
	var oldest uint64
	oldestTAT := int64(1<<63 - 1)
	dropped := false
	n := 0
	for k, tat := range sh.m {
		if tat <= now {
			delete(sh.m, k)
			dropped = true
		} else if tat < oldestTAT {
			oldest, oldestTAT = k, tat
		}
		if n++; n == evictSample {
			break
		}
	}
	if !dropped {
		delete(sh.m, oldest)
	}
}

var _ Store = (*Memory)(nil)

package auth

// evictScan is how many entries makeRoom looks at for an expired one
// before it takes whichever it saw first: a full cache is scanned a
// little, never whole, while its lock is held.
const evictScan = 8

// makeRoom deletes entries of cache until it holds fewer than max: an
// expired one among the first evictScan that range visits (at random), or
// else the first visited. Each of the three credential caches calls it
// before it inserts, under its lock.
func makeRoom[V any](cache map[tokenHash]V, max int, expired func(V) bool) {
	for len(cache) >= max {
		var victim tokenHash
		seen := 0
		for k, v := range cache {
			if seen == 0 {
				victim = k
			}
			if expired(v) {
				victim = k
				break
			}
			if seen++; seen == evictScan {
				break
			}
		}
		delete(cache, victim)
	}
}

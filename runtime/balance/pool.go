package balance

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync/atomic"
	"time"
)

// The policies a Pool picks by.
const (
	RoundRobin = "round-robin" // in turn; smooth weighted when weights differ
	Weighted   = "weighted"    // the same as RoundRobin: weights are always honoured
	LeastConn  = "least-conn"  // fewest calls in flight per unit of weight
	P2CEWMA    = "p2c-ewma"    // the better of two random targets by peak-EWMA latency × load
	Hash       = "hash"        // rendezvous hashing on a request key, with bounded load
)

// Policies lists every policy name NewPool accepts.
var Policies = []string{RoundRobin, Weighted, LeastConn, P2CEWMA, Hash}

// MaxTargets bounds a pool: a request remembers the targets it tried in a
// fixed-size set (Tried), so that remembering costs no allocation.
const MaxTargets = 256

// Defaults of Passive.
const (
	DefaultEject = 30 * time.Second
	// DefaultConsecutiveFailures is what a document that asks for passive
	// ejection without a count gets; Passive's zero value turns it off.
	DefaultConsecutiveFailures = 5
	DefaultMaxEjected          = 0.5
	// DefaultDecay is the time constant of the latency average: a slow
	// target's cost fades over about this long once it answers fast again.
	DefaultDecay = 10 * time.Second
	// idleDecay is how long a target's latency average goes without an
	// update before its cost starts to decay.
	idleDecay = int64(100 * time.Millisecond)
	// failurePenalty is the latency a failed call counts as. A target that
	// refuses at once would otherwise look like the fastest of the pool and
	// draw more traffic the worse it gets.
	failurePenalty = time.Second
	// boundedLoad is c of consistent hashing with bounded loads: no target
	// takes more than c times the pool's mean of calls in flight, so one hot
	// key spills over to its next-ranked targets instead of melting one.
	boundedLoad = 1.25
)

// Passive is outlier ejection from the outcome of real calls: after
// ConsecutiveFailures failed calls in a row a target leaves the pool for
// Eject; when it fails again on its first call back the period doubles (up
// to 32 times Eject), and one success returns it to normal. At most
// MaxEjected of the pool (a share, at least one target) is ejected at once,
// so a fault of the gateway's own side cannot empty the pool. This is the
// per-target circuit breaker: open while ejected, half open on return.
// ConsecutiveFailures 0 turns ejection off.
type Passive struct {
	ConsecutiveFailures int
	Eject               time.Duration
	MaxEjected          float64
}

// Config chooses the pool's policy and ejection.
type Config struct {
	Policy  string // "" is P2CEWMA for several targets
	Passive Passive
	// Ejections, when set, counts every ejection: an upstream keeps one
	// counter over the pools its reloads replace, for its metrics.
	Ejections *atomic.Int64
}

// Tried is the set of targets a request has already called, so that a
// retry goes elsewhere.
type Tried [MaxTargets / 64]uint64

// Add puts target i in the set.
func (t *Tried) Add(i int) { t[i>>6] |= 1 << (i & 63) }

// Has reports whether target i is in the set.
func (t *Tried) Has(i int) bool { return t[i>>6]&(1<<(i&63)) != 0 }

// Pool picks targets by its policy among those that are up: not ejected by
// Passive, not marked down by an active health check, and not yet tried by
// the request. Start and Done bracket every call so that the pool sees load,
// latency and failures. Safe for concurrent use; Pick, Start and Done never
// allocate.
type Pool struct {
	slots   []slot
	policy  string
	passive Passive
	decay   float64 // ns
	rr      atomic.Uint64
	smooth  *smooth      // for RoundRobin with unequal weights
	total   atomic.Int64 // calls in flight, over all targets
	// weightedHash is set when weights differ, for score.
	weightedHash bool
	epoch        time.Time
	ejections    *atomic.Int64 // Config.Ejections, or nil

	// latency is set when Pick reads the targets' latency averages (P2CEWMA
	// over two targets or more); no other reader has them, so without it
	// Start and a successful Done read no clock and keep no average.
	latency bool
}

// slot is one target's state, padded to a cache line of its own: every call
// writes it.
type slot struct {
	inflight atomic.Int64
	ewma     atomic.Int64 // ns
	stamp    atomic.Int64 // ns since epoch of the last ewma update
	fails    atomic.Int32 // consecutive failures
	ejects   atomic.Int32 // ejections in a row, for the back-off
	until    atomic.Int64 // ejected until this time (ns since epoch); 0 when not
	down     atomic.Bool  // marked down by an active health check
	weight   int64
	seed     uint64 // the target's hash for rendezvous hashing
	_        [8]byte
}

// NewPool builds a pool over targets. An empty pool is allowed: Pick
// answers -1.
func NewPool(targets []Target, cfg Config) (*Pool, error) {
	if len(targets) > MaxTargets {
		return nil, fmt.Errorf("balance: %d targets, at most %d are supported", len(targets), MaxTargets)
	}
	p := &Pool{slots: make([]slot, len(targets)), policy: cfg.Policy, passive: cfg.Passive, epoch: time.Now(),
		decay: float64(DefaultDecay), ejections: cfg.Ejections}
	switch p.policy {
	case "":
		p.policy = P2CEWMA
	case RoundRobin, Weighted, LeastConn, P2CEWMA, Hash:
	default:
		return nil, fmt.Errorf("balance: unknown policy %q (valid: %v)", cfg.Policy, Policies)
	}
	if p.passive.ConsecutiveFailures < 0 {
		return nil, errors.New("balance: passive.consecutive-failures must not be negative")
	}
	if p.passive.Eject <= 0 {
		p.passive.Eject = DefaultEject
	}
	if p.passive.MaxEjected <= 0 || p.passive.MaxEjected > 1 {
		p.passive.MaxEjected = DefaultMaxEjected
	}
	equal := true
	for i, t := range targets {
		p.slots[i].weight = int64(weight(t))
		p.slots[i].seed = mix(fnv(0, t.URL))
		equal = equal && weight(t) == weight(targets[0])
	}
	if (p.policy == RoundRobin || p.policy == Weighted) && !equal {
		p.smooth = newSmooth(targets)
	}
	p.weightedHash = p.policy == Hash && !equal
	p.latency = p.policy == P2CEWMA && len(targets) > 1
	return p, nil
}

// Policy returns the policy the pool picks by.
func (p *Pool) Policy() string { return p.policy }

// Len returns the number of targets.
func (p *Pool) Len() int { return len(p.slots) }

func (p *Pool) now() int64 { return int64(time.Since(p.epoch)) }

// Up reports whether target i may be picked at all: not ejected and not
// marked down.
func (p *Pool) Up(i int) bool {
	var now int64
	return p.up(&p.slots[i], &now)
}

// up is Up with the clock read at most once per Pick: most of the time no
// target is ejected, and then no clock is read at all.
func (p *Pool) up(s *slot, now *int64) bool {
	if s.down.Load() {
		return false
	}
	u := s.until.Load()
	if u == 0 {
		return true
	}
	if *now == 0 {
		*now = p.now()
	}
	return u <= *now
}

// SetDown marks target i down or up, as an active health check decides.
func (p *Pool) SetDown(i int, down bool) { p.slots[i].down.Store(down) }

// Pick returns the index of the target for the next call, or -1 when no
// target is up and untried. key is what Hash hashes (ignored by the other
// policies); an empty key spreads like round-robin.
func (p *Pool) Pick(tried *Tried, key []byte) int {
	n := len(p.slots)
	switch n {
	case 0:
		return -1
	case 1:
		if tried.Has(0) || !p.Up(0) {
			return -1
		}
		return 0
	}
	var now int64 // read lazily, by up
	switch p.policy {
	case LeastConn:
		return p.leastConn(tried)
	case P2CEWMA:
		return p.p2c(tried)
	case Hash:
		if len(key) > 0 {
			return p.hash(tried, key)
		}
	}
	if p.smooth != nil {
		return p.weighted(tried)
	}
	start := int((p.rr.Add(1) - 1) % uint64(n))
	for k := range n {
		i := start + k
		if i >= n {
			i -= n
		}
		if !tried.Has(i) && p.up(&p.slots[i], &now) {
			return i
		}
	}
	return -1
}

// weighted is smooth weighted round-robin over the targets that are up.
func (p *Pool) weighted(tried *Tried) int {
	var now int64
	s := p.smooth
	s.mu.Lock()
	best, total := -1, 0
	for i, w := range s.weights {
		if tried.Has(i) || !p.up(&p.slots[i], &now) {
			continue
		}
		s.current[i] += w
		total += w
		if best < 0 || s.current[i] > s.current[best] {
			best = i
		}
	}
	if best >= 0 {
		s.current[best] -= total
	}
	s.mu.Unlock()
	return best
}

// leastConn picks the target with the fewest calls in flight per unit of
// weight, scanning from a random start so that ties spread.
func (p *Pool) leastConn(tried *Tried) int {
	var now int64
	n := len(p.slots)
	start := rand.IntN(n)
	best := -1
	var bestLoad, bestW int64
	for k := range n {
		i := start + k
		if i >= n {
			i -= n
		}
		s := &p.slots[i]
		if tried.Has(i) || !p.up(s, &now) {
			continue
		}
		load := s.inflight.Load()
		// load/weight < bestLoad/bestW without division.
		if best < 0 || load*bestW < bestLoad*s.weight {
			best, bestLoad, bestW = i, load, s.weight
		}
	}
	return best
}

// p2c picks two distinct random targets among those up and keeps the one
// with the lower cost: its peak-EWMA latency times its calls in flight plus
// one. Two choices avoid the herd that "always the best" causes when every
// gateway instance sees the same best target.
func (p *Pool) p2c(tried *Tried) int {
	var now int64
	a := p.another(tried, &now, -1)
	if a < 0 {
		return -1
	}
	b := p.another(tried, &now, a)
	if b < 0 {
		return a
	}
	now = p.now()
	if p.cost(b, now) < p.cost(a, now) {
		return b
	}
	return a
}

// another returns a random target that is up, untried and not skip: a few
// random draws find one in a healthy pool, a scan from a random start in a
// pool that is mostly down or tried; -1 when there is none.
func (p *Pool) another(tried *Tried, now *int64, skip int) int {
	n := len(p.slots)
	for range 4 {
		if i := rand.IntN(n); i != skip && !tried.Has(i) && p.up(&p.slots[i], now) {
			return i
		}
	}
	start := rand.IntN(n)
	for k := range n {
		i := start + k
		if i >= n {
			i -= n
		}
		if i != skip && !tried.Has(i) && p.up(&p.slots[i], now) {
			return i
		}
	}
	return -1
}

// cost is a target's expected wait: its latency average, decayed toward 0
// for the time it has not been updated (an idle target gets tried again),
// times the calls ahead of a new one.
func (p *Pool) cost(i int, now int64) float64 {
	s := &p.slots[i]
	e := float64(s.ewma.Load())
	// A target picked recently has an up-to-date average; one left idle,
	// because it was slow, decays toward 0 until it is tried again, so that
	// a recovered target gets its share back within a few decay periods.
	if idle := now - s.stamp.Load(); idle > idleDecay {
		e *= math.Exp(-float64(idle) / p.decay)
	}
	return e * float64(s.inflight.Load()+1) / float64(s.weight)
}

// hash is rendezvous hashing with bounded load: each target scores the key,
// the highest score wins unless its calls in flight exceed boundedLoad times
// the pool's mean, in which case the next-ranked target under the bound
// does. The same key lands on the same target while load is even, on every
// gateway instance (the hash has no per-process seed).
func (p *Pool) hash(tried *Tried, key []byte) int {
	var now int64
	k := fnvBytes(0, key)
	up := 0
	for i := range p.slots {
		if !tried.Has(i) && p.up(&p.slots[i], &now) {
			up++
		}
	}
	if up == 0 {
		return -1
	}
	limit := int64(math.Ceil(boundedLoad * float64(p.total.Load()+1) / float64(up)))
	best, spare := -1, -1
	var bestScore, spareScore float64
	for i := range p.slots {
		s := &p.slots[i]
		if tried.Has(i) || !p.up(s, &now) {
			continue
		}
		score := p.score(k, s)
		if spare < 0 || score > spareScore {
			spare, spareScore = i, score
		}
		if s.inflight.Load() < limit && (best < 0 || score > bestScore) {
			best, bestScore = i, score
		}
	}
	if best < 0 {
		return spare // every target is at the bound: the key's own target
	}
	return best
}

// score is target s's rendezvous score for key hash k. With equal weights
// it is the mixed hash itself; otherwise weight / -ln(u) for the hash as a
// uniform u in (0, 1), which gives each target a share of the keys in
// proportion to its weight (weighted rendezvous hashing).
func (p *Pool) score(k uint64, s *slot) float64 {
	h := mix(k ^ s.seed)
	if !p.weightedHash {
		return float64(h)
	}
	u := (float64(h>>11) + 0.5) / (1 << 53)
	return float64(s.weight) / -math.Log(u)
}

// Start records a call to target i beginning and returns what Done needs
// of its start: its time, when the pool keeps latency averages.
func (p *Pool) Start(i int) int64 {
	p.slots[i].inflight.Add(1)
	p.total.Add(1)
	if !p.latency {
		return 0
	}
	return p.now()
}

// StartAt is Start for a call that begins at at, a time the caller has just
// read from the clock (with its monotonic reading), so that the call costs
// no second reading.
func (p *Pool) StartAt(i int, at time.Time) int64 {
	p.slots[i].inflight.Add(1)
	p.total.Add(1)
	return int64(at.Sub(p.epoch))
}

// Done records the end of a call Start began: its latency feeds the average
// and failed counts toward ejection (a success clears the count).
func (p *Pool) Done(i int, start int64, failed bool) {
	s := &p.slots[i]
	s.inflight.Add(-1)
	p.total.Add(-1)
	var now int64
	if p.latency {
		now = p.now()
		rtt := now - start
		if failed && rtt < int64(failurePenalty) {
			rtt = int64(failurePenalty)
		}
		p.observe(s, now, rtt)
	}
	if !failed {
		if s.fails.Load() != 0 {
			s.fails.Store(0)
		}
		if s.ejects.Load() != 0 {
			s.ejects.Store(0)
		}
		if s.until.Load() != 0 {
			s.until.Store(0) // back for good: Pick need not read the clock for it
		}
		return
	}
	if p.passive.ConsecutiveFailures == 0 {
		return
	}
	if !p.latency {
		now = p.now()
	}
	if s.fails.Add(1) < int32(p.passive.ConsecutiveFailures) || s.until.Load() > now {
		return
	}
	p.eject(s, now)
}

// observe folds rtt into the peak-EWMA: a slower call than the average
// replaces it at once (the peak), a faster one moves it by a weight that
// grows with the time since the last update.
func (p *Pool) observe(s *slot, now, rtt int64) {
	prev := s.ewma.Load()
	last := s.stamp.Swap(now)
	if rtt >= prev {
		s.ewma.Store(rtt)
		return
	}
	w := math.Exp(-float64(now-last) / p.decay)
	s.ewma.Store(int64(float64(prev)*w + float64(rtt)*(1-w)))
}

// eject takes s out of the pool unless the share of ejected targets is at
// its maximum. A target that comes back keeps all but one of its failures,
// so that its first failed call ejects it again, for twice as long.
func (p *Pool) eject(s *slot, now int64) {
	ejected := 0
	for i := range p.slots {
		if p.slots[i].until.Load() > now {
			ejected++
		}
	}
	if ejected+1 > max(1, int(p.passive.MaxEjected*float64(len(p.slots)))) {
		return
	}
	k := min(s.ejects.Add(1)-1, 5)
	s.until.Store(now + int64(p.passive.Eject)<<k)
	if p.ejections != nil {
		p.ejections.Add(1)
	}
	s.fails.Store(int32(p.passive.ConsecutiveFailures - 1))
	// Its latency is unknown when it returns: a zero average gets it the
	// probing call that tells, where the failure penalty would starve it.
	s.ewma.Store(0)
}

// Ejected reports whether target i is ejected now.
func (p *Pool) Ejected(i int) bool { return p.slots[i].until.Load() > p.now() }

// InFlight returns the calls in flight to target i.
func (p *Pool) InFlight(i int) int64 { return p.slots[i].inflight.Load() }

func fnv(h uint64, s string) uint64 {
	if h == 0 {
		h = 14695981039346656037
	}
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

func fnvBytes(h uint64, b []byte) uint64 {
	if h == 0 {
		h = 14695981039346656037
	}
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// mix is splitmix64's finalizer: FNV's low bits are weak, and rendezvous
// hashing compares whole words.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

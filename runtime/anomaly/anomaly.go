package anomaly

import (
	"math"
	"math/bits"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Signal names what an Event found.
type Signal uint8

const (
	RateSurge         Signal = iota + 1 // an operation's request rate far above its baseline
	RateDrop                            // an operation's request rate far below its baseline
	KeyRate                             // one key sends far more requests than any client should
	KeyAuthFailures                     // one key collects many 401/403s (credential stuffing)
	AuthFailureSpread                   // the share of 401/403s over all keys jumps (a botnet)
	KeyNotFoundPaths                    // one key gets 404s on many distinct paths (enumeration)
	NotFoundSpread                      // the share of 404s over all keys jumps (spread scanning)
	KeyValidation                       // one key sends many requests that fail validation
	ValidationSpread                    // the share of validation failures jumps
	KeyThrottled                        // one key collects many 429s
	ThrottledSpread                     // the share of 429s jumps
	UpstreamErrors                      // an operation's share of 5xx jumps
	LatencyShift                        // an operation's typical upstream latency rises
	SizeShift                           // an operation's typical request size rises
	numSignals
)

var signalNames = [numSignals]string{"", "rate_surge", "rate_drop", "key_rate", "key_auth_failures",
	"auth_failure_spread", "key_not_found_paths", "not_found_spread", "key_validation",
	"validation_spread", "key_throttled", "throttled_spread", "upstream_errors",
	"latency_shift", "size_shift"}

func (s Signal) String() string {
	if s == 0 || s >= numSignals {
		return "signal(" + strconv.Itoa(int(s)) + ")"
	}
	return signalNames[s]
}

// Obs is one request as the gateway saw it. Key identifies the client (a hash
// of the verified consumer or the client IP; 0 means unknown and skips the
// per-key signals); Path is a hash of the concrete request path; Op is the
// operation's index below Config.Ops (others count only toward totals).
type Obs struct {
	Time             time.Time
	Op               int
	Key              uint64
	Path             uint64
	Status           int
	Latency          time.Duration
	Size             int64
	ValidationFailed bool
}

// Event explains one finding. Op is -1 for findings about all operations, Key
// is 0 for findings not about one key. For per-key signals Observed and
// Threshold are counts per Config.KeyWindow; for share signals they are
// counts in the evaluation window and Baseline the count expected there; for
// latency and size they are typical values (geometric means: milliseconds,
// bytes).
type Event struct {
	Signal    Signal
	Op        int
	Key       uint64
	Time      time.Time
	Observed  float64
	Baseline  float64
	Threshold float64
	Window    time.Duration
}

// AppendJSON appends e as one JSON object, for a structured log line.
func (e Event) AppendJSON(b []byte) []byte {
	b = append(b, `{"signal":"`...)
	b = append(b, e.Signal.String()...)
	b = append(b, `","op":`...)
	b = strconv.AppendInt(b, int64(e.Op), 10)
	b = append(b, `,"key":"`...)
	b = strconv.AppendUint(b, e.Key, 16)
	b = append(b, `","time":"`...)
	b = e.Time.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","observed":`...)
	b = strconv.AppendFloat(b, e.Observed, 'g', 6, 64)
	b = append(b, `,"baseline":`...)
	b = strconv.AppendFloat(b, e.Baseline, 'g', 6, 64)
	b = append(b, `,"threshold":`...)
	b = strconv.AppendFloat(b, e.Threshold, 'g', 6, 64)
	b = append(b, `,"window_ms":`...)
	b = strconv.AppendInt(b, e.Window.Milliseconds(), 10)
	return append(b, '}')
}

// Config sets the detectors' sensitivity. The zero value of a field takes the
// default named beside it; every threshold is generic (about traffic shapes,
// not about one API).
type Config struct {
	Ops       int           // operations, indexed 0..Ops-1
	Bucket    time.Duration // aggregation bucket for the shared signals; 5s
	Window    int           // buckets in the evaluation window; 6
	WarmUp    time.Duration // no event before this much traffic has been seen; 30m
	HalfLife  time.Duration // baselines forget at this half-life; 30m
	Cooldown  time.Duration // a (signal, op, key) reports again only after this quiet time; 15m
	KeyWindow time.Duration // window of the per-key counts; 30s
	Width     int           // count-min sketch width, a power of two; 1024

	KeyRate       uint32 // requests per key per KeyWindow; 300 (10/s)
	KeyAuth       uint32 // 401/403s per key per KeyWindow; 20
	KeyNotFound   uint32 // distinct 404 paths per key per KeyWindow; 10
	KeyValidation uint32 // validation failures per key per KeyWindow; 20
	KeyThrottled  uint32 // 429s per key per KeyWindow; 40

	Z           float64 // standard scores needed by the shared signals; 6
	ShareRatio  float64 // a share signal needs this times the expected count; 3
	MinCount    float64 // and at least this many in the window; 10
	RateRatio   float64 // a surge needs this times the baseline rate (a drop its inverse); 2.5
	LatencyRate float64 // a latency shift needs this times the typical latency; 1.5
	SizeRatio   float64 // a size shift needs this times the typical size; 2

	ForecastStep time.Duration // forecast resolution; 5m
	Season       int           // forecast steps in a season; 24h/ForecastStep

	// OnEvent, when set, is called from Tick for every event.
	OnEvent func(Event)
}

// Defaults of the fields gateways may set from their configuration, named
// so that its reference quotes the values applied.
const (
	DefaultWarmUp        = 30 * time.Minute
	DefaultCooldown      = 15 * time.Minute
	DefaultKeyWindow     = 30 * time.Second
	DefaultKeyRate       = 300 // per DefaultKeyWindow: 10 a second
	DefaultKeyAuth       = 20
	DefaultKeyNotFound   = 10
	DefaultKeyValidation = 20
	DefaultKeyThrottled  = 40
	DefaultShareRatio    = 3
	DefaultRateRatio     = 2.5
	DefaultLatencyRate   = 1.5
	DefaultSizeRatio     = 2
)

func (c *Config) defaults() {
	def := func(p *float64, v float64) {
		if *p <= 0 {
			*p = v
		}
	}
	defU := func(p *uint32, v uint32) {
		if *p == 0 {
			*p = v
		}
	}
	defD := func(p *time.Duration, v time.Duration) {
		if *p <= 0 {
			*p = v
		}
	}
	defD(&c.Bucket, 5*time.Second)
	if c.Window <= 0 {
		c.Window = 6
	}
	defD(&c.WarmUp, DefaultWarmUp)
	defD(&c.HalfLife, 30*time.Minute)
	defD(&c.Cooldown, DefaultCooldown)
	defD(&c.KeyWindow, DefaultKeyWindow)
	if c.Width <= 0 || c.Width&(c.Width-1) != 0 {
		c.Width = 1024
	}
	defU(&c.KeyRate, DefaultKeyRate)
	defU(&c.KeyAuth, DefaultKeyAuth)
	defU(&c.KeyNotFound, DefaultKeyNotFound)
	defU(&c.KeyValidation, DefaultKeyValidation)
	defU(&c.KeyThrottled, DefaultKeyThrottled)
	def(&c.Z, 6)
	def(&c.ShareRatio, DefaultShareRatio)
	def(&c.MinCount, 10)
	def(&c.RateRatio, DefaultRateRatio)
	def(&c.LatencyRate, DefaultLatencyRate)
	def(&c.SizeRatio, DefaultSizeRatio)
	defD(&c.ForecastStep, 5*time.Minute)
	if c.Season <= 0 {
		c.Season = int(24 * time.Hour / c.ForecastStep)
	}
}

const shards = 16

// counters are one shard's counts for one operation in one bucket.
type counters struct {
	n, auth, notFound, invalid, throttled, errs atomic.Uint64
	lat, lat2, size, size2                      atomic.Uint64 // sums of log2 fixed-point values and their squares
	_                                           [48]byte      // keeps neighbouring operations off one cache line
}

type shard struct {
	gen [2][]counters // by bucket parity
}

// per-key signals, each with its own sketch generations
const (
	kRate = iota
	kAuth
	kNotFound
	kInvalid
	kThrottled
	numKeySignals
)

var keySignal = [numKeySignals]Signal{KeyRate, KeyAuthFailures, KeyNotFoundPaths, KeyValidation, KeyThrottled}

// Detector holds the streaming state. Observe may be called from any number of
// goroutines; Tick, Events, Forecast from one at a time (they share a mutex no
// request takes).
type Detector struct {
	cfg       Config
	bucketNs  int64
	keyWinNs  int64
	keyThr    [numKeySignals]uint32
	shards    [shards]shard
	keyCMS    [numKeySignals][3]*cms // by key window modulo 3
	keyCand   [numKeySignals]candidates
	notFound  [3]*seen
	lastKeyWn atomic.Int64

	mu       sync.Mutex
	started  bool
	next     int64 // next bucket to harvest
	harvests int
	ops      []opState // Ops entries, then the total
	cooldown map[coolKey]time.Time
	recent   []Event
	recentAt int
	stepAcc  []float64
}

type coolKey struct {
	sig Signal
	op  int
	key uint64
}

// New returns a detector for cfg (defaults filled in).
func New(cfg Config) *Detector {
	cfg.defaults()
	d := &Detector{cfg: cfg, bucketNs: int64(cfg.Bucket), keyWinNs: int64(cfg.KeyWindow),
		keyThr:   [numKeySignals]uint32{cfg.KeyRate, cfg.KeyAuth, cfg.KeyNotFound, cfg.KeyValidation, cfg.KeyThrottled},
		cooldown: map[coolKey]time.Time{}, recent: make([]Event, 0, 256)}
	for i := range d.shards {
		for g := range d.shards[i].gen {
			d.shards[i].gen[g] = make([]counters, cfg.Ops+1)
		}
	}
	for s := range d.keyCMS {
		for g := range d.keyCMS[s] {
			d.keyCMS[s][g] = newCMS(cfg.Width)
		}
	}
	for g := range d.notFound {
		d.notFound[g] = newSeen(1 << 16)
	}
	d.ops = make([]opState, cfg.Ops+1)
	for i := range d.ops {
		d.ops[i].win = make([]bucket, cfg.Window)
		d.ops[i].fc = NewForecaster(cfg.Season)
	}
	d.stepAcc = make([]float64, cfg.Ops+1)
	return d
}

// log2q is log2(x+1) in fixed point with 4 fractional bits, from the bit length
// and the next four bits: cheap enough for the request path, fine enough for
// geometric means.
func log2q(x uint64) uint64 {
	x++
	l := uint64(bits.Len64(x)) - 1
	var frac uint64
	if l >= 4 {
		frac = (x >> (l - 4)) & 15
	} else {
		frac = (x << (4 - l)) & 15
	}
	return l<<4 | frac
}

// Observe records one request. It does not allocate and takes no lock.
func (d *Detector) Observe(o Obs) {
	t := o.Time.UnixNano()
	op := o.Op
	if uint(op) >= uint(d.cfg.Ops) {
		op = d.cfg.Ops
	}
	h := mix(o.Key)
	c := &d.shards[h&(shards-1)].gen[(t/d.bucketNs)&1][op]
	c.n.Add(1)
	auth := o.Status == 401 || o.Status == 403
	switch {
	case auth:
		c.auth.Add(1)
	case o.Status == 404:
		c.notFound.Add(1)
	case o.Status == 429:
		c.throttled.Add(1)
	case o.Status >= 500:
		c.errs.Add(1)
	}
	if o.ValidationFailed {
		c.invalid.Add(1)
	}
	if o.Latency > 0 {
		us := uint64(min(o.Latency, time.Minute) / time.Microsecond)
		q := log2q(us)
		c.lat.Add(q)
		c.lat2.Add(q * q)
	}
	if o.Size > 0 {
		q := log2q(uint64(o.Size))
		c.size.Add(q)
		c.size2.Add(q * q)
	}
	if o.Key == 0 {
		return
	}
	kw := t / d.keyWinNs
	g := int(kw % 3)
	frac := float64(t-kw*d.keyWinNs) / float64(d.keyWinNs)
	d.countKey(kRate, g, o.Key, h, frac)
	switch {
	case auth:
		d.countKey(kAuth, g, o.Key, h, frac)
	case o.Status == 404:
		if d.notFound[g].firstTime(h ^ o.Path) {
			d.countKey(kNotFound, g, o.Key, h, frac)
		}
	case o.Status == 429:
		d.countKey(kThrottled, g, o.Key, h, frac)
	}
	if o.ValidationFailed {
		d.countKey(kInvalid, g, o.Key, h, frac)
	}
}

// countKey adds one to key's count in the current window and, when the sliding
// estimate (this window plus the unexpired part of the previous one) crosses
// the signal's threshold, remembers the key for Tick.
func (d *Detector) countKey(s, g int, key, h uint64, frac float64) {
	thr := d.keyThr[s]
	cur := d.keyCMS[s][g].add(h)
	if cur < thr/4 {
		return
	}
	prev := d.keyCMS[s][(g+2)%3].estimate(h)
	est := cur + uint32(float64(prev)*(1-frac))
	if est >= thr && (est-1 < thr || cur == thr) {
		d.keyCand[s].push(key, est)
	}
}

// bucket is one closed bucket of one operation (or the total).
type bucket struct {
	n, auth, notFound, invalid, throttled, errs float64
	lat, lat2, size, size2                      float64
	latN, sizeN                                 float64
}

func (b *bucket) add(o *bucket) {
	b.n += o.n
	b.auth += o.auth
	b.notFound += o.notFound
	b.invalid += o.invalid
	b.throttled += o.throttled
	b.errs += o.errs
	b.lat += o.lat
	b.lat2 += o.lat2
	b.size += o.size
	b.size2 += o.size2
	b.latN += o.latN
	b.sizeN += o.sizeN
}

// ewma keeps exponentially decayed sums, so a baseline is a ratio of two of
// them and old traffic fades at the configured half-life.
type ewma struct{ x, n, x2 float64 }

func (e *ewma) add(decay, x, n, x2 float64) {
	e.x = e.x*decay + x
	e.n = e.n*decay + n
	e.x2 = e.x2*decay + x2
}

type opState struct {
	win     []bucket
	at      int
	surging bool // the rate signal fired on the last bucket
	filled  int
	rate    ewma // per bucket: x = count, x2 = count², n = 1
	share   [5]ewma
	lat     ewma
	size    ewma
	fc      *Forecaster
}

func (s *opState) window() bucket {
	var w bucket
	for i := range s.win {
		w.add(&s.win[i])
	}
	return w
}

// Tick closes every bucket that ended before now, evaluates the signals and
// delivers events. Call it about once a second from one goroutine.
func (d *Detector) Tick(now time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	t := now.UnixNano()
	b := t / d.bucketNs
	if !d.started {
		d.started = true
		d.next = b
		d.lastKeyWn.Store(t / d.keyWinNs)
	}
	if b-d.next > 2 { // long idle: the parity slots hold nothing worth judging
		d.next = b - 2
	}
	for ; d.next < b; d.next++ {
		d.harvest(d.next)
	}
	kw := t / d.keyWinNs
	if last := d.lastKeyWn.Load(); kw != last {
		// The generation after the current one held window kw-2: clear it
		// before observers reach it. After a long idle, clear the previous too.
		for s := range d.keyCMS {
			d.keyCMS[s][(kw+1)%3].reset()
			if kw-last > 1 {
				d.keyCMS[s][(kw+2)%3].reset()
			}
		}
		d.notFound[(kw+1)%3].reset()
		if kw-last > 1 {
			d.notFound[(kw+2)%3].reset()
		}
		d.lastKeyWn.Store(kw)
	}
	if !d.warm() {
		for s := range d.keyCand {
			for i := range d.keyCand[s].keys {
				d.keyCand[s].keys[i].Store(0)
			}
		}
		return
	}
	for s := range d.keyCand {
		c := &d.keyCand[s]
		for i := range c.keys {
			key := c.keys[i].Swap(0)
			if key == 0 {
				continue
			}
			d.emit(Event{Signal: keySignal[s], Op: -1, Key: key, Time: now,
				Observed: float64(c.ests[i].Load()), Threshold: float64(d.keyThr[s]), Window: d.cfg.KeyWindow})
		}
	}
}

func (d *Detector) warm() bool {
	return time.Duration(d.harvests)*d.cfg.Bucket >= d.cfg.WarmUp
}

func (d *Detector) harvest(bi int64) {
	par := bi & 1
	var total bucket
	decay := math.Exp2(-float64(d.cfg.Bucket) / float64(d.cfg.HalfLife))
	end := time.Unix(0, (bi+1)*d.bucketNs)
	warm := d.warm()
	for op := 0; op <= d.cfg.Ops; op++ {
		var bk bucket
		for s := range d.shards {
			c := &d.shards[s].gen[par][op]
			n := float64(c.n.Swap(0))
			bk.n += n
			bk.auth += float64(c.auth.Swap(0))
			bk.notFound += float64(c.notFound.Swap(0))
			bk.invalid += float64(c.invalid.Swap(0))
			bk.throttled += float64(c.throttled.Swap(0))
			bk.errs += float64(c.errs.Swap(0))
			lat := c.lat.Swap(0)
			bk.lat += float64(lat)
			bk.lat2 += float64(c.lat2.Swap(0))
			size := c.size.Swap(0)
			bk.size += float64(size)
			bk.size2 += float64(c.size2.Swap(0))
		}
		// Latency and size are counted on every request that reported one;
		// the gateway reports both for every proxied request, so n stands in.
		bk.latN, bk.sizeN = bk.n, bk.n
		if bk.lat == 0 {
			bk.latN = 0
		}
		if bk.size == 0 {
			bk.sizeN = 0
		}
		total.add(&bk)
		if op < d.cfg.Ops {
			d.stepAcc[op] += d.judgeOp(op, &bk, decay, end, warm)
		}
	}
	d.judgeTotal(&total, decay, end, warm)
	d.stepAcc[d.cfg.Ops] = 0
	for op := 0; op < d.cfg.Ops; op++ {
		d.stepAcc[d.cfg.Ops] += d.stepAcc[op]
	}
	if (bi+1)*d.bucketNs%int64(d.cfg.ForecastStep) == 0 {
		secs := d.cfg.ForecastStep.Seconds()
		for op := range d.ops {
			d.ops[op].fc.Add(math.Log1p(d.stepAcc[op] / secs))
			d.stepAcc[op] = 0
		}
	}
	d.harvests++
}

func (s *opState) push(bk *bucket) {
	s.win[s.at] = *bk
	s.at = (s.at + 1) % len(s.win)
	s.filled = min(s.filled+1, len(s.win))
}

// judgeOp evaluates an operation's rate, 5xx share, latency and size, and
// returns the count the forecast should learn from: during a surge or a drop,
// the baseline's, so that an incident does not become part of the daily shape.
func (d *Detector) judgeOp(op int, bk *bucket, decay float64, end time.Time, warm bool) float64 {
	s := &d.ops[op]
	s.push(bk)
	w := s.window()
	span := d.cfg.Bucket * time.Duration(s.filled)
	fw := float64(s.filled)

	// Rate: a Poisson-or-wider test on the window's count against the
	// baseline's count per bucket.
	rateHit := false
	if s.rate.n > 0 {
		mu := s.rate.x / s.rate.n
		v := max(s.rate.x2/s.rate.n-mu*mu, mu)
		exp := mu * fw
		sd := math.Sqrt(v * fw)
		if warm && w.n >= d.cfg.RateRatio*exp && w.n >= d.cfg.MinCount && (w.n-exp) >= d.cfg.Z*sd {
			rateHit = true
			d.emit(Event{Signal: RateSurge, Op: op, Time: end, Observed: w.n, Baseline: exp, Threshold: max(d.cfg.RateRatio*exp, exp+d.cfg.Z*sd), Window: span})
		} else if warm && exp >= 5*d.cfg.MinCount && w.n*d.cfg.RateRatio <= exp && (exp-w.n) >= d.cfg.Z*sd {
			rateHit = true
			d.emit(Event{Signal: RateDrop, Op: op, Time: end, Observed: w.n, Baseline: exp, Threshold: exp / d.cfg.RateRatio, Window: span})
		}
	}
	learn := bk.n
	if rateHit {
		learn = s.rate.x / s.rate.n
	} else {
		s.rate.add(decay, bk.n, 1, bk.n*bk.n)
	}
	s.surging = rateHit
	d.share(&s.share[4], UpstreamErrors, op, w.errs, w.n, bk.errs, bk.n, !rateHit, decay, end, span, warm)
	d.shift(&s.lat, LatencyShift, op, &w, bk, true, d.cfg.LatencyRate, decay, end, span, warm)
	d.shift(&s.size, SizeShift, op, &w, bk, false, d.cfg.SizeRatio, decay, end, span, warm)
	return learn
}

// judgeTotal evaluates the shares that describe clients rather than one
// operation: 401/403, 404, validation failures, 429.
func (d *Detector) judgeTotal(bk *bucket, decay float64, end time.Time, warm bool) {
	// While an operation's rate is surging its extra requests would dilute
	// (or inflate) every share, and the baseline would come out of the
	// incident wrong: the shares learn only from ordinary traffic.
	learn := true
	for op := range d.cfg.Ops {
		learn = learn && !d.ops[op].surging
	}
	s := &d.ops[d.cfg.Ops]
	s.push(bk)
	w := s.window()
	span := d.cfg.Bucket * time.Duration(s.filled)
	d.share(&s.share[0], AuthFailureSpread, -1, w.auth, w.n, bk.auth, bk.n, learn, decay, end, span, warm)
	d.share(&s.share[1], NotFoundSpread, -1, w.notFound, w.n, bk.notFound, bk.n, learn, decay, end, span, warm)
	d.share(&s.share[2], ValidationSpread, -1, w.invalid, w.n, bk.invalid, bk.n, learn, decay, end, span, warm)
	d.share(&s.share[3], ThrottledSpread, -1, w.throttled, w.n, bk.throttled, bk.n, learn, decay, end, span, warm)
}

// shareFloor keeps a share's baseline from reaching zero, so one stray 5xx
// after a clean hour is not a thousandfold jump.
const shareFloor = 0.002

// share tests whether x of n requests in the window is far above the share the
// baseline expects; the baseline learns only from buckets that did not fire.
// The test is the Poisson deviance (the log of the Chernoff bound on the
// upper tail) against Z²/2: at large counts it is the familiar standard score,
// at the small counts of a quiet night it does not mistake a Poisson tail for
// a normal one.
func (d *Detector) share(e *ewma, sig Signal, op int, x, n, bx, bn float64, learn bool, decay float64, end time.Time, span time.Duration, warm bool) {
	p := shareFloor
	if e.n > 0 {
		p = max(e.x/e.n, shareFloor)
	}
	exp := n * p
	if warm && x >= d.cfg.MinCount && x >= d.cfg.ShareRatio*exp && deviance(x, exp) >= d.cfg.Z*d.cfg.Z/2 {
		d.emit(Event{Signal: sig, Op: op, Time: end, Observed: x, Baseline: exp, Threshold: max(d.cfg.ShareRatio*exp, d.cfg.MinCount), Window: span})
		return
	}
	if learn {
		e.add(decay, bx, bn, 0)
	}
}

// deviance is x·ln(x/m) − (x − m), the exponent of the Chernoff bound on
// P(X ≥ x) for X Poisson with mean m (zero when x ≤ m).
func deviance(x, m float64) float64 {
	if x <= m {
		return 0
	}
	m = max(m, 1e-9)
	return x*math.Log(x/m) - (x - m)
}

// shift tests whether the window's mean of log2 values (latency or size) is far
// above the baseline's, both by a ratio and by a standard score.
func (d *Detector) shift(e *ewma, sig Signal, op int, w, bk *bucket, latency bool, ratio, decay float64, end time.Time, span time.Duration, warm bool) {
	sum, n, bsum, bsum2, bn := w.size, w.sizeN, bk.size, bk.size2, bk.sizeN
	if latency {
		sum, n, bsum, bsum2, bn = w.lat, w.latN, bk.lat, bk.lat2, bk.latN
	}
	if e.n > 0 && n >= d.cfg.MinCount {
		mu := e.x / e.n
		sd := math.Sqrt(max(e.x2/e.n-mu*mu, 1)) // at least one step of the fixed point
		m := sum / n
		dr := 16 * math.Log2(ratio)
		if warm && m-mu >= dr && (m-mu)/(sd/math.Sqrt(n)) >= d.cfg.Z {
			unit := func(q float64) float64 {
				v := math.Exp2(q/16) - 1
				if latency {
					v /= 1000 // microseconds to milliseconds
				}
				return v
			}
			d.emit(Event{Signal: sig, Op: op, Time: end, Observed: unit(m), Baseline: unit(mu), Threshold: unit(mu + dr), Window: span})
			return
		}
	}
	e.add(decay, bsum, bn, bsum2)
}

// maxCooldowns bounds the quiet periods remembered at once.
const maxCooldowns = 8192

// emit applies the cooldown: a (signal, op, key) that reported within
// Cooldown extends its quiet period instead of reporting again, so one long
// incident is one event.
func (d *Detector) emit(e Event) {
	k := coolKey{e.Signal, e.Op, e.Key}
	if until, ok := d.cooldown[k]; ok && e.Time.Before(until) {
		d.cooldown[k] = e.Time.Add(d.cfg.Cooldown)
		return
	}
	d.cooldown[k] = e.Time.Add(d.cfg.Cooldown)
	if len(d.cooldown) > maxCooldowns { // bounded: forget expired quiet periods first
		for ck, until := range d.cooldown {
			if !e.Time.Before(until) {
				delete(d.cooldown, ck)
			}
		}
		// Thousands of keys misbehaving at once (a botnet over its per-key
		// thresholds): forget arbitrary quiet periods rather than grow; at
		// worst some of those keys report twice. Down to half, so that the
		// sweep runs once per maxCooldowns/2 new entries, not on each.
		for ck := range d.cooldown {
			if len(d.cooldown) <= maxCooldowns/2 {
				break
			}
			delete(d.cooldown, ck)
		}
	}
	if len(d.recent) < cap(d.recent) {
		d.recent = append(d.recent, e)
	} else {
		d.recent[d.recentAt] = e
		d.recentAt = (d.recentAt + 1) % len(d.recent)
	}
	if d.cfg.OnEvent != nil {
		d.cfg.OnEvent(e)
	}
}

// Events returns the most recent events (at most 256), oldest first.
func (d *Detector) Events() []Event {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]Event, 0, len(d.recent))
	out = append(out, d.recent[d.recentAt:]...)
	return append(out, d.recent[:d.recentAt]...)
}

// Forecast returns the forecast request rate per second of operation op (-1
// for all operations) averaged over the forecast step that ends horizon from
// the last closed step; ok is false until a full season has been seen.
func (d *Detector) Forecast(op int, horizon time.Duration) (rate float64, ok bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if op < 0 || op >= d.cfg.Ops {
		op = d.cfg.Ops
	}
	h := int((horizon + d.cfg.ForecastStep - 1) / d.cfg.ForecastStep)
	v, ok := d.ops[op].fc.Forecast(max(h, 1))
	return math.Expm1(v), ok
}

// Package sim is a seeded traffic simulator for the anomaly detectors: days of
// diurnal traffic over a few operations and thousands of clients with labeled
// incidents injected, replayed through a Detector in simulated time and
// scored (recall, detection delay, false alerts, forecast error).
//
// Background traffic is generated one request at a time too, so the detectors
// see exactly what a gateway would show them; rates are kept modest so that a
// few simulated days replay in seconds.
package sim

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/gatewaygen/gatewaygen/runtime/anomaly"
)

// The simulated API's operations.
const (
	OpLogin = iota
	OpList
	OpGet
	OpSearch
	OpCreate
	numOps
)

var opNames = [numOps]string{"login", "list", "get", "search", "create"}

// Kind is an incident type.
type Kind int

const (
	StuffingFew Kind = iota
	StuffingBotnet
	Scraping
	Enumeration
	ValidationBurst
	LatencyRegression
	ErrorSpike
	FlashCrowd
	NumKinds
)

var kindNames = [NumKinds]string{"stuffing-few-ips", "stuffing-botnet", "scraping", "enumeration",
	"validation-burst", "latency-regression", "error-spike", "flash-crowd"}

func (k Kind) String() string { return kindNames[k] }

// Attack reports whether the kind must be detected (a flash crowd is
// legitimate and must not be).
func (k Kind) Attack() bool { return k != FlashCrowd }

// Incident is one labeled incident of the trace.
type Incident struct {
	Kind       Kind
	Start, End time.Time
	Op         int      // the operation it affects, -1 for none in particular
	Keys       []uint64 // the keys it comes from, when it has sources
	rate       float64  // requests per second of attack traffic, or a factor
	level      float64  // kind-specific: 5xx share, latency factor, 404 share
	nextID     int
}

// Config shapes a trace.
type Config struct {
	Seed    uint64
	Days    int
	Clients int     // background clients; 5000
	Peak    float64 // background requests per second at the daily peak; 40
}

var epoch = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

// Trace is a generated trace: its incidents and the parameters to replay it.
type Trace struct {
	cfg       Config
	Incidents []Incident
	weights   []float64 // cumulative client weights
	dayScale  []float64
}

func keyOf(seed uint64, kind, i int) uint64 {
	x := seed*0x9e3779b97f4a7c15 + uint64(kind)<<40 + uint64(i) + 1
	x ^= x >> 31
	x *= 0xd6e8feb86659fd93
	x ^= x >> 32
	return x | 1 // never 0, the detectors' "unknown"
}

// Generate lays out the trace for cfg: one incident of every kind per day,
// at random times after the detectors' first two hours, deploy-related ones
// (latency regression, error spike) in working hours, none overlapping.
func Generate(cfg Config) *Trace {
	if cfg.Clients <= 0 {
		cfg.Clients = 5000
	}
	if cfg.Peak <= 0 {
		cfg.Peak = 40
	}
	if cfg.Days <= 0 {
		cfg.Days = 3
	}
	r := rand.New(rand.NewPCG(cfg.Seed, 0x5eed))
	tr := &Trace{cfg: cfg}
	// Zipf-like popularity: a few busy clients, a long tail.
	tr.weights = make([]float64, cfg.Clients)
	sum := 0.0
	for i := range tr.weights {
		sum += 1 / math.Pow(float64(i+20), 0.9)
		tr.weights[i] = sum
	}
	for i := range tr.weights {
		tr.weights[i] /= sum
	}
	for range cfg.Days {
		tr.dayScale = append(tr.dayScale, 0.85+0.3*r.Float64())
	}
	uni := func(a, b float64) float64 { return a + (b-a)*r.Float64() }
	minutes := func(a, b float64) time.Duration { return time.Duration(uni(a, b) * float64(time.Minute)) }
	for day := range cfg.Days {
		kinds := r.Perm(int(NumKinds))
		for _, ki := range kinds {
			k := Kind(ki)
			var in Incident
			in.Kind, in.Op = k, -1
			var dur time.Duration
			switch k {
			case StuffingFew:
				n := 1 + r.IntN(5)
				for i := range n {
					in.Keys = append(in.Keys, keyOf(cfg.Seed, 100+day*10+ki, i))
				}
				in.Op, in.rate, in.level = OpLogin, uni(3, 10)*float64(n), 0.95
				dur = minutes(5, 20)
			case StuffingBotnet:
				n := 500 + r.IntN(2500)
				for i := range n {
					in.Keys = append(in.Keys, keyOf(cfg.Seed, 100+day*10+ki, i))
				}
				in.Op, in.rate, in.level = OpLogin, uni(15, 50), 0.97
				dur = minutes(10, 30)
			case Scraping:
				in.Keys = []uint64{keyOf(cfg.Seed, 0, r.IntN(cfg.Clients))} // a known client turns scraper
				in.Op, in.rate = OpGet, uni(15, 40)
				dur = minutes(10, 40)
			case Enumeration:
				in.Keys = []uint64{keyOf(cfg.Seed, 100+day*10+ki, 0)}
				in.Op, in.rate, in.level = OpGet, uni(0.5, 2), uni(0.7, 0.95)
				in.nextID = r.IntN(1 << 20)
				dur = minutes(30, 60)
			case ValidationBurst:
				in.Keys = []uint64{keyOf(cfg.Seed, 100+day*10+ki, 0)}
				in.Op, in.rate, in.level = OpCreate, uni(3, 10), 0.9
				dur = minutes(2, 10)
			case LatencyRegression:
				in.Op, in.level = []int{OpList, OpGet, OpSearch}[r.IntN(3)], uni(2, 4)
				dur = minutes(15, 40)
			case ErrorSpike:
				in.Op, in.level = []int{OpList, OpGet, OpSearch, OpCreate}[r.IntN(4)], uni(0.1, 0.4)
				dur = minutes(5, 20)
			case FlashCrowd:
				in.rate = uni(3, 6) // traffic factor, with new clients
				dur = minutes(20, 60)
			}
			lo, hi := 2.0, 23.0
			if k == LatencyRegression || k == ErrorSpike {
				lo, hi = 9, 17
			}
			for try := 0; ; try++ {
				start := epoch.Add(time.Duration(day)*24*time.Hour + time.Duration(uni(lo, hi)*float64(time.Hour))).Truncate(time.Second)
				in.Start, in.End = start, start.Add(dur)
				if !tr.overlaps(in) || try > 1000 {
					break
				}
			}
			tr.Incidents = append(tr.Incidents, in)
		}
	}
	return tr
}

func (tr *Trace) overlaps(in Incident) bool {
	const gap = 20 * time.Minute
	for _, o := range tr.Incidents {
		if in.Start.Before(o.End.Add(gap)) && o.Start.Before(in.End.Add(gap)) {
			return true
		}
	}
	return false
}

// diurnal is the background rate's shape over a day: a trough near 04:00
// at about a tenth of the peak near 16:00.
func diurnal(t time.Time) float64 {
	h := float64(t.Sub(epoch)%(24*time.Hour)) / float64(time.Hour)
	return 0.55 + 0.45*math.Cos(2*math.Pi*(h-16)/24)
}

var opMix = [numOps]float64{0.1, 0.3, 0.35, 0.15, 0.1}
var opLatencyMs = [numOps]float64{40, 30, 10, 80, 50}

func poisson(r *rand.Rand, lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	if lambda > 30 {
		return max(0, int(math.Round(lambda+math.Sqrt(lambda)*r.NormFloat64())))
	}
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// Replay feeds the trace through d second by second, calling Tick at the start
// of each simulated second and onStep at every forecast step boundary with the
// per-operation request counts of the step that just closed.
func (tr *Trace) Replay(d *anomaly.Detector, step time.Duration, onStep func(end time.Time, counts [numOps + 1]float64)) {
	r := rand.New(rand.NewPCG(tr.cfg.Seed, 0xace))
	var counts [numOps + 1]float64
	end := epoch.Add(time.Duration(tr.cfg.Days) * 24 * time.Hour)
	noise := 1.0
	observe := func(o anomaly.Obs) {
		d.Observe(o)
		if uint(o.Op) < numOps {
			counts[o.Op]++
		}
		counts[numOps]++
	}
	for t := epoch; t.Before(end); t = t.Add(time.Second) {
		d.Tick(t)
		if t.Sub(epoch)%step == 0 && t != epoch {
			onStep(t, counts)
			counts = [numOps + 1]float64{}
		}
		if t.Second() == 0 { // minute-to-minute wobble of the background
			noise = math.Max(0.7, 1+0.05*r.NormFloat64())
		}
		day := int(t.Sub(epoch) / (24 * time.Hour))
		lambda := tr.cfg.Peak * tr.dayScale[day] * diurnal(t) * noise
		var latFactor [numOps]float64
		var errShare [numOps]float64
		for i := range latFactor {
			latFactor[i], errShare[i] = 1, 0.001
		}
		crowd := 1.0
		for i := range tr.Incidents {
			in := &tr.Incidents[i]
			if t.Before(in.Start) || !t.Before(in.End) {
				continue
			}
			switch in.Kind {
			case LatencyRegression:
				latFactor[in.Op] = in.level
			case ErrorSpike:
				errShare[in.Op] = in.level
			case FlashCrowd:
				ramp := math.Min(1, t.Sub(in.Start).Seconds()/120)
				crowd = 1 + (in.rate-1)*ramp
			}
		}
		// Background, then a flash crowd's extra visitors (new clients with
		// the same behaviour), then the attacks.
		n := poisson(r, lambda)
		extra := poisson(r, lambda*(crowd-1))
		for i := 0; i < n+extra; i++ {
			var key uint64
			if i < n {
				c := searchWeights(tr.weights, r.Float64())
				key = keyOf(tr.cfg.Seed, 0, c)
			} else {
				key = keyOf(tr.cfg.Seed, 1, r.IntN(20000))
			}
			observe(tr.background(r, t, key, &latFactor, &errShare))
		}
		for i := range tr.Incidents {
			in := &tr.Incidents[i]
			if t.Before(in.Start) || !t.Before(in.End) {
				continue
			}
			tr.attack(r, t, in, observe)
		}
	}
	onStep(end, counts)
}

func searchWeights(w []float64, u float64) int {
	lo, hi := 0, len(w)-1
	for lo < hi {
		m := (lo + hi) / 2
		if w[m] < u {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

func pickOp(r *rand.Rand) int {
	u := r.Float64()
	for op, p := range opMix {
		if u < p {
			return op
		}
		u -= p
	}
	return numOps - 1
}

func at(r *rand.Rand, t time.Time) time.Time {
	return t.Add(time.Duration(r.Int64N(int64(time.Second))))
}

func latency(r *rand.Rand, op int, factor float64) time.Duration {
	ms := opLatencyMs[op] * factor * math.Exp(0.5*r.NormFloat64())
	return time.Duration(ms * float64(time.Millisecond))
}

func size(r *rand.Rand, op int) int64 {
	if op == OpLogin || op == OpCreate {
		return int64(300 * math.Exp(0.4*r.NormFloat64()))
	}
	return int64(80 + r.IntN(200))
}

// background is one ordinary request: a few 401s (expired sessions, typos),
// 404s on unknown ids, validation failures, 429s and 5xx.
func (tr *Trace) background(r *rand.Rand, t time.Time, key uint64, latFactor, errShare *[numOps]float64) anomaly.Obs {
	op := pickOp(r)
	o := anomaly.Obs{Time: at(r, t), Op: op, Key: key, Path: uint64(op)<<32 | uint64(r.IntN(1<<20)),
		Status: 200, Latency: latency(r, op, latFactor[op]), Size: size(r, op)}
	u := r.Float64()
	authShare := 0.005
	if op == OpLogin {
		authShare = 0.05
	}
	switch {
	case u < errShare[op]:
		o.Status = 502
	case u < errShare[op]+authShare:
		o.Status = 401
	case op == OpGet && u < errShare[op]+authShare+0.02:
		o.Status = 404
	case u < errShare[op]+authShare+0.03:
		o.Status, o.ValidationFailed = 400, true
	case u < errShare[op]+authShare+0.032:
		o.Status = 429
	}
	return o
}

func (tr *Trace) attack(r *rand.Rand, t time.Time, in *Incident, observe func(anomaly.Obs)) {
	switch in.Kind {
	case StuffingFew, StuffingBotnet:
		for range poisson(r, in.rate) {
			o := anomaly.Obs{Time: at(r, t), Op: OpLogin, Key: in.Keys[r.IntN(len(in.Keys))],
				Path: uint64(OpLogin) << 32, Status: 200, Latency: latency(r, OpLogin, 1), Size: size(r, OpLogin)}
			if r.Float64() < in.level {
				o.Status = 401
			}
			observe(o)
		}
	case Scraping:
		for range poisson(r, in.rate) {
			observe(anomaly.Obs{Time: at(r, t), Op: OpGet, Key: in.Keys[0], Path: uint64(OpGet)<<32 | uint64(r.IntN(1<<20)),
				Status: 200, Latency: latency(r, OpGet, 1), Size: size(r, OpGet)})
		}
	case Enumeration:
		for range poisson(r, in.rate) {
			in.nextID++
			o := anomaly.Obs{Time: at(r, t), Op: OpGet, Key: in.Keys[0], Path: uint64(OpGet)<<32 | uint64(in.nextID),
				Status: 200, Latency: latency(r, OpGet, 1), Size: size(r, OpGet)}
			if r.Float64() < in.level {
				o.Status = 404
			}
			observe(o)
		}
	case ValidationBurst:
		for range poisson(r, in.rate) {
			o := anomaly.Obs{Time: at(r, t), Op: OpCreate, Key: in.Keys[0], Path: uint64(OpCreate) << 32,
				Status: 201, Latency: latency(r, OpCreate, 1), Size: size(r, OpCreate)}
			if r.Float64() < in.level {
				o.Status, o.ValidationFailed = 400, true
			}
			observe(o)
		}
	}
}

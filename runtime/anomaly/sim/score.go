package sim

import (
	"fmt"
	"io"
	"math"
	"slices"
	"time"

	"github.com/gatewaygen/gatewaygen/runtime/anomaly"
)

// accepts lists the signals that count as detecting each kind. Keyed signals
// must name one of the incident's keys, per-operation ones its operation.
var accepts = [NumKinds][]anomaly.Signal{
	StuffingFew:       {anomaly.KeyAuthFailures, anomaly.AuthFailureSpread},
	StuffingBotnet:    {anomaly.AuthFailureSpread},
	Scraping:          {anomaly.KeyRate},
	Enumeration:       {anomaly.KeyNotFoundPaths, anomaly.NotFoundSpread},
	ValidationBurst:   {anomaly.KeyValidation, anomaly.ValidationSpread},
	LatencyRegression: {anomaly.LatencyShift},
	ErrorSpike:        {anomaly.UpstreamErrors},
	FlashCrowd:        {anomaly.RateSurge},
}

// grace is how long after an incident's end an event may still be its.
const grace = 2 * time.Minute

// Result is one seed's score.
type Result struct {
	Seed        uint64
	Days        int
	Incidents   [NumKinds]int
	Detected    [NumKinds]int
	Delays      [NumKinds][]time.Duration
	False       int              // events no incident explains
	FalseBy     map[string]int   // by signal, to tune honestly
	CrowdFlags  int              // events other than a rate surge during a flash crowd
	MAPE        [2]float64       // total rate, horizons 5 and 15 minutes
	MAPEWorstOp [2]float64       // the worst single operation
	Events      []anomaly.Event  // every event, in order
	Horizons    [2]time.Duration // 5m, 15m
}

func (r *Result) Recall(k Kind) float64 {
	if r.Incidents[k] == 0 {
		return 1
	}
	return float64(r.Detected[k]) / float64(r.Incidents[k])
}

func (r *Result) MedianDelay(k Kind) time.Duration {
	d := slices.Clone(r.Delays[k])
	if len(d) == 0 {
		return 0
	}
	slices.Sort(d)
	return d[len(d)/2]
}

func (r *Result) FalsePerDay() float64 { return float64(r.False) / float64(r.Days) }

func matches(in *Incident, e *anomaly.Event) bool {
	if e.Time.Before(in.Start) || e.Time.After(in.End.Add(grace)) || !slices.Contains(accepts[in.Kind], e.Signal) {
		return false
	}
	if e.Key != 0 && !slices.Contains(in.Keys, e.Key) {
		return false
	}
	if e.Op >= 0 && in.Op >= 0 && e.Op != in.Op {
		return false
	}
	return true
}

// explained reports whether an event that detects nothing is still the
// incident's doing: a shared (unkeyed) signal during an attack, such as the
// rate surge a botnet causes. During a flash crowd only a rate surge is.
func explained(in *Incident, e *anomaly.Event) bool {
	if e.Time.Before(in.Start) || e.Time.After(in.End.Add(grace)) {
		return false
	}
	if in.Kind == FlashCrowd {
		return e.Signal == anomaly.RateSurge
	}
	return e.Key == 0 || slices.Contains(in.Keys, e.Key)
}

// Run generates the trace for cfg, replays it through a detector with default
// settings and scores it.
func Run(cfg Config) *Result {
	tr := Generate(cfg)
	res := &Result{Seed: cfg.Seed, Days: tr.cfg.Days, FalseBy: map[string]int{}, Horizons: [2]time.Duration{5 * time.Minute, 15 * time.Minute}}
	det := anomaly.New(anomaly.Config{Ops: numOps, OnEvent: func(e anomaly.Event) { res.Events = append(res.Events, e) }})
	const step = 5 * time.Minute
	// pending[h][i] is the forecast for the step that closes at index i.
	type key struct {
		op  int
		idx int
	}
	var pending [2]map[key]float64
	var errSum, errN [2][numOps + 1]float64
	for h := range pending {
		pending[h] = map[key]float64{}
	}
	idx := 0
	tr.Replay(det, step, func(end time.Time, counts [numOps + 1]float64) {
		idx++ // the step that just closed has index idx
		quiet := end.Sub(epoch) > 24*time.Hour && !tr.disturbed(end.Add(-step-15*time.Minute), end)
		for h, hz := range res.Horizons {
			for op := 0; op <= numOps; op++ {
				if f, ok := pending[h][key{op, idx}]; ok && quiet && counts[op] > 0 {
					actual := counts[op] / step.Seconds()
					errSum[h][op] += math.Abs(f-actual) / actual
					errN[h][op]++
				}
				delete(pending[h], key{op, idx})
				o := op
				if op == numOps {
					o = -1
				}
				if f, ok := det.Forecast(o, hz); ok {
					pending[h][key{op, idx + int(hz/step)}] = f
				}
			}
		}
	})
	for h := range res.Horizons {
		if errN[h][numOps] > 0 {
			res.MAPE[h] = errSum[h][numOps] / errN[h][numOps]
		}
		for op := range numOps {
			if errN[h][op] > 0 {
				res.MAPEWorstOp[h] = max(res.MAPEWorstOp[h], errSum[h][op]/errN[h][op])
			}
		}
	}
	for i := range tr.Incidents {
		in := &tr.Incidents[i]
		res.Incidents[in.Kind]++
		for j := range res.Events {
			if matches(in, &res.Events[j]) {
				res.Detected[in.Kind]++
				res.Delays[in.Kind] = append(res.Delays[in.Kind], res.Events[j].Time.Sub(in.Start))
				break
			}
		}
	}
	for j := range res.Events {
		e := &res.Events[j]
		ok := false
		for i := range tr.Incidents {
			in := &tr.Incidents[i]
			if (in.Kind != FlashCrowd && matches(in, e)) || explained(in, e) {
				ok = true
				break
			}
		}
		if !ok {
			res.False++
			res.FalseBy[e.Signal.String()]++
			for i := range tr.Incidents {
				in := &tr.Incidents[i]
				if in.Kind == FlashCrowd && !e.Time.Before(in.Start) && !e.Time.After(in.End.Add(grace)) {
					res.CrowdFlags++
				}
			}
		}
	}
	return res
}

// disturbed reports whether any incident overlaps [from, to): the forecast
// error is measured on ordinary traffic only.
func (tr *Trace) disturbed(from, to time.Time) bool {
	for _, in := range tr.Incidents {
		if in.Start.Before(to) && from.Before(in.End) {
			return true
		}
	}
	return false
}

// Worst folds several seeds' results into the worst figure of each column.
type Worst struct {
	Seeds       []uint64
	Days        int
	Recall      [NumKinds]float64
	Delay       [NumKinds]time.Duration
	FalsePerDay float64
	CrowdFlags  int
	MAPE        [2]float64
	MAPEWorstOp [2]float64
}

func Fold(rs []*Result) Worst {
	var w Worst
	for k := range w.Recall {
		w.Recall[k] = 1
	}
	for _, r := range rs {
		w.Seeds = append(w.Seeds, r.Seed)
		w.Days = r.Days
		for k := range NumKinds {
			w.Recall[k] = min(w.Recall[k], r.Recall(k))
			w.Delay[k] = max(w.Delay[k], r.MedianDelay(k))
		}
		w.FalsePerDay = max(w.FalsePerDay, r.FalsePerDay())
		w.CrowdFlags = max(w.CrowdFlags, r.CrowdFlags)
		for h := range w.MAPE {
			w.MAPE[h] = max(w.MAPE[h], r.MAPE[h])
			w.MAPEWorstOp[h] = max(w.MAPEWorstOp[h], r.MAPEWorstOp[h])
		}
	}
	return w
}

// Goals lists every goal the worst figures miss; empty means all are met.
func (w *Worst) Goals() []string {
	var miss []string
	for k := range NumKinds {
		if !k.Attack() {
			continue
		}
		if w.Recall[k] < 0.95 {
			miss = append(miss, fmt.Sprintf("%s: recall %.2f, want >= 0.95", k, w.Recall[k]))
		}
		if w.Delay[k] > 30*time.Second {
			miss = append(miss, fmt.Sprintf("%s: median delay %s, want <= 30s", k, w.Delay[k]))
		}
	}
	if w.FalsePerDay > 1 {
		miss = append(miss, fmt.Sprintf("false alerts %.2f per day, want <= 1", w.FalsePerDay))
	}
	if w.CrowdFlags > 0 {
		miss = append(miss, fmt.Sprintf("flash crowd flagged as an attack %d times, want 0", w.CrowdFlags))
	}
	return miss
}

// Print writes the worst figures as a Markdown table.
func (w *Worst) Print(out io.Writer) {
	fmt.Fprintf(out, "seeds %v, %d simulated days each; worst over seeds\n\n", w.Seeds, w.Days)
	fmt.Fprintln(out, "| incident | recall | median delay |")
	fmt.Fprintln(out, "|---|---|---|")
	for k := range NumKinds {
		if !k.Attack() {
			continue
		}
		fmt.Fprintf(out, "| %s | %.2f | %s |\n", k, w.Recall[k], w.Delay[k])
	}
	fmt.Fprintf(out, "| flash-crowd (legitimate) | flagged as attack: %d | rate surge allowed |\n\n", w.CrowdFlags)
	fmt.Fprintf(out, "false alerts per simulated day: %.2f\n\n", w.FalsePerDay)
	fmt.Fprintln(out, "| forecast horizon | MAPE total | MAPE worst operation |")
	fmt.Fprintln(out, "|---|---|---|")
	for h, hz := range [2]string{"5m", "15m"} {
		fmt.Fprintf(out, "| %s | %.1f%% | %.1f%% |\n", hz, 100*w.MAPE[h], 100*w.MAPEWorstOp[h])
	}
}

package xgateway

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gatewaygen/gatewaygen/generator/diag"
	"github.com/gatewaygen/gatewaygen/runtime/anomaly"

	"go.yaml.in/yaml/v4"
)

// Anomaly is x-gateway.anomaly: the gateway watches its traffic for attacks
// and incidents (runtime/anomaly) and acts on what it finds.
type Anomaly struct {
	Pos      diag.Pos
	Action   Value[string]        // log (default), header, throttle or block
	TTL      Value[time.Duration] // how long an event's key stays blocked, throttled or tagged
	Capacity Value[int64]         // requests per second one instance serves, for the replica gauge
	WarmUp   Value[time.Duration] // traffic seen before the detector reports
	KeyAuth  Value[int64]         // 401/403s per client per key window that make an event
	// Throttle is the allowance of a throttled key (action throttle).
	Throttle *AnomalyThrottle
	// The detectors' other thresholds; unset ones keep runtime/anomaly's
	// defaults.
	KeyRate       Value[Rate]          // requests from one client
	KeyNotFound   Value[int64]         // distinct 404 paths per client per key window
	KeyValidation Value[int64]         // validation failures per client per key window
	KeyThrottled  Value[int64]         // 429s per client per key window
	Cooldown      Value[time.Duration] // quiet time before one finding reports again
	RateFactor    Value[float64]       // an operation's rate surge over its baseline (a drop: under its inverse)
	ShareFactor   Value[float64]       // a share (401/403, 404, validation failure, 429, 5xx) over its usual one
	LatencyFactor Value[float64]       // typical upstream latency over its usual one
	SizeFactor    Value[float64]       // typical request size over its usual one
}

// AnomalyThrottle is x-gateway.anomaly.throttle.
type AnomalyThrottle struct {
	Pos   diag.Pos
	Rate  Value[Rate]
	Burst Value[int64]
}

// AnomalyActions are the values anomaly.action accepts.
var AnomalyActions = []string{"log", "header", "throttle", "block"}

// anomaly decodes x-gateway.anomaly.
func (d *Decoder) anomaly(v *yaml.Node, path string) *Anomaly {
	if !d.isMap(v, path) {
		return nil
	}
	a := &Anomaly{Pos: d.pos(v)}
	var throttleKey, actionKey *yaml.Node
	d.eachKey(v, path, "anomaly", WhereRoot, func(k, v *yaml.Node, p string) {
		switch k.Value {
		case "action":
			actionKey = k
			a.Action = d.oneOf(v, p, AnomalyActions...)
		case "ttl":
			a.TTL = d.duration(v, p)
		case "warm-up":
			a.WarmUp = d.duration(v, p)
		case "capacity":
			a.Capacity = d.count(v, p)
		case "key-auth-failures":
			a.KeyAuth = d.count(v, p)
		case "throttle":
			throttleKey = k
			a.Throttle = d.anomalyThrottle(v, p)
		case "key-rate":
			a.KeyRate = d.limitRate(v, p)
			if r := a.KeyRate; r.Set && time.Duration(r.V.Count)*anomaly.DefaultKeyWindow < r.V.Period {
				// A lower rate would make a client's first request in a
				// window an event.
				d.Diags.Errorf(r.Pos, "%s: must be at least 1 per %s (the window a client's requests are counted in), found %s", p, FormatDuration(anomaly.DefaultKeyWindow), v.Value)
				a.KeyRate = Value[Rate]{}
			}
		case "key-not-found-paths":
			a.KeyNotFound = d.count(v, p)
		case "key-validation-failures":
			a.KeyValidation = d.count(v, p)
		case "key-throttled":
			a.KeyThrottled = d.count(v, p)
		case "cooldown":
			a.Cooldown = d.duration(v, p)
		case "rate-factor":
			a.RateFactor = d.factor(v, p)
		case "share-factor":
			a.ShareFactor = d.factor(v, p)
		case "latency-factor":
			a.LatencyFactor = d.factor(v, p)
		case "size-factor":
			a.SizeFactor = d.factor(v, p)
		default:
			d.internal(k, p, WhereRoot)
		}
	})
	switch {
	case throttleKey == nil || a.Action.V == "throttle":
	case actionKey == nil:
		d.Diags.Errorf(d.pos(throttleKey), "%s.throttle: only action throttle uses it, but action is log (the default); add action: throttle", path)
	case a.Action.Set:
		d.Diags.Errorf(d.pos(throttleKey), "%s.throttle: only action throttle uses it, but action is %s", path, a.Action.V)
	}
	return a
}

// anomalyThrottle decodes anomaly.throttle: {rate: 1/s, burst: 5}.
func (d *Decoder) anomalyThrottle(v *yaml.Node, path string) *AnomalyThrottle {
	if !d.isMap(v, path) {
		return nil
	}
	t := &AnomalyThrottle{Pos: d.pos(v)}
	d.eachKey(v, path, "anomaly.throttle", WhereRoot, func(k, v *yaml.Node, p string) {
		switch k.Value {
		case "rate":
			t.Rate = d.limitRate(v, p)
		case "burst":
			t.Burst = d.count(v, p)
		default:
			d.internal(k, p, WhereRoot)
		}
	})
	if mapValue(v, "rate") == nil {
		d.Diags.Errorf(t.Pos, "%s: missing rate; add rate: 1/s (what a throttled client may still send)", path)
	}
	return t
}

// maxFactor bounds a factor: a threshold beyond it could never be reached
// and would silence its signal without saying so.
const maxFactor = 1000

// factor decodes a multiple of a baseline that a signal needs: a number
// > 1 (at 1 ordinary traffic would fire it) and <= maxFactor.
func (d *Decoder) factor(n *yaml.Node, path string) Value[float64] {
	if n.Kind == yaml.ScalarNode && (n.Tag == "!!float" || n.Tag == "!!int") {
		if f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64); err == nil && !math.IsNaN(f) {
			if !(f > 1 && f <= maxFactor) {
				d.Diags.Errorf(d.pos(n), "%s: must be > 1 and <= %d (the multiple of the usual value that fires the signal), found %s", path, maxFactor, n.Value)
				return Value[float64]{}
			}
			return Value[float64]{V: f, Pos: d.pos(n), Set: true}
		}
	}
	d.Diags.Errorf(d.pos(n), "%s: expected a number > 1 like 2.5, found %s", path, describe(n))
	return Value[float64]{}
}

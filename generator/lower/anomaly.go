package lower

import (
	"math"

	"github.com/gatewaygen/gatewaygen/generator/ir"
	"github.com/gatewaygen/gatewaygen/generator/xgateway"
	rtanomaly "github.com/gatewaygen/gatewaygen/runtime/anomaly"
)

// anomaly lowers x-gateway anomaly; an object without an action logs.
func anomaly(a *xgateway.Anomaly) *ir.Anomaly {
	if a == nil {
		return nil
	}
	out := &ir.Anomaly{Action: a.Action.V, TTL: a.TTL.V, Capacity: a.Capacity.V, WarmUp: a.WarmUp.V, KeyAuth: a.KeyAuth.V,
		KeyNotFound: a.KeyNotFound.V, KeyValidation: a.KeyValidation.V, KeyThrottled: a.KeyThrottled.V, Cooldown: a.Cooldown.V,
		RateFactor: a.RateFactor.V, ShareFactor: a.ShareFactor.V, LatencyFactor: a.LatencyFactor.V, SizeFactor: a.SizeFactor.V}
	if out.Action == "" {
		out.Action = "log"
	}
	if r := a.KeyRate; r.Set {
		out.KeyRate = perKeyWindow(r.V)
	}
	if t := a.Throttle; t != nil && t.Rate.Set && out.Action == "throttle" {
		out.Throttle = &ir.AnomalyThrottle{Count: t.Rate.V.Count, Period: t.Rate.V.Period, Burst: t.Burst.V}
	}
	return out
}

// perKeyWindow converts a per-client rate to the count per key window the
// detector compares with, rounded up: a client is flagged only above the
// rate the document names.
func perKeyWindow(r xgateway.Rate) int64 {
	n := math.Ceil(float64(r.Count) * float64(rtanomaly.DefaultKeyWindow) / float64(r.Period))
	return int64(min(max(n, 1), math.MaxUint32))
}

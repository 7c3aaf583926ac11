package lower

import (
	"reflect"
	"testing"
	"time"

	"github.com/gatewaygen/gatewaygen/generator/ir"
	"github.com/gatewaygen/gatewaygen/generator/xgateway"
)

func TestLowerAnomaly(t *testing.T) {
	set := func(s string) xgateway.Value[string] { return xgateway.Value[string]{V: s, Set: true} }
	rate := func(n int64, per time.Duration) xgateway.Value[xgateway.Rate] {
		return xgateway.Value[xgateway.Rate]{V: xgateway.Rate{Count: n, Period: per}, Set: true}
	}
	factor := func(f float64) xgateway.Value[float64] { return xgateway.Value[float64]{V: f, Set: true} }
	for _, c := range []struct {
		name string
		in   *xgateway.Anomaly
		want *ir.Anomaly
	}{
		{"absent: no detector", nil, nil},
		{"empty object: log", &xgateway.Anomaly{}, &ir.Anomaly{Action: "log"}},
		{"every key", &xgateway.Anomaly{Action: set("block"), TTL: xgateway.Value[time.Duration]{V: time.Minute, Set: true},
			Capacity: xgateway.Value[int64]{V: 200, Set: true}, WarmUp: xgateway.Value[time.Duration]{V: time.Second, Set: true},
			KeyAuth: xgateway.Value[int64]{V: 10, Set: true}},
			&ir.Anomaly{Action: "block", TTL: time.Minute, Capacity: 200, WarmUp: time.Second, KeyAuth: 10}},
		{"throttle with its rate", &xgateway.Anomaly{Action: set("throttle"),
			Throttle: &xgateway.AnomalyThrottle{Rate: rate(5, time.Second), Burst: xgateway.Value[int64]{V: 8, Set: true}}},
			&ir.Anomaly{Action: "throttle", Throttle: &ir.AnomalyThrottle{Count: 5, Period: time.Second, Burst: 8}}},
		{"throttle without a rate: the runtime's", &xgateway.Anomaly{Action: set("throttle")}, &ir.Anomaly{Action: "throttle"}},
		{"thresholds", &xgateway.Anomaly{KeyRate: rate(20, time.Second), KeyNotFound: xgateway.Value[int64]{V: 3, Set: true},
			KeyValidation: xgateway.Value[int64]{V: 4, Set: true}, KeyThrottled: xgateway.Value[int64]{V: 5, Set: true},
			Cooldown:   xgateway.Value[time.Duration]{V: time.Hour, Set: true},
			RateFactor: factor(4), ShareFactor: factor(5), LatencyFactor: factor(2), SizeFactor: factor(3)},
			&ir.Anomaly{Action: "log", KeyRate: 600, KeyNotFound: 3, KeyValidation: 4, KeyThrottled: 5, Cooldown: time.Hour,
				RateFactor: 4, ShareFactor: 5, LatencyFactor: 2, SizeFactor: 3}},
		// Per key window (30 s), rounded up so that only more than the
		// named rate is flagged.
		{"key-rate per minute", &xgateway.Anomaly{KeyRate: rate(7, time.Minute)}, &ir.Anomaly{Action: "log", KeyRate: 4}},
		{"key-rate at the most", &xgateway.Anomaly{KeyRate: rate(1000000, time.Second)}, &ir.Anomaly{Action: "log", KeyRate: 30000000}},
	} {
		if got := anomaly(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}

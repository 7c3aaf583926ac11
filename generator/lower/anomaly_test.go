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
	} {
		if got := anomaly(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}

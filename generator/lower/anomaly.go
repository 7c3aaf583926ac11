package lower

import (
	"github.com/gatewaygen/gatewaygen/generator/ir"
	"github.com/gatewaygen/gatewaygen/generator/xgateway"
)

// anomaly lowers x-gateway anomaly; an object without an action logs.
func anomaly(a *xgateway.Anomaly) *ir.Anomaly {
	if a == nil {
		return nil
	}
	out := &ir.Anomaly{Action: a.Action.V, TTL: a.TTL.V, Capacity: a.Capacity.V, WarmUp: a.WarmUp.V, KeyAuth: a.KeyAuth.V}
	if out.Action == "" {
		out.Action = "log"
	}
	return out
}

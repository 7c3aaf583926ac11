package xgateway

import (
	"time"

	"github.com/gatewaygen/gatewaygen/generator/diag"

	"go.yaml.in/yaml/v4"
)

// Anomaly is x-gateway.anomaly: the gateway watches its traffic for attacks
// and incidents (runtime/anomaly) and acts on what it finds.
type Anomaly struct {
	Pos      diag.Pos
	Action   Value[string]        // log (default), header or block
	TTL      Value[time.Duration] // how long an event's key stays blocked or tagged
	Capacity Value[int64]         // requests per second one instance serves, for the replica gauge
	WarmUp   Value[time.Duration] // traffic seen before the detector reports
	KeyAuth  Value[int64]         // 401/403s per client per key window that make an event
}

// AnomalyActions are the values anomaly.action accepts.
var AnomalyActions = []string{"log", "header", "block"}

// anomaly decodes x-gateway.anomaly.
func (d *Decoder) anomaly(v *yaml.Node, path string) *Anomaly {
	if !d.isMap(v, path) {
		return nil
	}
	a := &Anomaly{Pos: d.pos(v)}
	d.eachKey(v, path, "anomaly", WhereRoot, func(k, v *yaml.Node, p string) {
		switch k.Value {
		case "action":
			a.Action = d.str(v, p)
			if s := a.Action; s.Set && s.V != "log" && s.V != "header" && s.V != "block" {
				d.Diags.Errorf(s.Pos, "%s: expected log, header or block, found %q", p, s.V)
				a.Action = Value[string]{}
			}
		case "ttl":
			a.TTL = d.duration(v, p)
		case "warm-up":
			a.WarmUp = d.duration(v, p)
		case "capacity":
			a.Capacity = d.count(v, p)
		case "key-auth-failures":
			a.KeyAuth = d.count(v, p)
		default:
			d.internal(k, p, WhereRoot)
		}
	})
	return a
}

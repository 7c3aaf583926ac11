package lower

import (
	"github.com/gatewaygen/gatewaygen/generator/ir"
	"github.com/gatewaygen/gatewaygen/generator/xgateway"
	"github.com/gatewaygen/gatewaygen/runtime/balance"
)

// lowerUpstreamPolicy carries an upstream's failure handling into the IR:
// what the hash balancer hashes, retries, active probes and passive
// ejection. Unset values stay zero for the runtime's defaults, except a
// passive block without a count, which gets the default count (the
// runtime reads 0 as ejection off).
func lowerUpstreamPolicy(up *ir.Upstream, u xgateway.Upstream) {
	if u.HashKey.Set {
		kind, name, _ := xgateway.ParseHashKey(u.HashKey.V) // checked by the decoder
		up.HashKey = &ir.HashKey{Kind: kind, Name: name}
	}
	if r := u.Retries; r != nil {
		up.Retries = &ir.Retries{Attempts: int(r.Attempts.V), Budget: r.Budget.V, On: r.On, Backoff: r.Backoff.V}
	}
	if h := u.Health; h != nil && h.Path.Set {
		up.Health = &ir.Health{Path: h.Path.V, Interval: h.Interval.V, Timeout: h.Timeout.V,
			Healthy: int(h.Healthy.V), Unhealthy: int(h.Unhealthy.V)}
	}
	up.ClientHost = u.Host.V == "client"
	up.MaxResponseBody = u.MaxResponseBody.V
	up.MaxInFlight = u.MaxInFlight.V
	if t := u.TLS; t != nil {
		up.TLS = &ir.UpstreamTLS{CAFile: t.CA.V, ServerName: t.ServerName.V, CertFile: t.Cert.V, KeyFile: t.Key.V}
	}
	if p := u.Passive; p != nil {
		up.Passive = &ir.Passive{ConsecutiveFailures: int(p.ConsecutiveFailures.V), Eject: p.Eject.V, MaxEjected: p.MaxEjected.V}
		if up.Passive.ConsecutiveFailures == 0 {
			up.Passive.ConsecutiveFailures = balance.DefaultConsecutiveFailures
		}
	}
}

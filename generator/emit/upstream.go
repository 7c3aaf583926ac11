package emit

import (
	"time"

	"github.com/dave/jennifer/jen"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// upstreamPolicy adds an upstream's balancer and failure handling to the
// proxy.UpstreamConfig literal d; a value the IR leaves zero is left out,
// so that the runtime's default applies.
//
//	Balance: "hash",
//	HashKey: proxy.KeySource{Kind: "header", Name: "X-User"},
//	Retries: proxy.Retries{Attempts: 2, On: []int{502, 503}},
//	Health:  proxy.Health{Path: "/healthz", Interval: 2 * time.Second},
//	Passive: balance.Passive{ConsecutiveFailures: 5, Eject: 30 * time.Second},
func (g *gen) upstreamPolicy(d jen.Dict, u *ir.Upstream) {
	proxy, balance := g.rt("proxy"), g.rt("balance")
	if u.Balance != "" {
		d[jen.Id("Balance")] = jen.Lit(u.Balance)
	}
	if k := u.HashKey; k != nil {
		d[jen.Id("HashKey")] = jen.Qual(proxy, "KeySource").Values(nonZero(jen.Dict{
			jen.Id("Kind"): jen.Lit(k.Kind), jen.Id("Name"): litOrNil(k.Name)}))
	}
	if r := u.Retries; r != nil {
		f := jen.Dict{jen.Id("Attempts"): jen.Lit(r.Attempts)}
		if r.Budget > 0 {
			f[jen.Id("Budget")] = jen.Lit(r.Budget)
		}
		if len(r.On) > 0 {
			f[jen.Id("On")] = jen.Index().Int().ValuesFunc(func(vg *jen.Group) {
				for _, c := range r.On {
					vg.Lit(c)
				}
			})
		}
		setDuration(f, "Backoff", r.Backoff)
		d[jen.Id("Retries")] = jen.Qual(proxy, "Retries").Values(f)
	}
	if h := u.Health; h != nil {
		f := jen.Dict{jen.Id("Path"): jen.Lit(h.Path)}
		setDuration(f, "Interval", h.Interval)
		setDuration(f, "Timeout", h.Timeout)
		setInt(f, "Healthy", h.Healthy)
		setInt(f, "Unhealthy", h.Unhealthy)
		d[jen.Id("Health")] = jen.Qual(proxy, "Health").Values(f)
	}
	if u.ClientHost {
		d[jen.Id("ClientHost")] = jen.True()
	}
	setInt(d, "MaxResponseBody", int(u.MaxResponseBody))
	setInt(d, "MaxInFlight", int(u.MaxInFlight))
	if t := u.TLS; t != nil {
		d[jen.Id("TLS")] = jen.Qual(proxy, "TLS").Values(nonZero(jen.Dict{
			jen.Id("CAFile"): litOrNil(t.CAFile), jen.Id("ServerName"): litOrNil(t.ServerName),
			jen.Id("CertFile"): litOrNil(t.CertFile), jen.Id("KeyFile"): litOrNil(t.KeyFile),
		}))
	}
	if p := u.Passive; p != nil {
		f := jen.Dict{jen.Id("ConsecutiveFailures"): jen.Lit(p.ConsecutiveFailures)}
		setDuration(f, "Eject", p.Eject)
		if p.MaxEjected > 0 {
			f[jen.Id("MaxEjected")] = jen.Lit(p.MaxEjected)
		}
		d[jen.Id("Passive")] = jen.Qual(balance, "Passive").Values(f)
	}
}

// setDuration sets field name of d to v unless v is zero (the runtime's
// default).
func setDuration(d jen.Dict, name string, v time.Duration) {
	if v > 0 {
		d[jen.Id(name)] = duration(v)
	}
}

// setInt is setDuration for an int.
func setInt(d jen.Dict, name string, v int) {
	if v > 0 {
		d[jen.Id(name)] = jen.Lit(v)
	}
}

// litOrNil is a literal for a non-empty string and nil otherwise, for
// nonZero to drop.
func litOrNil(s string) jen.Code {
	if s == "" {
		return nil
	}
	return jen.Lit(s)
}

// nonZero drops the entries of d whose value is nil.
func nonZero(d jen.Dict) jen.Dict {
	for k, v := range d {
		if v == nil {
			delete(d, k)
		}
	}
	return d
}

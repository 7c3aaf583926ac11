package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// rateLimitStage counts each request of a limited operation against its
// limits after auth (so that a limit may key on the consumer) and before
// the parameters and body are read (so that a client over its limit costs
// no validation). Its file, ratelimit.go, holds the limits as one table
// and the setup that builds their stores:
//
//	const (
//		rlListPets = iota
//	)
//
//	var rateLimitPolicies = [...]ratelimit.Policy{
//		rlListPets: {Gateway: "petstore", Op: "listPets", Limits: []ratelimit.Limit{
//			{Name: "10-per-s", Count: 10, Period: time.Second, Burst: 20, Key: []ratelimit.KeyPart{{Kind: ratelimit.ClientIP}}},
//		}},
//	}
//
// and a limited handler starts, after auth, with
//
//	if !g.rl[rlListPets].Admit(ctx, st.Consumer) {
//		return
//	}
type rateLimitStage struct {
	noStage
	*gen
}

func (rateLimitStage) file() string { return "ratelimit.go" }

func (s rateLimitStage) active() bool {
	return s.limited() || s.capped()
}

// limited reports whether some operation has rate limits.
func (s rateLimitStage) limited() bool {
	for _, o := range s.api.Operations {
		if len(o.RateLimits) > 0 {
			return true
		}
	}
	return false
}

// capped reports whether some operation caps its requests in flight.
func (s rateLimitStage) capped() bool {
	for _, o := range s.api.Operations {
		if o.MaxInFlight > 0 {
			return true
		}
	}
	return false
}

// keysOnClaims reports whether a limit of o keys on a token's claim, which
// the auth stage keeps in the request's state.
func keysOnClaims(o *ir.Operation) bool {
	for _, r := range o.RateLimits {
		for _, k := range r.Key {
			if k.Kind == "claim" {
				return true
			}
		}
	}
	return false
}

func flightConst(o *ir.Operation) string { return "flight" + o.GoName }

func rlConst(o *ir.Operation) string { return "rl" + o.GoName }

// shared reports whether some limit counts in Redis.
func (s rateLimitStage) shared() bool {
	for _, o := range s.api.Operations {
		for _, r := range o.RateLimits {
			if r.Shared {
				return true
			}
		}
	}
	return false
}

func (s rateLimitStage) fields(gr *jen.Group) {
	if s.limited() {
		gr.Id("rl").Index(jen.Len(jen.Id("rateLimitPolicies"))).Op("*").Qual(s.rt("ratelimit"), "Op").Comment("each limited operation's limits, by rl<Op>")
	}
	if s.capped() {
		gr.Id("inFlight").Index(jen.Len(jen.Id("maxInFlight"))).Qual(s.rt("ratelimit"), "InFlight").Comment("each capped operation's requests in flight, by flight<Op>")
	}
}

func (s rateLimitStage) setup(b *jen.Group) {
	if s.limited() {
		b.If(jen.Err().Op(":=").Id("g").Dot("setupRateLimits").Call(jen.Id("cfg")), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Nil(), jen.Err()),
		)
	}
	if s.capped() {
		b.For(jen.List(jen.Id("i"), jen.Id("n")).Op(":=").Range().Id("maxInFlight")).Block(
			jen.Id("g").Dot("inFlight").Index(jen.Id("i")).Dot("SetMax").Call(jen.Id("n")),
		)
	}
}

// before counts the request in the operation's rate limits, then takes a
// slot of its in-flight cap, which the handler's return frees: a request
// the rate limits refuse holds no slot.
//
//	if !g.rl[rlGetPet].Admit(ctx, st.Consumer) {
//		return
//	}
//	if !g.inFlight[flightGetPet].Acquire(ctx) {
//		return
//	}
//	defer g.inFlight[flightGetPet].Release()
func (s rateLimitStage) before(o *ir.Operation) []jen.Code {
	var out []jen.Code
	if len(o.RateLimits) > 0 {
		admit := jen.Id("g").Dot("rl").Index(jen.Id(rlConst(o))).Dot("Admit").Call(jen.Id("ctx"), jen.Id("st").Dot("Consumer"))
		if keysOnClaims(o) {
			admit = jen.Id("g").Dot("rl").Index(jen.Id(rlConst(o))).Dot("AdmitClaims").Call(jen.Id("ctx"), jen.Id("st").Dot("Consumer"), jen.Id("st").Dot("Claims"))
		}
		out = append(out, jen.If(jen.Op("!").Add(admit)).Block(jen.Return()))
	}
	if o.MaxInFlight > 0 {
		slot := jen.Id("g").Dot("inFlight").Index(jen.Id(flightConst(o)))
		out = append(out,
			jen.If(jen.Op("!").Add(slot).Dot("Acquire").Call(jen.Id("ctx"))).Block(jen.Return()),
			jen.Defer().Id("g").Dot("inFlight").Index(jen.Id(flightConst(o))).Dot("Release").Call(),
		)
	}
	return out
}

var rateKeyKinds = map[string]string{"client-ip": "ClientIP", "consumer": "Consumer", "header": "Header",
	"claim": "Claim", // policy: keys by a verified token's claim
}

func (s rateLimitStage) decls(f *jen.File) {
	if s.capped() {
		s.flightDecls(f)
	}
	if s.limited() {
		s.limitDecls(f)
	}
}

// flightDecls writes the in-flight caps:
//
//	const (
//		flightGetPet = iota
//	)
//
//	var maxInFlight = [...]int64{
//		flightGetPet: 64,
//	}
func (s rateLimitStage) flightDecls(f *jen.File) {
	var capped []*ir.Operation
	for _, o := range s.api.Operations {
		if o.MaxInFlight > 0 {
			capped = append(capped, o)
		}
	}
	f.Comment("The index of each capped operation in maxInFlight and Gateway.inFlight.")
	f.Const().DefsFunc(func(d *jen.Group) {
		for i, o := range capped {
			if i == 0 {
				d.Id(flightConst(o)).Op("=").Iota()
			} else {
				d.Id(flightConst(o))
			}
		}
	})
	comment(f, "maxInFlight caps the requests of each operation served at once, from\nx-gateway limits.max-in-flight.")
	f.Var().Id("maxInFlight").Op("=").Index(jen.Op("...")).Int64().ValuesFunc(func(vg *jen.Group) {
		for _, o := range capped {
			vg.Line().Id(flightConst(o)).Op(":").Lit(int(o.MaxInFlight))
		}
		vg.Line()
	})
}

// limitDecls writes the rate limits' table and setup.
func (s rateLimitStage) limitDecls(f *jen.File) {
	rl := s.rt("ratelimit")
	var limited []*ir.Operation
	for _, o := range s.api.Operations {
		if len(o.RateLimits) > 0 {
			limited = append(limited, o)
		}
	}
	f.Comment("The index of each limited operation in rateLimitPolicies and Gateway.rl.")
	f.Const().DefsFunc(func(d *jen.Group) {
		for i, o := range limited {
			if i == 0 {
				d.Id(rlConst(o)).Op("=").Iota()
			} else {
				d.Id(rlConst(o))
			}
		}
	})
	comment(f, "rateLimitPolicies are the limits of each limited operation, from\nx-gateway rate-limit; all of an operation's limits must admit a request.")
	f.Var().Id("rateLimitPolicies").Op("=").Index(jen.Op("...")).Qual(rl, "Policy").ValuesFunc(func(vg *jen.Group) {
		for _, o := range limited {
			vg.Line().Id(rlConst(o)).Op(":").Values(jen.Dict{
				jen.Id("Gateway"): jen.Lit(s.api.Name),
				jen.Id("Op"):      jen.Lit(opID(o)),
				jen.Id("Limits"): jen.Index().Qual(rl, "Limit").ValuesFunc(func(lg *jen.Group) {
					for _, r := range o.RateLimits {
						lg.Line().Values(jen.DictFunc(func(d jen.Dict) {
							d[jen.Id("Name")] = jen.Lit(r.Name)
							d[jen.Id("Count")] = jen.Lit(int(r.Count))
							d[jen.Id("Period")] = duration(r.Period)
							d[jen.Id("Burst")] = jen.Lit(int(r.Burst))
							d[jen.Id("Key")] = jen.Index().Qual(rl, "KeyPart").ValuesFunc(func(kg *jen.Group) {
								for _, k := range r.Key {
									kg.Values(jen.DictFunc(func(kd jen.Dict) {
										kd[jen.Id("Kind")] = jen.Qual(rl, rateKeyKinds[k.Kind])
										if k.Name != "" {
											kd[jen.Id("Name")] = jen.Lit(k.Name)
										}
									}))
								}
							})
							if r.Shared {
								d[jen.Id("Shared")] = jen.True()
							}
							if r.DenyOnStoreError {
								d[jen.Id("DenyOnStoreError")] = jen.True()
							}
						}))
					}
					lg.Line()
				}),
			})
		}
		vg.Line()
	})

	shared := s.shared()
	doc := "setupRateLimits builds the limits' stores and each operation's limiter:\nthe client address is read through cfg's trusted proxies"
	if shared {
		doc += ", and the limits\nwith store: redis count in the Redis at cfg.Redis (--redis)."
	} else {
		doc += "."
	}
	comment(f, doc)
	f.Func().Params(jen.Id("g").Op("*").Id("Gateway")).Id("setupRateLimits").Params(jen.Id("cfg").Qual(s.rt("server"), "Config")).Error().BlockFunc(func(b *jen.Group) {
		b.List(jen.Id("proxies"), jen.Err()).Op(":=").Qual(rl, "ParseProxies").Call(jen.Id("cfg").Dot("TrustedProxies"), jen.Id("cfg").Dot("ClientIPHeader"))
		b.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))
		b.Id("stores").Op(":=").Op("&").Qual(rl, "Stores").Values(jen.Dict{
			jen.Id("Memory"):  jen.Qual(rl, "NewMemory").Call(jen.Lit(0)),
			jen.Id("Proxies"): jen.Id("proxies"),
		})
		if shared {
			b.If(
				jen.List(jen.Id("stores").Dot("Shared"), jen.Err()).Op("=").Qual(s.rt("ratelimit/redisstore"), "New").Call(
					jen.Qual(s.rt("ratelimit/redisstore"), "Config").Values(jen.Dict{
						jen.Id("URL"):      jen.Id("cfg").Dot("Redis"),
						jen.Id("Password"): jen.Id("cfg").Dot("RedisPassword"),
						jen.Id("Name"):     jen.Lit(s.api.Name + "-gateway"),
					}),
				),
				jen.Err().Op("!=").Nil(),
			).Block(jen.Return(jen.Err()))
		}
		b.For(jen.Id("i").Op(":=").Range().Id("rateLimitPolicies")).Block(
			jen.If(
				jen.List(jen.Id("g").Dot("rl").Index(jen.Id("i")), jen.Err()).Op("=").Qual(rl, "NewOp").Call(jen.Id("rateLimitPolicies").Index(jen.Id("i")), jen.Id("stores")),
				jen.Err().Op("!=").Nil(),
			).Block(jen.Return(jen.Err())),
		)
		b.Return(jen.Nil())
	})
}

// opID is the operation's name in keys and logs: its operationId, else
// its Go name.
func opID(o *ir.Operation) string {
	if o.OperationID != "" {
		return o.OperationID
	}
	return o.GoName
}

var _ stage = rateLimitStage{}

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
	for _, o := range s.api.Operations {
		if len(o.RateLimits) > 0 {
			return true
		}
	}
	return false
}

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
	gr.Id("rl").Index(jen.Len(jen.Id("rateLimitPolicies"))).Op("*").Qual(s.rt("ratelimit"), "Op").Comment("each limited operation's limits, by rl<Op>")
}

func (s rateLimitStage) setup(b *jen.Group) {
	b.If(jen.Err().Op(":=").Id("g").Dot("setupRateLimits").Call(jen.Id("cfg")), jen.Err().Op("!=").Nil()).Block(
		jen.Return(jen.Nil(), jen.Err()),
	)
}

func (s rateLimitStage) before(o *ir.Operation) []jen.Code {
	if len(o.RateLimits) == 0 {
		return nil
	}
	return []jen.Code{jen.If(jen.Op("!").Id("g").Dot("rl").Index(jen.Id(rlConst(o))).Dot("Admit").Call(jen.Id("ctx"), jen.Id("st").Dot("Consumer"))).Block(jen.Return())}
}

var rateKeyKinds = map[string]string{"client-ip": "ClientIP", "consumer": "Consumer", "header": "Header"}

func (s rateLimitStage) decls(f *jen.File) {
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

package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// corsStage answers cross-origin requests (runtime/cors) for operations
// with x-gateway cors. cors.go holds one policy per such operation and the
// preflight dispatch that Handle calls ahead of routing:
//
//	func (g *Gateway) preflight(ctx *fasthttp.RequestCtx, path []byte) bool {
//		if !cors.IsPreflight(ctx) {
//			return false
//		}
//		var args pathArgs
//		op, _ := route(cors.RequestedMethod(ctx), path, &args)
//		switch op {
//		case opGetPet:
//			g.cors[corsGetPet].Preflight(ctx)
//		default:
//			return false
//		}
//		return true
//	}
//
// A preflight is routed by the method it asks about, so it is answered
// from that operation's policy; one for a path or method without CORS
// goes on to the router (405 for OPTIONS). Each handler then starts with
//
//	defer cors.Vary(ctx)
//	if !g.cors[corsGetPet].Allow(ctx) {
//		return
//	}
type corsStage struct {
	noStage
	*gen
}

func (corsStage) file() string { return "cors.go" }

func (s corsStage) active() bool {
	for _, o := range s.api.Operations {
		if o.CORS != nil {
			return true
		}
	}
	return false
}

func corsIndex(o *ir.Operation) string { return "cors" + o.GoName }

func (s corsStage) fields(gr *jen.Group) {
	gr.Id("cors").Index(jen.Len(jen.Id("corsPolicies"))).Op("*").Qual(s.rt("cors"), "Policy").Comment("CORS, indexed as corsPolicies")
}

func (s corsStage) setup(b *jen.Group) {
	b.For(jen.Id("i").Op(":=").Range().Id("corsPolicies")).Block(
		jen.Id("g").Dot("cors").Index(jen.Id("i")).Op("=").Qual(s.rt("cors"), "New").Call(jen.Id("corsPolicies").Index(jen.Id("i"))),
	)
}

func (s corsStage) enter(o *ir.Operation) []jen.Code {
	if o.CORS == nil {
		return nil
	}
	return []jen.Code{jen.Defer().Qual(s.rt("cors"), "Vary").Call(jen.Id("ctx"))}
}

func (s corsStage) before(o *ir.Operation) []jen.Code {
	if o.CORS == nil {
		return nil
	}
	return []jen.Code{jen.If(jen.Op("!").Id("g").Dot("cors").Index(jen.Id(corsIndex(o))).Dot("Allow").Call(jen.Id("ctx"))).Block(jen.Return())}
}

func strs(xs []string) jen.Code {
	return jen.Index().String().ValuesFunc(func(g *jen.Group) {
		for _, x := range xs {
			g.Lit(x)
		}
	})
}

func (s corsStage) decls(f *jen.File) {
	var with []*ir.Operation
	for _, o := range s.api.Operations {
		if o.CORS != nil {
			with = append(with, o)
		}
	}
	comment(f, "Indexes of the operations with a CORS policy, in corsPolicies and Gateway.cors.")
	f.Const().DefsFunc(func(d *jen.Group) {
		for i, o := range with {
			if i == 0 {
				d.Id(corsIndex(o)).Op("=").Iota()
			} else {
				d.Id(corsIndex(o))
			}
		}
	})
	comment(f, "corsPolicies is the CORS policy (x-gateway cors) of each operation that has one.")
	f.Var().Id("corsPolicies").Op("=").Index(jen.Op("...")).Qual(s.rt("cors"), "Config").ValuesFunc(func(vg *jen.Group) {
		for _, o := range with {
			c := o.CORS
			vg.Line().Id(corsIndex(o)).Op(":").Values(jen.DictFunc(func(d jen.Dict) {
				d[jen.Id("Origins")] = strs(c.Origins)
				d[jen.Id("Methods")] = strs(c.Methods)
				if len(c.Headers) > 0 {
					d[jen.Id("Headers")] = strs(c.Headers)
				}
				if len(c.Expose) > 0 {
					d[jen.Id("Expose")] = strs(c.Expose)
				}
				if c.MaxAge > 0 {
					d[jen.Id("MaxAge")] = duration(c.MaxAge)
				}
				if c.Credentials {
					d[jen.Id("Credentials")] = jen.True()
				}
			}))
		}
		vg.Line()
	})
	comment(f, "preflight answers a CORS preflight for an operation with a policy, routed\nby the method it asks about; false leaves the request to the router.")
	f.Func().Params(jen.Id("g").Op("*").Id("Gateway")).Id("preflight").Params(
		jen.Id("ctx").Op("*").Qual(fasthttp, "RequestCtx"),
		jen.Id("path").Index().Byte(),
	).Bool().Block(
		jen.If(jen.Op("!").Qual(s.rt("cors"), "IsPreflight").Call(jen.Id("ctx"))).Block(jen.Return(jen.False())),
		jen.Var().Id("args").Id("pathArgs"),
		jen.List(jen.Id("op"), jen.Id("_")).Op(":=").Id("route").Call(jen.Qual(s.rt("cors"), "RequestedMethod").Call(jen.Id("ctx")), jen.Id("path"), jen.Op("&").Id("args")),
		jen.Switch(jen.Id("op")).BlockFunc(func(sw *jen.Group) {
			for _, o := range with {
				sw.Case(jen.Id(opConst(o))).Block(jen.Id("g").Dot("cors").Index(jen.Id(corsIndex(o))).Dot("Preflight").Call(jen.Id("ctx")))
			}
			sw.Default().Block(jen.Return(jen.False()))
		}),
		jen.Return(jen.True()),
	)
}

// hasCORS reports whether Handle must offer preflights to g.preflight.
func (g *gen) hasCORS() bool { return corsStage{gen: g}.active() }

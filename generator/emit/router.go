package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// router emits the operation constants and one function per node of the
// route tree. Each function matches what follows its segment:
//
//	func routePets(method, rest []byte, more bool, args *pathArgs) (opID, string) {
//		if !more {
//			switch string(method) {
//			case "GET", "HEAD":
//				return opListPets, ""
//			}
//			return opWrongMethod, "GET, HEAD, POST"
//		}
//		seg, rest, more := param.Next(rest, '/')
//		switch string(seg) {
//		case "mine":
//			if op, allow := routePetsMine(method, rest, more, args); op != opNone {
//				return op, allow
//			}
//		}
//		if len(seg) > 0 { args[0] = seg; ... routePetsX ... }
//		return opNone, ""
//	}
//
// Literal segments are tried before parameters and a failed branch falls back
// to the next, so /pets/mine/x still reaches /pets/{id}/x. Where a segment has
// several parameter shapes, a shape whose path lacks the method falls back
// too (its Allow kept for the 405 if none has it). Nothing allocates on a
// match: parameter values are sub-slices of the path.
func (g *gen) router(f *jen.File) {
	f.Comment("opID names an operation; opNone and opWrongMethod are the two misses.")
	f.Type().Id("opID").Uint16()
	f.Const().DefsFunc(func(d *jen.Group) {
		d.Id("opNone").Id("opID").Op("=").Iota()
		d.Id("opWrongMethod")
		for _, o := range g.api.Operations {
			d.Id(opConst(o)).Comment(o.Method + " " + o.Path)
		}
	})
	n := g.api.MaxPathParams
	if n == 0 {
		n = 1
	}
	comment(f, "pathArgs holds the raw, still percent-encoded path parameter values of\none request, in template order.")
	f.Type().Id("pathArgs").Index(jen.Lit(n)).Index().Byte()

	comment(f, "pathValue percent-decodes a raw path parameter for the upstream path; a\nmalformed escape was already rejected while decoding parameters.")
	f.Func().Id("pathValue").Params(jen.Id("raw").Index().Byte()).Index().Byte().Block(
		jen.List(jen.Id("v"), jen.Id("ok")).Op(":=").Qual(g.rt("param"), "Unescape").Call(jen.Id("raw"), jen.False()),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Id("raw"))),
		jen.Return(jen.Id("v")),
	)

	comment(f, "route resolves method and path (below the base path) to an operation;\nfor opWrongMethod it also returns the Allow header value.")
	f.Func().Id("route").Params(jen.List(jen.Id("method"), jen.Id("path")).Index().Byte(), jen.Id("args").Op("*").Id("pathArgs")).Params(jen.Id("opID"), jen.String()).Block(
		jen.If(jen.Len(jen.Id("path")).Op("==").Lit(0).Op("||").Id("path").Index(jen.Lit(0)).Op("!=").LitRune('/')).Block(
			jen.Return(jen.Id("opNone"), jen.Lit("")),
		),
		jen.Return(jen.Id(g.api.Routes.GoName).Call(jen.Id("method"), jen.Id("path").Index(jen.Lit(1).Op(":")), jen.True(), jen.Id("args"))),
	)
	g.node(f, g.api.Routes, "", 0)
}

func (g *gen) node(f *jen.File, n *ir.Node, tmpl string, depth int) {
	where := tmpl
	if where == "" {
		where = "(root)"
	}
	f.Comment(n.GoName + " matches what follows " + where + ".")
	f.Func().Id(n.GoName).Params(
		jen.List(jen.Id("method"), jen.Id("rest")).Index().Byte(),
		jen.Id("more").Bool(),
		jen.Id("args").Op("*").Id("pathArgs"),
	).Params(jen.Id("opID"), jen.String()).BlockFunc(func(b *jen.Group) {
		if len(n.Methods) > 0 {
			b.If(jen.Op("!").Id("more")).BlockFunc(func(ib *jen.Group) {
				ib.Switch(jen.String().Parens(jen.Id("method"))).BlockFunc(func(sw *jen.Group) {
					hasHead := false
					for _, r := range n.Methods {
						hasHead = hasHead || r.Method == "HEAD"
					}
					for _, r := range n.Methods {
						methods := []jen.Code{jen.Lit(r.Method)}
						if r.Method == "GET" && !hasHead {
							methods = append(methods, jen.Lit("HEAD"))
						}
						sw.Case(methods...).Block(jen.Return(jen.Id(opConst(r.Op)), jen.Lit("")))
					}
				})
				ib.Return(jen.Id("opWrongMethod"), jen.Lit(n.Allow))
			})
		} else {
			b.If(jen.Op("!").Id("more")).Block(jen.Return(jen.Id("opNone"), jen.Lit("")))
		}
		if len(n.Literals) == 0 && len(n.Params) == 0 {
			b.Return(jen.Id("opNone"), jen.Lit(""))
			return
		}
		b.List(jen.Id("seg"), jen.Id("rest"), jen.Id("more")).Op(":=").Qual(g.rt("param"), "Next").Call(jen.Id("rest"), jen.LitRune('/'))
		// A literal segment is the concrete path OpenAPI matches first, and
		// then the parameter shapes, most specific first. One whose path
		// lacks the method does not end the search (DELETE /pets/mine
		// reaches /pets/{id} when /pets/mine has only GET; POST-only
		// /{name}:cancel lets GET reach /{name}), as a template router
		// (gorilla/mux, which openapi3filter uses; chi) goes on past a
		// method mismatch; its 405 is kept, its Allow joined with the
		// others', for when none has the method.
		fallback := len(n.Params) > 1 || len(n.Params) > 0 && len(n.Literals) > 0
		if fallback {
			b.Var().Id("allow").String()
		}
		try := func(c *ir.Node) jen.Code {
			call := jen.Id(c.GoName).Call(jen.Id("method"), jen.Id("rest"), jen.Id("more"), jen.Id("args"))
			if !fallback {
				return jen.If(
					jen.List(jen.Id("op"), jen.Id("allow")).Op(":=").Add(call),
					jen.Id("op").Op("!=").Id("opNone"),
				).Block(jen.Return(jen.Id("op"), jen.Id("allow")))
			}
			// opNone and opWrongMethod are the two smallest opIDs.
			return jen.If(
				jen.List(jen.Id("op"), jen.Id("a")).Op(":=").Add(call),
				jen.Id("op").Op(">").Id("opWrongMethod"),
			).Block(jen.Return(jen.Id("op"), jen.Lit(""))).Else().If(jen.Id("op").Op("==").Id("opWrongMethod")).Block(
				jen.Id("allow").Op("=").Qual(g.rt("problem"), "JoinAllow").Call(jen.Id("allow"), jen.Id("a")),
			)
		}
		if len(n.Literals) > 0 {
			b.Switch(jen.String().Parens(jen.Id("seg"))).BlockFunc(func(sw *jen.Group) {
				for _, c := range n.Literals {
					sw.Case(jen.Lit(c.Literal)).Add(try(c))
				}
			})
		}
		for _, c := range n.Params {
			cond := jen.Len(jen.Id("seg")).Op(">").Lit(c.LiteralLen())
			val := jen.Id("seg")
			if c.Prefix != "" {
				cond = cond.Op("&&").Qual("bytes", "HasPrefix").Call(jen.Id("seg"), jen.Index().Byte().Parens(jen.Lit(c.Prefix)))
			}
			if c.Suffix != "" {
				cond = cond.Op("&&").Qual("bytes", "HasSuffix").Call(jen.Id("seg"), jen.Index().Byte().Parens(jen.Lit(c.Suffix)))
			}
			if c.Prefix != "" || c.Suffix != "" {
				val = jen.Id("seg").Index(jen.Lit(len(c.Prefix)).Op(":").Len(jen.Id("seg")).Op("-").Lit(len(c.Suffix)))
			}
			if len(c.Seps) > 0 {
				// Several parameters in one segment: SplitFields divides it
				// as a template router's regular expression would.
				seps := make([]jen.Code, len(c.Seps))
				for i, sep := range c.Seps {
					seps[i] = jen.Lit(sep)
				}
				cond = cond.Op("&&").Qual(g.rt("param"), "SplitFields").Call(val, jen.Index().String().Values(seps...),
					jen.Id("args").Index(jen.Lit(depth).Op(":").Lit(depth+len(c.Seps)+1)))
				b.If(cond).Block(try(c))
				continue
			}
			b.If(cond).Block(
				jen.Id("args").Index(jen.Lit(depth)).Op("=").Add(val),
				try(c),
			)
		}
		if fallback {
			b.If(jen.Id("allow").Op("!=").Lit("")).Block(jen.Return(jen.Id("opWrongMethod"), jen.Id("allow")))
		}
		b.Return(jen.Id("opNone"), jen.Lit(""))
	})
	for _, c := range n.Literals {
		g.node(f, c, tmpl+"/"+c.Literal, depth)
	}
	for _, c := range n.Params {
		g.node(f, c, tmpl+"/"+c.Shape(), depth+1+len(c.Seps))
	}
}

package emit

import (
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// checksResponses reports whether some operation checks its upstream's
// responses; responses.go is emitted only then.
func (g *gen) checksResponses() bool {
	for _, o := range g.api.Operations {
		if o.ResponseCheck != nil {
			return true
		}
	}
	return false
}

// responses emits, for every operation with response validation, the check
// its handler runs on a sampled upstream answer, and the accessor of the
// counters:
//
//	func (g *Gateway) ResponseStats() []contract.Stats { ... }
//
//	func checkGetPetResponse(ctx *fasthttp.RequestCtx, op *contract.Op) {
//		c := op.Begin(ctx)
//		if c == nil {
//			return // too large or compressed: counted, not read
//		}
//		switch c.Status {
//		case 200:
//			if c.HasBody() {
//				switch string(c.Type) {
//				case "application/json":
//					c.Validate(validatePet)
//				default:
//					c.WrongType("application/json")
//				}
//			}
//		default:
//			switch c.Status / 100 {
//			case 4:
//				// declared without content: the body is not checked
//			default:
//				c.Undeclared("200, 4XX")
//			}
//		}
//		c.Done()
//	}
//
// The schema validators are the request validators of bodies.go, asked for
// with g.validator, with locations below /response/body.
func (g *gen) responses(f *jen.File) {
	comment(f, "ResponseStats returns the response validation counters of every operation\nthat checks its upstream's answers (x-gateway response-validation), in\noperation order. Each call reads them anew.")
	f.Func().Params(jen.Id("g").Op("*").Id("Gateway")).Id("ResponseStats").Params().Index().Qual(g.rt("contract"), "Stats").Block(
		jen.Return(jen.Index().Qual(g.rt("contract"), "Stats").ValuesFunc(func(vg *jen.Group) {
			for _, o := range g.api.Operations {
				if o.ResponseCheck != nil {
					vg.Line().Id("g").Dot(respField(o)).Dot("Stats").Call()
				}
			}
			vg.Line()
		})),
	)
	for _, o := range g.api.Operations {
		if o.ResponseCheck != nil {
			g.responseCheck(f, o)
		}
	}
}

func (g *gen) responseCheck(f *jen.File, o *ir.Operation) {
	var exact, ranges []*ir.Response
	var def *ir.Response
	var declared []string
	for _, r := range o.Responses {
		switch {
		case r.Status == "default":
			def = r
		case len(r.Status) == 3 && '1' <= r.Status[0] && r.Status[0] <= '5' && r.Status[1:] == "XX":
			ranges = append(ranges, r)
		case len(r.Status) == 3 && strings.Trim(r.Status, "0123456789") == "":
			exact = append(exact, r)
		default:
			continue // not a status; the loader has reported it
		}
		declared = append(declared, r.Status)
	}
	if len(declared) == 0 {
		declared = []string{"none"}
	}
	comment(f, respCheck(o)+" checks a sampled upstream answer to "+o.Method+" "+o.Path+"\nagainst the responses the document declares ("+strings.Join(declared, ", ")+").")
	f.Func().Id(respCheck(o)).Params(
		jen.Id("ctx").Op("*").Qual(fasthttp, "RequestCtx"),
		jen.Id("op").Op("*").Qual(g.rt("contract"), "Op"),
	).BlockFunc(func(b *jen.Group) {
		b.Id("c").Op(":=").Id("op").Dot("Begin").Call(jen.Id("ctx"))
		b.If(jen.Id("c").Op("==").Nil()).Block(jen.Return().Comment("too large or compressed: counted, not read"))
		// fallback is what an answer matching no status or range gets.
		fallback := func(gr *jen.Group) {
			if def == nil {
				gr.Id("c").Dot("Undeclared").Call(jen.Lit(strings.Join(declared, ", ")))
				return
			}
			body, note := g.responseBody(o, def)
			if note != "" {
				gr.Comment(note)
			}
			for _, c := range body {
				gr.Add(c)
			}
		}
		// cases adds one case per declared response, the note of one
		// without anything to check above its case.
		cases := func(sw *jen.Group, rs []*ir.Response, value func(*ir.Response) jen.Code) {
			for _, r := range rs {
				body, note := g.responseBody(o, r)
				if note != "" {
					sw.Comment(note)
				}
				sw.Case(value(r)).Block(body...)
			}
		}
		otherwise := fallback
		if len(ranges) > 0 {
			otherwise = func(gr *jen.Group) {
				gr.Switch(jen.Id("c").Dot("Status").Op("/").Lit(100)).BlockFunc(func(sw *jen.Group) {
					cases(sw, ranges, func(r *ir.Response) jen.Code { return jen.Lit(int(r.Status[0] - '0')) })
					sw.Default().BlockFunc(fallback)
				})
			}
		}
		if len(exact) > 0 {
			b.Switch(jen.Id("c").Dot("Status")).BlockFunc(func(sw *jen.Group) {
				cases(sw, exact, func(r *ir.Response) jen.Code { return jen.Id(r.Status) })
				sw.Default().BlockFunc(otherwise)
			})
		} else {
			otherwise(b)
		}
		b.Id("c").Dot("Done").Call()
	})
}

// responseBody returns the statements checking the Content-Type and body of
// an answer that matched the declared response r, or a note saying why there
// is nothing to check, for a comment in place of statements.
func (g *gen) responseBody(o *ir.Operation, r *ir.Response) ([]jen.Code, string) {
	if len(r.Media) == 0 {
		return nil, r.Status + " is declared without content: the body is not checked"
	}
	var exact []*ir.Media
	var prefixes, allowed []string
	anyType, anyJSON := false, false
	for _, m := range r.Media {
		allowed = append(allowed, m.ContentType)
		switch {
		case m.ContentType == "*/*":
			anyType = true
		case strings.HasSuffix(m.ContentType, "/*"):
			prefixes = append(prefixes, strings.TrimSuffix(m.ContentType, "*"))
		default:
			exact = append(exact, m)
			anyJSON = anyJSON || m.JSON
		}
	}
	if anyType && !anyJSON {
		return nil, r.Status + " is declared as */*: any body is accepted"
	}
	validate := func(m *ir.Media) []jen.Code {
		if !m.JSON {
			return nil
		}
		if m.Schema == nil {
			return []jen.Code{jen.Id("c").Dot("Validate").Call(jen.Nil()).Comment("JSON without a schema: syntax only")}
		}
		name := "validate" + o.GoName + "Response" + statusName(r.Status)
		if len(r.Media) > 1 {
			name += mediaName(m.ContentType)
		}
		return []jen.Code{jen.Id("c").Dot("Validate").Call(jen.Id(g.responseValidator(m.Schema, name)))}
	}
	// Any other type: the ranges (text/*) accept it by prefix, */* as it is.
	var other []jen.Code
	if !anyType {
		wrong := jen.Id("c").Dot("WrongType").Call(jen.Lit(strings.Join(allowed, ", ")))
		if len(prefixes) == 0 {
			other = []jen.Code{wrong}
		} else {
			var cond *jen.Statement
			for i, p := range prefixes {
				has := jen.Qual("bytes", "HasPrefix").Call(jen.Id("c").Dot("Type"), jen.Index().Byte().Parens(jen.Lit(p)))
				if i == 0 {
					cond = jen.Op("!").Add(has)
				} else {
					cond = cond.Op("&&").Op("!").Add(has)
				}
			}
			other = []jen.Code{jen.If(cond).Block(wrong)}
		}
	}
	var check []jen.Code
	if len(exact) == 0 {
		check = other
	} else {
		check = []jen.Code{jen.Switch(jen.String().Parens(jen.Id("c").Dot("Type"))).BlockFunc(func(sw *jen.Group) {
			for _, m := range exact {
				sw.Case(jen.Lit(m.ContentType)).Block(validate(m)...)
			}
			if len(other) > 0 {
				sw.Default().Block(other...)
			}
		})}
	}
	return []jen.Code{jen.If(jen.Id("c").Dot("HasBody").Call()).Block(check...)}, ""
}

// statusName makes a declared status part of a Go name: "200", "4XX", "Default".
func statusName(s string) string {
	if s == "default" {
		return "Default"
	}
	return s
}

// respField names the Gateway field holding an operation's response checker.
func respField(o *ir.Operation) string { return "resp" + o.GoName }

// respCheck names the generated check of an operation's responses.
func respCheck(o *ir.Operation) string { return "check" + o.GoName + "Response" }

// respOpName is how logs and counters name the operation: its operationId
// when it has one, else its Go name.
func respOpName(o *ir.Operation) string {
	if o.OperationID != "" {
		return o.OperationID
	}
	return o.GoName
}

// responseCheckers returns the Gateway struct fields and the statements of
// New that build each operation's response checker.
func (g *gen) responseCheckers() (fields, build []jen.Code) {
	for _, o := range g.api.Operations {
		rc := o.ResponseCheck
		if rc == nil {
			continue
		}
		fields = append(fields, jen.Id(respField(o)).Op("*").Qual(g.rt("contract"), "Op").Comment("response validation of "+o.Method+" "+o.Path))
		build = append(build, jen.Id("g").Dot(respField(o)).Op("=").Qual(g.rt("contract"), "New").Call(
			jen.Qual(g.rt("contract"), "Config").Values(jen.DictFunc(func(d jen.Dict) {
				d[jen.Id("Gateway")] = jen.Lit(g.api.Name + "-gateway")
				d[jen.Id("Op")] = jen.Lit(respOpName(o))
				d[jen.Id("Method")] = jen.Lit(o.Method)
				d[jen.Id("Path")] = jen.Lit(o.Path)
				d[jen.Id("Sample")] = jen.Lit(rc.Sample)
				d[jen.Id("MaxBody")] = jen.Lit(int(rc.MaxBody))
			})),
		))
	}
	return fields, build
}

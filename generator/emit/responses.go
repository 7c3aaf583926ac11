package emit

import (
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// responseStage checks a sample of the upstream's answers against the
// responses the document declares (x-gateway response-validation), after
// the fact: the client gets the answer as it is either way. Its file,
// responses.go, holds one checker configuration per operation in a table,
// the check functions and the accessor of the counters:
//
//	const (
//		respListPets = iota
//		...
//	)
//	var responseChecks = [...]contract.Config{
//		respListPets: {Gateway: "petstore-gateway", Op: "listPets", Method: "GET", Path: "/pets", Sample: 0.1, MaxBody: 65536},
//		...
//	}
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
// Operations that declare the same answers share one check function
// (responseCheckNames). The Gateway keeps the checkers in an array indexed
// like the table,
//
//	resp [len(responseChecks)]*contract.Op
//
// which New fills in one loop, and a handler ends with
//
//	answered := g.upPets.Forward(ctx, st.Path, 500*time.Millisecond)
//	if answered && g.resp[respGetPet].Sample() {
//		checkGetPetResponse(ctx, g.resp[respGetPet])
//	}
//
// The schema validators are the request validators of validators.go, asked for
// with g.responseValidator, with locations below /response/body.
type responseStage struct {
	noStage
	*gen
}

func (responseStage) file() string { return "responses.go" }

func (s responseStage) active() bool {
	for _, o := range s.api.Operations {
		if o.ResponseCheck != nil {
			return true
		}
	}
	return false
}

func (s responseStage) fields(gr *jen.Group) {
	gr.Id("resp").Index(jen.Len(jen.Id("responseChecks"))).Op("*").Qual(s.rt("contract"), "Op").Comment("response validation, indexed as responseChecks")
}

func (s responseStage) setup(b *jen.Group) {
	b.For(jen.Id("i").Op(":=").Range().Id("responseChecks")).Block(
		jen.Id("g").Dot("resp").Index(jen.Id("i")).Op("=").Qual(s.rt("contract"), "New").Call(jen.Id("responseChecks").Index(jen.Id("i"))),
	)
}

func (s responseStage) after(o *ir.Operation, answered jen.Code) []jen.Code {
	if o.ResponseCheck == nil {
		return nil
	}
	op := jen.Id("g").Dot("resp").Index(jen.Id(respIndex(o)))
	return []jen.Code{jen.If(jen.Add(answered).Op("&&").Add(op.Clone()).Dot("Sample").Call()).Block(
		jen.Id(s.respChecks[o]).Call(jen.Id("ctx"), op),
	)}
}

func (s responseStage) decls(f *jen.File) {
	var checked []*ir.Operation
	for _, o := range s.api.Operations {
		if o.ResponseCheck != nil {
			checked = append(checked, o)
		}
	}
	comment(f, "Indexes of the operations that check their upstream's answers, in\nresponseChecks and Gateway.resp.")
	f.Const().DefsFunc(func(d *jen.Group) {
		for i, o := range checked {
			if i == 0 {
				d.Id(respIndex(o)).Op("=").Iota()
			} else {
				d.Id(respIndex(o))
			}
		}
	})
	comment(f, "responseChecks configures the response validation (x-gateway\nresponse-validation) of each operation that has it.")
	f.Var().Id("responseChecks").Op("=").Index(jen.Op("...")).Qual(s.rt("contract"), "Config").ValuesFunc(func(vg *jen.Group) {
		for _, o := range checked {
			rc := o.ResponseCheck
			vg.Line().Id(respIndex(o)).Op(":").Values(
				jen.Id("Gateway").Op(":").Lit(s.api.Name+"-gateway"),
				jen.Id("Op").Op(":").Lit(respOpName(o)),
				jen.Id("Method").Op(":").Lit(o.Method),
				jen.Id("Path").Op(":").Lit(o.Path),
				jen.Id("Sample").Op(":").Lit(rc.Sample),
				jen.Id("MaxBody").Op(":").Lit(int(rc.MaxBody)),
			)
		}
		vg.Line()
	})
	comment(f, "ResponseStats returns the response validation counters of every operation\nthat checks its upstream's answers (x-gateway response-validation), in\noperation order. Each call reads them anew.")
	f.Func().Params(jen.Id("g").Op("*").Id("Gateway")).Id("ResponseStats").Params().Index().Qual(s.rt("contract"), "Stats").Block(
		jen.Id("stats").Op(":=").Make(jen.Index().Qual(s.rt("contract"), "Stats"), jen.Len(jen.Id("g").Dot("resp"))),
		jen.For(jen.List(jen.Id("i"), jen.Id("op")).Op(":=").Range().Id("g").Dot("resp")).Block(
			jen.Id("stats").Index(jen.Id("i")).Op("=").Id("op").Dot("Stats").Call(),
		),
		jen.Return(jen.Id("stats")),
	)
	done := map[string]bool{}
	for _, o := range checked {
		if name := s.respChecks[o]; !done[name] {
			done[name] = true
			s.responseCheck(f, o)
		}
	}
}

// responseCheckNames names the check function of each operation whose
// answers are checked. Operations that declare the same responses (the
// same statuses, media types and schemas, as a list and a search of one
// resource do) share one, named after the first.
func (g *gen) responseCheckNames() map[*ir.Operation]string {
	names := map[*ir.Operation]string{}
	byKey := map[string]string{}
	for _, o := range g.api.Operations {
		if o.ResponseCheck == nil {
			continue
		}
		var k strings.Builder
		for _, r := range o.Responses {
			k.WriteString(r.Status + "\n")
			for _, m := range r.Media {
				k.WriteString(m.ContentType + " " + strconv.FormatBool(m.JSON) + " ")
				if m.Schema != nil {
					k.WriteString(g.schemas.canonical(m.Schema))
				}
				k.WriteString("\n")
			}
		}
		key := k.String()
		if _, ok := byKey[key]; !ok {
			byKey[key] = respCheck(o)
		}
		names[o] = byKey[key]
	}
	return names
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
	name := g.respChecks[o]
	var users []string
	for _, x := range g.api.Operations {
		if x.ResponseCheck != nil && g.respChecks[x] == name {
			users = append(users, x.Method+" "+x.Path)
		}
	}
	to := users[0]
	if n := len(users); n > 1 {
		to = "\n" + strings.Join(users[:n-1], ", ") + " and " + users[n-1] + "\n"
	} else {
		to += "\n"
	}
	comment(f, name+" checks a sampled upstream answer to "+to+"against the responses the document declares ("+strings.Join(declared, ", ")+").")
	f.Func().Id(name).Params(
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

// respIndex names an operation's place in responseChecks and Gateway.resp.
func respIndex(o *ir.Operation) string { return "resp" + o.GoName }

// respCheck names the generated check of an operation's responses, before
// operations that declare the same ones share it (responseCheckNames).
func respCheck(o *ir.Operation) string { return "check" + o.GoName + "Response" }

// respOpName is how logs and counters name the operation: its operationId
// when it has one, else its Go name.
func respOpName(o *ir.Operation) string {
	if o.OperationID != "" {
		return o.OperationID
	}
	return o.GoName
}

package emit

import (
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// transformStage changes the request before it is proxied and the
// upstream's answer after it (x-gateway request-headers, request-query,
// response-headers), each operation through functions of its own:
//
//	transformGetPetRequest(ctx, args, st)
//	...
//	answered := g.upPets.Forward(ctx, st.Path, 500*time.Millisecond)
//	if answered {
//		transformGetPetResponse(ctx, args, st)
//	}
//
// It sits ahead of the cache, so that stored answers are transformed ones.
type transformStage struct {
	noStage
	*gen
}

func (transformStage) file() string { return "transforms.go" }

func (s transformStage) active() bool {
	for _, o := range s.api.Operations {
		if o.Transform != nil {
			return true
		}
	}
	return false
}

func requestTransforms(t *ir.Transform) bool {
	return t != nil && len(t.RequestSet)+len(t.RequestAdd)+len(t.RequestRemove)+len(t.QuerySet)+len(t.QueryAdd)+len(t.QueryRemove) > 0
}

func responseTransforms(t *ir.Transform) bool {
	return t != nil && len(t.ResponseSet)+len(t.ResponseAdd)+len(t.ResponseRemove) > 0
}

func (s transformStage) before(o *ir.Operation) []jen.Code {
	if !requestTransforms(o.Transform) {
		return nil
	}
	return []jen.Code{jen.Id("transform"+o.GoName+"Request").Call(jen.Id("ctx"), jen.Id("args"), jen.Id("st"))}
}

func (s transformStage) after(o *ir.Operation, answered jen.Code) []jen.Code {
	if !responseTransforms(o.Transform) {
		return nil
	}
	return []jen.Code{jen.If(answered).Block(jen.Id("transform"+o.GoName+"Response").Call(jen.Id("ctx"), jen.Id("args"), jen.Id("st")))}
}

func (s transformStage) decls(f *jen.File) {
	for _, o := range s.api.Operations {
		t := o.Transform
		if requestTransforms(t) {
			comment(f, "transform"+o.GoName+"Request changes the request of "+o.Method+" "+o.Path+" before it is\nproxied (x-gateway request-headers, request-query).")
			s.transformFunc(f, o, "Request", func(b *jen.Group) {
				if len(t.RequestSet)+len(t.RequestAdd)+len(t.RequestRemove) > 0 {
					b.Id("h").Op(":=").Op("&").Id("ctx").Dot("Request").Dot("Header")
					s.fieldSteps(b, o, jen.Id("h"), t.RequestRemove, t.RequestSet, t.RequestAdd)
				}
				if len(t.QuerySet)+len(t.QueryAdd)+len(t.QueryRemove) > 0 {
					b.Id("q").Op(":=").Id("ctx").Dot("QueryArgs").Call()
					s.fieldSteps(b, o, jen.Id("q"), t.QueryRemove, t.QuerySet, t.QueryAdd)
					b.Id("st").Dot("Scratch").Op("=").Qual(s.rt("transform"), "SyncQuery").Call(jen.Id("ctx"), jen.Id("st").Dot("Scratch"))
				}
			})
		}
		if responseTransforms(t) {
			comment(f, "transform"+o.GoName+"Response changes the upstream's answer to "+o.Method+" "+o.Path+"\n(x-gateway response-headers).")
			s.transformFunc(f, o, "Response", func(b *jen.Group) {
				b.Id("h").Op(":=").Op("&").Id("ctx").Dot("Response").Dot("Header")
				s.fieldSteps(b, o, jen.Id("h"), t.ResponseRemove, t.ResponseSet, t.ResponseAdd)
			})
		}
	}
}

func (s transformStage) transformFunc(f *jen.File, o *ir.Operation, which string, body func(*jen.Group)) {
	f.Func().Id("transform"+o.GoName+which).Params(
		jen.Id("ctx").Op("*").Qual(fasthttp, "RequestCtx"),
		jen.Id("args").Op("*").Id("pathArgs"),
		jen.Id("st").Op("*").Qual(s.rt("request"), "State"),
	).BlockFunc(body)
}

// fieldSteps removes, sets and adds fields on dst (a request or response
// header, or the query arguments: all three have Del, Set, Add and their
// Bytes forms). A literal value is set as a string constant; one with
// variables is built in st.Scratch.
func (s transformStage) fieldSteps(b *jen.Group, o *ir.Operation, dst *jen.Statement, remove []string, set, add []ir.Assign) {
	for _, n := range remove {
		b.Add(dst.Clone()).Dot("Del").Call(jen.Lit(n))
	}
	for i, group := range [][]ir.Assign{set, add} {
		verb := [2]string{"Set", "Add"}[i]
		for _, a := range group {
			if lit, ok := literal(a.Value); ok {
				b.Add(dst.Clone()).Dot(verb).Call(jen.Lit(a.Name), jen.Lit(lit))
				continue
			}
			b.Id("st").Dot("Scratch").Op("=").Id("st").Dot("Scratch").Index(jen.Empty(), jen.Lit(0))
			for _, p := range a.Value {
				b.Id("st").Dot("Scratch").Op("=").Add(s.appendPart(o, p))
			}
			b.Add(dst.Clone()).Dot(verb+"BytesV").Call(jen.Lit(a.Name), jen.Id("st").Dot("Scratch"))
		}
	}
}

// literal reports whether value has no variable, and its text.
func literal(value []ir.ValuePart) (string, bool) {
	var sb strings.Builder
	for _, p := range value {
		if p.Var != "" {
			return "", false
		}
		sb.WriteString(p.Lit)
	}
	return sb.String(), true
}

// appendPart returns the expression appending p to st.Scratch. Values
// taken from the request go through transform.AppendSafe, so that none
// can break a header line.
func (s transformStage) appendPart(o *ir.Operation, p ir.ValuePart) jen.Code {
	scratch := jen.Id("st").Dot("Scratch")
	safe := func(v jen.Code) jen.Code { return jen.Qual(s.rt("transform"), "AppendSafe").Call(scratch.Clone(), v) }
	switch p.Var {
	case "":
		return jen.Append(scratch.Clone(), jen.Lit(p.Lit).Op("..."))
	case "path":
		return safe(jen.Id("pathValue").Call(jen.Id("args").Index(jen.Lit(p.Param))))
	case "query":
		return safe(jen.Id("ctx").Dot("QueryArgs").Call().Dot("Peek").Call(jen.Lit(p.Name)))
	case "header":
		return safe(jen.Id("ctx").Dot("Request").Dot("Header").Dot("Peek").Call(jen.Lit(p.Name)))
	case "consumer":
		return jen.Qual(s.rt("transform"), "AppendSafeString").Call(scratch.Clone(), jen.Id("st").Dot("Consumer"))
	case "request-id":
		return jen.Append(scratch.Clone(), jen.Qual(s.rt("requestid"), "Ensure").Call(jen.Id("ctx")).Op("..."))
	case "method":
		return jen.Append(scratch.Clone(), jen.Id("ctx").Dot("Method").Call().Op("..."))
	}
	panic("emit: unknown template variable " + p.Var)
}

var _ stage = transformStage{}

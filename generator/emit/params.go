package emit

import (
	"strconv"

	"github.com/dave/jennifer/jen"
	json "github.com/goccy/go-json"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// params emits, per operation with parameters, a typed struct and its
// decoder:
//
//	type ListPetsParams struct {
//		Limit int64 // query "limit"
//		...
//	}
//	func (p *ListPetsParams) decode(ctx *fasthttp.RequestCtx, args *pathArgs, errs *problem.Errors) {
//		q := ctx.QueryArgs()
//		if q.Has("limit") { v := q.Peek("limit"); ...checks... } else { p.Limit = 20 }
//	}
//
// Each parameter is one straight-line block; the first broken rule of a
// parameter is reported at its location ("query.limit"), and decoding goes
// on so that one response lists every bad parameter.
func (g *gen) params(f *jen.File) {
	for _, o := range g.api.Operations {
		if len(o.Params) == 0 {
			continue
		}
		name := o.GoName + "Params"
		comment(f, name+" are the parameters of "+o.Method+" "+o.Path+". Strings and\nslices alias the request and its scratch state: they are valid only until\nthe handler returns.")
		f.Type().Id(name).StructFunc(func(st *jen.Group) {
			for _, p := range o.Params {
				st.Id(p.GoName).Add(g.paramType(p)).Comment(p.In + " " + strconv.Quote(p.Name))
			}
		})
		f.Comment("decode fills p from the request and reports every broken rule to st.Errs.")
		f.Func().Params(jen.Id("p").Op("*").Id(name)).Id("decode").Params(
			jen.Id("ctx").Op("*").Qual(fasthttp, "RequestCtx"),
			jen.Id("args").Op("*").Id("pathArgs"),
			jen.Id("st").Op("*").Qual(g.rt("request"), "State"),
		).BlockFunc(func(b *jen.Group) {
			usesQuery := false
			for _, p := range o.Params {
				usesQuery = usesQuery || p.In == ir.InQuery
			}
			if usesQuery {
				b.Id("q").Op(":=").Id("ctx").Dot("QueryArgs").Call()
			}
			for _, p := range o.Params {
				b.Comment(p.In + " " + strconv.Quote(p.Name))
				b.Add(g.decodeParam(o, p))
			}
		})
	}
}

// scalarOf is how a parameter's (or item's) value is decoded.
func scalarOf(s *ir.Schema) scalar {
	switch {
	case s.Type == ir.TAny:
		return kStr
	case s.Type.Has(ir.TString):
		return kStr
	case s.Type&ir.TNumber != 0:
		return kNum
	case s.Type&ir.TInteger != 0:
		return kInt
	case s.Type&ir.TBoolean != 0:
		return kBool
	}
	return kStr
}

func goScalar(k scalar) jen.Code {
	switch k {
	case kInt:
		return jen.Int64()
	case kNum:
		return jen.Float64()
	case kBool:
		return jen.Bool()
	}
	return jen.String()
}

func isArray(p *ir.Param) bool {
	return p.Schema.Type&ir.TArray != 0 && p.Schema.Type&^(ir.TArray|ir.TNull) == 0 && p.Style != "unchecked"
}

func (g *gen) paramType(p *ir.Param) jen.Code {
	if isArray(p) {
		return jen.Index().Add(goScalar(scalarOf(itemsOf(p.Schema))))
	}
	t := goScalar(scalarOf(p.Schema))
	if p.Required || p.Schema.Default != "" {
		return t
	}
	return jen.Qual(g.rt("param"), "Opt").Types(t)
}

func itemsOf(s *ir.Schema) *ir.Schema {
	if s.Items != nil {
		return s.Items
	}
	return &ir.Schema{}
}

// decodeParam emits one parameter's block: fetch the raw value, then
// decode and check it, or handle its absence.
//
//	if v := q.Peek("limit"); q.Has("limit") { ...checks... } else { p.Limit = 20 }
func (g *gen) decodeParam(o *ir.Operation, p *ir.Param) jen.Code {
	loc := p.Location()
	add := func(rule string, detail jen.Code) jen.Code {
		return jen.Id("st").Dot("Errs").Dot("Add").Call(jen.Lit(loc), jen.Lit(rule), detail)
	}
	field := jen.Id("p").Dot(p.GoName)
	var body []jen.Code
	if isArray(p) {
		body = g.decodeArray(p, add)
	} else {
		set := func(x jen.Code) jen.Code {
			if p.Required || p.Schema.Default != "" {
				return jen.Add(field.Clone()).Op("=").Add(x)
			}
			return jen.Add(field.Clone()).Op("=").Qual(g.rt("param"), "Opt").Types(goScalar(scalarOf(p.Schema))).Values(
				jen.Id("V").Op(":").Add(x), jen.Id("Set").Op(":").True())
		}
		body = g.decodeScalar(p.Schema, jen.Id("v"), add, set)
	}
	var head []jen.Code
	switch p.In {
	case ir.InPath:
		// The value is present by routing; only its escapes can be wrong.
		arg := jen.Id("args").Index(jen.Lit(pathIndex(o, p)))
		return jen.If(
			jen.List(jen.Id("v"), jen.Id("ok")).Op(":=").Qual(g.rt("param"), "Unescape").Call(arg, jen.False()),
			jen.Op("!").Id("ok"),
		).Block(
			add("type", jen.Lit("malformed percent-encoding in ").Op("+").Qual(g.rt("param"), "Quote").Call(arg.Clone())),
		).Else().Block(body...)
	case ir.InQuery:
		if isArray(p) && p.Explode {
			head = []jen.Code{jen.Id("q").Dot("Has").Call(jen.Lit(p.Name))} // values come from q.All
			break
		}
		// A single-valued parameter given twice is rejected, not resolved.
		body = []jen.Code{jen.If(jen.Id("repeated")).Block(
			add("repeated", jen.Lit("must be given at most once")),
		).Else().Block(body...)}
		head = []jen.Code{
			jen.List(jen.Id("v"), jen.Id("ok"), jen.Id("repeated")).Op(":=").Qual(g.rt("param"), "Query").Call(jen.Id("q"), jen.Lit(p.Name)),
			jen.Id("ok"),
		}
	case ir.InHeader:
		// Every line of the header counts: an array takes the items of all of
		// them (RFC 9110 §5.3), a single value given twice is rejected.
		head = []jen.Code{jen.Id("vs").Op(":=").Id("ctx").Dot("Request").Dot("Header").Dot("PeekAll").Call(jen.Lit(p.Name)), jen.Len(jen.Id("vs")).Op(">").Lit(0)}
		if !isArray(p) {
			body = []jen.Code{jen.If(jen.Len(jen.Id("vs")).Op(">").Lit(1)).Block(
				add("repeated", jen.Lit("must be given at most once")),
			).Else().Block(append([]jen.Code{jen.Id("v").Op(":=").Id("vs").Index(jen.Lit(0))}, body...)...)}
		}
	default:
		body = []jen.Code{jen.If(jen.Id("repeated")).Block(
			add("repeated", jen.Lit("must be given at most once")),
		).Else().Block(body...)}
		head = []jen.Code{
			jen.List(jen.Id("v"), jen.Id("ok"), jen.Id("repeated")).Op(":=").Qual(g.rt("param"), "Cookie").Call(jen.Op("&").Id("ctx").Dot("Request").Dot("Header"), jen.Lit(p.Name)),
			jen.Id("ok"),
		}
	}
	stmt := jen.If(head...).Block(body...)
	if missing := g.missing(p, field, add); missing != nil {
		stmt = stmt.Else().Block(missing)
	}
	return stmt
}

func pathIndex(o *ir.Operation, p *ir.Param) int {
	for j, n := range o.PathParams {
		if n == p.Name {
			return j
		}
	}
	return 0
}

// missing is what an absent parameter does: fail when required, take the
// default when there is one.
func (g *gen) missing(p *ir.Param, field *jen.Statement, add func(string, jen.Code) jen.Code) jen.Code {
	if p.Required {
		return add("required", jen.Lit("missing required "+p.In+" parameter "+strconv.Quote(p.Name)))
	}
	if p.Schema.Default == "" {
		return nil
	}
	var v any
	if json.Unmarshal([]byte(p.Schema.Default), &v) != nil {
		return nil
	}
	if isArray(p) {
		arr, ok := v.([]any)
		if !ok {
			return nil
		}
		k := scalarOf(itemsOf(p.Schema))
		vals := make([]jen.Code, 0, len(arr))
		for _, e := range arr {
			if c := scalarLit(k, e); c != nil {
				vals = append(vals, c)
			}
		}
		return jen.Add(field.Clone()).Op("=").Index().Add(goScalar(k)).Values(vals...)
	}
	if c := scalarLit(scalarOf(p.Schema), v); c != nil {
		return jen.Add(field.Clone()).Op("=").Add(c)
	}
	return nil
}

func scalarLit(k scalar, v any) jen.Code {
	switch k {
	case kInt:
		if f, ok := v.(float64); ok {
			return jen.Lit(int(f))
		}
	case kNum:
		if f, ok := v.(float64); ok {
			return jen.Lit(f)
		}
	case kBool:
		if b, ok := v.(bool); ok {
			return jen.Lit(b)
		}
	default:
		switch x := v.(type) {
		case string:
			return jen.Lit(x)
		case float64:
			return jen.Lit(strconv.FormatFloat(x, 'g', -1, 64))
		case bool:
			return jen.Lit(strconv.FormatBool(x))
		}
	}
	return nil
}

// decodeScalar converts raw (a []byte expression) to the schema's kind,
// checks it and calls set with the converted value.
func (g *gen) decodeScalar(s *ir.Schema, raw jen.Code, add func(string, jen.Code) jen.Code, set func(jen.Code) jen.Code) []jen.Code {
	x := jen.Id("x")
	switch k := scalarOf(s); k {
	case kInt, kNum:
		parse, want := "ParseInt", "expected an integer, found "
		if k == kNum {
			parse, want = "ParseFloat", "expected a number, found "
		}
		cs := append([]check{{jen.Op("!").Id("ok"), "type", jen.Lit(want).Op("+").Qual(g.rt("param"), "Quote").Call(raw)}}, g.numChecks(s, k, x)...)
		return []jen.Code{
			jen.List(jen.Id("x"), jen.Id("ok")).Op(":=").Qual(g.rt("param"), parse).Call(raw),
			chain(cs, add, []jen.Code{set(x)}),
		}
	case kBool:
		cs := append([]check{{jen.Op("!").Id("ok"), "type", jen.Lit("expected true or false, found ").Op("+").Qual(g.rt("param"), "Quote").Call(raw)}}, g.boolChecks(s, x)...)
		return []jen.Code{
			jen.List(jen.Id("x"), jen.Id("ok")).Op(":=").Qual(g.rt("param"), "ParseBool").Call(raw),
			chain(cs, add, []jen.Code{set(x)}),
		}
	default:
		return []jen.Code{chain(g.strChecks(s, raw), add, []jen.Code{set(jen.Qual(g.rt("param"), "S").Call(raw))})}
	}
}

// decodeArray splits the raw value per the parameter's style and checks
// each item and the item count.
func (g *gen) decodeArray(p *ir.Param, add func(string, jen.Code) jen.Code) []jen.Code {
	items := itemsOf(p.Schema)
	k := scalarOf(items)
	arena := jen.Id("st").Dot(arenaOf(k))
	field := jen.Id("p").Dot(p.GoName)
	itemAdd := func(rule string, detail jen.Code) jen.Code {
		return jen.Id("st").Dot("Errs").Dot("Add").Call(
			jen.Lit(p.Location()+"[").Op("+").Qual("strconv", "Itoa").Call(jen.Len(arena.Clone()).Op("-").Id("base")).Op("+").Lit("]"),
			jen.Lit(rule), detail)
	}
	appendItem := func(x jen.Code) jen.Code {
		return jen.Add(arena.Clone()).Op("=").Append(arena.Clone(), x)
	}
	// A failed item still takes its place, so later items keep their index.
	each := func(raw jen.Code) []jen.Code {
		return g.decodeScalar(items, raw, func(rule string, detail jen.Code) jen.Code {
			return jen.Add(itemAdd(rule, detail)).Line().Add(appendItem(zeroOf(k)))
		}, appendItem)
	}
	out := []jen.Code{jen.Id("base").Op(":=").Len(arena.Clone())}
	if p.In == ir.InQuery && p.Explode {
		// form, explode: ?tag=a&tag=b
		out = append(out, jen.For(jen.List(jen.Id("k"), jen.Id("v")).Op(":=").Range().Id("q").Dot("All").Call()).Block(
			append([]jen.Code{jen.If(jen.String().Parens(jen.Id("k")).Op("!=").Lit(p.Name)).Block(jen.Continue())}, each(jen.Id("v"))...)...,
		))
	} else if p.In == ir.InHeader {
		// simple, over every line of the header: "a, b" and "c"
		out = append(out, jen.For(jen.List(jen.Id("_"), jen.Id("line")).Op(":=").Range().Id("vs")).Block(
			jen.For(jen.List(jen.Id("rest"), jen.Id("more")).Op(":=").List(jen.Id("line"), jen.True()), jen.Id("more"), jen.Empty()).Block(
				append([]jen.Code{
					jen.Var().Id("item").Index().Byte(),
					jen.List(jen.Id("item"), jen.Id("rest"), jen.Id("more")).Op("=").Qual(g.rt("param"), "Next").Call(jen.Id("rest"), jen.LitRune(',')),
					jen.Id("item").Op("=").Qual(g.rt("param"), "TrimOWS").Call(jen.Id("item")),
				}, each(jen.Id("item"))...)...,
			),
		))
	} else {
		// simple, or form without explode: a,b,c
		out = append(out, jen.For(jen.List(jen.Id("rest"), jen.Id("more")).Op(":=").List(jen.Id("v"), jen.True()), jen.Id("more"), jen.Empty()).Block(
			append([]jen.Code{
				jen.Var().Id("item").Index().Byte(),
				jen.List(jen.Id("item"), jen.Id("rest"), jen.Id("more")).Op("=").Qual(g.rt("param"), "Next").Call(jen.Id("rest"), jen.LitRune(',')),
			}, each(jen.Id("item"))...)...,
		))
	}
	out = append(out, jen.Add(field.Clone()).Op("=").Add(arena.Clone()).Index(jen.Id("base").Op(":").Len(arena.Clone()).Op(":").Len(arena.Clone())))
	count := jen.Len(field.Clone())
	if n := p.Schema.MinItems; n != nil && *n > 0 {
		out = append(out, jen.If(jen.Add(count).Op("<").Lit(int(*n))).Block(
			add("minItems", jen.Lit("must have at least "+strconv.FormatInt(*n, 10)+" items, found ").Op("+").Qual("strconv", "Itoa").Call(count)),
		))
	}
	if n := p.Schema.MaxItems; n != nil {
		out = append(out, jen.If(jen.Add(count).Op(">").Lit(int(*n))).Block(
			add("maxItems", jen.Lit("must have at most "+strconv.FormatInt(*n, 10)+" items, found ").Op("+").Qual("strconv", "Itoa").Call(count)),
		))
	}
	return out
}

// arenaOf names the request.State arena that holds items of kind k.
func arenaOf(k scalar) string {
	switch k {
	case kInt:
		return "Ints"
	case kNum:
		return "Nums"
	case kBool:
		return "Bools"
	}
	return "Strs"
}

func zeroOf(k scalar) jen.Code {
	switch k {
	case kInt, kNum:
		return jen.Lit(0)
	case kBool:
		return jen.False()
	}
	return jen.Lit("")
}

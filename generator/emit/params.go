package emit

import (
	"sort"
	"strconv"
	"strings"

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
		if o.ParamsOf != "" {
			// Lower found them the same as an earlier operation's: that
			// operation's decoder serves both.
			comment(f, name+" are the parameters of "+o.Method+" "+o.Path+": the same as\n"+o.ParamsOf+"Params, whose decoder serves both.")
			f.Type().Id(name).Op("=").Id(o.ParamsOf + "Params")
			continue
		}
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
			var slots map[*ir.Param]int
			if usesQuery {
				// The raw query: names match whatever the client escaped,
				// and reserved characters are seen before decoding.
				slots = g.queryIndex(b, o)
			}
			for _, p := range o.Params {
				b.Comment(p.In + " " + strconv.Quote(p.Name))
				b.Add(g.decodeParam(o, p, slots))
			}
		})
	}
}

// queryIndex emits one pass over the query's pairs that finds every
// single-valued query parameter of o, so that each is not looked up among
// the pairs again; it returns each such parameter's slot in q, or nil
// when there is no pass.
//
// When every query parameter has a slot, the pass reads the raw query
// itself, pair by pair, and keeps nothing but the slots. Otherwise the
// query is split into st.Query first, for the multi-valued parameters
// (exploded arrays and objects, deepObject) to read, and a single
// parameter looks itself up there without a pass.
func (g *gen) queryIndex(b *jen.Group, o *ir.Operation) map[*ir.Param]int {
	slots := map[*ir.Param]int{}
	var names []string
	var asSent []bool
	all := true
	for _, p := range o.Params {
		if p.In != ir.InQuery {
			continue
		}
		if multi(p) {
			all = false
			continue
		}
		slots[p] = len(slots)
		names = append(names, p.Name)
		asSent = append(asSent, checkedAsSent(p))
	}
	raw := jen.Id("ctx").Dot("URI").Call().Dot("QueryString").Call()
	if !all || len(names) < 2 {
		b.Id("qs").Op(":=").Id("st").Dot("SplitQuery").Call(raw)
		if len(names) < 2 {
			return nil // one parameter: a lookup is the pass
		}
	}
	b.Var().Id("q").Index(jen.Lit(len(slots))).Qual(g.rt("param"), "Found")
	// kv is the pair: a value read from the raw query, or one of st.Query.
	kv := jen.Id("kv")
	if all {
		kv = jen.Op("&").Id("kv")
	}
	cases := make([]jen.Code, len(names))
	for i, n := range names {
		cases[i] = jen.Case(jen.Lit(n)).Block(jen.Id("q").Index(jen.Lit(i)).Dot("Add").Call(kv.Clone()))
	}
	name := jen.Switch(jen.String().Parens(jen.Id("kv").Dot("Name").Call(jen.Id("st").Dot("Scratch").Index(jen.Empty(), jen.Lit(0))))).Block(cases...)
	if all {
		b.Var().Id("kv").Qual(g.rt("param"), "Pair")
		body := []jen.Code{}
		if fast := g.queryNames(names, asSent); fast != nil {
			body = append(body, fast)
		}
		body = append(body,
			jen.Id("i").Op("=").Qual(g.rt("param"), "ScanPair").Call(jen.Id("raw"), jen.Id("i"), jen.Op("&").Id("kv")),
			name,
		)
		b.For(jen.List(jen.Id("raw"), jen.Id("i")).Op(":=").List(raw, jen.Lit(0)), jen.Id("i").Op("<").Len(jen.Id("raw")), jen.Empty()).Block(body...)
		return slots
	}
	b.For(jen.Id("i").Op(":=").Range().Id("qs")).Block(
		jen.Id("kv").Op(":=").Op("&").Id("qs").Index(jen.Id("i")),
		name,
	)
	return slots
}

// queryNames emits the fast path of the query pass: a switch on the first
// byte of a pair that recognizes a parameter's name, sent as it is and
// followed by '=', by comparing the bytes, and records its value without
// reading the name into a Pair first:
//
//	switch raw[i] {
//	case 'p':
//		switch {
//		case param.NameIs(raw, i, "page="):
//			i = q[3].AddValue(raw, i+len("page="))
//			continue
//		...
//
// Anything else (an escaped name, a name without '=', an unknown one, an
// empty piece) falls through to the pair-by-pair reading, which decodes the
// name: both record the same value. Names that an escape could spell
// differently in their raw form ('%', '+') or that hold a separator are
// left to it.
//
// A value that will first be checked as sent (asSent, see checkedAsSent)
// is recorded with AddRaw, which finds its end and nothing else: whether
// it needs decoding is learned only if that first check fails.
func (g *gen) queryNames(names []string, asSent []bool) jen.Code {
	byFirst := map[byte][]int{}
	var firsts []byte
	for i, n := range names {
		if n == "" || strings.ContainsAny(n, "%+&=#") {
			continue
		}
		if _, ok := byFirst[n[0]]; !ok {
			firsts = append(firsts, n[0])
		}
		byFirst[n[0]] = append(byFirst[n[0]], i)
	}
	if len(firsts) == 0 {
		return nil
	}
	sort.Slice(firsts, func(a, b int) bool { return firsts[a] < firsts[b] })
	match := func(i int) (cond jen.Code, body []jen.Code) {
		lit := jen.Lit(names[i] + "=")
		add := "AddValue"
		if asSent[i] {
			add = "AddRaw"
		}
		return jen.Qual(g.rt("param"), "NameIs").Call(jen.Id("raw"), jen.Id("i"), lit),
			[]jen.Code{
				jen.Id("i").Op("=").Id("q").Index(jen.Lit(i)).Dot(add).Call(jen.Id("raw"), jen.Id("i").Op("+").Len(lit.Clone())),
				jen.Continue(),
			}
	}
	var cases []jen.Code
	for _, c := range firsts {
		idx := byFirst[c]
		if len(idx) == 1 {
			cond, body := match(idx[0])
			cases = append(cases, jen.Case(jen.LitRune(rune(c))).Block(jen.If(cond).Block(body...)))
			continue
		}
		var inner []jen.Code
		for _, i := range idx {
			cond, body := match(i)
			inner = append(inner, jen.Case(cond).Block(body...))
		}
		cases = append(cases, jen.Case(jen.LitRune(rune(c))).Block(jen.Switch().Block(inner...)))
	}
	return jen.Switch(jen.Id("raw").Index(jen.Id("i"))).Block(cases...)
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

func isArray(p *ir.Param) bool { return p.Shape == ir.ShapeArray }

// rawValued parameters keep the bytes they arrived as (decoded): objects,
// content parameters and unchecked ones.
func rawValued(p *ir.Param) bool {
	switch p.Shape {
	case ir.ShapeObject, ir.ShapeJSON, ir.ShapeText, ir.ShapeUnchecked:
		return true
	}
	return false
}

func (g *gen) paramType(p *ir.Param) jen.Code {
	if isArray(p) {
		return jen.Index().Add(goScalar(scalarOf(itemsOf(p.Schema))))
	}
	if rawValued(p) {
		return jen.Index().Byte()
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
func (g *gen) missing(p *ir.Param, field *jen.Statement, add adder) jen.Code {
	if p.Required {
		return add(fixed("required", "missing required "+p.In+" parameter "+strconv.Quote(p.Name)))
	}
	if p.Schema.Default == "" || rawValued(p) {
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
func (g *gen) decodeScalar(s *ir.Schema, raw jen.Code, add adder, set func(jen.Code) jen.Code) []jen.Code {
	x := jen.Id("x")
	switch k := scalarOf(s); k {
	case kInt, kNum:
		parse, want := numParser(k)
		var sent jen.Code
		if k == kNum {
			sent = raw
		}
		cs := append([]check{{jen.Op("!").Id("ok"), "type", want, showQuoted, raw}}, g.numChecks(s, k, x, sent)...)
		return []jen.Code{
			jen.List(jen.Id("x"), jen.Id("ok")).Op(":=").Qual(g.rt("param"), parse).Call(raw),
			chain(cs, add, []jen.Code{set(x)}),
		}
	case kBool:
		cs := append([]check{{jen.Op("!").Id("ok"), "type", "expected true or false, found ", showQuoted, raw}}, g.boolChecks(s, x)...)
		return []jen.Code{
			jen.List(jen.Id("x"), jen.Id("ok")).Op(":=").Qual(g.rt("param"), "ParseBool").Call(raw),
			chain(cs, add, []jen.Code{set(x)}),
		}
	default:
		return []jen.Code{chain(g.strChecks(s, raw), add, []jen.Code{set(jen.Qual(g.rt("param"), "S").Call(raw))})}
	}
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

// numParser names the runtime/param function that parses a number of kind
// k (kInt or kNum) and the message of a value it cannot parse.
func numParser(k scalar) (parse, want string) {
	if k == kNum {
		return "ParseFloat", "expected a number, found "
	}
	return "ParseInt", "expected an integer, found "
}

package emit

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// This file emits the body of one parameter's decoder from what lower put
// in the IR: the location, the shape (primitive, array, object, content)
// and the style. Every value is split on its raw form, so a delimiter the
// client percent-encoded stays inside an item, and each piece is decoded
// once, into the request's Bytes arena:
//
//	// query "color" (pipeDelimited array)
//	if v, ok, repeated := param.QueryRaw(qs, "color"); ok {
//		if repeated { ...repeated... } else {
//			base := len(st.Strs)
//			for rest, more := v, len(v) > 0; more; {
//				var item []byte
//				item, rest, more = param.NextDelim(rest, '|')
//				if c, bad := param.Reserved(item, 0); bad { ...allowReserved... }
//				else if d, buf, ok := param.Decode(st.Bytes, item, true); !ok { ...type... }
//				else { st.Bytes = buf; ...item checks, append... }
//			}
//			p.Color = st.Strs[base:len(st.Strs):len(st.Strs)]
//		}
//	} else { ...required or default... }

// adder reports a violation of a parameter at the location it is bound to.
type adder func(c check) jen.Code

// errAt reports c at loc, a string expression. A detail that shows a value
// found is built by problem.Errors (st.Errs.DetailInt64(text, x)) into the
// request's own buffer, and only when the violation will be kept, instead
// of as a new string per violation.
func (g *gen) errAt(loc jen.Code, c check) jen.Code {
	errs := jen.Id("st").Dot("Errs")
	detail, ok := details[c.show]
	if !ok {
		return errs.Dot("Add").Call(loc, jen.Lit(c.rule), g.detail(c))
	}
	return errs.Clone().Dot("Add").Call(loc, jen.Lit(c.rule), errs.Clone().Dot(detail).Call(jen.Lit(c.text), c.found))
}

// details are the problem.Errors methods that build a detail from its text
// and the value found, by how the value shows.
var details = map[shown]string{showFloat: "DetailFloat", showInt64: "DetailInt64", showInt: "DetailInt", showQuoted: "DetailQuoted", showBytes: "DetailBytes", showString: "DetailString"}

// fixed is a violation whose detail is written out at generation time.
func fixed(rule, text string) check { return check{rule: rule, text: text} }

// shows is a violation whose detail is text followed by the value found,
// shown as show says.
func shows(rule, text string, show shown, found jen.Code) check {
	return check{rule: rule, text: text, show: show, found: found}
}

// decodeParam emits the block that reads, decodes and checks p; slots are
// the parameters' places in the query pass (queryIndex), nil when the
// decoder has none.
func (g *gen) decodeParam(o *ir.Operation, p *ir.Param, slots map[*ir.Param]int) jen.Code {
	loc := p.Location()
	add := func(c check) jen.Code { return g.errAt(jen.Lit(loc), c) }
	field := jen.Id("p").Dot(p.GoName)
	once := func(body []jen.Code) []jen.Code {
		return []jen.Code{jen.If(jen.Id("repeated")).Block(add(fixed("repeated", "must be given at most once"))).Else().Block(body...)}
	}
	orMissing := func(st *jen.Statement) jen.Code {
		if m := g.missing(p, field, add); m != nil {
			return st.Else().Block(m)
		}
		return st
	}
	switch p.In {
	case ir.InPath:
		// Present by routing.
		return jen.Block(append([]jen.Code{jen.Id("v").Op(":=").Id("args").Index(jen.Lit(pathIndex(o, p)))}, g.paramValue(p, nil, add)...)...)
	case ir.InQuery:
		if multi(p) {
			// The value is spread over several query parameters.
			return jen.Block(g.queryMulti(p, add)...)
		}
		find := jen.Qual(g.rt("param"), "QueryRaw").Call(jen.Id("qs"), jen.Lit(p.Name))
		var found jen.Code
		if i, ok := slots[p]; ok {
			find = jen.Id("q").Index(jen.Lit(i)).Dot("Get").Call()
			if p.Shape != ir.ShapeArray && p.Shape != ir.ShapeObject {
				// The value is read whole: its Found knows whether it has
				// anything to decode or check.
				found = jen.Id("q").Index(jen.Lit(i))
			}
		}
		return orMissing(jen.If(
			jen.List(jen.Id("v"), jen.Id("ok"), jen.Id("repeated")).Op(":=").Add(find),
			jen.Id("ok"),
		).Block(once(g.paramValue(p, found, add))...))
	case ir.InHeader:
		// Every line of the header counts: an array takes the items of all of
		// them (RFC 9110 §5.3), a single value given twice is rejected.
		body := g.paramValue(p, nil, add)
		if !isArray(p) {
			body = []jen.Code{jen.If(jen.Len(jen.Id("vs")).Op(">").Lit(1)).Block(
				add(fixed("repeated", "must be given at most once")),
			).Else().Block(append([]jen.Code{jen.Id("v").Op(":=").Id("vs").Index(jen.Lit(0))}, body...)...)}
		}
		return orMissing(jen.If(jen.Id("vs").Op(":=").Id("ctx").Dot("Request").Dot("Header").Dot("PeekAll").Call(jen.Lit(p.Name)), jen.Len(jen.Id("vs")).Op(">").Lit(0)).Block(body...))
	default:
		if multi(p) {
			return jen.Block(g.cookieMulti(p, add)...)
		}
		return orMissing(jen.If(
			jen.List(jen.Id("v"), jen.Id("ok"), jen.Id("repeated")).Op(":=").Qual(g.rt("param"), "Cookie").Call(jen.Op("&").Id("ctx").Dot("Request").Dot("Header"), jen.Lit(p.Name)),
			jen.Id("ok"),
		).Block(once(g.paramValue(p, nil, add))...))
	}
}

// multi reports whether p's value arrives as several query parameters or
// cookies: form arrays and objects with explode, deepObject objects.
func multi(p *ir.Param) bool {
	switch {
	case p.In == ir.InQuery && p.Style == "deepObject":
		return true
	case p.In == ir.InQuery && p.Explode && (p.Shape == ir.ShapeArray || p.Shape == ir.ShapeObject):
		return true
	case p.In == ir.InCookie && p.Explode && p.Shape == ir.ShapeObject:
		return true
	}
	return false
}

// piece emits what it takes to use one raw piece of a value: in a query,
// the allowReserved check; in a path or query, percent-decoding into the
// Bytes arena. use receives the decoded bytes. found is the param.Found
// of a query value read whole, which knows whether raw has anything to
// check or decode; nil for any other piece.
func (g *gen) piece(p *ir.Param, raw, found jen.Code, add adder, use func(d jen.Code) []jen.Code) []jen.Code {
	if p.In != ir.InPath && p.In != ir.InQuery {
		return use(raw)
	}
	used := use(jen.Id("d"))
	d := "d"
	if !mentions(used, "d") {
		d = "_" // nothing reads the value: decoding only proves its escapes well formed
	}
	// A query value read whole is decoded and checked through its Found,
	// which skips both when Split saw nothing to do.
	decode := jen.Qual(g.rt("param"), "Decode").Call(jen.Id("st").Dot("Bytes"), raw, jen.Lit(p.In == ir.InQuery))
	reserved := jen.Qual(g.rt("param"), "Reserved").Call(raw, jen.Lit(0))
	if found != nil && p.In == ir.InQuery {
		decode = jen.Add(found).Dot("Decode").Call(jen.Id("st").Dot("Bytes"))
		reserved = jen.Add(found).Dot("Reserved").Call()
	}
	dec := jen.If(
		jen.List(jen.Id(d), jen.Id("buf"), jen.Id("ok")).Op(":=").Add(decode),
		jen.Op("!").Id("ok"),
	).Block(add(shows("type", "expected percent-encoded UTF-8 text, found ", showQuoted, raw))).
		Else().Block(append([]jen.Code{jen.Id("st").Dot("Bytes").Op("=").Id("buf")}, used...)...)
	if p.In == ir.InQuery && !p.AllowReserved {
		return []jen.Code{jen.If(
			jen.List(jen.Id("c"), jen.Id("bad")).Op(":=").Add(reserved),
			jen.Id("bad"),
		).Block(add(shows("allowReserved", "", showExpr, jen.Lit("reserved character ").Op("+").Qual("strconv", "QuoteRune").Call(jen.Rune().Parens(jen.Id("c"))).Op("+").Lit(" must be percent-encoded")))).
			Else().Add(dec)}
	}
	return []jen.Code{dec}
}

// validated wraps set, for a primitive parameter whose schema has
// applicators, with a run of the schema's JSON validator over the decoded
// text d, reporting at the parameter's location (see validation).
func (g *gen) validated(p *ir.Param, d jen.Code, set func(jen.Code) jen.Code) func(jen.Code) jen.Code {
	run := g.validation(p.Schema, "validate"+g.opOf(p)+"Param"+p.GoName, p.Token, d, "ResetAt", jen.Lit(p.Location()))
	return func(x jen.Code) jen.Code {
		// One jen.Statement holding all the lines, so that the caller's
		// block gets them without a block of their own.
		return jen.Add(set(x)).Line().Add(run)
	}
}

// validation runs the JSON validator of s over the decoded text d of a
// parameter, an item or a property, as the JSON token tok says it becomes;
// the iterator is reset at the token by the Iter method reset, given
// the location arguments at:
//
//	st.Scratch = form.AppendToken(st.Scratch[:0], d, 0)
//	st.JSON.ResetAt(st.Scratch, "query.order")
//	validateListAppsParamOrder(&st.JSON, &st.Errs)
//	st.JSON.End()
//
// A named schema's validator is its own (validateOrdering), shared by
// every parameter that uses it; name is for the others.
func (g *gen) validation(s *ir.Schema, name string, tok *ir.Field, d jen.Code, reset string, at ...jen.Code) *jen.Statement {
	if s.GoName != "" {
		name = "validate" + s.GoName
	}
	fn := g.validator(s, name)
	scratch := jen.Id("st").Dot("Scratch")
	return jen.Add(scratch.Clone()).Op("=").Qual(g.rt("form"), "AppendToken").Call(scratch.Clone().Index(jen.Empty(), jen.Lit(0)), d, g.kind(tok)).Line().
		Id("st").Dot("JSON").Dot(reset).Call(append([]jen.Code{scratch.Clone()}, at...)...).Line().
		Id(fn).Call(jen.Op("&").Id("st").Dot("JSON"), jen.Op("&").Id("st").Dot("Errs")).Line().
		Id("st").Dot("JSON").Dot("End").Call()
}

// paramValue decodes and checks the single raw value v of p; found is its
// param.Found when it is a query value read whole, else nil (see piece).
func (g *gen) paramValue(p *ir.Param, found jen.Code, add adder) []jen.Code {
	field := jen.Id("p").Dot(p.GoName)
	v := jen.Id("v")
	var out []jen.Code
	switch p.Shape {
	case ir.ShapeUnchecked:
		return []jen.Code{jen.Add(field).Op("=").Id("v")}
	case ir.ShapeText:
		// Text checked as a primitive parameter is, without a style: by the
		// schema's own keywords, or by its type and then its validator.
		out = g.piece(p, v, found, add, func(d jen.Code) []jen.Code {
			set := jen.Add(field).Op("=").Add(d)
			switch {
			case p.Validate:
				run := g.validation(p.Schema, "validate"+g.opOf(p)+"Param"+p.GoName, p.Token, d, "ResetAt", jen.Lit(p.Location()))
				return g.checkScalar(&ir.Schema{Type: p.Schema.Type}, d, add, run, set)
			case trivial(p.Schema), scalarOf(p.Schema) == kStr && len(g.strChecks(p.Schema, d)) == 0:
				return []jen.Code{set}
			}
			return g.checkScalar(p.Schema, d, add, set)
		})
	case ir.ShapeJSON:
		fn := g.validator(p.Schema, "validate"+g.opOf(p)+"Param"+p.GoName)
		loc := p.Location()
		out = g.piece(p, v, found, add, func(d jen.Code) []jen.Code {
			return []jen.Code{
				jen.Id("st").Dot("JSON").Dot("ResetAt").Call(d, jen.Lit(loc)),
				jen.Id(fn).Call(jen.Op("&").Id("st").Dot("JSON"), jen.Op("&").Id("st").Dot("Errs")),
				jen.Id("st").Dot("JSON").Dot("End").Call(),
				jen.If(jen.Err().Op(":=").Id("st").Dot("JSON").Dot("Err").Call(), jen.Err().Op("!=").Nil()).Block(
					add(shows("json", "", showExpr, jen.Err().Dot("Error").Call())),
				),
				jen.Add(field).Op("=").Add(d),
			}
		})
	case ir.ShapeArray:
		out = g.arrayValue(p, add)
	case ir.ShapeObject:
		out = g.objectValue(p, add)
	default:
		set := func(x jen.Code) jen.Code {
			if p.Required || p.Schema.Default != "" {
				return jen.Add(field.Clone()).Op("=").Add(x)
			}
			return jen.Add(field.Clone()).Op("=").Qual(g.rt("param"), "Opt").Types(goScalar(scalarOf(p.Schema))).Values(
				jen.Id("V").Op(":").Add(x), jen.Id("Set").Op(":").True())
		}
		out = g.prefixed(p, add, func(v jen.Code) []jen.Code {
			if found != nil && checkedAsSent(p) {
				return g.asSent(p, v, found, add, set)
			}
			return g.piece(p, v, found, add, func(d jen.Code) []jen.Code {
				if p.Validate {
					return g.decodeScalar(&ir.Schema{Type: p.Schema.Type}, d, add, g.validated(p, d, set))
				}
				return g.decodeScalar(p.Schema, d, add, set)
			})
		})
	}
	if p.AllowEmptyValue {
		// allowEmptyValue: "?name=" counts as given without a value.
		return []jen.Code{jen.If(jen.Len(jen.Id("v")).Op(">").Lit(0)).Block(out...)}
	}
	return out
}

// prefixed strips the label "." or matrix ";name=" from a path value
// before body reads it as v.
func (g *gen) prefixed(p *ir.Param, add adder, body func(v jen.Code) []jen.Code) []jen.Code {
	switch {
	case p.In == ir.InPath && p.Style == "label":
		return []jen.Code{jen.If(jen.Len(jen.Id("v")).Op("==").Lit(0).Op("||").Id("v").Index(jen.Lit(0)).Op("!=").LitByte('.')).Block(
			add(shows("style", `expected a label-style value starting with ".", found `, showQuoted, jen.Id("v"))),
		).Else().Block(append([]jen.Code{jen.Id("v").Op(":=").Id("v").Index(jen.Lit(1), jen.Empty())}, body(jen.Id("v"))...)...)}
	case p.In == ir.InPath && p.Style == "matrix" && !(p.Explode && p.Shape != ir.ShapePrimitive):
		return []jen.Code{jen.If(
			jen.List(jen.Id("w"), jen.Id("ok")).Op(":=").Qual(g.rt("param"), "Assigned").Call(jen.Qual("bytes", "TrimPrefix").Call(jen.Id("v"), jen.Index().Byte().Parens(jen.Lit(";"))), jen.Lit(p.Name)),
			jen.Op("!").Id("ok").Op("||").Len(jen.Id("v")).Op("==").Lit(0).Op("||").Id("v").Index(jen.Lit(0)).Op("!=").LitByte(';'),
		).Block(
			add(shows("style", `expected a matrix-style value ";`+p.Name+`=…", found `, showQuoted, jen.Id("v"))),
		).Else().Block(append([]jen.Code{jen.Id("v").Op(":=").Id("w")}, body(jen.Id("v"))...)...)}
	case p.In == ir.InPath && p.Style == "matrix":
		// explode: ";name=a;name=b" or ";k=v;k=v", split at ";" below
		return []jen.Code{jen.If(jen.Len(jen.Id("v")).Op("==").Lit(0).Op("||").Id("v").Index(jen.Lit(0)).Op("!=").LitByte(';')).Block(
			add(shows("style", `expected a matrix-style value starting with ";", found `, showQuoted, jen.Id("v"))),
		).Else().Block(append([]jen.Code{jen.Id("v").Op(":=").Id("v").Index(jen.Lit(1), jen.Empty())}, body(jen.Id("v"))...)...)}
	}
	return body(jen.Id("v"))
}

// splitter is how the items of a single value are cut: the separator and
// the runtime function cutting at it.
func splitter(p *ir.Param) (fn string, sep rune) {
	switch {
	case p.In == ir.InPath && p.Style == "label" && p.Explode:
		return "Next", '.'
	case p.In == ir.InPath && p.Style == "matrix" && p.Explode:
		return "Next", ';'
	case p.Style == "spaceDelimited":
		return "NextDelim", ' '
	case p.Style == "pipeDelimited":
		return "NextDelim", '|'
	case p.Shape == ir.ShapeObject && p.Explode && p.In != ir.InQuery:
		return "Next", ','
	}
	return "Next", ','
}

// items emits a loop over the pieces of v; an empty value has none.
func (g *gen) items(p *ir.Param, v jen.Code, each func(item jen.Code) []jen.Code) jen.Code {
	fn, sep := splitter(p)
	var trim []jen.Code
	if p.In == ir.InHeader {
		trim = []jen.Code{jen.Id("item").Op("=").Qual(g.rt("param"), "TrimOWS").Call(jen.Id("item"))}
	}
	return jen.For(jen.List(jen.Id("rest"), jen.Id("more")).Op(":=").List(v, jen.Len(v).Op(">").Lit(0)), jen.Id("more"), jen.Empty()).Block(
		append(append([]jen.Code{
			jen.Var().Id("item").Index().Byte(),
			jen.List(jen.Id("item"), jen.Id("rest"), jen.Id("more")).Op("=").Qual(g.rt("param"), fn).Call(jen.Id("rest"), jen.LitRune(sep)),
		}, trim...), each(jen.Id("item"))...)...,
	)
}

// arrayValue splits v per the style and checks each item, then the count.
func (g *gen) arrayValue(p *ir.Param, add adder) []jen.Code {
	out := g.arrayBegin(p)
	if p.In == ir.InHeader {
		// over every line of the header: "a, b" and "c"
		out = append(out, jen.For(jen.List(jen.Id("_"), jen.Id("v")).Op(":=").Range().Id("vs")).Block(
			g.items(p, jen.Id("v"), func(item jen.Code) []jen.Code { return g.arrayItem(p, item) }),
		))
		out = append(out, g.arrayEnd(p, add)...)
		return g.orScalar(p, jen.Id("vs").Index(jen.Lit(0)), jen.Len(jen.Id("vs")).Op("==").Lit(1), out)
	}
	if p.Union != nil {
		return g.prefixed(p, add, func(v jen.Code) []jen.Code {
			return g.orScalar(p, v, nil, append(append(out, g.arrayItems(p, add, v)...), g.arrayEnd(p, add)...))
		})
	}
	out = append(out, g.prefixed(p, add, func(v jen.Code) []jen.Code { return g.arrayItems(p, add, v) })...)
	return append(out, g.arrayEnd(p, add)...)
}

// orScalar returns rest, the reading of p's value as the array or object
// of its shape; for a union (see ir.Param.Union), rest runs only when the
// value v, read as one scalar, does not pass the whole schema. That first
// try is a probe: its violations are counted, not kept, and the reading
// as rest reports whatever is wrong. when, if not nil, says whether v is
// a single value at all:
//
//	scalar := false
//	if when {
//		mark := st.Errs.Probe()
//		...decode v, run the whole schema's validator on its token...
//		scalar = st.Errs.EndProbe(mark)
//	}
//	if !scalar { ...rest... }
func (g *gen) orScalar(p *ir.Param, v, when jen.Code, rest []jen.Code) []jen.Code {
	if p.Union == nil {
		return rest
	}
	loc := jen.Lit(p.Location())
	add := func(c check) jen.Code { return g.errAt(loc.Clone(), c) }
	try := append([]jen.Code{jen.Id("mark").Op(":=").Id("st").Dot("Errs").Dot("Probe").Call()},
		g.piece(p, v, nil, add, func(d jen.Code) []jen.Code {
			return []jen.Code{g.validation(p.Union, "validate"+g.opOf(p)+"Param"+p.GoName+"Union", p.UnionToken, d, "ResetAt", loc.Clone())}
		})...)
	try = append(try, jen.Id("scalar").Op("=").Id("st").Dot("Errs").Dot("EndProbe").Call(jen.Id("mark")))
	out := []jen.Code{jen.Id("scalar").Op(":=").False()}
	if when != nil {
		out = append(out, jen.If(when).Block(try...))
	} else {
		out = append(out, jen.Block(try...))
	}
	return append(out, jen.If(jen.Op("!").Id("scalar")).Block(rest...))
}

// arrayItems splits the single value v (its label or matrix prefix gone)
// into items and checks each.
func (g *gen) arrayItems(p *ir.Param, add adder, v jen.Code) []jen.Code {
	if p.In == ir.InPath && p.Style == "matrix" && p.Explode {
		// ";name=a;name=b": each piece is name=item
		return []jen.Code{g.items(p, v, func(item jen.Code) []jen.Code {
			return []jen.Code{jen.If(jen.List(jen.Id("w"), jen.Id("ok")).Op(":=").Qual(g.rt("param"), "Assigned").Call(item, jen.Lit(p.Name)), jen.Op("!").Id("ok")).Block(
				add(shows("style", `expected ";`+p.Name+`=…" for each item, found `, showQuoted, item)),
			).Else().Block(g.arrayItem(p, jen.Id("w"))...)}
		})}
	}
	return []jen.Code{g.items(p, v, func(item jen.Code) []jen.Code { return g.arrayItem(p, item) })}
}

func (g *gen) arena(p *ir.Param) *jen.Statement {
	return jen.Id("st").Dot(arenaOf(scalarOf(itemsOf(p.Schema))))
}

// arrayItem decodes, checks and appends one raw item. A failed item still
// takes its place, so later items keep their index.
func (g *gen) arrayItem(p *ir.Param, raw jen.Code) []jen.Code {
	items := itemsOf(p.Schema)
	k := scalarOf(items)
	arena := g.arena(p)
	itemAdd := func(c check) jen.Code {
		return jen.Add(g.errAt(jen.Lit(p.Location()+"[").Op("+").Qual("strconv", "Itoa").Call(jen.Len(arena.Clone()).Op("-").Id("base")).Op("+").Lit("]"), c)).
			Line().Add(arena.Clone()).Op("=").Append(arena.Clone(), zeroOf(k))
	}
	appendItem := func(x jen.Code) jen.Code { return jen.Add(arena.Clone()).Op("=").Append(arena.Clone(), x) }
	return g.piece(p, raw, nil, itemAdd, func(d jen.Code) []jen.Code {
		if !p.Validate {
			return g.decodeScalar(items, d, itemAdd, appendItem)
		}
		// Items with applicators: decoded by their type alone, then checked
		// by the items schema's validator at "query.ids[i]", i being the
		// index the item is about to take.
		run := g.validation(items, "validate"+g.opOf(p)+"Param"+p.GoName+"Item", p.Token, d,
			"ResetItem", jen.Lit(p.Location()), jen.Len(arena.Clone()).Op("-").Id("base"))
		return g.decodeScalar(&ir.Schema{Type: items.Type}, d, itemAdd, func(x jen.Code) jen.Code {
			return jen.Add(run).Line().Add(appendItem(x))
		})
	})
}

// arrayBegin notes where the parameter's items start in their arena and,
// for uniqueItems, how many violations there were before them.
func (g *gen) arrayBegin(p *ir.Param) []jen.Code {
	out := []jen.Code{jen.Id("base").Op(":=").Len(g.arena(p))}
	if p.Schema.UniqueItems || p.Union != nil {
		out = append(out, jen.Id("before").Op(":=").Id("st").Dot("Errs").Dot("Count").Call())
	}
	return out
}

// arrayEnd sets the field to the arena window and checks the item count
// and, when the items all passed (a failed one holds a zero value in its
// place), their uniqueness:
//
//	if _, j, dup := param.DupStrings(p.Fields, &st.Order); dup && st.Errs.Count() == before {
//		st.Errs.Add("query.fields", "uniqueItems", ...)
//	}
func (g *gen) arrayEnd(p *ir.Param, add adder) []jen.Code {
	arena := g.arena(p)
	field := jen.Id("p").Dot(p.GoName)
	out := []jen.Code{jen.Add(field.Clone()).Op("=").Add(arena.Clone()).Index(jen.Id("base").Op(":").Len(arena.Clone()).Op(":").Len(arena.Clone()))}
	count := jen.Len(field.Clone())
	if n := p.Schema.MinItems; n != nil && *n > 0 {
		out = append(out, jen.If(jen.Add(count).Op("<").Lit(int(*n))).Block(
			add(shows("minItems", "must have at least "+strconv.FormatInt(*n, 10)+" items, found ", showInt, count)),
		))
	}
	if n := p.Schema.MaxItems; n != nil {
		out = append(out, jen.If(jen.Add(count).Op(">").Lit(int(*n))).Block(
			add(shows("maxItems", "must have at most "+strconv.FormatInt(*n, 10)+" items, found ", showInt, count)),
		))
	}
	if p.Schema.UniqueItems {
		fn, args := dupFunc(p), []jen.Code{field.Clone()}
		if fn != "DupBools" {
			args = append(args, jen.Op("&").Id("st").Dot("Order"))
		}
		out = append(out, jen.If(
			jen.List(jen.Id("_"), jen.Id("j"), jen.Id("dup")).Op(":=").Qual(g.rt("param"), fn).Call(args...),
			jen.Id("dup").Op("&&").Id("st").Dot("Errs").Dot("Count").Call().Op("==").Id("before"),
		).Block(add(shows("uniqueItems", "items must be unique, found a repeat of an earlier item at index ", showInt, jen.Id("j")))))
	}
	if p.Union != nil {
		// The branch the items were read by passed: the whole schema
		// (its allOf siblings, the other branches of a oneOf) has the
		// last word, on the items as the JSON array they stand for.
		var js jen.Code
		switch items := itemsOf(p.Schema); scalarOf(items) {
		case kInt:
			js = jen.Qual(g.rt("request"), "AppendIntsJSON").Call(jen.Id("st").Dot("Scratch").Index(jen.Empty(), jen.Lit(0)), field.Clone())
		case kNum:
			js = jen.Qual(g.rt("request"), "AppendFloatsJSON").Call(jen.Id("st").Dot("Scratch").Index(jen.Empty(), jen.Lit(0)), field.Clone())
		case kBool:
			js = jen.Qual(g.rt("request"), "AppendBoolsJSON").Call(jen.Id("st").Dot("Scratch").Index(jen.Empty(), jen.Lit(0)), field.Clone())
		default:
			tok := &ir.Field{}
			if p.Token != nil {
				tok = p.Token
			} else if items.Type != ir.TAny {
				tok.Number = items.Type&(ir.TNumber|ir.TInteger) != 0
				tok.Boolean = items.Type&ir.TBoolean != 0
				tok.Null = items.Type&ir.TNull != 0
			}
			js = jen.Qual(g.rt("request"), "AppendStringsJSON").Call(jen.Id("st").Dot("Scratch").Index(jen.Empty(), jen.Lit(0)), field.Clone(), g.kind(tok))
		}
		fn := g.validator(p.Union, "validate"+g.opOf(p)+"Param"+p.GoName+"Union")
		out = append(out, jen.If(jen.Id("st").Dot("Errs").Dot("Count").Call().Op("==").Id("before")).Block(
			jen.Id("st").Dot("Scratch").Op("=").Add(js),
			jen.Id("st").Dot("JSON").Dot("ResetAt").Call(jen.Id("st").Dot("Scratch"), jen.Lit(p.Location())),
			jen.Id(fn).Call(jen.Op("&").Id("st").Dot("JSON"), jen.Op("&").Id("st").Dot("Errs")),
			jen.Id("st").Dot("JSON").Dot("End").Call(),
		))
	}
	return out
}

// dupFunc names the param.Dup function that compares p's items as JSON
// Schema does, by the type they are decoded as: numbers by value, so that
// 1 and 1.0 are one number while the strings "1" and "1.0" differ. Items
// kept as text whose schema admits numbers (applicators, or a type list
// with string) are compared as the tokens their texts become.
func dupFunc(p *ir.Param) string {
	items := itemsOf(p.Schema)
	switch scalarOf(items) {
	case kInt:
		return "DupInts"
	case kNum:
		return "DupFloats"
	case kBool:
		return "DupBools"
	}
	if (p.Token != nil && p.Token.Number) || (items.Type != ir.TAny && items.Type&(ir.TNumber|ir.TInteger) != 0) {
		return "DupTokens"
	}
	return "DupStrings"
}

// deepRefused is the condition, on prop (from param.DeepMalformed), under
// which a key of deepObject parameter p that is not p[prop] is refused: a
// broken one (prop nil) always, a nested one p[prop][x] unless lowering
// found that prop's schema admits an object or array (ir.Param.NestedProps,
// NestedOthers). A nil condition refuses every such key.
func (g *gen) deepRefused(p *ir.Param) jen.Code {
	keyIs := func(name string) *jen.Statement {
		return jen.Qual(g.rt("param"), "KeyIs").Call(jen.Id("prop"), jen.Lit(name))
	}
	c := jen.Id("prop").Op("==").Nil()
	if !p.NestedOthers {
		if len(p.NestedProps) == 0 {
			return nil // no property may be sent nested
		}
		// Refused unless one of the properties that may be objects.
		either := keyIs(p.NestedProps[0])
		for _, n := range p.NestedProps[1:] {
			either = either.Op("||").Add(keyIs(n))
		}
		return c.Op("||").Op("!").Parens(either)
	}
	for _, pr := range p.Schema.Properties {
		if !slices.Contains(p.NestedProps, pr.Name) {
			c = c.Op("||").Add(keyIs(pr.Name))
		}
	}
	return c
}

// queryMulti emits the loop over a query for a value spread over several
// parameters: form arrays with explode (?tag=a&tag=b), form objects with
// explode (?R=100&G=200, only the declared properties can be recognized)
// and deepObject (?color[R]=100).
func (g *gen) queryMulti(p *ir.Param, add adder) []jen.Code {
	loop := func(body ...jen.Code) jen.Code {
		return jen.For(jen.List(jen.Id("_"), jen.Id("kv")).Op(":=").Range().Id("qs")).Block(
			append([]jen.Code{jen.List(jen.Id("k"), jen.Id("v")).Op(":=").List(jen.Id("kv").Dot("Key"), jen.Id("kv").Dot("Value"))}, body...)...)
	}
	field := jen.Id("p").Dot(p.GoName)
	if p.Shape == ir.ShapeArray {
		out := append(g.arrayBegin(p),
			jen.Id("n").Op(":=").Lit(0),
			loop(append([]jen.Code{
				jen.If(jen.Op("!").Qual(g.rt("param"), "KeyIs").Call(jen.Id("k"), jen.Lit(p.Name))).Block(jen.Continue()),
				jen.Id("n").Op("++"),
			}, g.arrayItem(p, jen.Id("v"))...)...),
		)
		end := g.arrayEnd(p, add)
		st := jen.If(jen.Id("n").Op(">").Lit(0)).Block(end...)
		if m := g.missing(p, field, add); m != nil {
			st = st.Else().Block(m)
		}
		out = append(out, st)
		if p.Union == nil {
			return out
		}
		// A union sent once may be the scalar: find that one value first.
		return append([]jen.Code{
			jen.List(jen.Id("sent"), jen.Id("one")).Op(":=").List(jen.Lit(0), jen.Index().Byte().Parens(jen.Nil())),
			jen.For(jen.Id("i")).Op(":=").Range().Id("qs").Block(
				jen.If(jen.Qual(g.rt("param"), "KeyIs").Call(jen.Id("qs").Index(jen.Id("i")).Dot("Key"), jen.Lit(p.Name))).Block(
					jen.Id("sent").Op("++"),
					jen.Id("one").Op("=").Id("qs").Index(jen.Id("i")).Dot("Value"),
				),
			),
		}, g.orScalar(p, jen.Id("one"), jen.Id("sent").Op("==").Lit(1), out)...)
	}
	o := g.newObject(p, add)
	var body []jen.Code
	if p.Style == "deepObject" {
		// deep[R][x] or deep[R is no key of this parameter, and would
		// pass unread; an upstream reading nested keys takes it as one.
		refuse := add(shows("style", "expected "+p.Name+"[property]=value, found the key ", showQuoted, jen.Id("k")))
		propVar := jen.Id("_")
		if cond := g.deepRefused(p); cond != nil {
			refuse, propVar = jen.If(cond).Block(refuse), jen.Id("prop")
		}
		body = []jen.Code{
			jen.If(jen.List(propVar, jen.Id("bad")).Op(":=").Qual(g.rt("param"), "DeepMalformed").Call(jen.Id("k"), jen.Lit(p.Name)), jen.Id("bad")).Block(
				refuse,
				jen.Continue(),
			),
			jen.List(jen.Id("k"), jen.Id("ok")).Op(":=").Qual(g.rt("param"), "DeepKey").Call(jen.Id("k"), jen.Lit(p.Name)),
			jen.If(jen.Op("!").Id("ok")).Block(jen.Continue()),
			o.dispatch(jen.Id("k"), jen.Id("v"), true),
		}
	} else {
		body = []jen.Code{o.dispatch(jen.Id("k"), jen.Id("v"), false)}
	}
	if p.Union == nil {
		return append(append(o.begin(), loop(body...)), o.end(field)...)
	}
	// A union in deepObject: created[gt]=5 is the object, created=5 the
	// scalar, checked by the whole schema; not both.
	body = append([]jen.Code{jen.If(jen.Qual(g.rt("param"), "KeyIs").Call(jen.Id("k"), jen.Lit(p.Name))).Block(
		jen.Id("sent").Op("++"), jen.Id("one").Op("=").Id("v"), jen.Continue(),
	)}, body...)
	o.scalar = true
	out := append(o.begin(), jen.List(jen.Id("sent"), jen.Id("one")).Op(":=").List(jen.Lit(0), jen.Index().Byte().Parens(jen.Nil())), loop(body...))
	loc := jen.Lit(p.Location())
	check := g.piece(p, jen.Id("one"), nil, add, func(d jen.Code) []jen.Code {
		return []jen.Code{g.validation(p.Union, "validate"+g.opOf(p)+"Param"+p.GoName+"Union", p.UnionToken, d, "ResetAt", loc.Clone())}
	})
	out = append(out, jen.If(jen.Id("sent").Op(">").Lit(0).Op("&&").Id("n").Op(">").Lit(0)).Block(
		add(fixed("style", "expected an object (name[property]=value) or a single value, found both")),
	).Else().If(jen.Id("sent").Op(">").Lit(1)).Block(
		add(fixed("repeated", "must be given at most once")),
	).Else().If(jen.Id("sent").Op("==").Lit(1)).Block(check...))
	return append(out, o.end(field)...)
}

// cookieMulti is queryMulti for an exploded form object in cookies: each
// declared property is a cookie of its own.
func (g *gen) cookieMulti(p *ir.Param, add adder) []jen.Code {
	o := g.newObject(p, add)
	loop := jen.For(jen.List(jen.Id("k"), jen.Id("v")).Op(":=").Range().Id("ctx").Dot("Request").Dot("Header").Dot("Cookies").Call()).Block(
		o.dispatch(jen.Id("k"), jen.Id("v"), false),
	)
	return append(append(o.begin(), loop), o.end(jen.Id("p").Dot(p.GoName))...)
}

// objectValue reads the name/value pairs of a single object value: k,v,k,v
// or, exploded, k=v pairs, after the label or matrix prefix in a path.
func (g *gen) objectValue(p *ir.Param, add adder) []jen.Code {
	o := g.newObject(p, add)
	field := jen.Id("p").Dot(p.GoName)
	return g.prefixed(p, add, func(v jen.Code) []jen.Code {
		fn, sep := splitter(p)
		cut := func(dst jen.Code) jen.Code {
			return jen.List(dst, jen.Id("rest"), jen.Id("more")).Op("=").Qual(g.rt("param"), fn).Call(jen.Id("rest"), jen.LitRune(sep))
		}
		var loop jen.Code
		if p.Explode {
			// k=v<sep>k=v
			loop = g.items(p, v, func(item jen.Code) []jen.Code {
				return []jen.Code{
					jen.List(jen.Id("k"), jen.Id("w"), jen.Id("eq")).Op(":=").Qual(g.rt("param"), "Next").Call(item, jen.LitRune('=')),
					jen.If(jen.Op("!").Id("eq")).Block(add(shows("style", "expected name=value, found ", showQuoted, item))).
						Else().Block(o.dispatch(jen.Id("k"), jen.Id("w"), false)),
				}
			})
		} else {
			// k<sep>v<sep>k<sep>v
			var trim []jen.Code
			if p.In == ir.InHeader {
				trim = []jen.Code{jen.List(jen.Id("k"), jen.Id("w")).Op("=").List(jen.Qual(g.rt("param"), "TrimOWS").Call(jen.Id("k")), jen.Qual(g.rt("param"), "TrimOWS").Call(jen.Id("w")))}
			}
			loop = jen.For(jen.List(jen.Id("rest"), jen.Id("more")).Op(":=").List(v, jen.Len(v).Op(">").Lit(0)), jen.Id("more"), jen.Empty()).Block(
				append(append([]jen.Code{
					jen.Var().List(jen.Id("k"), jen.Id("w")).Index().Byte(),
					cut(jen.Id("k")),
					jen.If(jen.Op("!").Id("more")).Block(
						add(fixed("style", "expected name,value pairs, found an odd number of items")),
						jen.Break(),
					),
					cut(jen.Id("w")),
				}, trim...), o.dispatch(jen.Id("k"), jen.Id("w"), false))...,
			)
		}
		return append(append(o.begin(), loop), o.end(field)...)
	})
}

// object emits the checks of an object parameter's properties as its
// pairs are read: seen has bit i set once declared property i was given,
// n counts every property given.
type object struct {
	g        *gen
	p        *ir.Param
	add      adder
	needN    bool // n is read: counts are checked or presence depends on it
	needSeen bool // seen is read: there are declared properties
	scalar   bool // a union: sent counts the values sent as a scalar instead
}

func (g *gen) newObject(p *ir.Param, add adder) *object {
	s := p.Schema
	return &object{g: g, p: p, add: add,
		needN:    multi(p) || s.MinProperties != nil || s.MaxProperties != nil,
		needSeen: len(s.Properties) > 0,
	}
}

func (o *object) begin() []jen.Code {
	var out []jen.Code
	if o.needSeen {
		out = append(out, jen.Var().Id("seen").Uint64())
	}
	if o.needN {
		out = append(out, jen.Id("n").Op(":=").Lit(0))
	}
	return out
}

func (o *object) count() jen.Code {
	if o.needN {
		return jen.Id("n").Op("++")
	}
	return jen.Null()
}

// dispatch checks the raw value w of the property whose raw name is k.
// deep: the name came out of a query (deepObject), compare it decoded.
func (o *object) dispatch(k, w jen.Code, deep bool) jen.Code {
	p := o.p
	loose := multi(p) && p.Style != "deepObject" // other parameters share the namespace
	var cases []jen.Code
	for i, pr := range p.Schema.Properties {
		var match jen.Code
		if p.In == ir.InQuery {
			match = jen.Qual(o.g.rt("param"), "KeyIs").Call(k, jen.Lit(pr.Name))
		} else {
			match = jen.String().Parens(k).Op("==").Lit(pr.Name)
		}
		bit := jen.Lit(uint64(1) << i)
		loc := p.Location() + "/" + pointerToken(pr.Name)
		add := func(c check) jen.Code { return o.g.errAt(jen.Lit(loc), c) }
		cases = append(cases, jen.Case(match).Block(
			o.count(),
			jen.If(jen.Id("seen").Op("&").Add(bit).Op("!=").Lit(0)).Block(add(fixed("repeated", "must be given at most once"))).
				Else().Block(append([]jen.Code{jen.Id("seen").Op("|=").Add(bit)}, o.g.piece(p, w, nil, add, func(d jen.Code) []jen.Code {
				if i < len(p.PropTokens) && p.PropTokens[i] != nil {
					// Applicators: the type, then the property schema's
					// validator at the property's location.
					run := o.g.validation(pr.Schema, "validate"+o.g.opOf(p)+"Param"+p.GoName+propName(pr.Name), p.PropTokens[i], d, "ResetAt", jen.Lit(loc))
					return o.g.checkScalar(&ir.Schema{Type: pr.Schema.Type}, d, add, run)
				}
				return o.g.checkScalar(pr.Schema, d, add)
			})...)...),
		))
	}
	if !loose {
		// The key as sent: percent-decoded where the parameter's
		// serialization escapes it, then a JSON pointer token.
		dyn := jen.Id("st").Dot("Errs").Dot("KeyLocation").Call(jen.Lit(p.Location()+"/"), k, jen.Lit(p.In == ir.InQuery || p.In == ir.InPath), jen.Lit(p.In == ir.InQuery))
		add := func(c check) jen.Code { return o.g.errAt(dyn.Clone(), c) }
		var def []jen.Code
		switch s := p.Schema; {
		case s.NoAdditional:
			def = []jen.Code{add(fixed("additionalProperties", "no property of this name is allowed"))}
		case s.AdditionalProperties != nil && !trivial(s.AdditionalProperties):
			def = append([]jen.Code{o.count()}, o.g.piece(p, w, nil, add, func(d jen.Code) []jen.Code {
				return o.g.checkScalar(s.AdditionalProperties, d, add)
			})...)
		default:
			def = []jen.Code{o.count()}
		}
		cases = append(cases, jen.Default().Block(def...))
	}
	// With nothing declared to check, the name or value may go unread.
	props := len(p.Schema.Properties) > 0
	kUsed := props || (!loose && p.Schema.NoAdditional)
	wUsed := props || (!loose && !p.Schema.NoAdditional && p.Schema.AdditionalProperties != nil && !trivial(p.Schema.AdditionalProperties))
	var unused []jen.Code
	if !kUsed {
		unused = append(unused, k)
	}
	if !wUsed {
		unused = append(unused, w)
	}
	blank := jen.Null()
	if len(unused) > 0 {
		blanks := make([]jen.Code, len(unused))
		for i := range blanks {
			blanks[i] = jen.Id("_")
		}
		blank = jen.List(blanks...).Op("=").List(unused...)
	}
	if len(cases) == 0 || (!props && !o.needN && !kUsed && !wUsed) {
		return blank
	}
	return jen.Add(blank).Line().Switch().Block(cases...)
}

// end checks what can only be known after the last pair: presence (for a
// value spread over parameters), required properties and counts.
func (o *object) end(field jen.Code) []jen.Code {
	p := o.p
	add := func(c check) jen.Code { return o.g.errAt(jen.Lit(p.Location()), c) }
	var checks []jen.Code
	for _, r := range p.Schema.Required {
		for i, pr := range p.Schema.Properties {
			if pr.Name == r {
				checks = append(checks, jen.If(jen.Id("seen").Op("&").Lit(uint64(1)<<i).Op("==").Lit(0)).Block(
					o.g.errAt(jen.Lit(p.Location()+"/"+pointerToken(r)), fixed("required", "missing required property "+strconv.Quote(r))),
				))
			}
		}
	}
	if m := p.Schema.MinProperties; m != nil && *m > 0 {
		checks = append(checks, jen.If(jen.Id("n").Op("<").Lit(int(*m))).Block(
			add(shows("minProperties", "must have at least "+strconv.FormatInt(*m, 10)+" properties, found ", showInt, jen.Id("n")))))
	}
	if m := p.Schema.MaxProperties; m != nil {
		checks = append(checks, jen.If(jen.Id("n").Op(">").Lit(int(*m))).Block(
			add(shows("maxProperties", "must have at most "+strconv.FormatInt(*m, 10)+" properties, found ", showInt, jen.Id("n")))))
	}
	if !multi(p) {
		return append(checks, jen.Add(field).Op("=").Id("v"))
	}
	// Spread over parameters: absent when none of them came.
	st := jen.If(jen.Id("n").Op(">").Lit(0)).Block(checks...)
	if p.Required {
		missing := add(fixed("required", "missing required "+p.In+" parameter "+strconv.Quote(p.Name)))
		if o.scalar {
			st = st.Else().If(jen.Id("sent").Op("==").Lit(0)).Block(missing)
		} else {
			st = st.Else().Block(missing)
		}
	}
	return []jen.Code{st}
}

// pointerToken is name as a JSON pointer reference token (RFC 6901 §3), as
// a body's locations spell a property: "~" as "~0", "/" as "~1".
func pointerToken(name string) string {
	return strings.ReplaceAll(strings.ReplaceAll(name, "~", "~0"), "/", "~1")
}

// checkScalar checks raw against a primitive schema without keeping it;
// ok runs when every check passes.
func (g *gen) checkScalar(s *ir.Schema, raw jen.Code, add adder, ok ...jen.Code) []jen.Code {
	x := jen.Id("x")
	switch k := scalarOf(s); k {
	case kInt, kNum:
		parse, want := numParser(k)
		var sent jen.Code
		if k == kNum {
			sent = raw
		}
		num := g.numChecks(s, k, x, sent)
		name := jen.Id("x")
		if !usesX(num) {
			name = jen.Id("_")
		}
		cs := append([]check{{jen.Op("!").Id("ok"), "type", want, showQuoted, raw}}, num...)
		return []jen.Code{jen.List(name, jen.Id("ok")).Op(":=").Qual(g.rt("param"), parse).Call(raw), chain(cs, add, ok)}
	case kBool:
		bc := g.boolChecks(s, x)
		name := jen.Id("x")
		if len(bc) == 0 {
			name = jen.Id("_")
		}
		cs := append([]check{{jen.Op("!").Id("ok"), "type", "expected true or false, found ", showQuoted, raw}}, bc...)
		return []jen.Code{jen.List(name, jen.Id("ok")).Op(":=").Qual(g.rt("param"), "ParseBool").Call(raw), chain(cs, add, ok)}
	}
	return []jen.Code{chain(g.strChecks(s, raw), add, ok)}
}

// opOf names the operation a parameter belongs to, for validator names.
func (g *gen) opOf(p *ir.Param) string {
	for _, o := range g.api.Operations {
		for _, q := range o.Params {
			if q == p {
				return o.GoName
			}
		}
	}
	return ""
}

// mentions reports whether the rendered statements use the identifier id.
// They are rendered as jennifer prints them, without gofmt (which moves
// spaces and line breaks, never a name): on a document of hundreds of
// operations, formatting each piece cost a tenth of a CPU second, and the
// code is formatted with its file anyway.
func mentions(codes []jen.Code, id string) bool {
	const start = "mentionsStart_" // what comes before it is the file's clause and imports
	f := jen.NewFile("p")
	f.NoFormat = true
	f.Add(jen.Id(start), jen.Block(codes...))
	var b strings.Builder
	if err := f.Render(&b); err != nil {
		panic(err) // as GoString does: jennifer fails only on code built wrong
	}
	src := b.String()
	_, src, _ = strings.Cut(src, start)
	return hasWord(src, id)
}

// hasWord reports whether id occurs in src between non-word characters, as
// the regexp \bid\b finds it.
func hasWord(src, id string) bool {
	if id == "" {
		return false
	}
	for i := 0; ; {
		j := strings.Index(src[i:], id)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(id)
		if (j == 0 || !isWordByte(src[j-1])) && (end == len(src) || !isWordByte(src[end])) {
			return true
		}
		i = j + 1
	}
}

func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// checkedAsSent reports whether a query value of p may first be checked as
// it was sent, before any reserved-character check or percent-decoding:
// when its kind proves that a value that passes has nothing to decode. An
// integer is a '-' and digits; a boolean is true or false; a string enum
// whose members hold no '%', '+', '[' or ']' matches a raw value only when
// decoding would not change it. A value that fails this first try takes
// the whole path, which reports exactly what it would have without it, so
// the try only saves the valid path the work of learning that the value
// is plain (param.Found.AddRaw instead of AddValue).
func checkedAsSent(p *ir.Param) bool {
	if p.In != ir.InQuery || p.Shape != ir.ShapePrimitive || p.Validate || p.AllowEmptyValue {
		return false
	}
	switch scalarOf(p.Schema) {
	case kInt, kBool:
		return true
	case kStr:
		return sentEnum(p.Schema) != nil
	}
	return false
}

// sentWhy says, in a generated comment, why a value of each kind that
// passes as sent has nothing to decode.
var sentWhy = map[scalar]string{
	kInt:  "an integer has nothing to decode",
	kBool: "true and false have nothing to decode",
	kStr:  "no member of the enum has anything to decode",
}

// sentEnum returns the members of a string enum that a raw query value can
// be compared with as it is, or nil when s is no such enum.
func sentEnum(s *ir.Schema) []string {
	if len(s.Enum) == 0 {
		return nil
	}
	strs := make([]string, 0, len(s.Enum))
	for _, e := range s.Enum {
		var v string
		if e == "null" || json.Unmarshal([]byte(e), &v) != nil || strings.ContainsAny(v, "%+[]&") {
			return nil
		}
		strs = append(strs, v)
	}
	return strs
}

// asSent checks a query value of p that is checkedAsSent (found is its
// param.Found) on the raw value v first, and takes the whole path, reserved
// characters and percent-decoding, only when that fails. An integer or a
// boolean that does not parse as sent is parsed again once decoded, so
// that one chain of checks serves both:
//
//	x, parsed := param.ParseInt(v)
//	if !parsed {
//		...allowReserved, decoding, then x, parsed = param.ParseInt(d)...
//	}
//	if parsed {
//		...minimum, maximum, format..., p.Limit = x
//	}
//
// A string enum is a member as sent, with the rest of its checks on v, or
// else takes the whole path with every check.
func (g *gen) asSent(p *ir.Param, v, found jen.Code, add adder, set func(jen.Code) jen.Code) []jen.Code {
	s := p.Schema
	note := jen.Comment("Checked as sent first: " + sentWhy[scalarOf(s)] + ".")
	x, parsed := jen.Id("x"), jen.Id("parsed")
	switch k := scalarOf(s); k {
	case kInt, kBool:
		parse, want, checks := "ParseInt", "expected an integer, found ", g.numChecks(s, kInt, x, nil)
		if k == kBool {
			parse, want, checks = "ParseBool", "expected true or false, found ", g.boolChecks(s, x)
		}
		decoded := g.piece(p, v, found, add, func(d jen.Code) []jen.Code {
			return []jen.Code{jen.If(jen.List(x, parsed).Op("=").Qual(g.rt("param"), parse).Call(d), jen.Op("!").Add(parsed)).Block(
				add(shows("type", want, showQuoted, d)),
			)}
		})
		return []jen.Code{
			note,
			jen.List(x, parsed).Op(":=").Qual(g.rt("param"), parse).Call(v),
			jen.If(jen.Op("!").Add(parsed)).Block(decoded...),
			jen.If(parsed).Block(chained(checks, add, set(x))...),
		}
	}
	var rest []check
	for _, c := range g.strChecks(s, v) {
		if c.rule != "enum" && c.rule != "const" {
			rest = append(rest, c)
		}
	}
	member := jen.If(jen.Id(g.enumFunc(uniq(sentEnum(s)))).Call(v)).Block(chained(rest, add, set(jen.Qual(g.rt("param"), "S").Call(v)))...)
	decoded := g.piece(p, v, found, add, func(d jen.Code) []jen.Code { return g.decodeScalar(s, d, add, set) })
	if len(decoded) == 1 {
		return []jen.Code{note, member.Else().Add(decoded[0])}
	}
	return []jen.Code{note, member.Else().Block(decoded...)}
}

// chained is chain as the statements of a block: ok alone when there is
// nothing to check.
func chained(cs []check, add adder, ok jen.Code) []jen.Code {
	if len(cs) == 0 {
		return []jen.Code{ok}
	}
	return []jen.Code{chain(cs, add, []jen.Code{ok})}
}

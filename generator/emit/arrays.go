package emit

import (
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// This file holds the array keywords of the schema validators (schema.go):
// items and prefixItems, contains with its bounds, minItems and maxItems,
// uniqueItems and unevaluatedItems.

func (b *bodyGen) array(s *ir.Schema, name string, track bool) []jen.Code {
	items := s.Items
	if items != nil && trivial(items) && !track && s.UnevaluatedItems == nil {
		items = nil
	}
	counted := s.MinItems != nil || s.MaxItems != nil
	if items == nil && !counted && len(s.PrefixItems) == 0 && s.Contains == nil && !s.UniqueItems && s.UnevaluatedItems == nil {
		return []jen.Code{jen.Id("it").Dot("Skip").Call()}
	}
	var out []jen.Code
	if s.UniqueItems {
		out = append(out, jen.Id("am").Op(":=").Id("it").Dot("Mark").Call())
	}
	out = append(out, jen.Id("n").Op(":=").Lit(0))
	if s.Contains != nil {
		out = append(out, jen.Id("matched").Op(":=").Lit(0))
	}
	if items != nil && inlined(items) && s.Contains == nil && len(s.PrefixItems) == 0 && s.UnevaluatedItems == nil && b.at == nil {
		// Scalar items are checked in place; the index is spelled out
		// only for a violation.
		loop := append(b.scalarAt(items, name+"Item", jen.Id("it").Dot("LocIndex").Call(jen.Id("n"))), jen.Id("n").Op("++"))
		out = append(out, jen.For(jen.Id("ok").Op(":=").Id("it").Dot("FirstElem").Call(), jen.Id("ok"), jen.Id("ok").Op("=").Id("it").Dot("NextElem").Call()).Block(loop...))
		return append(out, b.arrayEnd(s, track, items)...)
	}
	loop := []jen.Code{jen.Id("m").Op(":=").Id("it").Dot("PushIndex").Call(jen.Id("n"))}
	if s.Contains != nil {
		try := []jen.Code{
			jen.Id("em").Op(":=").Id("it").Dot("Mark").Call(),
			jen.Id("p").Op(":=").Id("errs").Dot("Probe").Call(),
		}
		try = append(try, b.call(s.Contains, name+"Contains", false, nil)...)
		onPass := []jen.Code{jen.Id("matched").Op("++")}
		if track {
			onPass = append(onPass, jen.Id("ev").Dot("Set").Call(jen.Id("n")))
		}
		try = append(try, jen.If(jen.Id("errs").Dot("EndProbe").Call(jen.Id("p"))).Block(onPass...), jen.Id("it").Dot("Rewind").Call(jen.Id("em")))
		loop = append(loop, jen.Block(try...))
	}
	// rest checks an item past prefixItems.
	var rest []jen.Code
	switch {
	case items != nil:
		rest = b.call(items, name+"Item", false, nil)
	case s.UnevaluatedItems != nil:
		uneval := b.call(s.UnevaluatedItems, name+"Unevaluated", false, nil)
		if s.UnevaluatedItems.False {
			uneval = []jen.Code{b.add("unevaluatedItems", "item is not allowed: no keyword of the schema describes it"), jen.Id("it").Dot("Skip").Call()}
		}
		uneval = append(uneval, jen.Id("ev").Dot("Set").Call(jen.Id("n")))
		rest = []jen.Code{jen.If(jen.Id("ev").Dot("Has").Call(jen.Id("n"))).Block(jen.Id("it").Dot("Skip").Call()).Else().Block(uneval...)}
	default:
		rest = []jen.Code{jen.Id("it").Dot("Skip").Call()}
	}
	if len(s.PrefixItems) > 0 {
		sw := jen.Switch(jen.Id("n")).BlockFunc(func(g *jen.Group) {
			for i, p := range s.PrefixItems {
				body := b.call(p, name+"Prefix"+strconv.Itoa(i), false, nil)
				if track {
					body = append(body, jen.Id("ev").Dot("Set").Call(jen.Id("n")))
				}
				g.Case(jen.Lit(i)).Block(body...)
			}
			g.Default().Block(rest...)
		})
		loop = append(loop, sw)
	} else {
		loop = append(loop, rest...)
	}
	loop = append(loop, jen.Id("it").Dot("Pop").Call(jen.Id("m")), jen.Id("n").Op("++"))
	out = append(out, jen.For(jen.Id("ok").Op(":=").Id("it").Dot("FirstElem").Call(), jen.Id("ok"), jen.Id("ok").Op("=").Id("it").Dot("NextElem").Call()).Block(loop...))
	return append(out, b.arrayEnd(s, track, items)...)
}

// arrayEnd returns the checks made once an array's items are read.
func (b *bodyGen) arrayEnd(s *ir.Schema, track bool, items *ir.Schema) []jen.Code {
	var out []jen.Code
	if track && items != nil {
		out = append(out, jen.Id("ev").Dot("SetFrom").Call(jen.Lit(len(s.PrefixItems))))
	}
	if n := s.MinItems; n != nil && *n > 0 {
		out = append(out, jen.If(jen.Id("n").Op("<").Lit(int(*n))).Block(
			b.report(count("minItems", "must have at least "+itoa(*n)+" items, found ", "n"))))
	}
	if n := s.MaxItems; n != nil {
		out = append(out, jen.If(jen.Id("n").Op(">").Lit(int(*n))).Block(
			b.report(count("maxItems", "must have at most "+itoa(*n)+" items, found ", "n"))))
	}
	if s.Contains != nil {
		min, rule := int64(1), "contains"
		if s.MinContains != nil {
			min, rule = *s.MinContains, "minContains"
		}
		if min > 0 {
			out = append(out, jen.If(jen.Id("matched").Op("<").Lit(int(min))).Block(
				b.report(count(rule, "must contain at least "+itoa(min)+" matching items, found ", "matched"))))
		}
		if s.MaxContains != nil {
			out = append(out, jen.If(jen.Id("matched").Op(">").Lit(int(*s.MaxContains))).Block(
				b.report(count("maxContains", "must contain at most "+itoa(*s.MaxContains)+" matching items, found ", "matched"))))
		}
	}
	if s.UniqueItems {
		out = append(out,
			jen.Id("end").Op(":=").Id("it").Dot("Mark").Call(),
			jen.Id("it").Dot("Rewind").Call(jen.Id("am")),
			jen.If(jen.List(jen.Id("i"), jen.Id("j"), jen.Id("dup")).Op(":=").Id("it").Dot("Duplicates").Call(), jen.Id("dup").Op("&&").Id("errs").Dot("Keep").Call()).Block(
				jen.Id("errs").Dot("Add").Call(b.pointer(), jen.Lit("uniqueItems"), jen.Lit("items must be unique, found items ").Op("+").Qual("strconv", "Itoa").Call(jen.Id("i")).Op("+").Lit(" and ").Op("+").Qual("strconv", "Itoa").Call(jen.Id("j")).Op("+").Lit(" equal")),
			),
			jen.Id("it").Dot("Rewind").Call(jen.Id("end")),
		)
	}
	return out
}

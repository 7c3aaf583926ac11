package emit

import (
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// This file holds the applicators of the schema validators (schema.go):
// the keywords that apply subschemas to the value itself (allOf, anyOf,
// oneOf, not, if/then/else, dependentSchemas), reading it again from a
// mark, and the discriminator's dispatch to one branch.

// inPlace returns the checks of the keywords that apply subschemas to the
// value itself, each reading it again from start.
func (b *bodyGen) inPlace(s *ir.Schema, name string, track bool) []jen.Code {
	var out []jen.Code
	rewind := jen.Id("it").Dot("Rewind").Call(jen.Id("start"))
	ev := jen.Id("ev")
	if !track {
		ev = nil
	}
	local := func() []jen.Code {
		if !track {
			return nil
		}
		return []jen.Code{jen.Var().Id("e").Qual(b.rt("jsonv"), "Evaluated")}
	}
	localEv := jen.Op("&").Id("e")
	merge := func() jen.Code {
		if !track {
			return jen.Null()
		}
		return jen.Id("ev").Dot("Merge").Call(jen.Op("&").Id("e"))
	}
	probe := jen.Id("p").Op(":=").Id("errs").Dot("Probe").Call()
	passed := jen.Id("errs").Dot("EndProbe").Call(jen.Id("p"))

	for i, sub := range s.AllOf {
		out = append(out, b.call(sub, name+"AllOf"+strconv.Itoa(i), track, ev)...)
		out = append(out, rewind)
	}
	if len(s.AnyOf) > 0 {
		var plain []jen.Code
		plain = append(plain, jen.Id("anyOK").Op(":=").False())
		for i, sub := range s.AnyOf {
			try := append(local(), probe)
			try = append(try, b.call(sub, name+"AnyOf"+strconv.Itoa(i), track, localEv)...)
			try = append(try, jen.If(passed).Block(jen.Id("anyOK").Op("=").True(), merge()), rewind)
			if i > 0 && !track {
				// Annotations are not needed: the first passing branch settles it.
				plain = append(plain, jen.If(jen.Op("!").Id("anyOK")).Block(try...))
			} else {
				plain = append(plain, jen.Block(try...))
			}
		}
		plain = append(plain, jen.If(jen.Op("!").Id("anyOK")).Block(
			b.add("anyOf", "must match at least one of the "+strconv.Itoa(len(s.AnyOf))+" schemas of anyOf, matches none")))
		if s.Discriminator != nil && len(s.OneOf) == 0 {
			out = append(out, b.dispatch(s, s.AnyOf, name+"AnyOf", track, plain)...)
		} else {
			out = append(out, plain...)
		}
	}
	if len(s.OneOf) > 0 {
		var plain []jen.Code
		plain = append(plain, jen.Id("oneOK").Op(":=").Lit(0))
		for i, sub := range s.OneOf {
			try := append(local(), probe)
			try = append(try, b.call(sub, name+"OneOf"+strconv.Itoa(i), track, localEv)...)
			onPass := []jen.Code{jen.Id("oneOK").Op("++")}
			if track {
				onPass = append(onPass, jen.If(jen.Id("oneOK").Op("==").Lit(1)).Block(merge()))
			}
			try = append(try, jen.If(passed).Block(onPass...), rewind)
			plain = append(plain, jen.Block(try...))
		}
		n := strconv.Itoa(len(s.OneOf))
		plain = append(plain,
			jen.If(jen.Id("oneOK").Op("==").Lit(0)).Block(
				b.add("oneOf", "must match exactly one of the "+n+" schemas of oneOf, matches none"),
			).Else().If(jen.Id("oneOK").Op(">").Lit(1)).Block(
				b.report(check{rule: "oneOf", text: "must match exactly one of the " + n + " schemas of oneOf, matches ", show: showInt, found: jen.Id("oneOK")}),
			))
		if s.Discriminator != nil {
			out = append(out, b.dispatch(s, s.OneOf, name+"OneOf", track, plain)...)
		} else {
			out = append(out, plain...)
		}
	}
	if s.Not != nil {
		try := []jen.Code{probe}
		try = append(try, b.call(s.Not, name+"Not", false, nil)...)
		try = append(try, jen.If(passed).Block(b.add("not", "must not match the schema of not")), rewind)
		out = append(out, jen.Block(try...))
	}
	if s.If != nil {
		try := append(local(), probe)
		try = append(try, b.call(s.If, name+"If", track, localEv)...)
		try = append(try, rewind)
		var then, els []jen.Code
		if track {
			then = append(then, merge())
		}
		if s.Then != nil {
			then = append(then, b.call(s.Then, name+"Then", track, ev)...)
			then = append(then, rewind)
		}
		if s.Else != nil {
			els = append(els, b.call(s.Else, name+"Else", track, ev)...)
			els = append(els, rewind)
		}
		st := jen.If(passed).Block(then...)
		if len(els) > 0 {
			st = st.Else().Block(els...)
		}
		try = append(try, st)
		out = append(out, jen.Block(try...))
	}
	for _, d := range s.DependentSchemas {
		body := b.call(d.Schema, name+"Dependent"+propName(d.Name), track, ev)
		body = append(body, rewind)
		out = append(out, jen.If(jen.Id("it").Dot("HasKey").Call(jen.Lit(d.Name))).Block(body...))
	}
	return out
}

// dispatch checks the value against the one branch its discriminator
// property selects, reporting that branch's violations where they are.
//
// A value the mapping does not know (not an object, no such property, not
// a string, or a string that names no branch) is checked by plain, the
// applicator without its discriminator: a discriminator is a hint that
// "MUST NOT change the validation outcome of the schema" (OAS 3.1.1
// §4.8.25), and documents such as OpenAI's name no mapping while their
// values ("developer") are not the schemas' names either.
func (b *bodyGen) dispatch(s *ir.Schema, branches []*ir.Schema, name string, track bool, plain []jen.Code) []jen.Code {
	d := s.Discriminator
	ev := jen.Id("ev")
	if !track {
		ev = nil
	}
	last := len(branches) - 1
	fallback := func() []jen.Code { return b.call(branches[last], name+strconv.Itoa(last), track, ev) }
	sw := jen.Switch(jen.String().Parens(jen.Qual(b.rt("jsonv"), "Unquote").Call(jen.Id("raw"), jen.Id("buf").Index(jen.Empty(), jen.Lit(0))))).BlockFunc(func(g *jen.Group) {
		byBranch := map[int][]jen.Code{}
		var order []int
		for _, m := range d.Mapping {
			if _, ok := byBranch[m.Branch]; !ok {
				order = append(order, m.Branch)
			}
			byBranch[m.Branch] = append(byBranch[m.Branch], jen.Lit(m.Value))
		}
		for _, i := range order {
			g.Case(byBranch[i]...).Block(b.call(branches[i], name+strconv.Itoa(i), track, ev)...)
		}
		if d.Fallback {
			g.Default().Block(fallback()...)
			return
		}
		g.Default().Block(jen.Id("mapped").Op("=").False())
	})
	head := []jen.Code{
		jen.Var().Id("buf").Index(jen.Lit(64)).Byte(),
		jen.List(jen.Id("raw"), jen.Id("kind"), jen.Id("found")).Op(":=").Id("it").Dot("Member").Call(jen.Lit(d.Property)),
	}
	if d.Fallback {
		// Without a value that selects a subtype, the base decides, and
		// reports a missing or mistyped property by its own rules.
		return []jen.Code{jen.Block(append(head,
			jen.If(jen.Id("it").Dot("Peek").Call().Op("!=").Qual(b.rt("jsonv"), "Object").Op("||").Op("!").Id("found").Op("||").Id("kind").Op("!=").Qual(b.rt("jsonv"), "String")).Block(
				fallback()...,
			).Else().Block(sw),
			jen.Id("it").Dot("Rewind").Call(jen.Id("start")),
		)...)}
	}
	return []jen.Code{jen.Block(append(head,
		jen.Id("mapped").Op(":=").Id("it").Dot("Peek").Call().Op("==").Qual(b.rt("jsonv"), "Object").Op("&&").Id("found").Op("&&").Id("kind").Op("==").Qual(b.rt("jsonv"), "String"),
		jen.If(jen.Id("mapped")).Block(sw),
		jen.If(jen.Op("!").Id("mapped")).Block(plain...),
		jen.Id("it").Dot("Rewind").Call(jen.Id("start")),
	)...)}
}

package emit

import (
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// This file holds the object keywords of the schema validators (schema.go):
// properties and required (less readOnly or writeOnly ones, as lower
// decided), additionalProperties, patternProperties, propertyNames,
// dependentRequired, the property counts and unevaluatedProperties.

// object returns the checks of an object's members. Names that must be
// remembered (required ones, dependentRequired ones) get a bit in seen.
func (b *bodyGen) object(s *ir.Schema, name string, track bool) []jen.Code {
	required := b.requestRequired(s)
	bits := map[string]int{}
	var bitNames []string
	addBit := func(n string) {
		if _, ok := bits[n]; !ok {
			bits[n] = len(bitNames)
			bitNames = append(bitNames, n)
		}
	}
	for _, r := range required {
		addBit(r)
	}
	for _, d := range s.DependentRequired {
		addBit(d.Name)
		for _, r := range d.Required {
			addBit(r)
		}
	}
	counted := s.MinProperties != nil || s.MaxProperties != nil
	extra := s.AdditionalProperties
	if extra != nil && trivial(extra) && !track && s.UnevaluatedProperties == nil {
		extra = nil
	}
	trackProps := track && (len(s.Properties) > 0 || len(s.PatternProperties) > 0 || extra != nil || s.NoAdditional)
	general := len(s.PatternProperties) > 0 || s.UnevaluatedProperties != nil || trackProps
	if len(s.Properties) == 0 && len(bitNames) == 0 && !counted && !s.NoAdditional && extra == nil && !general && s.PropertyNames == nil {
		return []jen.Code{jen.Id("it").Dot("Skip").Call()}
	}
	var out []jen.Code
	if words := (len(bitNames) + 63) / 64; words > 0 {
		out = append(out, jen.Var().Id("seen").Index(jen.Lit(words)).Uint64())
	}
	ordinal := counted || general
	if ordinal {
		out = append(out, jen.Id("n").Op(":=").Lit(0))
	}
	mark := func(prop string) jen.Code {
		i, ok := bits[prop]
		if !ok {
			return jen.Null()
		}
		return jen.Id("seen").Index(jen.Lit(i / 64)).Op("|=").Lit(1).Op("<<").Lit(i % 64)
	}
	isSet := func(prop string) *jen.Statement {
		i := bits[prop]
		return jen.Id("seen").Index(jen.Lit(i / 64)).Op("&").Parens(jen.Lit(1).Op("<<").Lit(i % 64)).Op("!=").Lit(0)
	}
	push := func(lit string) jen.Code { return jen.Id("m").Op(":=").Id("it").Dot("PushKey").Call(jen.Lit(lit)) }
	pushK := jen.Id("m").Op(":=").Id("it").Dot("PushKeyBytes").Call(jen.Id("k"))
	pop := jen.Id("it").Dot("Pop").Call(jen.Id("m"))
	notAllowed := func(rule string) []jen.Code {
		b.usesNotAllowed = true
		return []jen.Code{jen.Id("notAllowed").Call(jen.Id("it"), jen.Id("errs"), jen.Lit(rule), jen.Id("k"))}
	}
	// property returns the checks of one declared property's value.
	property := func(p *ir.Property) []jen.Code {
		if ps := b.resolve(p.Schema); ps != nil && ps.ReadOnly && !b.response {
			return []jen.Code{push(p.Name), b.add("readOnly", "property "+strconv.Quote(p.Name)+" is read-only and must not be sent in a request"), jen.Id("it").Dot("Skip").Call(), pop}
		}
		if ps := b.resolve(p.Schema); ps != nil && ps.WriteOnly && b.response {
			return []jen.Code{push(p.Name), b.add("writeOnly", "property "+strconv.Quote(p.Name)+" is write-only and must not be sent in a response"), jen.Id("it").Dot("Skip").Call(), pop}
		}
		if inlined(p.Schema) && b.at == nil {
			return b.scalarAt(p.Schema, name+propName(p.Name), jen.Id("it").Dot("LocKey").Call(jen.Lit(p.Name)))
		}
		body := []jen.Code{push(p.Name)}
		body = append(body, b.call(p.Schema, name+propName(p.Name), false, nil)...)
		return append(body, pop)
	}

	var loop []jen.Code
	if s.PropertyNames != nil {
		// A function of its own even for a scalar schema: it runs over a
		// second iterator reading the key, whose locations are the
		// member's.
		fn := b.fnMode(s.PropertyNames, name+"PropertyName", false)
		loop = append(loop, jen.Block(
			pushK,
			jen.Id(fn).Call(jen.Id("it").Dot("KeyIter").Call(), jen.Id("errs")),
			pop,
		))
	}
	if !general {
		// Fast path: a switch on the key, additionalProperties in default.
		var cases []jen.Code
		declared := map[string]bool{}
		for _, p := range s.Properties {
			declared[p.Name] = true
			cases = append(cases, jen.Case(jen.Lit(p.Name)).Block(append([]jen.Code{mark(p.Name)}, property(p)...)...))
		}
		var def []jen.Code
		switch {
		case s.NoAdditional:
			def = notAllowed("additionalProperties")
		case extra != nil:
			def = append([]jen.Code{pushK}, b.call(extra, name+"Additional", false, nil)...)
			def = append(def, pop)
		default:
			def = []jen.Code{jen.Id("it").Dot("Skip").Call()}
		}
		// Names remembered in seen but not declared still need a case.
		for _, r := range bitNames {
			if !declared[r] {
				cases = append(cases, jen.Case(jen.Lit(r)).Block(append([]jen.Code{mark(r)}, def...)...))
			}
		}
		if counted {
			loop = append(loop, jen.Id("n").Op("++"))
		}
		if len(cases) > 0 {
			cases = append(cases, jen.Default().Block(def...))
			loop = append(loop, jen.Switch(jen.String().Parens(jen.Id("k"))).Block(cases...))
		} else {
			loop = append(loop, def...)
		}
	} else {
		loop = append(loop, b.member(s, name, trackProps, extra, bitNames, mark, property, notAllowed)...)
		loop = append(loop, jen.Id("n").Op("++"))
	}
	out = append(out, jen.For(jen.Id("k").Op(":=").Id("it").Dot("FirstKey").Call(), jen.Id("k").Op("!=").Nil(), jen.Id("k").Op("=").Id("it").Dot("NextKey").Call()).Block(loop...))
	for _, r := range required {
		b.usesMissing = true
		i := bits[r]
		out = append(out, jen.If(jen.Id("seen").Index(jen.Lit(i/64)).Op("&").Parens(jen.Lit(1).Op("<<").Lit(i%64)).Op("==").Lit(0)).Block(
			jen.Id("missingProperty").Call(jen.Id("it"), jen.Id("errs"), jen.Lit(r), jen.Lit("missing required property "+strconv.Quote(r))),
		))
	}
	for _, d := range s.DependentRequired {
		for _, r := range d.Required {
			out = append(out, jen.If(isSet(d.Name).Op("&&").Op("!").Parens(isSet(r))).Block(
				b.add("dependentRequired", "property "+strconv.Quote(r)+" is required when "+strconv.Quote(d.Name)+" is present"),
			))
		}
	}
	if n := s.MinProperties; n != nil && *n > 0 {
		out = append(out, jen.If(jen.Id("n").Op("<").Lit(int(*n))).Block(
			b.report(count("minProperties", "must have at least "+itoa(*n)+" properties, found ", "n"))))
	}
	if n := s.MaxProperties; n != nil {
		out = append(out, jen.If(jen.Id("n").Op(">").Lit(int(*n))).Block(
			b.report(count("maxProperties", "must have at most "+itoa(*n)+" properties, found ", "n"))))
	}
	return out
}

// member returns the checks of one object member when patternProperties,
// unevaluatedProperties or evaluation tracking are involved: a member may
// be checked by a declared property and by several patterns, each reading
// it again, and what none of them matched goes to additionalProperties,
// then to unevaluatedProperties.
func (b *bodyGen) member(s *ir.Schema, name string, track bool, extra *ir.Schema, bitNames []string,
	mark func(string) jen.Code, property func(*ir.Property) []jen.Code, notAllowed func(string) []jen.Code) []jen.Code {
	if u := s.UnevaluatedProperties; u != nil && len(s.Properties) == 0 && len(s.PatternProperties) == 0 &&
		!s.NoAdditional && extra == nil && len(bitNames) == 0 {
		// Nothing of this schema's own matches a member: what the in-place
		// subschemas did not evaluate goes to unevaluatedProperties.
		body := append(b.unevaluatedMember(u, name, notAllowed), jen.Id("ev").Dot("Set").Call(jen.Id("n")))
		return []jen.Code{jen.If(jen.Id("ev").Dot("Has").Call(jen.Id("n"))).Block(jen.Id("it").Dot("Skip").Call()).Else().Block(body...)}
	}
	needMatched := s.NoAdditional || extra != nil || track || s.UnevaluatedProperties != nil
	set := func() jen.Code {
		if needMatched {
			return jen.Id("consumed").Op(",").Id("matched").Op("=").True().Op(",").True()
		}
		return jen.Id("consumed").Op("=").True()
	}
	var out []jen.Code
	if len(s.PatternProperties) > 0 && (len(s.Properties) > 0 || len(s.PatternProperties) > 1) {
		out = append(out, jen.Id("mm").Op(":=").Id("it").Dot("Mark").Call())
	}
	if needMatched {
		out = append(out, jen.Id("consumed").Op(",").Id("matched").Op(":=").False().Op(",").False())
	} else {
		out = append(out, jen.Id("consumed").Op(":=").False())
	}
	again := jen.If(jen.Id("consumed")).Block(jen.Id("it").Dot("Rewind").Call(jen.Id("mm")))
	declared := map[string]bool{}
	var cases []jen.Code
	for _, p := range s.Properties {
		declared[p.Name] = true
		body := []jen.Code{mark(p.Name)}
		body = append(body, property(p)...)
		body = append(body, set())
		cases = append(cases, jen.Case(jen.Lit(p.Name)).Block(body...))
	}
	for _, r := range bitNames {
		if !declared[r] {
			cases = append(cases, jen.Case(jen.Lit(r)).Block(mark(r)))
		}
	}
	if len(cases) > 0 {
		out = append(out, jen.Switch(jen.String().Parens(jen.Id("k"))).Block(cases...))
	}
	for i, pp := range s.PatternProperties {
		var body []jen.Code
		if i > 0 || len(s.Properties) > 0 {
			body = append(body, again)
		}
		body = append(body, jen.Id("m").Op(":=").Id("it").Dot("PushKeyBytes").Call(jen.Id("k")))
		body = append(body, b.call(pp.Schema, name+"Pattern"+strconv.Itoa(i), false, nil)...)
		body = append(body, jen.Id("it").Dot("Pop").Call(jen.Id("m")), set())
		out = append(out, jen.If(jen.Id(b.pattern(pp.Name)).Dot("Match").Call(jen.Id("k"))).Block(body...))
	}
	switch {
	case s.NoAdditional:
		out = append(out, jen.If(jen.Op("!").Id("matched")).Block(append(notAllowed("additionalProperties"), set())...))
	case extra != nil:
		body := []jen.Code{jen.Id("m").Op(":=").Id("it").Dot("PushKeyBytes").Call(jen.Id("k"))}
		body = append(body, b.call(extra, name+"Additional", false, nil)...)
		body = append(body, jen.Id("it").Dot("Pop").Call(jen.Id("m")), set())
		out = append(out, jen.If(jen.Op("!").Id("matched")).Block(body...))
	}
	if track {
		out = append(out, jen.If(jen.Id("matched")).Block(jen.Id("ev").Dot("Set").Call(jen.Id("n"))))
	}
	if u := s.UnevaluatedProperties; u != nil {
		body := append(b.unevaluatedMember(u, name, notAllowed), jen.Id("consumed").Op("=").True(), jen.Id("ev").Dot("Set").Call(jen.Id("n")))
		out = append(out, jen.If(jen.Op("!").Id("matched").Op("&&").Op("!").Id("ev").Dot("Has").Call(jen.Id("n"))).Block(body...))
	}
	out = append(out, jen.If(jen.Op("!").Id("consumed")).Block(jen.Id("it").Dot("Skip").Call()))
	return out
}

// requestRequired is what lower decided the body being checked must hold:
// required less readOnly properties in a request, less writeOnly ones in a
// response.
func (b *bodyGen) requestRequired(s *ir.Schema) []string {
	if b.response {
		return s.ResponseRequired
	}
	return s.RequestRequired
}

// propName makes a property name part of a Go function name.
func propName(p string) string {
	var b strings.Builder
	up := true
	for _, r := range p {
		switch {
		case r >= 'a' && r <= 'z':
			if up {
				r -= 'a' - 'A'
			}
			b.WriteRune(r)
			up = false
		case r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			up = false
		default:
			up = true
		}
	}
	if b.Len() == 0 {
		return "Prop"
	}
	return b.String()
}

// unevaluatedMember checks the member k, which nothing else of the object
// evaluated, against unevaluatedProperties u.
func (b *bodyGen) unevaluatedMember(u *ir.Schema, name string, notAllowed func(string) []jen.Code) []jen.Code {
	if u.False {
		return notAllowed("unevaluatedProperties")
	}
	body := []jen.Code{jen.Id("m").Op(":=").Id("it").Dot("PushKeyBytes").Call(jen.Id("k"))}
	body = append(body, b.call(u, name+"Unevaluated", false, nil)...)
	return append(body, jen.Id("it").Dot("Pop").Call(jen.Id("m")))
}

package emit

import (
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"
	json "github.com/goccy/go-json"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// bodies emits one validator function per named schema and per object or
// array schema nested in a body, walking the JSON bytes with jsonv:
//
//	// validateNewPet checks a NewPet (components.schemas.NewPet).
//	func validateNewPet(it *jsonv.Iter, errs *problem.Errors) {
//		switch it.Peek() {
//		case jsonv.Object:
//			var seen [1]uint64
//			for k := it.FirstKey(); k != nil; k = it.NextKey() {
//				switch string(k) {
//				case "name":
//					seen[0] |= 1 << 0
//					m := it.PushKey("name")
//					...string checks...
//					it.Pop(m)
//				default:
//					...additionalProperties...
//				}
//			}
//			...required...
//		default:
//			errs.Add(it.Pointer(), "type", "expected object, found "+it.Peek().String())
//			it.Skip()
//		}
//	}
//
// Violations carry the JSON pointer of the value, prefixed with /body.
func (g *gen) bodies(f *jen.File) {
	b := g.schemas
	for _, o := range g.api.Operations {
		if o.Body == nil {
			continue
		}
		for _, m := range o.Body.Media {
			if m.Schema != nil {
				b.fn(m.Schema, bodyFunc(o, m))
			}
		}
	}
	for len(b.queue) > 0 {
		q := b.queue[0]
		b.queue = b.queue[1:]
		b.emit(f, q.s, q.name)
	}
	b.helpers(f)
	g.tables(f)
}

// helpers emits the two reports every object validator makes, once per
// package instead of inline at each use.
func (b *bodyGen) helpers(f *jen.File) {
	params := []jen.Code{
		jen.Id("it").Op("*").Qual(b.rt("jsonv"), "Iter"),
		jen.Id("errs").Op("*").Qual(b.rt("problem"), "Errors"),
	}
	if b.usesWrongType {
		f.Comment("wrongType reports the value at the iterator as not of the wanted type, and skips it.")
		f.Func().Id("wrongType").Params(append(params, jen.Id("want").String())...).Block(
			b.add("type", jen.Lit("expected ").Op("+").Id("want").Op("+").Lit(", found ").Op("+").Id("it").Dot("Peek").Call().Dot("String").Call()),
			jen.Id("it").Dot("Skip").Call(),
		)
	}
	if b.usesMissing {
		f.Comment("missingProperty reports the required property name as absent from the object just read.")
		f.Func().Id("missingProperty").Params(append(params, jen.Id("name").String())...).Block(
			jen.Id("m").Op(":=").Id("it").Dot("PushKey").Call(jen.Id("name")),
			b.add("required", jen.Lit("missing required property ").Op("+").Qual("strconv", "Quote").Call(jen.Id("name"))),
			jen.Id("it").Dot("Pop").Call(jen.Id("m")),
		)
	}
}

// validator returns the name of the function that checks a JSON value
// against s, func(it *jsonv.Iter, errs *problem.Errors), and has it emitted
// into bodies.go. name is used when s is not a named schema. Any emitter may
// call it (a content-encoded parameter, a form field sent as JSON).
func (g *gen) validator(s *ir.Schema, name string) string { return g.schemas.fn(s, name) }

// bodyFunc names the validator of one media type of an operation's body.
func bodyFunc(o *ir.Operation, m *ir.Media) string {
	if m.Schema.Ref != "" {
		return "validate" + m.Schema.Ref
	}
	suffix := ""
	if len(o.Body.Media) > 1 {
		suffix = mediaName(m.ContentType)
	}
	return "validate" + o.GoName + "Body" + suffix
}

// mediaName makes a content type part of a Go function name.
func mediaName(ct string) string { return propName(ct) }

type bodyGen struct {
	*gen
	done  map[string]bool
	queue []queued

	usesWrongType, usesMissing bool // emit the shared helpers below
}

type queued struct {
	s    *ir.Schema
	name string
}

// fn returns the name of the function validating s, queuing its emission.
func (b *bodyGen) fn(s *ir.Schema, name string) string {
	if s.Ref != "" {
		name = "validate" + s.Ref
		s = b.named(s.Ref)
	}
	if !b.done[name] {
		b.done[name] = true
		b.queue = append(b.queue, queued{s, name})
	}
	return name
}

func (b *bodyGen) named(goName string) *ir.Schema {
	for _, n := range b.api.Schemas {
		if n.GoName == goName {
			return n
		}
	}
	return &ir.Schema{}
}

func (b *bodyGen) emit(f *jen.File, s *ir.Schema, name string) {
	what := "a value"
	if s.Name != "" {
		what = "a " + s.Name + " (" + s.Pos.String() + ")"
	}
	f.Comment(name + " checks " + what + " at the iterator.")
	f.Func().Id(name).Params(
		jen.Id("it").Op("*").Qual(b.rt("jsonv"), "Iter"),
		jen.Id("errs").Op("*").Qual(b.rt("problem"), "Errors"),
	).Block(b.value(f, s, name)...)
}

func (b *bodyGen) add(rule string, detail jen.Code) jen.Code {
	return jen.Id("errs").Dot("Add").Call(jen.Id("it").Dot("Pointer").Call(), jen.Lit(rule), detail)
}

// simple reports whether s is checked inline rather than by a function of
// its own: a single scalar type, or no constraint at all.
func simple(s *ir.Schema) bool {
	return s.Ref == "" && !s.Type.Has(ir.TObject) && !s.Type.Has(ir.TArray)
}

// call returns the statements validating s at the iterator: inline checks
// for a scalar, a call for anything else.
func (b *bodyGen) call(f *jen.File, s *ir.Schema, name string) []jen.Code {
	if s == nil {
		return []jen.Code{jen.Id("it").Dot("Skip").Call()}
	}
	if simple(s) && s.Type != ir.TAny {
		return b.value(f, s, name)
	}
	if s.Type == ir.TAny && s.Ref == "" && unconstrained(s) {
		return []jen.Code{jen.Id("it").Dot("Skip").Call()}
	}
	return []jen.Code{jen.Id(b.fn(s, name)).Call(jen.Id("it"), jen.Id("errs"))}
}

func unconstrained(s *ir.Schema) bool {
	return s.Enum == nil && s.Minimum == nil && s.Maximum == nil && s.MultipleOf == nil &&
		s.MinLength == nil && s.MaxLength == nil && s.Pattern == "" &&
		s.Items == nil && s.MinItems == nil && s.MaxItems == nil &&
		len(s.Properties) == 0 && len(s.Required) == 0 && !s.NoAdditional && s.AdditionalProperties == nil &&
		s.MinProperties == nil && s.MaxProperties == nil
}

// value returns a type switch over the next JSON value with one case per
// kind the schema allows.
func (b *bodyGen) value(f *jen.File, s *ir.Schema, name string) []jen.Code {
	if s.Enum != nil && len(s.Enum) == 0 {
		return []jen.Code{b.add("false", jen.Lit("no value is allowed here")), jen.Id("it").Dot("Skip").Call()}
	}
	any := s.Type == ir.TAny
	var cases []jen.Code
	kind := func(k string) *jen.Statement { return jen.Qual(b.rt("jsonv"), k) }
	allowed := func(t ir.Type) bool { return any || s.Type.Has(t) }
	enumHas := func(pred func(string) bool) bool {
		if s.Enum == nil {
			return true
		}
		for _, e := range s.Enum {
			if pred(e) {
				return true
			}
		}
		return false
	}
	notInEnum := []jen.Code{b.add("enum", jen.Lit("must be one of "+enumText(s.Enum)+", found ").Op("+").Id("it").Dot("Peek").Call().Dot("String").Call()), jen.Id("it").Dot("Skip").Call()}

	if allowed(ir.TNull) && (!any || s.Enum != nil) {
		body := []jen.Code{jen.Id("it").Dot("Null").Call()}
		if !enumHas(func(e string) bool { return e == "null" }) {
			body = notInEnum
		}
		cases = append(cases, jen.Case(kind("Null")).Block(body...))
	}
	if allowed(ir.TBoolean) && (!any || s.Enum != nil) {
		body := []jen.Code{jen.Id("it").Dot("Bool").Call()}
		if cs := b.boolChecks(s, jen.Id("x")); len(cs) > 0 {
			body = []jen.Code{jen.Id("x").Op(":=").Id("it").Dot("Bool").Call(), chain(cs, b.add, nil)}
		}
		cases = append(cases, jen.Case(kind("Bool")).Block(body...))
	}
	if allowed(ir.TInteger) {
		var body []jen.Code
		switch {
		case !enumHas(isNumberJSON):
			body = notInEnum
		case !any && !s.Type.Has(ir.TNumber):
			// integer only: 1.0 counts, 1.5 does not
			cs := append([]check{{jen.Op("!").Qual(b.rt("param"), "IsInteger").Call(jen.Id("raw")), "type", jen.Lit("expected integer, found ").Op("+").String().Parens(jen.Id("raw"))}},
				b.numChecks(s, kNum, jen.Id("x"))...)
			body = b.numBody(cs)
		default:
			body = b.numBody(b.numChecks(s, kNum, jen.Id("x")))
		}
		cases = append(cases, jen.Case(kind("Number")).Block(body...))
	}
	if allowed(ir.TString) {
		var body []jen.Code
		cs := b.strChecks(s, jen.Id("x"))
		switch {
		case !enumHas(func(e string) bool { return strings.HasPrefix(e, `"`) }):
			body = notInEnum
		case len(cs) == 0:
			body = []jen.Code{jen.Id("it").Dot("String").Call()}
		default:
			body = []jen.Code{jen.Id("x").Op(":=").Id("it").Dot("String").Call(), chain(cs, b.add, nil)}
		}
		cases = append(cases, jen.Case(kind("String")).Block(body...))
	}
	if allowed(ir.TArray) {
		body := b.array(f, s, name)
		if !enumHas(func(e string) bool { return strings.HasPrefix(e, "[") }) {
			body = notInEnum
		}
		cases = append(cases, jen.Case(kind("Array")).Block(body...))
	}
	if allowed(ir.TObject) {
		body := b.object(f, s, name)
		if !enumHas(func(e string) bool { return strings.HasPrefix(e, "{") }) {
			body = notInEnum
		}
		cases = append(cases, jen.Case(kind("Object")).Block(body...))
	}
	def := []jen.Code{jen.Id("it").Dot("Skip").Call()}
	if !any {
		b.usesWrongType = true
		def = []jen.Code{jen.Id("wrongType").Call(jen.Id("it"), jen.Id("errs"), jen.Lit(typeText(s.Type)))}
	}
	cases = append(cases, jen.Default().Block(def...))
	return []jen.Code{jen.Switch(jen.Id("it").Dot("Peek").Call()).Block(cases...)}
}

func isNumberJSON(e string) bool {
	var f float64
	return json.Unmarshal([]byte(e), &f) == nil
}

func (b *bodyGen) numBody(cs []check) []jen.Code {
	if len(cs) == 0 {
		return []jen.Code{jen.Id("it").Dot("Number").Call()}
	}
	needX := false
	for _, c := range cs {
		if c.rule != "type" {
			needX = true
		}
	}
	out := []jen.Code{jen.Id("raw").Op(":=").Id("it").Dot("Number").Call()}
	if needX {
		out = append(out, jen.List(jen.Id("x"), jen.Id("_")).Op(":=").Qual(b.rt("param"), "ParseFloat").Call(jen.Id("raw")))
	}
	return append(out, chain(cs, b.add, nil))
}

func typeText(t ir.Type) string {
	var names []string
	for _, p := range []struct {
		t ir.Type
		n string
	}{{ir.TObject, "object"}, {ir.TArray, "array"}, {ir.TString, "string"}, {ir.TNumber, "number"}, {ir.TInteger, "integer"}, {ir.TBoolean, "boolean"}, {ir.TNull, "null"}} {
		if t&p.t != 0 {
			names = append(names, p.n)
		}
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

func (b *bodyGen) array(f *jen.File, s *ir.Schema, name string) []jen.Code {
	var out []jen.Code
	counted := s.MinItems != nil || s.MaxItems != nil
	items := s.Items
	if items != nil && items.Ref == "" && items.Type == ir.TAny && unconstrained(items) {
		items = nil
	}
	if items == nil && !counted {
		return []jen.Code{jen.Id("it").Dot("Skip").Call()}
	}
	loop := []jen.Code{}
	if items != nil {
		loop = append(loop, jen.Id("m").Op(":=").Id("it").Dot("PushIndex").Call(jen.Id("n")))
		loop = append(loop, b.call(f, items, name+"Item")...)
		loop = append(loop, jen.Id("it").Dot("Pop").Call(jen.Id("m")))
	} else {
		loop = append(loop, jen.Id("it").Dot("Skip").Call())
	}
	loop = append(loop, jen.Id("n").Op("++"))
	out = append(out,
		jen.Id("n").Op(":=").Lit(0),
		jen.For(jen.Id("ok").Op(":=").Id("it").Dot("FirstElem").Call(), jen.Id("ok"), jen.Id("ok").Op("=").Id("it").Dot("NextElem").Call()).Block(loop...),
	)
	if n := s.MinItems; n != nil && *n > 0 {
		out = append(out, jen.If(jen.Id("n").Op("<").Lit(int(*n))).Block(
			b.add("minItems", jen.Lit("must have at least "+strconv.FormatInt(*n, 10)+" items, found ").Op("+").Qual("strconv", "Itoa").Call(jen.Id("n")))))
	}
	if n := s.MaxItems; n != nil {
		out = append(out, jen.If(jen.Id("n").Op(">").Lit(int(*n))).Block(
			b.add("maxItems", jen.Lit("must have at most "+strconv.FormatInt(*n, 10)+" items, found ").Op("+").Qual("strconv", "Itoa").Call(jen.Id("n")))))
	}
	return out
}

func (b *bodyGen) object(f *jen.File, s *ir.Schema, name string) []jen.Code {
	reqIndex := map[string]int{}
	for i, r := range s.Required {
		reqIndex[r] = i
	}
	counted := s.MinProperties != nil || s.MaxProperties != nil
	extra := s.AdditionalProperties
	if extra != nil && extra.Ref == "" && extra.Type == ir.TAny && unconstrained(extra) {
		extra = nil
	}
	if len(s.Properties) == 0 && len(s.Required) == 0 && !counted && !s.NoAdditional && extra == nil {
		return []jen.Code{jen.Id("it").Dot("Skip").Call()}
	}
	var out []jen.Code
	words := (len(s.Required) + 63) / 64
	if words > 0 {
		out = append(out, jen.Var().Id("seen").Index(jen.Lit(words)).Uint64())
	}
	if counted {
		out = append(out, jen.Id("n").Op(":=").Lit(0))
	}
	mark := func(prop string) jen.Code {
		i, ok := reqIndex[prop]
		if !ok {
			return jen.Null()
		}
		return jen.Id("seen").Index(jen.Lit(i / 64)).Op("|=").Lit(1).Op("<<").Lit(i % 64)
	}
	var cases []jen.Code
	declared := map[string]bool{}
	for _, p := range s.Properties {
		declared[p.Name] = true
		body := []jen.Code{mark(p.Name), jen.Id("m").Op(":=").Id("it").Dot("PushKey").Call(jen.Lit(p.Name))}
		body = append(body, b.call(f, p.Schema, name+propName(p.Name))...)
		body = append(body, jen.Id("it").Dot("Pop").Call(jen.Id("m")))
		cases = append(cases, jen.Case(jen.Lit(p.Name)).Block(body...))
	}
	// Required properties the schema does not describe still count as seen.
	for _, r := range s.Required {
		if !declared[r] && !s.NoAdditional && extra == nil {
			cases = append(cases, jen.Case(jen.Lit(r)).Block(mark(r), jen.Id("it").Dot("Skip").Call()))
		} else if !declared[r] {
			declared[r] = true
			body := []jen.Code{mark(r), jen.Id("m").Op(":=").Id("it").Dot("PushKey").Call(jen.Lit(r))}
			if s.NoAdditional {
				body = append(body, b.add("additionalProperties", jen.Lit("property "+strconv.Quote(r)+" is not allowed")), jen.Id("it").Dot("Skip").Call())
			} else {
				body = append(body, b.call(f, extra, name+"Additional")...)
			}
			body = append(body, jen.Id("it").Dot("Pop").Call(jen.Id("m")))
			cases = append(cases, jen.Case(jen.Lit(r)).Block(body...))
		}
	}
	var def []jen.Code
	switch {
	case s.NoAdditional:
		def = []jen.Code{
			jen.Id("m").Op(":=").Id("it").Dot("PushKeyBytes").Call(jen.Id("k")),
			b.add("additionalProperties", jen.Lit("property ").Op("+").Qual(b.rt("param"), "Quote").Call(jen.Id("k")).Op("+").Lit(" is not allowed")),
			jen.Id("it").Dot("Skip").Call(),
			jen.Id("it").Dot("Pop").Call(jen.Id("m")),
		}
	case extra != nil:
		def = append([]jen.Code{jen.Id("m").Op(":=").Id("it").Dot("PushKeyBytes").Call(jen.Id("k"))}, b.call(f, extra, name+"Additional")...)
		def = append(def, jen.Id("it").Dot("Pop").Call(jen.Id("m")))
	default:
		def = []jen.Code{jen.Id("it").Dot("Skip").Call()}
	}
	loop := []jen.Code{}
	if counted {
		loop = append(loop, jen.Id("n").Op("++"))
	}
	if len(cases) > 0 {
		cases = append(cases, jen.Default().Block(def...))
		loop = append(loop, jen.Switch(jen.String().Parens(jen.Id("k"))).Block(cases...))
	} else {
		loop = append(loop, def...)
	}
	out = append(out, jen.For(jen.Id("k").Op(":=").Id("it").Dot("FirstKey").Call(), jen.Id("k").Op("!=").Nil(), jen.Id("k").Op("=").Id("it").Dot("NextKey").Call()).Block(loop...))
	for i, r := range s.Required {
		b.usesMissing = true
		out = append(out, jen.If(jen.Id("seen").Index(jen.Lit(i/64)).Op("&").Parens(jen.Lit(1).Op("<<").Lit(i%64)).Op("==").Lit(0)).Block(
			jen.Id("missingProperty").Call(jen.Id("it"), jen.Id("errs"), jen.Lit(r)),
		))
	}
	if n := s.MinProperties; n != nil && *n > 0 {
		out = append(out, jen.If(jen.Id("n").Op("<").Lit(int(*n))).Block(
			b.add("minProperties", jen.Lit("must have at least "+strconv.FormatInt(*n, 10)+" properties, found ").Op("+").Qual("strconv", "Itoa").Call(jen.Id("n")))))
	}
	if n := s.MaxProperties; n != nil {
		out = append(out, jen.If(jen.Id("n").Op(">").Lit(int(*n))).Block(
			b.add("maxProperties", jen.Lit("must have at most "+strconv.FormatInt(*n, 10)+" properties, found ").Op("+").Qual("strconv", "Itoa").Call(jen.Id("n")))))
	}
	return out
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

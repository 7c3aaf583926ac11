package emit

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"
	json "github.com/goccy/go-json"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// validatorFile emits validators.go: one validator function per named
// schema and per nested schema that is more than a scalar check, walking
// the JSON bytes with jsonv:
//
//	// validateNewPet checks a NewPet (specs/petstore.yaml:285:5) at the iterator.
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
//			wrongType(it, errs, "object")
//		}
//	}
//
// Keywords that apply several subschemas to one value (allOf, anyOf, oneOf,
// not, if/then/else, dependentSchemas) read the value again from a Mark for
// each; anyOf, oneOf, not, if and contains try their subschemas as probes,
// which count violations without keeping them, or building their text. A
// discriminator turns oneOf into a switch on one property, so only the
// selected branch is read, and its violations are reported where they are.
//
// unevaluatedProperties and unevaluatedItems need to know what the other
// keywords looked at. The functions reached from a schema that has them
// through in-place applicators are emitted in an "Eval" variant that records
// evaluated members in a *jsonv.Evaluated; every other function has no such
// cost.
//
// Violations carry the JSON pointer of the value, prefixed with the base the
// iterator was reset with ("/body"). Every report hands problem.Errors the
// pieces of the violation (a jsonv.Loc, the detail's text and the value
// found, as in errs.AddFloat(it.LocKey("age"), "minimum", "must be >= 1,
// found ", x)) or asks errs.Keep() first, so that a probe's violations, and
// those past MaxViolations, cost no allocation.
func (g *gen) validatorFile(f *jen.File) {
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
		b.emit(f, q)
	}
	b.helpers(f)
	g.tables(f)
}

// validator returns the name of the function that checks a JSON value
// against s, func(it *jsonv.Iter, errs *problem.Errors), and has it emitted
// into validators.go. name is used when s is not a named schema. Any emitter may
// call it (a content-encoded parameter, a form field sent as JSON).
func (g *gen) validator(s *ir.Schema, name string) string { return g.schemas.fn(s, name) }

// responseValidator is validator for a response body: readOnly properties
// are allowed and required there, writeOnly ones are not sent (OpenAPI
// 3.0.3 §4.7.25.1). Schemas that use neither share the request's functions.
func (g *gen) responseValidator(s *ir.Schema, name string) string {
	b := g.schemas
	if !b.directional(s, map[*ir.Schema]bool{}) {
		return b.fn(s, name)
	}
	return b.responses().fn(s, name)
}

// directional reports whether readOnly or writeOnly appears in s or below.
func (b *bodyGen) directional(s *ir.Schema, seen map[*ir.Schema]bool) bool {
	s = b.resolve(s)
	if s == nil || seen[s] {
		return false
	}
	seen[s] = true
	if s.ReadOnly || s.WriteOnly {
		return true
	}
	subs := []*ir.Schema{s.Items, s.Contains, s.AdditionalProperties, s.PropertyNames, s.Not, s.If, s.Then, s.Else, s.UnevaluatedProperties, s.UnevaluatedItems}
	subs = append(subs, s.PrefixItems...)
	subs = append(subs, s.AllOf...)
	subs = append(subs, s.AnyOf...)
	subs = append(subs, s.OneOf...)
	for _, ps := range [][]*ir.Property{s.Properties, s.PatternProperties, s.DependentSchemas} {
		for _, p := range ps {
			subs = append(subs, p.Schema)
		}
	}
	for _, sub := range subs {
		if b.directional(sub, seen) {
			return true
		}
	}
	return false
}

// helpers emits the reports every object validator makes, once per package
// instead of inline at each use.
func (b *bodyGen) helpers(f *jen.File) {
	params := []jen.Code{
		jen.Id("it").Op("*").Qual(b.rt("jsonv"), "Iter"),
		jen.Id("errs").Op("*").Qual(b.rt("problem"), "Errors"),
	}
	keep := jen.Id("errs").Dot("Keep").Call()
	if b.usesWrongType {
		f.Comment("wrongType reports the value at the iterator, located by at, as not of the wanted type, and skips it.")
		f.Func().Id("wrongType").Params(append(params, jen.Id("at").Qual(b.rt("jsonv"), "Loc"), jen.Id("want").String())...).Block(
			jen.If(keep).Block(
				jen.Id("errs").Dot("Add").Call(jen.Id("at").Dot("String").Call(), jen.Lit("type"), jen.Lit("expected ").Op("+").Id("want").Op("+").Lit(", found ").Op("+").Id("it").Dot("Peek").Call().Dot("String").Call()),
			),
			jen.Id("it").Dot("Skip").Call(),
		)
	}
	if b.usesMissing {
		f.Comment("missingProperty reports the required property name as absent from the object just read;\ndetail is the message, written out at generation time.")
		f.Func().Id("missingProperty").Params(append(params, jen.List(jen.Id("name"), jen.Id("detail")).String())...).Block(
			jen.Id("errs").Dot("AddAt").Call(jen.Id("it").Dot("LocKey").Call(jen.Id("name")), jen.Lit("required"), jen.Id("detail")),
		)
	}
	if b.usesNotAllowed {
		f.Comment("notAllowed reports the member k of the object being read as not allowed by rule, and skips its value.")
		f.Func().Id("notAllowed").Params(append(params, jen.Id("rule").String(), jen.Id("k").Index().Byte())...).Block(
			// The key is spelled out at once, if at all: viewing it as a
			// string costs nothing.
			jen.Id("errs").Dot("AddNamed").Call(jen.Id("it").Dot("LocKey").Call(jen.Qual(b.rt("param"), "S").Call(jen.Id("k"))), jen.Id("rule"), jen.Lit("property "), jen.Id("k"), jen.Lit(" is not allowed")),
			jen.Id("it").Dot("Skip").Call(),
		)
	}
}

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

// bodyGen emits validators. It is a small value: the set of functions
// asked for is shared through validators, while response and at say how
// the code being emitted reads, for one function or one scalar, in a copy
// made for it (responses, scalarAt) rather than set and reset on a
// shared one.
type bodyGen struct {
	*gen
	*validators

	response bool // the function being emitted checks a response body

	at *jen.Statement // jsonv.Loc of the scalar checked in place, nil for it.Loc()
}

// validators is what every bodyGen of one API shares: the functions asked
// for, and which shared helpers they use.
type validators struct {
	queue  []queued
	owner  map[string]fnKey // function name → what it checks
	queued map[string]bool  // function names queued for emission

	byContent map[string]string     // canonical unnamed schema and mode → function name
	canon     map[*ir.Schema]string // canonical form of each schema met, see canonical

	usesWrongType, usesMissing, usesNotAllowed bool // emit the shared helpers below
}

// responses returns b for the code of a response body validator.
func (b *bodyGen) responses() *bodyGen {
	c := *b
	c.response = true
	return &c
}

type queued struct {
	s        *ir.Schema
	name     string
	eval     bool // the function records evaluated members in ev
	response bool // readOnly and writeOnly as a response body has them
}

// fn returns the name of the function validating s, queuing its emission.
func (b *bodyGen) fn(s *ir.Schema, name string) string { return b.fnMode(s, name, false) }

func (b *bodyGen) fnMode(s *ir.Schema, name string, eval bool) string {
	if s.Ref != "" {
		name = "validate" + s.Ref
		s = b.named(s.Ref)
	}
	key := fnKey{s, eval, b.response}
	if b.owner == nil {
		b.reserveNamed()
	}
	// An unnamed schema written out again elsewhere in the document (the
	// same array of Pet as two operations' answers) is one function: the
	// first name asked for serves them all.
	content := ""
	if s.GoName == "" {
		content = b.canonical(s) + key.suffix()
		if full, ok := b.byContent[content]; ok {
			return full
		}
	}
	// A nested schema's name is its parent's and its place's, which can be
	// another function's: property conditions of ContactdbSegments and the
	// schema named ContactdbSegmentsConditions would both be
	// validateContactdbSegmentsConditions. The second one is numbered.
	base := name
	for i := 2; ; i++ {
		full := name + key.suffix()
		if owner, taken := b.owner[full]; taken && owner != key {
			name = base + "N" + strconv.Itoa(i)
			continue
		}
		b.owner[full] = key
		if content != "" {
			b.byContent[content] = full
		}
		if !b.queued[full] {
			b.queued[full] = true
			b.queue = append(b.queue, queued{s, full, eval, b.response})
		}
		return full
	}
}

// canonical returns s as JSON without its source positions: two schemas
// with the same canonical form are checked by the same code. (The document
// comment of a function names a position only for a named schema, which
// is never merged with another.)
func (b *bodyGen) canonical(s *ir.Schema) string {
	if c, ok := b.canon[s]; ok {
		return c
	}
	raw, err := json.Marshal(s)
	var tree any
	if err == nil {
		err = json.Unmarshal(raw, &tree)
	}
	if err != nil {
		// Not expected of plain IR data; a schema that cannot be spelled
		// out is merged with no other.
		return fmt.Sprintf("%p", s)
	}
	// Positions and the schemas' titles and descriptions are documentation,
	// not checks; json.Marshal sorts the maps' keys.
	c, _ := json.Marshal(ir.WithoutKeys(tree, "pos", "title", "description"))
	if b.canon == nil {
		b.canon = map[*ir.Schema]string{}
	}
	b.canon[s] = string(c)
	return string(c)
}

// fnKey is what one validator function checks, and how.
type fnKey struct {
	s              *ir.Schema
	eval, response bool
}

func (k fnKey) suffix() string {
	out := ""
	if k.eval {
		out += "Eval"
	}
	if k.response {
		out += "Response"
	}
	return out
}

// reserveNamed gives each named schema its function names before any
// nested schema can take one.
func (b *bodyGen) reserveNamed() {
	b.owner, b.queued, b.byContent = map[string]fnKey{}, map[string]bool{}, map[string]string{}
	for _, n := range b.api.Schemas {
		for _, k := range []fnKey{{n, false, false}, {n, true, false}, {n, false, true}, {n, true, true}} {
			b.owner["validate"+n.GoName+k.suffix()] = k
		}
	}
}

func (b *bodyGen) named(goName string) *ir.Schema {
	for _, n := range b.api.Schemas {
		if n.GoName == goName {
			return n
		}
	}
	return &ir.Schema{}
}

// resolve follows a Ref to its named schema.
func (b *bodyGen) resolve(s *ir.Schema) *ir.Schema {
	if s != nil && s.Ref != "" {
		return b.named(s.Ref)
	}
	return s
}

func (b *bodyGen) emit(f *jen.File, q queued) {
	if q.response {
		b = b.responses()
	}
	s := q.s
	what := "a value"
	if s.Name != "" {
		what = "a " + s.Name + " (" + s.Pos.String() + ")"
	}
	params := []jen.Code{
		jen.Id("it").Op("*").Qual(b.rt("jsonv"), "Iter"),
		jen.Id("errs").Op("*").Qual(b.rt("problem"), "Errors"),
	}
	doc := q.name + " checks " + what + " at the iterator."
	if s.Scope != "" {
		doc += " Specialized for the $dynamicRef binding " + s.Scope + "."
	}
	if q.eval {
		evName := "ev"
		if hasUneval(s) {
			evName = "parent"
		}
		params = append(params, jen.Id(evName).Op("*").Qual(b.rt("jsonv"), "Evaluated"))
		doc += "\nIt records in " + evName + " (when not nil) the members it evaluated."
	}
	comment(f, doc)
	f.Func().Id(q.name).Params(params...).Block(b.body(s, q.name, q.eval)...)
}

// add reports rule at the value being checked, with a detail written out
// at generation time.
func (b *bodyGen) add(rule, detail string) jen.Code { return b.report(check{rule: rule, text: detail}) }

// reports are the problem.Errors methods that take a violation in pieces,
// by how its detail shows the value found.
var reports = map[shown]string{showNone: "AddAt", showFloat: "AddFloat", showInt64: "AddInt64", showInt: "AddInt", showQuoted: "AddQuoted", showBytes: "AddBytes", showString: "AddString"}

// report reports c at the value being checked. The location and the
// detail go to problem.Errors in pieces, joined only for a violation it
// keeps: a probe's cost nothing.
func (b *bodyGen) report(c check) jen.Code {
	method, ok := reports[c.show]
	if !ok {
		return jen.If(jen.Id("errs").Dot("Keep").Call()).Block(
			jen.Id("errs").Dot("Add").Call(b.pointer(), jen.Lit(c.rule), b.detail(c)))
	}
	args := []jen.Code{b.here(), jen.Lit(c.rule), jen.Lit(c.text)}
	if c.show != showNone {
		args = append(args, c.found)
	}
	return jen.Id("errs").Dot(method).Call(args...)
}

// here is the location of the value being checked, a jsonv.Loc: the
// iterator's, or, for a scalar member checked in place (b.at), that
// member's. Either is spelled out only when a violation is kept.
func (b *bodyGen) here() *jen.Statement {
	if b.at != nil {
		return b.at.Clone()
	}
	return jen.Id("it").Dot("Loc").Call()
}

// pointer is here spelled out, for a report that asks errs.Keep() itself.
func (b *bodyGen) pointer() jen.Code {
	if b.at != nil {
		return b.at.Clone().Dot("String").Call()
	}
	return jen.Id("it").Dot("Pointer").Call()
}

// scalarAt returns the checks of a scalar value that is a member of the
// current object or array (at is its location expression) without
// pushing it onto the iterator's path.
func (b *bodyGen) scalarAt(s *ir.Schema, name string, at *jen.Statement) []jen.Code {
	c := *b
	c.at = at
	return c.value(s, name, false)
}

// hasInPlace reports keywords that apply subschemas to the value itself.
func hasInPlace(s *ir.Schema) bool {
	return len(s.AllOf) > 0 || len(s.AnyOf) > 0 || len(s.OneOf) > 0 || s.Not != nil || s.If != nil || len(s.DependentSchemas) > 0
}

func hasUneval(s *ir.Schema) bool { return s.UnevaluatedProperties != nil || s.UnevaluatedItems != nil }

func objectKeywords(s *ir.Schema) bool {
	return len(s.Properties) > 0 || len(s.Required) > 0 || s.NoAdditional || s.AdditionalProperties != nil ||
		s.MinProperties != nil || s.MaxProperties != nil || len(s.PatternProperties) > 0 || s.PropertyNames != nil ||
		len(s.DependentRequired) > 0 || s.UnevaluatedProperties != nil
}

func arrayKeywords(s *ir.Schema) bool {
	return s.Items != nil || len(s.PrefixItems) > 0 || s.MinItems != nil || s.MaxItems != nil || s.UniqueItems ||
		s.Contains != nil || s.UnevaluatedItems != nil
}

// trivial reports a schema every value passes.
func trivial(s *ir.Schema) bool {
	return s.Ref == "" && !s.False && s.Type == ir.TAny && s.Enum == nil && s.Minimum == nil && s.Maximum == nil &&
		s.MultipleOf == nil && s.MinLength == nil && s.MaxLength == nil && s.Pattern == "" && formatFunc(s.Format) == "" &&
		!objectKeywords(s) && !arrayKeywords(s) && !hasInPlace(s)
}

// inlined reports whether s is checked by statements in its caller rather
// than by a function of its own: scalar checks only.
func inlined(s *ir.Schema) bool {
	return s.Ref == "" && !s.False && s.Type != ir.TAny && !s.Type.Has(ir.TObject) && !s.Type.Has(ir.TArray) && !hasInPlace(s)
}

// call returns the statements validating the value at the iterator against
// s: nothing but a Skip when s allows anything, inline checks for a scalar,
// a call for anything else. eval says whether evaluated members are recorded
// in the *jsonv.Evaluated expression ev.
func (b *bodyGen) call(s *ir.Schema, name string, eval bool, ev jen.Code) []jen.Code {
	if s == nil || trivial(s) {
		return []jen.Code{jen.Id("it").Dot("Skip").Call()}
	}
	if inlined(s) {
		return b.value(s, name, false)
	}
	args := []jen.Code{jen.Id("it"), jen.Id("errs")}
	if eval {
		args = append(args, ev)
	}
	return []jen.Code{jen.Id(b.fnMode(s, name, eval)).Call(args...)}
}

// body returns a validator function's statements.
func (b *bodyGen) body(s *ir.Schema, name string, eval bool) []jen.Code {
	if s.False {
		return []jen.Code{b.add("false", "no value is allowed here"), jen.Id("it").Dot("Skip").Call()}
	}
	track := eval || hasUneval(s)
	var out []jen.Code
	if hasUneval(s) {
		// This schema's own record: what the parent's unevaluated keywords
		// see is merged into parent at the end.
		out = append(out,
			jen.Var().Id("own").Qual(b.rt("jsonv"), "Evaluated"),
			jen.Id("ev").Op(":=").Op("&").Id("own"),
		)
	}
	if hasInPlace(s) {
		out = append(out, jen.Id("start").Op(":=").Id("it").Dot("Mark").Call())
		out = append(out, b.inPlace(s, name, track)...)
	}
	out = append(out, b.value(s, name, track)...)
	if hasUneval(s) && eval {
		out = append(out, jen.Id("parent").Dot("Merge").Call(jen.Id("ev")))
	}
	return out
}

// value returns a type switch over the next JSON value with one case per
// kind the schema allows; it consumes the value.
func (b *bodyGen) value(s *ir.Schema, name string, track bool) []jen.Code {
	if s.False {
		return []jen.Code{b.add("false", "no value is allowed here"), jen.Id("it").Dot("Skip").Call()}
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
	rule, text := enumRule(s)
	notInEnum := []jen.Code{b.report(check{rule: rule, text: text + ", found ", show: showString, found: jen.Id("it").Dot("Peek").Call().Dot("String").Call()}), jen.Id("it").Dot("Skip").Call()}

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
			body = []jen.Code{jen.Id("x").Op(":=").Id("it").Dot("Bool").Call(), chain(cs, b.report, nil)}
		}
		cases = append(cases, jen.Case(kind("Bool")).Block(body...))
	}
	numeric := s.Enum != nil || s.Minimum != nil || s.Maximum != nil || s.MultipleOf != nil || s.Format == "int32" || s.Format == "int64"
	if allowed(ir.TInteger) && (!any || numeric) {
		var body []jen.Code
		switch {
		case !enumHas(isNumberJSON):
			body = notInEnum
		case !any && !s.Type.Has(ir.TNumber):
			// integer only: 1.0 counts, 1.5 does not
			cs := append([]check{{jen.Op("!").Qual(b.rt("param"), "IsInteger").Call(jen.Id("raw")), "type", "expected integer, found ", showBytes, jen.Id("raw")}},
				b.numChecks(s, kNum, jen.Id("x"), jen.Id("raw"))...)
			body = b.numBody(cs)
		default:
			body = b.numBody(b.numChecks(s, kNum, jen.Id("x"), jen.Id("raw")))
		}
		cases = append(cases, jen.Case(kind("Number")).Block(body...))
	}
	cs := b.strChecks(s, jen.Id("x"))
	if allowed(ir.TString) && (!any || len(cs) > 0) {
		var body []jen.Code
		switch {
		case !enumHas(func(e string) bool { return strings.HasPrefix(e, `"`) }):
			body = notInEnum
		case len(cs) == 0:
			body = []jen.Code{jen.Id("it").Dot("String").Call()}
		default:
			body = []jen.Code{jen.Id("x").Op(":=").Id("it").Dot("String").Call(), chain(cs, b.report, nil)}
		}
		cases = append(cases, jen.Case(kind("String")).Block(body...))
	}
	if allowed(ir.TArray) && (!any || arrayKeywords(s) || s.Enum != nil) {
		var body []jen.Code
		if enumHas(func(e string) bool { return strings.HasPrefix(e, "[") }) {
			body = append(b.enumJSON(s, "["), b.array(s, name, track)...)
		} else {
			body = notInEnum
		}
		cases = append(cases, jen.Case(kind("Array")).Block(body...))
	}
	if allowed(ir.TObject) && (!any || objectKeywords(s) || s.Enum != nil) {
		var body []jen.Code
		if enumHas(func(e string) bool { return strings.HasPrefix(e, "{") }) {
			body = append(b.enumJSON(s, "{"), b.object(s, name, track)...)
		} else {
			body = notInEnum
		}
		cases = append(cases, jen.Case(kind("Object")).Block(body...))
	}
	def := []jen.Code{jen.Id("it").Dot("Skip").Call()}
	if !any {
		b.usesWrongType = true
		def = []jen.Code{jen.Id("wrongType").Call(jen.Id("it"), jen.Id("errs"), b.here(), jen.Lit(typeText(s.Type)))}
	}
	if len(cases) == 0 {
		return def
	}
	cases = append(cases, jen.Default().Block(def...))
	return []jen.Code{jen.Switch(jen.Id("it").Dot("Peek").Call()).Block(cases...)}
}

// enumJSON checks an array or object (open is "[" or "{") against the
// members of enum of that kind by JSON equality, then rewinds so the other
// keywords read the value too.
func (b *bodyGen) enumJSON(s *ir.Schema, open string) []jen.Code {
	if s.Enum == nil {
		return nil
	}
	var members []string
	for _, e := range s.Enum {
		if strings.HasPrefix(e, open) {
			members = append(members, e)
		}
	}
	return []jen.Code{jen.Block(
		jen.Id("em").Op(":=").Id("it").Dot("Mark").Call(),
		jen.If(jen.Op("!").Id(b.enumJSONFunc(members)).Call(jen.Id("it").Dot("Raw").Call())).Block(
			b.add(enumRule(s)),
		),
		jen.Id("it").Dot("Rewind").Call(jen.Id("em")),
	)}
}

func isNumberJSON(e string) bool {
	var f float64
	return e != "null" && json.Unmarshal([]byte(e), &f) == nil // null decodes into a float as a no-op
}

func (b *bodyGen) numBody(cs []check) []jen.Code {
	if len(cs) == 0 {
		return []jen.Code{jen.Id("it").Dot("Number").Call()}
	}
	out := []jen.Code{jen.Id("raw").Op(":=").Id("it").Dot("Number").Call()}
	if usesX(cs) {
		out = append(out, jen.List(jen.Id("x"), jen.Id("_")).Op(":=").Qual(b.rt("param"), "ParseFloat").Call(jen.Id("raw")))
	}
	return append(out, chain(cs, b.report, nil))
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

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// count is the check of a rule about how many items, members or matches
// the int variable v counted.
func count(rule, text, v string) check {
	return check{rule: rule, text: text, show: showInt, found: jen.Id(v)}
}

package lower

import (
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	json "github.com/goccy/go-json"

	"github.com/gatewaygen/gatewaygen/generator/diag"
	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// body lowers the request body and decides, per media type, how the gateway
// reads it:
//
//   - JSON (application/json, */*+json): the schema's validator reads it.
//   - application/x-www-form-urlencoded and multipart/form-data: the fields
//     are transcoded into a JSON object that the schema's validator reads;
//     each property's Field says which JSON token its text becomes, from its
//     schema and the media type's encoding object.
//   - text/plain: the text becomes one JSON value the validator reads.
//   - application/octet-stream, and any exact media type whose schema is
//     binary: accepted, the schema's maxLength bounding its size in bytes.
//   - a range (*/*, application/*) with a schema: a request of a JSON media
//     type it covers is validated by the schema, as Jira's */* bodies
//     expect; other media types it covers are accepted by content type.
//   - anything else: accepted by content type alone.
func (l *lowerer) body(o *ir.Operation, op *openapi3.Operation) {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return
	}
	rb := op.RequestBody.Value
	b := &ir.Body{Required: rb.Required, Pos: l.doc.Pos("paths", o.Path, strings.ToLower(o.Method), "requestBody")}
	cts := make([]string, 0, len(rb.Content))
	for ct := range rb.Content {
		cts = append(cts, ct)
	}
	sort.Strings(cts)
	seen := map[string]bool{}
	for _, ct := range cts {
		mt := rb.Content[ct]
		m := &ir.Media{ContentType: mediaType(ct)}
		if seen[m.ContentType] {
			// "application/json" and "application/json; charset=utf-8" are one media type here
			continue
		}
		seen[m.ContentType] = true
		b.Media = append(b.Media, m)
		if mt == nil {
			continue
		}
		var s *openapi3.Schema
		if mt.Schema != nil {
			s = mt.Schema.Value
		}
		where := o.Method + " " + o.Path + ": request body " + m.ContentType
		switch {
		case isJSON(m.ContentType):
			m.Kind, m.JSON = ir.MediaJSON, true
			m.Example = mediaExample(mt)
			if s != nil {
				m.Schema = l.schema(mt.Schema, b.Pos)
			}
		case m.ContentType == "multipart/form-data" && s != nil && l.isBinary(s) && (s.Type == nil || only(s.Type, "string")):
			// Jira's addAttachment: the body is "a file", which multipart
			// can only send as parts; each part is read as one.
			m.Kind = ir.MediaMultipart
			m.Extra = &ir.Field{Binary: true, Array: true}
			l.diags.Warnf(l.doc.Pos("paths", o.Path, strings.ToLower(o.Method), "requestBody", "content", ct, "schema"), "%s: the schema is a string of format binary, not an object of parts; every part is read as a file of any name and content type, within the body limit", where)
		case m.ContentType == "application/x-www-form-urlencoded", m.ContentType == "multipart/form-data":
			m.Kind = ir.MediaForm
			if m.ContentType == "multipart/form-data" {
				m.Kind = ir.MediaMultipart
			}
			m.Fields = l.fields(where, m.Kind, s, mt.Encoding, b.Pos)
			m.Extra = l.extra(where, m.Kind, s, b.Pos)
			if s != nil {
				m.Schema = l.formSchema(l.schema(mt.Schema, b.Pos), m.Fields, m.Extra)
			}
			m.Sample, m.SampleType = formSample(m, mediaExample(mt)), m.ContentType
			if m.Kind == ir.MediaMultipart {
				m.SampleType += "; boundary=" + sampleBoundary
			}
		case m.ContentType == "text/plain":
			m.Kind = ir.MediaText
			m.Text = &ir.Field{}
			if s != nil {
				setKinds(m.Text, s, l.doc.Version, 0)
				m.Schema = l.schema(mt.Schema, b.Pos)
			}
			if ex, ok := mediaExampleValue(mt).(string); ok {
				m.Sample, m.SampleType = ex, m.ContentType
			}
		case m.ContentType == "application/octet-stream" || (!strings.Contains(m.ContentType, "*") && s != nil && l.isBinary(s)):
			m.Kind = ir.MediaBinary
			if s != nil && s.MaxLength != nil {
				m.MaxBytes = int64(*s.MaxLength)
			}
			if s != nil && s.Type != nil && len(s.Type.Slice()) > 0 && !s.Type.Includes("string") {
				l.diags.Warnf(b.Pos, "%s: the body is bytes, which a schema of type %s cannot describe (binary content is {type: string, format: binary}); it is checked for its size only", where, strings.Join(s.Type.Slice(), ", "))
			}
			if ex, ok := mediaExampleValue(mt).(string); ok {
				m.Sample, m.SampleType = ex, m.ContentType
			}
		case s != nil && !emptySchema(s) && (m.ContentType == "*/*" || m.ContentType == "application/*"):
			m.Schema = l.schema(mt.Schema, b.Pos)
			l.diags.Warnf(l.doc.Pos("paths", o.Path, strings.ToLower(o.Method), "requestBody", "content", ct, "schema"), "%s: a request of a JSON media type this range covers is validated by the schema; any other is checked for its content type only", where)
		case s != nil && !emptySchema(s):
			l.diags.Warnf(b.Pos, "%s: only JSON, form, multipart, text/plain and binary bodies are validated; this one is checked for its content type only", where)
		}
	}
	matchOrder(b.Media)
	o.Body = b
}

// matchOrder puts a body's media types in the order a request's media type
// is matched against them: the exact types first, by name, then the ranges
// from the most specific (application/* before */*), as RFC 9110 §12.5.1
// ranks media ranges.
func matchOrder(media []*ir.Media) {
	for _, m := range media {
		m.Range = strings.HasSuffix(m.ContentType, "/*")
	}
	sort.SliceStable(media, func(i, j int) bool {
		a, b := media[i], media[j]
		if a.Range != b.Range {
			return !a.Range
		}
		if a.Range && len(a.ContentType) != len(b.ContentType) {
			return len(a.ContentType) > len(b.ContentType)
		}
		return a.ContentType < b.ContentType
	})
}

// fields decides how each property of a form's object schema is transcoded.
// Properties declared in allOf, anyOf and oneOf members count too, and a
// property declared in more than one place may become any token one of them
// admits; a property the plan does not know is transcoded as extra says.
func (l *lowerer) fields(where, kind string, s *openapi3.Schema, enc map[string]*openapi3.Encoding, pos diag.Pos) []*ir.Field {
	props := map[string][]*openapi3.Schema{}
	properties(props, s, 0)
	names := make([]string, 0, len(props))
	for n := range props {
		names = append(names, n)
	}
	for n := range enc {
		if _, ok := props[n]; !ok {
			l.diags.Warnf(pos, "%s: encoding names %q, which is not a property of the schema; it is ignored", where, n)
		}
	}
	sort.Strings(names)
	var out []*ir.Field
	for _, n := range names {
		out = append(out, l.field(where, kind, n, props[n], enc[n], pos))
	}
	return out
}

// extra decides how the properties of a form's object schema that no
// Field names are transcoded: as one property declared by the schemas of
// additionalProperties (the schema's own and its allOf, anyOf and oneOf
// members'), in the default style of the Encoding Object, which names
// declared properties only. Nil, each a string, when no such schema types
// them (additionalProperties absent, true or false) or when the schema
// has patternProperties, which type a key by its name, a choice the plan
// does not make per key. A file part is planned as one only when the
// schema's own additionalProperties says so, the one formSchema can relax.
func (l *lowerer) extra(where, kind string, s *openapi3.Schema, pos diag.Pos) *ir.Field {
	var defs []*openapi3.Schema
	if !additional(&defs, s, 0) || len(defs) == 0 {
		return nil
	}
	f := l.field(where, kind, "", defs, nil, pos)
	if own := s.AdditionalProperties.Schema; f.Binary && (len(defs) > 1 || own == nil || own.Value != defs[0]) {
		return nil
	}
	if !f.Number && !f.Boolean && !f.Null && !f.JSON && !f.Binary && !f.Array {
		return nil
	}
	return f
}

// additional collects into defs the additionalProperties schemas of s and
// of its allOf, anyOf and oneOf members, s's own first. It returns false
// when one of them has patternProperties.
func additional(defs *[]*openapi3.Schema, s *openapi3.Schema, depth int) bool {
	if s == nil || depth > 8 {
		return true
	}
	if len(s.PatternProperties) > 0 {
		return false
	}
	if a := s.AdditionalProperties.Schema; a != nil && a.Value != nil {
		*defs = append(*defs, a.Value)
	}
	for _, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
		for _, m := range list {
			if m != nil && !additional(defs, m.Value, depth+1) {
				return false
			}
		}
	}
	return true
}

// field decides how the property n, declared by the schemas defs, is
// transcoded under its Encoding Object e (nil for none).
func (l *lowerer) field(where, kind, n string, defs []*openapi3.Schema, e *openapi3.Encoding, pos diag.Pos) *ir.Field {
	f := &ir.Field{Name: n}
	target := defs[0]
	// Whether the value is an array or an object is read through anyOf,
	// oneOf and allOf: Stripe declares its lists and maps as anyOf: [{type:
	// array}, {enum: [""]}], the empty string clearing them.
	var sh shape
	for _, d := range defs {
		sh.add(d, l.doc.Version, 0)
	}
	array := len(sh.arrays) > 0 && len(sh.objects) == 0
	object := len(sh.objects) > 0 && len(sh.arrays) == 0
	items := sh.items()
	if array {
		f.Array = true
		f.Scalar = sh.scalar(l.doc.Version)
		target = &openapi3.Schema{}
		if len(items) > 0 {
			target = items[0]
		}
	}
	if len(defs) == 1 && !array || array && len(items) <= 1 {
		setKinds(f, target, l.doc.Version, 0)
	} else if array {
		for _, it := range items {
			setKinds(f, it, l.doc.Version, 1)
		}
	} else {
		// Declared more than once: each branch's types, never JSON.
		for _, d := range defs {
			setKinds(f, d, l.doc.Version, 1)
		}
	}
	if e == nil {
		e = &openapi3.Encoding{}
	}
	var types []string
	for _, t := range strings.Split(e.ContentType, ",") {
		if t = mediaType(t); t != "" {
			types = append(types, t)
		}
	}
	// OAS 3.1 §4.8.15.1 applies style and explode to multipart/form-data
	// too (3.0.3 only to urlencoded bodies): given explicitly, they
	// serialize the part's value as the urlencoded body's, and contentType
	// is ignored. A file part keeps its bytes whatever the style says.
	explicit := e.Style != "" || e.Explode != nil
	styled := kind == ir.MediaMultipart && l.doc.Version == "3.1" && explicit && !l.isBinary(target)
	if kind == ir.MediaMultipart && l.doc.Version == "3.1" && explicit && l.isBinary(target) {
		l.diags.Warnf(pos, "%s: property %q is a file, which style and explode cannot serialize; they are ignored", where, n)
	}
	if len(types) == 1 && isJSON(types[0]) && !styled {
		f.JSON, f.Number, f.Boolean, f.Null = true, false, false, false
	}
	if kind == ir.MediaMultipart && !styled {
		if l.isBinary(target) {
			f = &ir.Field{Name: n, Array: f.Array, Binary: true}
			f.Scalar = nil
			if target.MaxLength != nil {
				f.MaxBytes = int64(*target.MaxLength)
			}
			if len(types) == 0 && target.ContentMediaType != "" {
				types = []string{mediaType(target.ContentMediaType)}
			}
		}
		if len(types) == 0 && f.JSON {
			types = []string{"application/json"}
		}
		f.Types = types
		return f
	}
	switch style := e.Style; style {
	case "", "form", "spaceDelimited", "pipeDelimited":
		explode := style == "" || style == "form"
		if e.Explode != nil {
			explode = *e.Explode
		}
		sep := map[string]string{"": ",", "form": ",", "spaceDelimited": " ", "pipeDelimited": "|"}[style]
		switch {
		case f.Array && !explode:
			f.Sep = sep
		case object && !explode:
			// color=R,100,G,200; an explicit style or explode
			// overrides contentType (OAS 3.1 §4.8.15.1).
			f = l.objectField(where, n, style, sh.objects, pos)
			f.Sep = sep
		case object && (style != "" || e.Explode != nil):
			l.diags.Warnf(pos, "%s: property %q: style %s with explode spreads an object's properties over the body as keys of their own (R=100&G=200), which cannot be told apart from the body's other properties; this is not compiled: a field %q is read as JSON text, as with contentType application/json", where, n, orForm(style), n)
		}
	case "deepObject":
		if object || array {
			// Stripe declares its lists deepObject too, and its clients
			// send them as expand[0]=a or expand[]=a.
			t := l.tree(where, n, defs, 0, pos)
			t.Name, t.Deep = n, true
			f = &t
		} else {
			l.diags.Warnf(pos, "%s: property %q: style deepObject applies to objects (OAS 3.1 §4.8.12.4) and is ignored here", where, n)
		}
	default:
		l.diags.Warnf(pos, "%s: property %q: style %s is not compiled yet; the value is checked as one string", where, n, style)
	}
	return f
}

// shape sorts the schemas a value may meet by what they let it be: an
// object, an array or a plain value, looking through the allOf, anyOf and
// oneOf members of a schema without a type, so that anyOf: [{type:
// object}, {enum: [""]}] is an object that may also be a string. A schema
// without a type or members is an object when it declares properties or
// additionalProperties, an array when it declares items, and a plain value
// otherwise.
type shape struct {
	objects, arrays, scalars []*openapi3.Schema
}

func (sh *shape) add(s *openapi3.Schema, version string, depth int) {
	if s == nil {
		return
	}
	if t := s.Type; t != nil && len(*t) > 0 {
		if t.Includes("object") {
			sh.objects = append(sh.objects, s)
		}
		if t.Includes("array") {
			sh.arrays = append(sh.arrays, s)
		}
		for _, typ := range t.Slice() {
			if typ != "object" && typ != "array" || s.Nullable && version != "3.1" {
				sh.scalars = append(sh.scalars, s)
				break
			}
		}
		return
	}
	members := false
	if depth < 8 {
		for _, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
			for _, b := range list {
				if b != nil && b.Value != nil {
					sh.add(b.Value, version, depth+1)
					members = true
				}
			}
		}
	}
	switch {
	case members:
	case len(s.Properties) > 0 || s.AdditionalProperties.Schema != nil:
		sh.objects = append(sh.objects, s)
	case s.Items != nil:
		sh.arrays = append(sh.arrays, s)
	default:
		sh.scalars = append(sh.scalars, s)
	}
}

// items are the item schemas of the array branches.
func (sh *shape) items() []*openapi3.Schema {
	var out []*openapi3.Schema
	for _, a := range sh.arrays {
		if a.Items != nil && a.Items.Value != nil {
			out = append(out, a.Items.Value)
		}
	}
	return out
}

// scalar is how a plain value stands in for an object or array whose
// schema admits one too; nil when it admits none.
func (sh *shape) scalar(version string) *ir.Field {
	if len(sh.scalars) == 0 {
		return nil
	}
	sc := &ir.Field{}
	for _, s := range sh.scalars {
		t := s.Type
		sc.String = sc.String || t == nil || len(*t) == 0 || t.Includes("string")
		sc.Number = sc.Number || t.Includes("number") || t.Includes("integer")
		sc.Boolean = sc.Boolean || t.Includes("boolean")
		sc.Null = sc.Null || t.Includes("null") || s.Nullable && version != "3.1"
	}
	return sc
}

// maxTree bounds how deep tree plans the keys of a deepObject field; a
// recursive schema would have no end.
const maxTree = 8

// tree plans a value sent under the bracketed keys of a deepObject field,
// declared by the schemas defs: an object's properties and an array's
// items in turn, each with its own plan, as Stripe, Rails and PHP clients
// nest them (shipping[address][city], items[0][price]). This goes beyond
// OAS 3.1.1 §4.8.12.4, which defines the style for properties of
// primitive values only. Below maxTree levels, or for an array of arrays,
// which no such client sends, a value is read as a string.
func (l *lowerer) tree(where, name string, defs []*openapi3.Schema, depth int, pos diag.Pos) ir.Field {
	var sh shape
	for _, d := range defs {
		sh.add(d, l.doc.Version, 0)
	}
	var f ir.Field
	deeper := depth < maxTree
	switch {
	case deeper && len(sh.arrays) > 0 && len(sh.objects) == 0:
		it := l.tree(where, name, sh.items(), depth+1, pos)
		if it.Array {
			l.diags.Warnf(pos, "%s: property %q, style deepObject: an array of arrays has no bracketed keys clients agree on; its items are read as strings", where, name)
			it = ir.Field{}
		}
		f = it
		f.Array, f.Scalar = true, sh.scalar(l.doc.Version)
	case deeper && len(sh.objects) > 0 && len(sh.arrays) == 0:
		f.Object, f.Scalar = true, sh.scalar(l.doc.Version)
		props := map[string][]*openapi3.Schema{}
		for _, o := range sh.objects {
			properties(props, o, 0)
			if a := o.AdditionalProperties.Schema; a != nil && a.Value != nil {
				setKinds(&f, a.Value, l.doc.Version, 1)
			}
		}
		names := make([]string, 0, len(props))
		for n := range props {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			p := l.tree(where, name, props[n], depth+1, pos)
			p.Name = n
			f.Props = append(f.Props, p)
		}
	default:
		for _, d := range defs {
			setKinds(&f, d, l.doc.Version, 1)
		}
	}
	return f
}

// properties collects into props the properties of s, those declared in its
// allOf, anyOf and oneOf members included, each with every schema that
// declares it.
func properties(props map[string][]*openapi3.Schema, s *openapi3.Schema, depth int) {
	if s == nil || depth > 8 {
		return
	}
	for n, p := range s.Properties {
		if p != nil && p.Value != nil {
			props[n] = append(props[n], p.Value)
		}
	}
	for _, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
		for _, a := range list {
			if a != nil {
				properties(props, a.Value, depth+1)
			}
		}
	}
}

// objectField is the plan of an object property of a urlencoded body sent
// in a style that keeps its properties apart (deepObject, or form,
// spaceDelimited and pipeDelimited without explode): each declared
// property is typed by its schemas as a field is, but never as a JSON
// document, since no style defines how a value nested deeper is sent; the
// properties it does not declare by additionalProperties. defs are the
// schemas that declare the property.
func (l *lowerer) objectField(where, name, style string, defs []*openapi3.Schema, pos diag.Pos) *ir.Field {
	f := &ir.Field{Name: name}
	props := map[string][]*openapi3.Schema{}
	for _, d := range defs {
		properties(props, d, 0)
		if a := d.AdditionalProperties.Schema; a != nil && a.Value != nil {
			setKinds(f, a.Value, l.doc.Version, 1)
		}
	}
	names := make([]string, 0, len(props))
	for n := range props {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p := ir.Field{Name: n}
		for _, d := range props[n] {
			setKinds(&p, d, l.doc.Version, 1)
			if d.Type != nil && (d.Type.Includes("object") || d.Type.Includes("array")) {
				l.diags.Warnf(pos, "%s: property %q, style %s: its property %q admits type %s, which the style has no way to send (OAS 3.1 §4.8.12.4 shows it for properties of primitive values); its text is read as a string", where, name, orForm(style), n, strings.Join(d.Type.Slice(), ", "))
			}
		}
		f.Props = append(f.Props, p)
	}
	return f
}

func orForm(style string) string {
	if style == "" {
		return "form"
	}
	return style
}

// setKinds adds to a field the JSON tokens its text may become, from the
// types its schema admits: its own type, or when it has none, the types of
// its allOf, anyOf and oneOf branches, so that "5" for {anyOf: [{type:
// integer}, {type: string}]} is the number the first branch accepts. An
// object, or a value of no type and no format, is a JSON document, as the
// encoding object's default content type says.
func setKinds(f *ir.Field, s *openapi3.Schema, version string, depth int) {
	t := s.Type
	if t == nil || len(*t) == 0 {
		if depth < 8 {
			for _, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
				for _, b := range list {
					if b != nil && b.Value != nil {
						setKinds(f, b.Value, version, depth+1)
					}
				}
			}
		}
		return // otherwise any text is a string, and a string is allowed
	}
	f.Number = f.Number || t.Includes("number") || t.Includes("integer")
	f.Boolean = f.Boolean || t.Includes("boolean")
	f.Null = f.Null || t.Includes("null") || (s.Nullable && version != "3.1")
	if only(t, "object") && depth == 0 {
		f.JSON = true
	}
}

// isBinary reports whether a schema describes raw bytes: format binary
// (OpenAPI 3.0, and documents migrated from it), or in 3.1 a
// contentMediaType without a contentEncoding (with one, the part is text).
func (l *lowerer) isBinary(s *openapi3.Schema) bool {
	if s.Format == "binary" {
		return true
	}
	return l.doc.Version == "3.1" && s.ContentMediaType != "" && s.ContentEncoding == "" && (s.Type == nil || only(s.Type, "string"))
}

// only reports whether types admit typ and nothing else but null.
func only(types *openapi3.Types, typ string) bool {
	if !types.Includes(typ) {
		return false
	}
	for _, t := range types.Slice() {
		if t != typ && t != "null" {
			return false
		}
	}
	return true
}

func emptySchema(s *openapi3.Schema) bool {
	return (s.Type == nil || len(*s.Type) == 0) && len(s.Properties) == 0 && s.Format == "" && len(s.AllOf) == 0 && len(s.AnyOf) == 0 && len(s.OneOf) == 0
}

// formSchema is the schema the transcoded object is validated against: the
// body's schema with every binary property, and additionalProperties when
// extra plans undeclared parts as files, accepting anything, since a file
// stands in the object as "" while its bytes are checked by its Field. The
// schema is copied only when it has a binary property.
func (l *lowerer) formSchema(s *ir.Schema, fields []*ir.Field, extra *ir.Field) *ir.Schema {
	binary := map[string]bool{}
	for _, f := range fields {
		if f.Binary {
			binary[f.Name] = true
		}
	}
	files := extra != nil && extra.Binary
	if len(binary) == 0 && !files {
		return s
	}
	cp := *l.deref(s)
	cp.GoName, cp.Name, cp.Ref = "", "", ""
	base := l.deref(s)
	cp.Properties = make([]*ir.Property, len(base.Properties))
	for i, p := range base.Properties {
		q := *p
		if binary[p.Name] {
			q.Schema = l.anyFile(p.Schema)
		}
		cp.Properties[i] = &q
	}
	if files && base.AdditionalProperties != nil {
		cp.AdditionalProperties = l.anyFile(base.AdditionalProperties)
	}
	return &cp
}

// anyFile is the schema of a binary property in the transcoded object:
// anything, or an array of anything for an array of files, whose count is
// still checked.
func (l *lowerer) anyFile(s *ir.Schema) *ir.Schema {
	ps := l.deref(s)
	if ps.Type.Has(ir.TArray) && ps.Items != nil {
		arr := *ps
		arr.GoName, arr.Name, arr.Ref = "", "", ""
		arr.Items = &ir.Schema{}
		return &arr
	}
	return &ir.Schema{}
}

// formSample turns the document's example of a form body into a body of
// that media type for generated tests; "" when there is none.
func formSample(m *ir.Media, example string) string {
	if example == "" {
		return ""
	}
	var obj map[string]any
	if err := jsonUnmarshal(example, &obj); err != nil || obj == nil {
		return ""
	}
	byName := map[string]*ir.Field{}
	for _, f := range m.Fields {
		byName[f.Name] = f
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	type kv struct {
		k, v string
		enc  bool // v is percent-encoded already: items and their delimiters
	}
	var pairs []kv
	for _, k := range keys {
		f := byName[k]
		items, isArr := obj[k].([]any)
		props, isObj := obj[k].(map[string]any)
		switch {
		case f != nil && f.Binary:
			return "" // an example cannot stand for a file
		case f != nil && f.Deep && (isObj || isArr && nestedItems(items)):
			deepSample(k, obj[k], func(key, v string) { pairs = append(pairs, kv{k: key, v: v}) })
		case f != nil && f.Array && isArr && f.Sep != "":
			parts := make([]string, len(items))
			for i, it := range items {
				parts[i] = scalarText(it)
			}
			pairs = append(pairs, kv{k, delimited(parts, f.Sep), true})
		case f != nil && f.Array && isArr:
			for _, it := range items {
				pairs = append(pairs, kv{k: k, v: scalarText(it)})
			}
		case f != nil && f.Sep != "" && isObj:
			names := make([]string, 0, len(props))
			for n := range props {
				names = append(names, n)
			}
			sort.Strings(names)
			var parts []string
			for _, n := range names {
				parts = append(parts, n, scalarText(props[n]))
			}
			pairs = append(pairs, kv{k, delimited(parts, f.Sep), true})
		default:
			pairs = append(pairs, kv{k: k, v: scalarText(obj[k])})
		}
	}
	var b strings.Builder
	for i, p := range pairs {
		if m.Kind == ir.MediaForm {
			if i > 0 {
				b.WriteByte('&')
			}
			v := p.v
			if !p.enc {
				v = url.QueryEscape(v)
			}
			b.WriteString(url.QueryEscape(p.k) + "=" + v)
			continue
		}
		b.WriteString("--" + sampleBoundary + "\r\nContent-Disposition: form-data; name=" + strconv.Quote(p.k) + "\r\n\r\n" + p.v + "\r\n")
	}
	if m.Kind == ir.MediaMultipart {
		b.WriteString("--" + sampleBoundary + "--\r\n")
	}
	return b.String()
}

// deepSample writes the example v of a deepObject field under key as the
// gateway reads it (runtime/form, Field.Deep): an object's properties as
// key[name], an array's items as key[index], as deep as the value goes.
func deepSample(key string, v any, add func(key, v string)) {
	switch x := v.(type) {
	case map[string]any:
		names := make([]string, 0, len(x))
		for n := range x {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			deepSample(key+"["+n+"]", x[n], add)
		}
	case []any:
		for i, it := range x {
			deepSample(key+"["+strconv.Itoa(i)+"]", it, add)
		}
	default:
		add(key, scalarText(v))
	}
}

// nestedItems reports whether an example array holds objects or arrays.
func nestedItems(items []any) bool {
	for _, it := range items {
		switch it.(type) {
		case map[string]any, []any:
			return true
		}
	}
	return false
}

// delimited joins the items of a urlencoded value sent in one (styles
// form, spaceDelimited and pipeDelimited without explode) as RFC 6570
// expands them: each item percent-encoded, the delimiter not, since the
// gateway splits a value before it decodes the items (runtime/form); a
// space is written '+', as in the rest of a urlencoded body.
func delimited(items []string, sep string) string {
	esc := make([]string, len(items))
	for i, it := range items {
		esc[i] = url.QueryEscape(it)
	}
	if sep == " " {
		sep = "+"
	}
	return strings.Join(esc, sep)
}

// sampleBoundary delimits the parts of a multipart sample body.
const sampleBoundary = "gatewaygen-sample"

// mediaExampleValue is the decoded example of a media type, nil when none.
func mediaExampleValue(mt *openapi3.MediaType) any {
	ex := mediaExample(mt)
	if ex == "" {
		return nil
	}
	var v any
	if jsonUnmarshal(ex, &v) != nil {
		return nil
	}
	return v
}

// mediaType lower-cases a content type and drops its parameters.
func mediaType(ct string) string {
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return strings.ToLower(strings.TrimSpace(ct))
}

func isJSON(mt string) bool {
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// mediaExample is the example of a media type: example, else the first of
// examples by name.
func mediaExample(mt *openapi3.MediaType) string {
	if mt.Example != nil {
		return canonical(mt.Example)
	}
	names := make([]string, 0, len(mt.Examples))
	for n := range mt.Examples {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if ex := mt.Examples[n]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
			return canonical(ex.Value.Value)
		}
	}
	return ""
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

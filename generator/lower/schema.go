package lower

import (
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	json "github.com/goccy/go-json"

	"github.com/gatewaygen/gatewaygen/generator/diag"
	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// originPos turns a kin-openapi origin into a position, naming the file as
// the user did when it is the main document. Each file's name is worked out
// once: that reads the working directory, and a large document has
// thousands of origins.
func (l *lowerer) originPos(o *openapi3.Origin) diag.Pos {
	if o == nil || o.Key == nil {
		return diag.Pos{File: l.doc.File}
	}
	if l.originFiles == nil {
		l.originFiles = map[string]string{}
	}
	name, ok := l.originFiles[o.Key.File]
	if !ok {
		name = originFile(l.doc.File, o.Key.File)
		l.originFiles[o.Key.File] = name
	}
	line, col := l.doc.OriginPos(o.Key)
	return diag.Pos{File: name, Line: line, Col: col}
}

// originFile names the file f of an origin as the user named file, the
// main document, when it is that one, else relative to the working
// directory when below it.
func originFile(file, f string) string {
	if f == "" {
		f = file
	} else if abs, err := filepath.Abs(file); err == nil && abs == f {
		f = file
	} else if wd, err := filepath.Abs("."); err == nil {
		if rel, err := filepath.Rel(wd, f); err == nil && !strings.HasPrefix(rel, "..") {
			f = rel
		}
	}
	return filepathToSlash(f)
}

// schema lowers a schema reference. Every $ref target becomes a named
// schema, lowered once, so recursive schemas end in a cycle of named
// functions instead of an infinite tree. kin-openapi copies a 3.1 $ref's
// sibling keywords into the target it resolves, so the same $ref text with a
// different resolved value is a different named schema.
func (l *lowerer) schema(ref *openapi3.SchemaRef, at diag.Pos) *ir.Schema {
	return l.ref(ref, at, false)
}

// ref lowers a schema reference as schema does. With base set it lowers the
// schema itself even when it is the base of subtypes (see polymorphic): an
// allOf member naming the base must not dispatch back to the subtype.
func (l *lowerer) ref(ref *openapi3.SchemaRef, at diag.Pos, base bool) *ir.Schema {
	if ref == nil || ref.Value == nil {
		return &ir.Schema{}
	}
	if ref.Ref == "" {
		return l.inline(ref.Value, at)
	}
	mark := len(l.scope)
	defer func() { l.scope = l.scope[:mark] }()
	l.enterRef(ref)
	key := namedKey{ref.Ref, ref.Value, l.scopeKey(), base}
	if n, ok := l.named[key]; ok {
		return &ir.Schema{Ref: n.GoName}
	}
	name := ref.Ref
	if i := strings.LastIndexAny(name, "/#"); i >= 0 && i+1 < len(name) {
		name = name[i+1:]
	}
	if name == "#" || name == "" {
		name = "Root"
	}
	goname := goName(name)
	if base {
		goname += "Base"
	}
	n := &ir.Schema{Name: name, GoName: l.names.unique(goname)}
	l.named[key] = n
	var body *ir.Schema
	if subs := l.subtypes(ref.Value); len(subs) > 0 && !base {
		body = l.polymorphic(ref, subs, at)
	} else {
		body = l.inline(ref.Value, at)
	}
	goNameKeep, nameKeep := n.GoName, n.Name
	*n = *body
	n.GoName, n.Name = goNameKeep, nameKeep
	return &ir.Schema{Ref: n.GoName}
}

// namedKey identifies a named schema: the $ref as written, the value
// kin-openapi resolved it to, and the dynamic scope it is lowered under
// (see dynamic.go; "" in a document without a dynamic $dynamicRef).
type namedKey struct {
	ref   string
	value *openapi3.Schema
	scope string
	base  bool // lowered as the base of subtypes, without dispatching to them
}

// inline lowers the keywords of one schema object.
func (l *lowerer) inline(s *openapi3.Schema, at diag.Pos) *ir.Schema {
	pos := l.originPos(s.Origin)
	if pos.Line == 0 {
		pos = at
	}
	out := &ir.Schema{Pos: pos, Format: s.Format, ReadOnly: s.ReadOnly, WriteOnly: s.WriteOnly, Title: s.Title, Description: s.Description}
	mark := l.enter(s)
	defer func() { l.scope = l.scope[:mark] }()
	if s.Always != nil {
		out.False = !*s.Always
		return out
	}
	for _, t := range s.Type.Slice() {
		switch t {
		case "null":
			out.Type |= ir.TNull
		case "boolean":
			out.Type |= ir.TBoolean
		case "object":
			out.Type |= ir.TObject
		case "array":
			out.Type |= ir.TArray
		case "number":
			out.Type |= ir.TNumber
		case "string":
			out.Type |= ir.TString
		case "integer":
			out.Type |= ir.TInteger
		}
	}
	if s.Type != nil && len(s.Type.Slice()) > 0 && out.Type == ir.TAny {
		out.False = true // only unknown type names: nothing matches
	}
	if s.Nullable && out.Type != ir.TAny {
		out.Type |= ir.TNull
	}
	if s.Enum != nil {
		out.Enum = []string{}
		for _, v := range s.Enum {
			out.Enum = append(out.Enum, canonical(v))
		}
	}
	if c := s.Const; c != nil {
		// Both keywords hold (JSON Schema 2020-12 §6.1.2, §6.1.3): const
		// alone where enum has its value, nothing where enum has not.
		v := canonical(c)
		if out.Enum == nil || slices.Contains(out.Enum, v) {
			out.Enum, out.Const = []string{v}, true
		} else {
			out.Enum = []string{}
		}
	}
	if s.Default != nil {
		out.Default = canonical(s.Default)
	}
	if s.Example != nil {
		out.Example = canonical(s.Example)
	} else if len(s.Examples) > 0 {
		out.Example = canonical(s.Examples[0])
	}

	out.Minimum, out.Maximum, out.MultipleOf = s.Min, s.Max, s.MultipleOf
	if s.ExclusiveMin.Value != nil {
		if out.Minimum == nil || *s.ExclusiveMin.Value >= *out.Minimum {
			out.Minimum, out.ExclusiveMinimum = s.ExclusiveMin.Value, true
		}
	} else if s.ExclusiveMin.IsTrue() && s.Min != nil {
		out.ExclusiveMinimum = true
	}
	if s.ExclusiveMax.Value != nil {
		if out.Maximum == nil || *s.ExclusiveMax.Value <= *out.Maximum {
			out.Maximum, out.ExclusiveMaximum = s.ExclusiveMax.Value, true
		}
	} else if s.ExclusiveMax.IsTrue() && s.Max != nil {
		out.ExclusiveMaximum = true
	}

	if s.MinLength > 0 {
		out.MinLength = i64(s.MinLength)
	}
	if s.MaxLength != nil {
		out.MaxLength = i64(*s.MaxLength)
	}
	out.Pattern = s.Pattern

	for _, p := range s.PrefixItems {
		out.PrefixItems = append(out.PrefixItems, l.schema(p, pos))
	}
	if s.Items != nil {
		out.Items = l.schema(s.Items, pos)
	}
	if s.MinItems > 0 {
		out.MinItems = i64(s.MinItems)
	}
	if s.MaxItems != nil {
		out.MaxItems = i64(*s.MaxItems)
	}
	out.UniqueItems = s.UniqueItems
	if s.Contains != nil {
		out.Contains = l.schema(s.Contains, pos)
		if s.MinContains != nil {
			out.MinContains = i64(*s.MinContains)
		}
		if s.MaxContains != nil {
			out.MaxContains = i64(*s.MaxContains)
		}
	}

	for _, name := range sortedKeys(s.Properties) {
		out.Properties = append(out.Properties, &ir.Property{Name: name, Schema: l.schema(s.Properties[name], pos)})
	}
	out.Required = append([]string(nil), s.Required...)
	sort.Strings(out.Required)
	out.Required = dedupe(out.Required)
	ap := s.AdditionalProperties
	switch {
	case ap.Has != nil && !*ap.Has:
		out.NoAdditional = true
	case ap.Schema != nil:
		out.AdditionalProperties = l.schema(ap.Schema, pos)
	case ap.Has != nil:
		// additionalProperties: true checks nothing, but it does evaluate
		// the members, which unevaluatedProperties must know.
		out.AdditionalProperties = &ir.Schema{Pos: pos}
	}
	if s.MinProps > 0 {
		out.MinProperties = i64(s.MinProps)
	}
	if s.MaxProps != nil {
		out.MaxProperties = i64(*s.MaxProps)
	}
	for _, p := range sortedKeys(s.PatternProperties) {
		out.PatternProperties = append(out.PatternProperties, &ir.Property{Name: p, Schema: l.schema(s.PatternProperties[p], pos)})
	}
	if s.PropertyNames != nil {
		out.PropertyNames = l.schema(s.PropertyNames, pos)
	}
	deps := make([]string, 0, len(s.DependentRequired))
	for name := range s.DependentRequired {
		deps = append(deps, name)
	}
	sort.Strings(deps)
	for _, name := range deps {
		out.DependentRequired = append(out.DependentRequired, &ir.Depend{Name: name, Required: s.DependentRequired[name]})
	}
	for _, name := range sortedKeys(s.DependentSchemas) {
		out.DependentSchemas = append(out.DependentSchemas, &ir.Property{Name: name, Schema: l.schema(s.DependentSchemas[name], pos)})
	}

	for _, b := range s.AllOf {
		out.AllOf = append(out.AllOf, l.ref(b, pos, b != nil && len(l.subtypes(b.Value)) > 0))
	}
	for _, b := range s.AnyOf {
		out.AnyOf = append(out.AnyOf, l.schema(b, pos))
	}
	for _, b := range s.OneOf {
		out.OneOf = append(out.OneOf, l.schema(b, pos))
	}
	if s.Not != nil {
		out.Not = l.schema(s.Not, pos)
	}
	if t := l.dynamicTarget(s); t != nil {
		// An in-place applicator like $ref, so allOf's semantics, including
		// what it evaluates for unevaluated*.
		out.AllOf = append(out.AllOf, l.schema(t, pos))
	}
	if s.If != nil {
		out.If = l.schema(s.If, pos)
		if s.Then != nil {
			out.Then = l.schema(s.Then, pos)
		}
		if s.Else != nil {
			out.Else = l.schema(s.Else, pos)
		}
	}
	out.UnevaluatedProperties = l.boolSchema(s.UnevaluatedProperties, pos)
	out.UnevaluatedItems = l.boolSchema(s.UnevaluatedItems, pos)
	if s.Discriminator != nil {
		out.Discriminator = l.discriminator(s, pos)
	}
	l.unsupported(s, pos)
	return out
}

// sortedKeys returns the names of a schema map in order, so output is
// deterministic.
func sortedKeys(m openapi3.Schemas) []string {
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func (l *lowerer) boolSchema(b openapi3.BoolSchema, pos diag.Pos) *ir.Schema {
	switch {
	case b.Schema != nil:
		return l.schema(b.Schema, pos)
	case b.Has != nil && !*b.Has:
		return &ir.Schema{False: true, Pos: pos}
	case b.Has != nil:
		return &ir.Schema{Pos: pos}
	}
	return nil
}

// discriminator maps each discriminator value to the oneOf (or anyOf)
// branch it selects: the explicit mapping first, then each branch's own
// schema name, as OpenAPI 3.1 §4.8.25 describes.
func (l *lowerer) discriminator(s *openapi3.Schema, pos diag.Pos) *ir.Discriminator {
	branches := s.OneOf
	if len(branches) == 0 {
		branches = s.AnyOf
	}
	if len(branches) == 0 || s.Discriminator.PropertyName == "" {
		return nil
	}
	d := &ir.Discriminator{Property: s.Discriminator.PropertyName}
	index := func(ref string) int {
		for i, b := range branches {
			if b.Ref == ref || strings.HasSuffix(b.Ref, "/"+ref) {
				return i
			}
		}
		return -1
	}
	seen := map[string]bool{}
	mapped := map[int]bool{} // branches an explicit mapping names
	values := make([]string, 0, len(s.Discriminator.Mapping))
	for v := range s.Discriminator.Mapping {
		values = append(values, v)
	}
	sort.Strings(values)
	for _, v := range values {
		i := index(s.Discriminator.Mapping[v].Ref)
		if i < 0 {
			l.diags.Warnf(pos, "discriminator mapping %q names %s, which is not one of the branches; the value is checked against every branch", v, s.Discriminator.Mapping[v].Ref)
			return nil
		}
		seen[v] = true
		mapped[i] = true
		d.Mapping = append(d.Mapping, &ir.Mapping{Value: v, Branch: i})
	}
	// A branch no mapping names is selected by its schema name. One that a
	// mapping names is selected by the mapped value instead ("dog maps to
	// Dog rather than the implicit Dog", OpenAPI 3.1 §4.8.25.4).
	for i, b := range branches {
		if b.Ref == "" || mapped[i] {
			continue
		}
		name := b.Ref[strings.LastIndexByte(b.Ref, '/')+1:]
		if !seen[name] {
			seen[name] = true
			d.Mapping = append(d.Mapping, &ir.Mapping{Value: name, Branch: i})
		}
	}
	sort.Slice(d.Mapping, func(i, j int) bool { return d.Mapping[i].Value < d.Mapping[j].Value })
	return d
}

// unsupported warns about keywords that have no compiled check; a value
// passes them unchecked, and the user is told.
func (l *lowerer) unsupported(s *openapi3.Schema, pos diag.Pos) {
	var kws []string
	add := func(cond bool, kw string) {
		if cond {
			kws = append(kws, kw)
		}
	}
	add(s.DynamicRef != "" && l.dynamicTarget(s) == nil, "$dynamicRef")
	add(s.ContentSchema != nil, "contentSchema")
	if len(kws) > 0 {
		l.diags.Warnf(pos, "schema keywords %s are not compiled; values pass them unchecked", strings.Join(kws, ", "))
	}
}

func i64(u uint64) *int64 {
	v := int64(u)
	if u > 1<<62 {
		v = 1 << 62
	}
	return &v
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// canonical is the compact JSON of a value from the document, with object
// keys sorted, so generated constants are stable.
func canonical(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(b)
}

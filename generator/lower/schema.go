package lower

import (
	"path/filepath"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	json "github.com/goccy/go-json"

	"github.com/gatewaygen/gatewaygen/generator/diag"
	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// posOf turns a kin-openapi origin into a position, naming the file as the
// user did when it is the main document.
func posOf(file string, o *openapi3.Origin) diag.Pos {
	if o == nil || o.Key == nil {
		return diag.Pos{File: file}
	}
	f := o.Key.File
	if f == "" {
		f = file
	} else if abs, err := filepath.Abs(file); err == nil && abs == f {
		f = file
	} else if wd, err := filepath.Abs("."); err == nil {
		if rel, err := filepath.Rel(wd, f); err == nil && !strings.HasPrefix(rel, "..") {
			f = rel
		}
	}
	return diag.Pos{File: filepathToSlash(f), Line: o.Key.Line, Col: o.Key.Column}
}

// schema lowers a schema reference. A reference to components.schemas
// becomes a Ref to a named schema, lowered once, so recursive schemas end in
// a cycle of named functions instead of an infinite tree.
func (l *lowerer) schema(ref *openapi3.SchemaRef, at diag.Pos) *ir.Schema {
	if ref == nil || ref.Value == nil {
		return &ir.Schema{}
	}
	if ref.Ref != "" {
		// Any $ref, not only one into components.schemas, may be part of a
		// cycle, so each distinct target becomes one named schema.
		name := ref.Ref
		if i := strings.LastIndexAny(name, "/#"); i >= 0 && i+1 < len(name) {
			name = name[i+1:]
		}
		if n, ok := l.named[ref.Ref]; ok {
			return &ir.Schema{Ref: n.GoName}
		}
		n := &ir.Schema{Name: name, GoName: l.names.unique(goName(name))}
		l.named[ref.Ref] = n
		body := l.inline(ref.Value, at)
		goNameKeep, nameKeep := n.GoName, n.Name
		*n = *body
		n.GoName, n.Name = goNameKeep, nameKeep
		return &ir.Schema{Ref: n.GoName}
	}
	return l.inline(ref.Value, at)
}

// inline lowers the keywords of one schema object.
func (l *lowerer) inline(s *openapi3.Schema, at diag.Pos) *ir.Schema {
	pos := posOf(l.doc.File, s.Origin)
	if pos.Line == 0 {
		pos = at
	}
	out := &ir.Schema{Pos: pos, Format: s.Format, ReadOnly: s.ReadOnly}
	if s.Always != nil {
		if !*s.Always {
			out.Enum = []string{} // false: nothing is valid
		}
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
	if s.Nullable && out.Type != ir.TAny {
		out.Type |= ir.TNull
	}
	for _, v := range s.Enum {
		out.Enum = append(out.Enum, canonical(v))
	}
	if s.Const != nil {
		out.Enum = []string{canonical(s.Const)}
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
		out.Minimum, out.ExclusiveMinimum = s.ExclusiveMin.Value, true
	} else if s.ExclusiveMin.IsTrue() && s.Min != nil {
		out.ExclusiveMinimum = true
	}
	if s.ExclusiveMax.Value != nil {
		out.Maximum, out.ExclusiveMaximum = s.ExclusiveMax.Value, true
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

	names := make([]string, 0, len(s.Properties))
	for name := range s.Properties {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
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
	}
	if s.MinProps > 0 {
		out.MinProperties = i64(s.MinProps)
	}
	if s.MaxProps != nil {
		out.MaxProperties = i64(*s.MaxProps)
	}
	l.unsupported(s, pos)
	return out
}

// unsupported warns about keywords that issue #3's schema compiler will
// bring; until then a value passes them unchecked, and the user is told.
func (l *lowerer) unsupported(s *openapi3.Schema, pos diag.Pos) {
	var kws []string
	add := func(cond bool, kw string) {
		if cond {
			kws = append(kws, kw)
		}
	}
	add(len(s.AllOf) > 0, "allOf")
	add(len(s.AnyOf) > 0, "anyOf")
	add(len(s.OneOf) > 0, "oneOf")
	add(s.Not != nil, "not")
	add(len(s.PrefixItems) > 0, "prefixItems")
	add(s.Contains != nil, "contains")
	add(len(s.PatternProperties) > 0, "patternProperties")
	add(len(s.DependentSchemas) > 0, "dependentSchemas")
	add(len(s.DependentRequired) > 0, "dependentRequired")
	add(s.PropertyNames != nil, "propertyNames")
	add(s.If != nil, "if")
	add(s.UnevaluatedItems.Has != nil || s.UnevaluatedItems.Schema != nil, "unevaluatedItems")
	add(s.UnevaluatedProperties.Has != nil || s.UnevaluatedProperties.Schema != nil, "unevaluatedProperties")
	if len(kws) > 0 {
		l.diags.Warnf(pos, "schema keywords %s are not compiled yet; values pass them unchecked", strings.Join(kws, ", "))
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

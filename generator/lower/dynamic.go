package lower

import (
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// $dynamicRef (JSON Schema 2020-12 §8.2.3.2) names a schema by an anchor
// that the outermost schema resource in the dynamic scope may redefine: the
// same reference can mean a different schema depending on the path by which
// evaluation reached it. A compiled validator has no dynamic scope at run
// time, so lowering specializes instead. It carries the scope as it lowers:
// for each anchor name that some $dynamicRef uses, the schema the outermost
// resource entered so far binds it to. A named schema is lowered once per
// distinct binding it is reached under, and each $dynamicRef becomes a plain
// reference to the bound schema. Bindings only ever get added on the way in
// (the outermost resource wins), so the specializations are finite and
// recursion ends in a cycle of named functions as usual.
//
// The loader has already turned every $dynamicRef that behaves like $ref
// into a $ref, and left the dynamic ones naming their initial target by a
// document pointer, so that is all this file sees.

// resource is one schema resource: a schema with $id, or the document.
type resource struct {
	anchors map[string]*openapi3.SchemaRef // $dynamicAnchor name → schema, pointer as Ref
}

// binding is one anchor name of the dynamic scope and what it resolves to.
type binding struct {
	name   string
	target *openapi3.SchemaRef
}

// dynamicIndex holds what specialization needs, built once per document.
type dynamicIndex struct {
	byPointer map[string]*openapi3.Schema    // document pointer → schema written there
	refAt     map[string]*openapi3.SchemaRef // document pointer → $ref written there
	resources map[*openapi3.Schema]*resource // each schema → the resource it sits in
	names     map[string]bool                // anchor names some $dynamicRef resolves dynamically
}

// indexDynamic walks the component schemas by their place in the document
// (never through a $ref, which would attribute a schema to the wrong
// resource). It returns nil when no $dynamicRef needs the dynamic scope, so
// that documents without one lower exactly as before.
func indexDynamic(doc *openapi3.T) (*dynamicIndex, *resource) {
	if doc.Components == nil {
		return nil, nil
	}
	ix := &dynamicIndex{
		byPointer: map[string]*openapi3.Schema{},
		refAt:     map[string]*openapi3.SchemaRef{},
		resources: map[*openapi3.Schema]*resource{},
		names:     map[string]bool{},
	}
	top := &resource{anchors: map[string]*openapi3.SchemaRef{}}
	var refs []*openapi3.Schema
	var walk func(ref *openapi3.SchemaRef, ptr string, in *resource, depth int)
	walk = func(ref *openapi3.SchemaRef, ptr string, in *resource, depth int) {
		if ref == nil || ref.Value == nil || depth > 500 {
			return
		}
		if ref.Ref != "" {
			ix.refAt[ptr] = ref
			return
		}
		s := ref.Value
		if _, seen := ix.resources[s]; seen {
			return
		}
		if s.SchemaID != "" {
			in = &resource{anchors: map[string]*openapi3.SchemaRef{}}
		}
		ix.resources[s] = in
		ix.byPointer[ptr] = s
		if a := s.DynamicAnchor; a != "" {
			if _, dup := in.anchors[a]; !dup {
				in.anchors[a] = &openapi3.SchemaRef{Ref: "#" + ptr, Value: s}
			}
		}
		if strings.HasPrefix(s.DynamicRef, "#/") {
			refs = append(refs, s)
		}
		forEachChild(s, func(kw string, c *openapi3.SchemaRef) {
			walk(c, ptr+"/"+kw, in, depth+1)
		})
	}
	for _, name := range sortedKeys(doc.Components.Schemas) {
		walk(doc.Components.Schemas[name], "/components/schemas/"+escapeToken(name), top, 0)
	}
	for _, s := range refs {
		if t := ix.byPointer[strings.TrimPrefix(s.DynamicRef, "#")]; t != nil && t.DynamicAnchor != "" {
			ix.names[t.DynamicAnchor] = true
		}
	}
	if len(ix.names) == 0 {
		return nil, nil
	}
	return ix, top
}

// forEachChild calls f for each subschema written inside s, with the
// pointer tokens that lead to it from s.
func forEachChild(s *openapi3.Schema, f func(tokens string, c *openapi3.SchemaRef)) {
	each := func(kw string, m openapi3.Schemas) {
		for _, k := range sortedKeys(m) {
			f(kw+"/"+escapeToken(k), m[k])
		}
	}
	list := func(kw string, l openapi3.SchemaRefs) {
		for i, c := range l {
			f(kw+"/"+strconv.Itoa(i), c)
		}
	}
	one := func(kw string, c *openapi3.SchemaRef) {
		if c != nil {
			f(kw, c)
		}
	}
	each("$defs", s.Defs)
	each("properties", s.Properties)
	each("patternProperties", s.PatternProperties)
	each("dependentSchemas", s.DependentSchemas)
	list("allOf", s.AllOf)
	list("anyOf", s.AnyOf)
	list("oneOf", s.OneOf)
	list("prefixItems", s.PrefixItems)
	one("items", s.Items)
	one("additionalProperties", s.AdditionalProperties.Schema)
	one("not", s.Not)
	one("if", s.If)
	one("then", s.Then)
	one("else", s.Else)
	one("contains", s.Contains)
	one("propertyNames", s.PropertyNames)
	one("unevaluatedItems", s.UnevaluatedItems.Schema)
	one("unevaluatedProperties", s.UnevaluatedProperties.Schema)
	one("contentSchema", s.ContentSchema)
}

func escapeToken(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// enterRef enters what following ref enters: the resource of every $ref
// on the way, which kin-openapi collapses into the final target
// ("$dynamicRef avoids the root of each schema, but scopes are still
// registered"), and the target's own.
func (l *lowerer) enterRef(ref *openapi3.SchemaRef) {
	if l.dyn == nil {
		return
	}
	p := strings.TrimPrefix(ref.Ref, "#")
	for hops := 0; hops < 64 && strings.HasPrefix(p, "/"); hops++ {
		if r := l.dyn.resourceAt(p); r != nil {
			l.bind(r)
		}
		next := l.dyn.refAt[p]
		if next == nil {
			break
		}
		p = strings.TrimPrefix(next.Ref, "#")
	}
	l.enter(ref.Value)
}

// resourceAt returns the resource of the schema written at p, or of the
// nearest schema around it when p is a $ref.
func (ix *dynamicIndex) resourceAt(p string) *resource {
	for {
		if s := ix.byPointer[p]; s != nil {
			return ix.resources[s]
		}
		i := strings.LastIndexByte(p, '/')
		if i < 0 {
			return nil
		}
		p = p[:i]
	}
}

// enter adds the bindings of the resource s sits in that are not bound yet,
// and returns the length of the scope to restore when s is left.
func (l *lowerer) enter(s *openapi3.Schema) int {
	mark := len(l.scope)
	if l.dyn == nil {
		return mark
	}
	r := l.dyn.resources[s]
	if r == nil {
		return mark
	}
	l.bind(r)
	return mark
}

func (l *lowerer) bind(r *resource) {
	names := make([]string, 0, len(r.anchors))
	for name := range r.anchors {
		if l.dyn.names[name] && l.bound(name) == nil {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		l.scope = append(l.scope, binding{name, r.anchors[name]})
	}
}

func (l *lowerer) bound(name string) *openapi3.SchemaRef {
	for _, b := range l.scope {
		if b.name == name {
			return b.target
		}
	}
	return nil
}

// scopeKey names the current bindings, for telling apart the
// specializations of one named schema.
func (l *lowerer) scopeKey() string {
	if len(l.scope) == 0 {
		return ""
	}
	parts := make([]string, len(l.scope))
	for i, b := range l.scope {
		parts[i] = b.name + "=" + b.target.Ref
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

// dynamicTarget returns the schema a dynamic $dynamicRef of s resolves to
// in the current scope, or nil when it cannot be resolved here.
func (l *lowerer) dynamicTarget(s *openapi3.Schema) *openapi3.SchemaRef {
	if l.dyn == nil || !strings.HasPrefix(s.DynamicRef, "#/") {
		return nil
	}
	t := l.dyn.byPointer[strings.TrimPrefix(s.DynamicRef, "#")]
	if t == nil {
		return nil
	}
	if b := l.bound(t.DynamicAnchor); b != nil {
		return b
	}
	return &openapi3.SchemaRef{Ref: s.DynamicRef, Value: t}
}

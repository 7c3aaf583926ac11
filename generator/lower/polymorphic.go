package lower

import (
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gatewaygen/gatewaygen/generator/diag"
	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// A discriminator on a schema without oneOf or anyOf describes inheritance
// by allOf (OpenAPI 3.0 §4.7.25, 3.1 §4.8.25): Cat and Dog each list Pet in
// their allOf, and a payload sent where Pet is expected is checked as the
// subtype its discriminator property names, {"petType": "Cat", ...} as a
// Cat. Lowering turns such a base into a dispatch over its subtypes, with
// the base itself as the fallback for a value that names none of them (the
// specification lets the base be concrete, and many documents send values
// that no schema is named after); an allOf member naming the base lowers the
// base itself, so a subtype never dispatches back to itself.

// subtype is a component schema that inherits from a base through allOf.
type subtype struct {
	name string
	ref  *openapi3.SchemaRef // Ref is the component's pointer
}

// subtypes returns the component schemas that list s in their allOf, directly
// or through another subtype, in name order; nil when s has no discriminator
// of its own to dispatch on.
func (l *lowerer) subtypes(s *openapi3.Schema) []subtype {
	if s == nil || s.Discriminator == nil || s.Discriminator.PropertyName == "" || len(s.OneOf) > 0 || len(s.AnyOf) > 0 {
		return nil
	}
	if subs, ok := l.subs[s]; ok {
		return subs
	}
	l.subs[s] = nil // a cycle of allOf finds nothing more
	comps := l.doc.T.Components
	if comps == nil {
		return nil
	}
	names := sortedKeys(comps.Schemas)
	in := map[*openapi3.Schema]bool{s: true}
	var subs []subtype
	for grew := true; grew; {
		grew = false
		for _, name := range names {
			c := comps.Schemas[name]
			if c == nil || c.Ref != "" || c.Value == nil || in[c.Value] {
				continue
			}
			for _, m := range c.Value.AllOf {
				if m != nil && in[m.Value] {
					in[c.Value] = true
					subs = append(subs, subtype{name, &openapi3.SchemaRef{Ref: "#/components/schemas/" + escapeToken(name), Value: c.Value}})
					grew = true
					break
				}
			}
		}
	}
	sort.Slice(subs, func(i, j int) bool { return subs[i].name < subs[j].name })
	l.subs[s] = subs
	return subs
}

// polymorphic lowers the base ref of subs: anyOf its subtypes and itself,
// dispatched on the discriminator, the base last as the fallback.
func (l *lowerer) polymorphic(ref *openapi3.SchemaRef, subs []subtype, at diag.Pos) *ir.Schema {
	pos := l.originPos(ref.Value.Origin)
	if pos.Line == 0 {
		pos = at
	}
	d := ref.Value.Discriminator
	out := &ir.Schema{Pos: pos}
	for _, sub := range subs {
		out.AnyOf = append(out.AnyOf, l.schema(sub.ref, pos))
	}
	self := len(subs)
	out.AnyOf = append(out.AnyOf, l.ref(ref, at, true))
	disc := &ir.Discriminator{Property: d.PropertyName, Fallback: true}
	mapped := map[int]bool{}
	seen := map[string]bool{}
	values := make([]string, 0, len(d.Mapping))
	for v := range d.Mapping {
		values = append(values, v)
	}
	sort.Strings(values)
	for _, v := range values {
		target := d.Mapping[v].Ref
		branch := -1
		if target == ref.Ref {
			branch = self
		}
		for i, sub := range subs {
			if target == sub.ref.Ref || target == sub.name || strings.HasSuffix(target, "/"+sub.name) {
				branch = i
			}
		}
		if branch < 0 {
			l.diags.Warnf(pos, "discriminator mapping %q names %s, which does not inherit from this schema by allOf; the value is checked as this schema", v, target)
			continue
		}
		seen[v], mapped[branch] = true, true
		disc.Mapping = append(disc.Mapping, &ir.Mapping{Value: v, Branch: branch})
	}
	for i, sub := range subs {
		if !mapped[i] && !seen[sub.name] {
			seen[sub.name] = true
			disc.Mapping = append(disc.Mapping, &ir.Mapping{Value: sub.name, Branch: i})
		}
	}
	sort.Slice(disc.Mapping, func(i, j int) bool { return disc.Mapping[i].Value < disc.Mapping[j].Value })
	out.Discriminator = disc
	return out
}

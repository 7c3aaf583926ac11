package lower

import (
	"slices"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// walkSchemas calls fn once for every schema node of the API, with words
// that say where it is first used, in the IR's own order: named schemas by
// name, then each operation's parameters, body and responses. A reference
// is not followed (its named schema is visited on its own).
func (l *lowerer) walkSchemas(fn func(s *ir.Schema, where string)) {
	visited := map[*ir.Schema]bool{}
	var walk func(s *ir.Schema, where string)
	walk = func(s *ir.Schema, where string) {
		if s == nil || s.Ref != "" || visited[s] {
			return
		}
		visited[s] = true
		fn(s, where)
		for _, p := range s.Properties {
			walk(p.Schema, where+" "+p.Name)
		}
		for _, p := range s.PatternProperties {
			walk(p.Schema, where)
		}
		for _, p := range s.DependentSchemas {
			walk(p.Schema, where)
		}
		walk(s.Items, where+" item")
		for _, p := range s.PrefixItems {
			walk(p, where+" item")
		}
		walk(s.Contains, where+" item")
		walk(s.UnevaluatedItems, where+" item")
		walk(s.AdditionalProperties, where)
		walk(s.UnevaluatedProperties, where)
		walk(s.PropertyNames, where+" key")
		for _, subs := range [][]*ir.Schema{s.AllOf, s.AnyOf, s.OneOf, {s.Not, s.If, s.Then, s.Else}} {
			for _, sub := range subs {
				walk(sub, where)
			}
		}
	}
	for _, s := range l.api.Schemas {
		walk(s, s.GoName)
	}
	for _, o := range l.api.Operations {
		for _, p := range o.Params {
			walk(p.Schema, p.Name)
		}
		if o.Body != nil {
			for _, m := range o.Body.Media {
				walk(m.Schema, o.GoName+" body")
			}
		}
		for _, r := range o.Responses {
			for _, m := range r.Media {
				walk(m.Schema, o.GoName+" response")
			}
		}
	}
}

// namePatterns names each distinct `pattern` of the API after its first
// use, so the generated matcher says what it checks (loginPattern,
// colorPattern) and its name does not depend on the order the emitters
// happen to ask.
func (l *lowerer) namePatterns() {
	names := namer{}
	seen := map[string]bool{}
	l.walkSchemas(func(s *ir.Schema, where string) {
		if s.Pattern != "" && !seen[s.Pattern] {
			seen[s.Pattern] = true
			l.api.Patterns = append(l.api.Patterns, ir.Pattern{Name: names.unique(lowerFirst(goName(where)) + "Pattern"), Expr: s.Pattern})
		}
	})
}

// directedRequired decides, for every object schema, which required
// properties a request must send and which a response must: a readOnly
// property is not sent in a request, a writeOnly one not in a response
// (OpenAPI 3.0.3 §4.7.25.1, 3.1 defers to JSON Schema's annotations and
// means the same), so neither is required there.
func (l *lowerer) directedRequired() {
	named := map[string]*ir.Schema{}
	for _, s := range l.api.Schemas {
		named[s.GoName] = s
	}
	resolve := func(s *ir.Schema) *ir.Schema {
		if s != nil && s.Ref != "" {
			return named[s.Ref]
		}
		return s
	}
	l.walkSchemas(func(s *ir.Schema, _ string) {
		if len(s.Required) == 0 {
			return
		}
		s.RequestRequired, s.ResponseRequired = []string{}, []string{}
		for _, r := range s.Required {
			var ps *ir.Schema
			if i := slices.IndexFunc(s.Properties, func(p *ir.Property) bool { return p.Name == r }); i >= 0 {
				ps = resolve(s.Properties[i].Schema)
			}
			if ps == nil || !ps.ReadOnly {
				s.RequestRequired = append(s.RequestRequired, r)
			}
			if ps == nil || !ps.WriteOnly {
				s.ResponseRequired = append(s.ResponseRequired, r)
			}
		}
	})
}

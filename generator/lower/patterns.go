package lower

import "github.com/gatewaygen/gatewaygen/generator/ir"

// namePatterns names each distinct `pattern` of the API after its first
// use, in the IR's own order (named schemas by name, then operations), so
// the generated matcher says what it checks (loginPattern, colorPattern)
// and its name does not depend on the order the emitters happen to ask.
func (l *lowerer) namePatterns() {
	names := namer{}
	seen := map[string]bool{}
	visited := map[*ir.Schema]bool{}
	var walk func(s *ir.Schema, where string)
	walk = func(s *ir.Schema, where string) {
		if s == nil || s.Ref != "" || visited[s] {
			return
		}
		visited[s] = true
		if s.Pattern != "" && !seen[s.Pattern] {
			seen[s.Pattern] = true
			l.api.Patterns = append(l.api.Patterns, ir.Pattern{Name: names.unique(lowerFirst(goName(where)) + "Pattern"), Expr: s.Pattern})
		}
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

package lower

import (
	"github.com/gatewaygen/gatewaygen/generator/ir"
	"github.com/gatewaygen/gatewaygen/generator/xgateway"
)

// transform resolves request-headers, response-headers and request-query
// for o: each of set, add and remove from the most specific level that
// gives it. A {path.NAME} must name one of o's path parameters; the
// variable is lowered to the parameter's index.
func (l *lowerer) transform(o *ir.Operation, levels []xgateway.Settings) {
	t := &ir.Transform{}
	set := func(get func(xgateway.Settings) xgateway.Transform) (s, a []ir.Assign, r []string) {
		s = l.rewrites(o, pick(levels, func(x xgateway.Settings) xgateway.Value[[]xgateway.NameValue] { return get(x).Set }).V)
		a = l.rewrites(o, pick(levels, func(x xgateway.Settings) xgateway.Value[[]xgateway.NameValue] { return get(x).Add }).V)
		r = pick(levels, func(x xgateway.Settings) xgateway.Value[[]string] { return get(x).Remove }).V
		return s, a, r
	}
	t.RequestSet, t.RequestAdd, t.RequestRemove = set(func(s xgateway.Settings) xgateway.Transform { return s.RequestHeaders })
	t.ResponseSet, t.ResponseAdd, t.ResponseRemove = set(func(s xgateway.Settings) xgateway.Transform { return s.ResponseHeaders })
	t.QuerySet, t.QueryAdd, t.QueryRemove = set(func(s xgateway.Settings) xgateway.Transform { return s.RequestQuery })
	if len(t.RequestSet)+len(t.RequestAdd)+len(t.RequestRemove)+len(t.ResponseSet)+len(t.ResponseAdd)+
		len(t.ResponseRemove)+len(t.QuerySet)+len(t.QueryAdd)+len(t.QueryRemove) > 0 {
		o.Transform = t
	}
}

func (l *lowerer) rewrites(o *ir.Operation, nvs []xgateway.NameValue) []ir.Assign {
	var out []ir.Assign
	for _, nv := range nvs {
		f := ir.Assign{Name: nv.Name}
		ok := true
		for _, p := range nv.Value {
			vp := ir.ValuePart{Lit: p.Lit, Var: p.Var, Name: p.Name}
			if p.Var == "path" {
				vp.Param = -1
				for i, n := range o.PathParams {
					if n == p.Name {
						vp.Param = i
					}
				}
				if vp.Param < 0 {
					if !l.warned[nv.Pos] {
						l.warned[nv.Pos] = true
						l.diags.Errorf(nv.Pos, "%s %s: {path.%s} is not a path parameter of %s", o.Method, o.Path, p.Name, o.Path)
					}
					ok = false
				}
				vp.Name = ""
			}
			f.Value = append(f.Value, vp)
		}
		if ok {
			out = append(out, f)
		}
	}
	return out
}

package lower

import (
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

var inOrder = map[string]int{ir.InPath: 0, ir.InQuery: 1, ir.InHeader: 2, ir.InCookie: 3}

// params merges path-item and operation parameters (the operation's win on
// the same name and location, as OpenAPI says) and lowers each one.
func (l *lowerer) params(o *ir.Operation, item *openapi3.PathItem, op *openapi3.Operation) {
	type key struct{ in, name string }
	merged := map[key]*openapi3.Parameter{}
	var order []key
	add := func(ps openapi3.Parameters) {
		for _, ref := range ps {
			if ref == nil || ref.Value == nil {
				continue
			}
			k := key{ref.Value.In, ref.Value.Name}
			if k.in == ir.InHeader {
				k.name = strings.ToLower(k.name) // header names are case-insensitive
			}
			if _, ok := merged[k]; !ok {
				order = append(order, k)
			}
			merged[k] = ref.Value
		}
	}
	add(item.Parameters)
	add(op.Parameters)
	fields := namer{}
	for _, k := range order {
		p := merged[k]
		if p.In == ir.InHeader && isReservedHeader(p.Name) {
			// OpenAPI: Accept, Content-Type and Authorization header parameters are ignored.
			continue
		}
		o.Params = append(o.Params, l.param(o, p, fields))
	}
	sort.SliceStable(o.Params, func(i, j int) bool {
		a, b := o.Params[i], o.Params[j]
		if a.In != b.In {
			return inOrder[a.In] < inOrder[b.In]
		}
		return a.Name < b.Name
	})
}

func isReservedHeader(name string) bool {
	switch strings.ToLower(name) {
	case "accept", "content-type", "authorization":
		return true
	}
	return false
}

func (l *lowerer) param(o *ir.Operation, p *openapi3.Parameter, fields namer) *ir.Param {
	pos := posOf(l.doc.File, p.Origin)
	if pos.Line == 0 {
		pos = o.Pos
	}
	sm, _ := p.SerializationMethod()
	out := &ir.Param{
		Name:        p.Name,
		In:          p.In,
		GoName:      fields.unique(goName(p.Name)),
		Description: p.Description,
		Required:    p.Required || p.In == ir.InPath,
		Pos:         pos,
	}
	if sm != nil {
		out.Style, out.Explode = sm.Style, sm.Explode
	}
	switch {
	case p.Schema != nil:
		out.Schema = l.deref(l.schema(p.Schema, pos))
	case len(p.Content) > 0:
		l.diags.Warnf(pos, "%s %s: parameter %s: content-encoded parameters are not compiled yet; its value is passed through unchecked", o.Method, o.Path, out.Location())
		out.Schema = &ir.Schema{}
	default:
		out.Schema = &ir.Schema{}
	}
	if !supportedStyle(out) {
		l.diags.Warnf(pos, "%s %s: parameter %s: style %q is not compiled yet; its value is passed through unchecked", o.Method, o.Path, out.Location(), out.Style)
		out.Schema = &ir.Schema{}
		out.Style = "unchecked"
	}
	if s := out.Schema; s.Type.Has(ir.TObject) && s.Type != ir.TAny {
		l.diags.Warnf(pos, "%s %s: parameter %s: object-valued parameters are not compiled yet; its value is passed through unchecked", o.Method, o.Path, out.Location())
		out.Schema = &ir.Schema{}
	}
	out.Example = rawExample(p, out)
	if it := out.Schema.Items; it != nil {
		out.Schema.Items = l.deref(it)
		if it.Type.Has(ir.TObject) || it.Type.Has(ir.TArray) {
			l.diags.Warnf(pos, "%s %s: parameter %s: arrays of objects or arrays are not compiled yet; items pass unchecked", o.Method, o.Path, out.Location())
			out.Schema.Items = &ir.Schema{}
		}
	}
	return out
}

func supportedStyle(p *ir.Param) bool {
	switch p.In {
	case ir.InPath, ir.InHeader:
		return p.Style == "simple"
	case ir.InQuery, ir.InCookie:
		return p.Style == "form"
	}
	return false
}

// deref replaces a reference to a named schema by the schema itself; the
// parameter decoder needs the constraints inline.
func (l *lowerer) deref(s *ir.Schema) *ir.Schema {
	for i := 0; s != nil && s.Ref != "" && i < 32; i++ {
		for _, n := range l.named {
			if n.GoName == s.Ref {
				s = n
				break
			}
		}
	}
	return s
}

// rawExample is a serialized value of the parameter that its checks accept:
// the document's example, else one derived from default, enum or bounds.
// Patterns cannot be inverted, so a patterned string without an example
// gets none.
func rawExample(p *openapi3.Parameter, out *ir.Param) string {
	var v any
	switch {
	case p.Example != nil:
		v = p.Example
	case p.Schema != nil && p.Schema.Value != nil:
		v = sample(p.Schema, 0)
		if s := p.Schema.Value; s.Pattern != "" && s.Example == nil && s.Default == nil && len(s.Enum) == 0 {
			return ""
		}
		if s := p.Schema.Value; s.Items != nil && s.Items.Value != nil && s.Items.Value.Pattern != "" && s.Items.Value.Example == nil && len(s.Items.Value.Enum) == 0 {
			return ""
		}
	default:
		return ""
	}
	sep := ","
	if out.In == ir.InQuery && out.Explode {
		sep = "&" + out.Name + "="
	}
	switch x := v.(type) {
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = scalarText(e)
		}
		return strings.Join(parts, sep)
	case map[string]any, nil:
		return ""
	default:
		return scalarText(x)
	}
}

func scalarText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case bool:
		return strconv.FormatBool(x)
	}
	return canonical(v)
}

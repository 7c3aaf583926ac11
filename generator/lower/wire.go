package lower

import (
	"net/url"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// exampleValue is a value of the parameter that its checks accept: the
// document's example, else one derived from default, enum or bounds.
// Patterns cannot be inverted, so a patterned string without an example
// gets none.
func exampleValue(p *openapi3.Parameter) (any, bool) {
	if p.Example != nil {
		return p.Example, true
	}
	if p.Schema == nil || p.Schema.Value == nil {
		return nil, false
	}
	s := p.Schema.Value
	if s.Pattern != "" && s.Example == nil && s.Default == nil && len(s.Enum) == 0 {
		return nil, false
	}
	if it := s.Items; it != nil && it.Value != nil && it.Value.Pattern != "" && it.Value.Example == nil && len(it.Value.Enum) == 0 {
		return nil, false
	}
	for _, pr := range s.Properties {
		if pr.Value != nil && pr.Value.Pattern != "" && pr.Value.Example == nil && pr.Value.Default == nil && len(pr.Value.Enum) == 0 {
			return nil, false
		}
	}
	v := sample(p.Schema, 0)
	return v, v != nil
}

// wire serializes v as p's style puts it on the wire (OpenAPI 3.1 §4.8.12.4
// Style Examples), in the form ir.Param.Example documents: the escaped path
// segment, the query fragment, the header value, or the cookie pairs.
func wire(p *ir.Param, v any) string {
	esc := func(s string) string { return s }
	switch p.In {
	case ir.InPath:
		esc = escapeSegment
	case ir.InQuery:
		esc = url.QueryEscape
	}
	var items []string
	var pairs [][2]string
	switch x := v.(type) {
	case []any:
		if p.Shape != ir.ShapeArray {
			return ""
		}
		for _, e := range x {
			items = append(items, esc(scalarText(e)))
		}
	case map[string]any:
		if p.Shape != ir.ShapeObject {
			return ""
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if _, ok := x[k].(map[string]any); ok {
				return ""
			}
			pairs = append(pairs, [2]string{esc(k), esc(scalarText(x[k]))})
		}
	default:
		if p.Shape == ir.ShapeArray || p.Shape == ir.ShapeObject {
			return ""
		}
		items = []string{esc(scalarText(x))}
	}
	name := esc(p.Name)
	// join renders the pairs as k,v,k,v or, exploded, k=v<sep>k=v.
	join := func(sep string, explode bool) string {
		var parts []string
		for _, kv := range pairs {
			if explode {
				parts = append(parts, kv[0]+"="+kv[1])
			} else {
				parts = append(parts, kv[0]+sep+kv[1])
			}
		}
		return strings.Join(parts, sep)
	}
	list := func(sep string) string {
		if p.Shape == ir.ShapeObject {
			return join(sep, false)
		}
		return strings.Join(items, sep)
	}
	switch p.In {
	case ir.InPath, ir.InHeader:
		switch p.Style {
		case "label":
			if p.Shape == ir.ShapeObject && p.Explode {
				return "." + join(".", true)
			}
			if p.Explode {
				return "." + list(".")
			}
			return "." + list(",")
		case "matrix":
			if p.Shape == ir.ShapeObject && p.Explode {
				return ";" + join(";", true)
			}
			if p.Shape == ir.ShapeArray && p.Explode {
				return ";" + name + "=" + strings.Join(items, ";"+name+"=")
			}
			return ";" + name + "=" + list(",")
		}
		if p.Shape == ir.ShapeObject && p.Explode {
			return join(",", true)
		}
		return list(",")
	case ir.InCookie:
		if p.Shape == ir.ShapeObject && p.Explode {
			return join("; ", true)
		}
		return name + "=" + list(",")
	}
	// query
	exploded := p.Explode && p.Style != "deepObject"
	switch {
	case p.Style == "deepObject":
		var parts []string
		for _, kv := range pairs {
			parts = append(parts, name+"["+kv[0]+"]="+kv[1])
		}
		return strings.Join(parts, "&")
	case p.Shape == ir.ShapeObject && exploded:
		return join("&", true)
	case p.Shape == ir.ShapeArray && exploded:
		return name + "=" + strings.Join(items, "&"+name+"=")
	case p.Style == "spaceDelimited":
		return name + "=" + list("%20")
	case p.Style == "pipeDelimited":
		return name + "=" + list("|")
	}
	return name + "=" + list(",")
}

// escapeSegment percent-encodes everything in s but RFC 3986's unreserved
// characters.
func escapeSegment(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(string("0123456789abcdef"[c>>4])+string("0123456789abcdef"[c&15])))
		}
	}
	return b.String()
}

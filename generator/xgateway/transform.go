package xgateway

import (
	"fmt"
	"net/textproto"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/gatewaygen/gatewaygen/generator/diag"
)

// Transform is request-headers, response-headers or request-query: fields
// to set (replacing), add (beside what is there) and remove. Each of the
// three is taken from the most specific level that gives it.
type Transform struct {
	Set    Value[[]NameValue]
	Add    Value[[]NameValue]
	Remove Value[[]string]
}

// NameValue is one field and its value template.
type NameValue struct {
	Name  string
	Value []Part
	Pos   diag.Pos
}

// Part is a piece of a value template: literal text, or a variable Var
// (path, query, header, consumer, request-id, method) with its Name.
type Part struct {
	Lit  string
	Var  string
	Name string
}

// templateVars lists the variables of a value template and whether they
// take a name.
var templateVars = map[string]bool{"path": true, "query": true, "header": true, "consumer": false, "request-id": false, "method": false}

// ParseTemplate splits a value template: text with {path.NAME},
// {query.NAME}, {header.NAME}, {consumer}, {request-id} and {method} in
// it; {{ and }} stand for literal braces.
func ParseTemplate(s string) ([]Part, error) {
	var out []Part
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			out = append(out, Part{Lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '{' && strings.HasPrefix(s[i:], "{{"), c == '}' && strings.HasPrefix(s[i:], "}}"):
			lit.WriteByte(c)
			i++
		case c == '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return nil, fmt.Errorf("unclosed { in %q", s)
			}
			v := s[i+1 : i+end]
			kind, name, _ := strings.Cut(v, ".")
			named, ok := templateVars[kind]
			if !ok || named != (name != "") {
				return nil, fmt.Errorf("unknown variable {%s} in %q (valid: {path.NAME}, {query.NAME}, {header.NAME}, {consumer}, {request-id}, {method})", v, s)
			}
			flush()
			if kind == "header" {
				name = textproto.CanonicalMIMEHeaderKey(name)
			}
			out = append(out, Part{Var: kind, Name: name})
			i += end
		case c == '}':
			return nil, fmt.Errorf("unmatched } in %q (write }} for a literal one)", s)
		case c < 0x20 && c != '\t' || c == 0x7f:
			return nil, fmt.Errorf("control character %q in %q", c, s)
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return out, nil
}

// transform decodes one of the transform objects. query says whether the
// names are query parameters rather than header fields.
func (d *Decoder) transform(v *yaml.Node, path, prefix, where string, t *Transform, query bool) {
	if !d.isMap(v, path) {
		return
	}
	canon := textproto.CanonicalMIMEHeaderKey
	what := "a header name"
	if query {
		canon, what = nil, "a parameter name"
	}
	d.eachKey(v, path, prefix, where, func(k, v *yaml.Node, p string) {
		switch k.Value {
		case "set":
			t.Set = d.nameValues(v, p, canon, query)
		case "add":
			t.Add = d.nameValues(v, p, canon, query)
		case "remove":
			t.Remove = d.names(v, p, what, canon)
		default:
			d.internal(k, p, where)
		}
	})
}

// hopByHopNames are fields a transform may not touch: they belong to the
// connection, and the proxy sets or strips them itself.
var hopByHopNames = map[string]bool{"Connection": true, "Keep-Alive": true, "Transfer-Encoding": true, "Te": true,
	"Trailer": true, "Upgrade": true, "Content-Length": true, "Host": true, "Proxy-Connection": true}

func (d *Decoder) nameValues(v *yaml.Node, path string, canon func(string) string, query bool) Value[[]NameValue] {
	if v.Kind != yaml.MappingNode || len(v.Content) == 0 {
		d.Diags.Errorf(d.pos(v), "%s: expected a map of names to values like {X-Source: gateway}, found %s", path, describe(v))
		return Value[[]NameValue]{}
	}
	var out []NameValue
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], deAlias(v.Content[i+1])
		p := path + "." + k.Value
		name := k.Value
		if name == "" || strings.ContainsAny(name, " \t\r\n:,;={}") {
			d.Diags.Errorf(d.pos(k), "%s: %q is not a valid name", path, name)
			continue
		}
		if canon != nil {
			name = canon(name)
			if hopByHopNames[name] {
				d.Diags.Errorf(d.pos(k), "%s: %s belongs to the connection and cannot be transformed", path, name)
				continue
			}
		}
		s := d.str(val, p)
		if !s.Set {
			continue
		}
		parts, err := ParseTemplate(s.V)
		if err != nil {
			d.Diags.Errorf(s.Pos, "%s: %v", p, err)
			continue
		}
		out = append(out, NameValue{Name: name, Value: parts, Pos: s.Pos})
	}
	return Value[[]NameValue]{V: out, Pos: d.pos(v), Set: true}
}

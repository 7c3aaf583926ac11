package xgateway

import (
	"fmt"
	"net/url"
	"strings"

	"go.yaml.in/yaml/v4"
)

// cors decodes x-gateway.cors at any level.
func (d *Decoder) cors(v *yaml.Node, path, where string, c *CORS) {
	if !d.isMap(v, path) {
		return
	}
	d.eachKey(v, path, "cors", where, func(k, v *yaml.Node, p string) {
		switch k.Value {
		case "origins":
			c.Origins = d.strList(v, p, checkOrigin)
		case "credentials":
			c.Credentials = d.boolean(v, p)
		case "max-age":
			c.MaxAge = d.duration(v, p)
		case "headers":
			c.Headers = d.strList(v, p, checkToken)
		case "expose-headers":
			c.Expose = d.strList(v, p, checkToken)
		default:
			d.internal(k, p, where)
		}
	})
}

// strList decodes a list of strings, each passing check (which returns
// what it expected, or "").
func (d *Decoder) strList(v *yaml.Node, path string, check func(string) string) Value[[]string] {
	if v.Kind != yaml.SequenceNode {
		d.Diags.Errorf(d.pos(v), "%s: expected a list, found %s", path, describe(v))
		return Value[[]string]{}
	}
	out := Value[[]string]{Pos: d.pos(v), Set: true, V: []string{}}
	for i, it := range v.Content {
		p := fmt.Sprintf("%s[%d]", path, i)
		s := d.str(deAlias(it), p)
		if !s.Set {
			return Value[[]string]{}
		}
		if want := check(s.V); want != "" {
			d.Diags.Errorf(s.Pos, "%s: expected %s, found %q", p, want, s.V)
			return Value[[]string]{}
		}
		out.V = append(out.V, s.V)
	}
	return out
}

// checkOrigin accepts "*" or an origin as browsers send it: scheme and
// host, a port perhaps, nothing else.
func checkOrigin(s string) string {
	const want = `"*" or an origin like https://app.example.com (scheme, host and port only)`
	if s == "*" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil || strings.HasSuffix(s, "/") {
		return want
	}
	return ""
}

// checkToken accepts an HTTP field name (RFC 9110 token).
func checkToken(s string) string {
	if s == "" {
		return "a header name"
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("!#$%&'*+-.^_`|~", c)) {
			return "a header name"
		}
	}
	return ""
}

package xgateway

import (
	"net/textproto"
	"strings"
	"time"

	"go.yaml.in/yaml/v4"
)

// Cache is x-gateway cache: an operation's response caching (every level)
// and the store's budget (root only).
type Cache struct {
	Enabled       Value[bool]
	TTL           Value[time.Duration]
	Vary          Value[[]string] // header names, canonical
	Query         Value[[]string] // parameter names; QueryAll and QueryNone say otherwise
	QueryAll      bool
	Authenticated Value[bool]
	SWR           Value[time.Duration] // stale-while-revalidate
	SIE           Value[time.Duration] // stale-if-error
	MaxBytes      Value[int64]
	Store         Value[string]
}

// cache decodes the cache object at where into c.
func (d *Decoder) cache(v *yaml.Node, path, where string, c *Cache) {
	if !d.isMap(v, path) {
		return
	}
	d.eachKey(v, path, "cache", where, func(k, v *yaml.Node, p string) {
		switch k.Value {
		case "enabled":
			c.Enabled = d.boolean(v, p)
		case "ttl":
			c.TTL = d.duration(v, p)
		case "vary":
			c.Vary = d.names(v, p, "a header name", textproto.CanonicalMIMEHeaderKey)
		case "query":
			if v.Kind == yaml.ScalarNode && (v.Value == "all" || v.Value == "none") {
				c.Query = Value[[]string]{V: []string{}, Pos: d.pos(v), Set: true}
				c.QueryAll = v.Value == "all"
				return
			}
			if v.Kind == yaml.ScalarNode {
				d.Diags.Errorf(d.pos(v), "%s: expected all, none or a list of parameter names, found %s", p, describe(v))
				return
			}
			c.Query = d.names(v, p, "a parameter name", nil)
		case "authenticated":
			c.Authenticated = d.boolean(v, p)
		case "stale-while-revalidate":
			c.SWR = d.duration(v, p)
		case "stale-if-error":
			c.SIE = d.duration(v, p)
		case "max-bytes":
			c.MaxBytes = d.size(v, p)
		case "store":
			c.Store = d.str(v, p)
			if c.Store.Set && c.Store.V != "memory" && c.Store.V != "redis" {
				d.Diags.Errorf(c.Store.Pos, "%s: expected memory or redis, found %q", p, c.Store.V)
				c.Store = Value[string]{}
			}
		default:
			d.internal(k, p, where)
		}
	})
}

// names decodes a non-empty list of distinct names, each passed through
// canon when it is not nil.
func (d *Decoder) names(v *yaml.Node, path, what string, canon func(string) string) Value[[]string] {
	if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
		d.Diags.Errorf(d.pos(v), "%s: expected a non-empty list, found %s", path, describe(v))
		return Value[[]string]{}
	}
	var out []string
	for i, item := range v.Content {
		s := d.str(deAlias(item), path+"["+itoa(i)+"]")
		if !s.Set {
			continue
		}
		if strings.ContainsAny(s.V, " \t\r\n:,;=") {
			d.Diags.Errorf(s.Pos, "%s[%d]: expected %s, found %q", path, i, what, s.V)
			continue
		}
		n := s.V
		if canon != nil {
			n = canon(n)
		}
		if contains(out, n) {
			d.Diags.Errorf(s.Pos, "%s[%d]: %q is listed twice", path, i, s.V)
			continue
		}
		out = append(out, n)
	}
	return Value[[]string]{V: out, Pos: d.pos(v), Set: true}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

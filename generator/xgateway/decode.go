package xgateway

import (
	"fmt"
	"math"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/gatewaygen/gatewaygen/generator/diag"
	"github.com/gatewaygen/gatewaygen/runtime/auth"
	"github.com/gatewaygen/gatewaygen/runtime/balance"
	"github.com/gatewaygen/gatewaygen/runtime/ratelimit"
)

// Decoder decodes the x-gateway objects of one file. Diagnostics accumulate
// in Diags; decoding never stops at the first one.
type Decoder struct {
	File  string
	Diags diag.List
}

// DecodeRoot decodes x-gateway at the document root. key is the x-gateway key
// node (it gives Root.Pos) and val its value.
func (d *Decoder) DecodeRoot(key, val *yaml.Node) Root {
	var r Root
	r.Pos = d.pos(key)
	r.Settings.Pos = r.Pos
	val = deAlias(val)
	if !d.isMap(val, "x-gateway") {
		return r
	}
	d.eachKey(val, "x-gateway", "", WhereRoot, func(k, v *yaml.Node, path string) {
		switch k.Value {
		case "name":
			r.Name = d.str(v, path)
			if r.Name.Set && !nameRE.MatchString(r.Name.V) {
				d.Diags.Errorf(r.Name.Pos, "%s: must match [a-z][a-z0-9-]* (it becomes the Go package name), found %q", path, r.Name.V)
			}
		case "listen":
			r.Listen = d.str(v, path)
			if r.Listen.Set {
				if err := checkListen(r.Listen.V); err != nil {
					d.Diags.Errorf(r.Listen.Pos, "%s: expected host:port like :8080 or 127.0.0.1:8080, found %q", path, r.Listen.V)
				}
			}
		case "base-path":
			r.BasePath = d.str(v, path)
			if r.BasePath.Set && !strings.HasPrefix(r.BasePath.V, "/") {
				d.Diags.Errorf(r.BasePath.Pos, "%s: must start with \"/\", found %q", path, r.BasePath.V)
			}
		case "formats":
			r.Formats = d.str(v, path)
			if r.Formats.Set && r.Formats.V != "assert" && r.Formats.V != "annotate" {
				d.Diags.Errorf(r.Formats.Pos, "%s: expected assert or annotate, found %q", path, r.Formats.V)
			}
		case "upstreams":
			r.Upstreams = d.upstreams(v, path)
		case "limits":
			d.limits(v, path, WhereRoot, &r.Settings, &r.Limits)
		case "trusted-proxies":
			r.TrustedProxies = d.trustedProxies(v, path)
		case "client-ip-header":
			r.ClientIPHeader = d.str(v, path)
			if h := r.ClientIPHeader; h.Set && h.V != ratelimit.HeaderXForwardedFor && h.V != ratelimit.HeaderForwarded {
				d.Diags.Errorf(h.Pos, "%s: expected %s or %s, found %q", path, ratelimit.HeaderXForwardedFor, ratelimit.HeaderForwarded, h.V)
				r.ClientIPHeader = Value[string]{}
			}
		case "admin":
			d.admin(v, path, &r.Admin)
		case "docs":
			d.docs(v, path, &r.Docs)
		case "anomaly": // anomaly detection (anomaly.go)
			r.Anomaly = d.anomaly(v, path)
		case "security":
			if d.isMap(v, path) {
				for i := 0; i+1 < len(v.Content); i += 2 {
					k, sv := v.Content[i], deAlias(v.Content[i+1])
					r.Security = append(r.Security, d.SchemeAuth(k.Value, d.pos(k), sv, path+"."+k.Value))
				}
			}
		default:
			d.setting(k, v, path, WhereRoot, &r.Settings)
		}
	})
	return r
}

// DecodeSettings decodes x-gateway on a path item (where = WherePathItem) or
// an operation (WhereOperation).
func (d *Decoder) DecodeSettings(key, val *yaml.Node, where string) Settings {
	var s Settings
	s.Pos = d.pos(key)
	val = deAlias(val)
	if !d.isMap(val, "x-gateway") {
		return s
	}
	d.eachKey(val, "x-gateway", "", where, func(k, v *yaml.Node, path string) {
		if k.Value == "limits" {
			d.limits(v, path, where, &s, nil)
			return
		}
		d.setting(k, v, path, where, &s)
	})
	return s
}

// setting decodes a key shared by root, path item and operation.
func (d *Decoder) setting(k, v *yaml.Node, path, where string, s *Settings) {
	switch k.Value {
	case "upstream":
		s.Upstream = d.str(v, path)
	case "timeout":
		s.Timeout = d.duration(v, path)
	case "mock":
		s.Mock = d.boolean(v, path)
	case "response-validation":
		d.responseValidation(v, path, where, &s.ResponseValidation)
	case "cache":
		d.cache(v, path, where, &s.Cache)
	case "request-headers":
		d.transform(v, path, k.Value, where, &s.RequestHeaders, false)
	case "response-headers":
		d.transform(v, path, k.Value, where, &s.ResponseHeaders, false)
	case "request-query":
		d.transform(v, path, k.Value, where, &s.RequestQuery, true)
	case "rate-limit":
		s.RateLimit = d.rateLimits(v, path, where)
	case "cors":
		d.cors(v, path, where, &s.CORS)
	case "path":
		s.Path = d.str(v, path)
		if s.Path.Set && !strings.HasPrefix(s.Path.V, "/") {
			d.Diags.Errorf(s.Path.Pos, "%s: must start with \"/\", found %q", path, s.Path.V)
		}
	default:
		d.internal(k, path, where)
	}
}

func (d *Decoder) limits(v *yaml.Node, path, where string, s *Settings, l *Limits) {
	v = deAlias(v)
	if !d.isMap(v, path) {
		return
	}
	d.eachKey(v, path, "limits", where, func(k, v *yaml.Node, p string) {
		switch {
		case k.Value == "max-body":
			s.MaxBody = d.size(v, p)
		case k.Value == "max-in-flight": // rate limits' concurrency cap
			s.MaxInFlight = d.count(v, p)
		case k.Value == "max-header-bytes" && l != nil:
			l.MaxHeaderBytes = d.size(v, p)
		case k.Value == "timeout" && l != nil:
			l.Timeout = d.duration(v, p)
		case k.Value == "header-timeout" && l != nil:
			l.HeaderTimeout = d.duration(v, p)
		case k.Value == "idle-timeout" && l != nil:
			l.IdleTimeout = d.duration(v, p)
		case k.Value == "max-conns" && l != nil:
			l.MaxConns = d.count(v, p)
		case k.Value == "max-conns-per-ip" && l != nil:
			l.MaxConnsPerIP = d.count(v, p)
		default:
			d.internal(k, p, where)
		}
	})
}

// admin decodes x-gateway.admin.
func (d *Decoder) admin(v *yaml.Node, path string, a *Admin) {
	if !d.isMap(v, path) {
		return
	}
	d.eachKey(v, path, "admin", WhereRoot, func(k, v *yaml.Node, p string) {
		switch k.Value {
		case "listen":
			a.Listen = d.str(v, p)
			if a.Listen.Set {
				if err := checkListen(a.Listen.V); err != nil {
					d.Diags.Errorf(a.Listen.Pos, "%s: expected host:port like 127.0.0.1:9091, found %q", p, a.Listen.V)
				}
			}
		default:
			d.internal(k, p, WhereRoot)
		}
	})
}

func (d *Decoder) responseValidation(v *yaml.Node, path, where string, rv *ResponseValidation) {
	if !d.isMap(v, path) {
		return
	}
	d.eachKey(v, path, "response-validation", where, func(k, v *yaml.Node, p string) {
		switch k.Value {
		case "enabled":
			rv.Enabled = d.boolean(v, p)
		case "sample":
			rv.Sample = d.rate(v, p)
		default:
			d.internal(k, p, where)
		}
	})
}

// SchemeAuth decodes the verification material of scheme from v, written
// at path (x-gateway.security.<scheme>, or the scheme's own x-gateway).
func (d *Decoder) SchemeAuth(scheme string, pos diag.Pos, v *yaml.Node, path string) SchemeAuth {
	a := SchemeAuth{Scheme: scheme, Pos: pos}
	if !d.isMap(v, path) {
		return a
	}
	d.eachKey(v, path, "security.<scheme>", WhereScheme, func(k, v *yaml.Node, p string) {
		switch k.Value {
		case "keys":
			a.Keys = d.secret(v, p, "security.<scheme>.keys")
		case "jwks":
			a.JWKS = d.secret(v, p, "security.<scheme>.jwks")
		case "issuer":
			a.Issuer = d.str(v, p)
		case "audience":
			a.Audience = d.str(v, p)
		case "leeway":
			a.Leeway = d.duration(v, p)
		case "algorithms":
			a.Algorithms = d.algorithms(v, p)
		case "keep-credential":
			a.KeepCredential = d.boolean(v, p)
		case "forward-consumer":
			a.ForwardConsumer = d.boolean(v, p)
		case "users":
			a.Users = d.secret(v, p, "security.<scheme>.users")
		case "forward":
			a.Forward = d.forward(v, p)
		case "secret":
			a.Secret = d.secret(v, p, "security.<scheme>.secret")
		case "client-ca": // mutualTLS
			a.ClientCA = d.secret(v, p, "security.<scheme>.client-ca")
		case "introspection":
			a.Introspection = d.introspection(v, p)
		// policy: OpenAPI 3.1 roles of an http bearer scheme
		case "roles-claim":
			a.RolesClaim = d.str(v, p)
		default:
			d.internal(k, p, WhereScheme)
		}
	})
	return a
}

// secret decodes {env: NAME} or {file: PATH}, or for a JWKS {url: URL}
// with its refresh times: exactly one source.
func (d *Decoder) secret(v *yaml.Node, path, prefix string) Secret {
	s := Secret{Pos: d.pos(v)}
	if !d.isMap(v, path) {
		return s
	}
	d.eachKey(v, path, prefix, WhereScheme, func(k, v *yaml.Node, p string) {
		switch k.Value {
		case "env":
			s.Env = d.str(v, p)
			if s.Env.Set && !envRE.MatchString(s.Env.V) {
				d.Diags.Errorf(s.Env.Pos, "%s: expected an environment variable name like PETSTORE_KEYS, found %q", p, s.Env.V)
				s.Env = Value[string]{}
			}
		case "file":
			s.File = d.str(v, p)
		// auth2: a JWKS fetched over HTTP
		case "url":
			s.URL = d.str(v, p)
			if s.URL.Set {
				if err := auth.CheckURL(s.URL.V); err != nil {
					d.Diags.Errorf(s.URL.Pos, "%s: %v", p, err)
					s.URL = Value[string]{}
				}
			}
		case "refresh":
			s.Refresh = d.duration(v, p)
		case "min-refetch":
			s.MinRefetch = d.duration(v, p)
		default:
			d.internal(k, p, WhereScheme)
		}
	})
	if n := btoi(s.Env.Set) + btoi(s.File.Set) + btoi(s.URL.Set); n > 1 && strings.HasSuffix(prefix, ".jwks") {
		d.Diags.Errorf(s.Pos, "%s: give one of env, file and url", path)
	} else if n > 1 {
		d.Diags.Errorf(s.Pos, "%s: give env or file, not both", path)
	}
	if !s.Set() && len(v.Content) == 0 {
		d.Diags.Errorf(s.Pos, "%s: expected {env: NAME} or {file: PATH}, found an empty object", path)
	}
	return s
}

// introspection decodes {url: URL, client-id: ID, client-secret: SOURCE}.
func (d *Decoder) introspection(v *yaml.Node, path string) Introspection {
	in := Introspection{Pos: d.pos(v), Set: true}
	if !d.isMap(v, path) {
		return in
	}
	d.eachKey(v, path, "security.<scheme>.introspection", WhereScheme, func(k, v *yaml.Node, p string) {
		switch k.Value {
		case "url":
			in.URL = d.str(v, p)
			if in.URL.Set {
				if err := auth.CheckURL(in.URL.V); err != nil {
					d.Diags.Errorf(in.URL.Pos, "%s: %v", p, err)
					in.URL = Value[string]{}
				}
			}
		case "client-id":
			in.ClientID = d.str(v, p)
		case "client-secret":
			in.ClientSecret = d.secret(v, p, "security.<scheme>.introspection.client-secret")
		default:
			d.internal(k, p, WhereScheme)
		}
	})
	return in
}

// forward decodes {consumer: HEADER, claims: {CLAIM: HEADER}}.
func (d *Decoder) forward(v *yaml.Node, path string) Forward {
	f := Forward{Pos: d.pos(v)}
	if !d.isMap(v, path) {
		return f
	}
	d.eachKey(v, path, "security.<scheme>.forward", WhereScheme, func(k, v *yaml.Node, p string) {
		switch k.Value {
		case "consumer":
			f.Consumer = d.headerName(v, p)
		case "claims":
			if !d.isMap(v, p) {
				return
			}
			for i := 0; i+1 < len(v.Content); i += 2 {
				ck, cv := v.Content[i], deAlias(v.Content[i+1])
				if ck.Kind != yaml.ScalarNode || ck.Value == "" {
					d.Diags.Errorf(d.pos(ck), "%s: expected a claim name, found %s", p, describe(ck))
					continue
				}
				if h := d.headerName(cv, p+"."+ck.Value); h.Set {
					f.Claims = append(f.Claims, ClaimForward{Claim: ck.Value, Header: h})
				}
			}
		default:
			d.internal(k, p, WhereScheme)
		}
	})
	return f
}

// reservedHeaders are headers an identity may not be forwarded in: they
// carry the request itself or credentials, or the proxy sets or removes
// them on every request (runtime/proxy: forwarding, request id, trace
// context, other claims of the client's address, hop-by-hop fields), so an
// identity there would be overwritten or dropped.
var reservedHeaders = []string{"authorization", "connection", "content-length", "content-type", "cookie",
	"host", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
	"x-forwarded-for", "x-real-ip", "x-request-id",
	"forwarded", "x-forwarded-proto", "x-forwarded-host", "traceparent", "tracestate",
	"true-client-ip", "x-client-ip", "x-cluster-client-ip", "keep-alive", "proxy-connection"}

// headerName decodes a header name that an identity may be forwarded in.
func (d *Decoder) headerName(v *yaml.Node, path string) Value[string] {
	h := d.str(v, path)
	if !h.Set {
		return h
	}
	if !headerRE.MatchString(h.V) {
		d.Diags.Errorf(h.Pos, "%s: expected a header name like X-Consumer, found %q", path, h.V)
		return Value[string]{}
	}
	if contains(reservedHeaders, strings.ToLower(h.V)) {
		d.Diags.Errorf(h.Pos, "%s: %s is reserved: it carries the request itself, or the gateway sets or removes it on every request; name a header of the gateway's own like X-Consumer", path, h.V)
		return Value[string]{}
	}
	return h
}

var headerRE = regexp.MustCompile("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// algorithms decodes the allow-list of a JWT scheme: names from
// auth.DefaultAlgorithms, or auth.HMACAlgorithms (lower holds them to a
// secret), never none.

func (d *Decoder) algorithms(v *yaml.Node, path string) Value[[]string] {
	if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
		d.Diags.Errorf(d.pos(v), "%s: expected a non-empty list like [ES256, RS256], found %s", path, describe(v))
		return Value[[]string]{}
	}
	out := Value[[]string]{Pos: d.pos(v), Set: true}
	for i, it := range v.Content {
		s := d.str(deAlias(it), fmt.Sprintf("%s[%d]", path, i))
		if !s.Set {
			return Value[[]string]{}
		}
		if !contains(auth.DefaultAlgorithms, s.V) && !contains(auth.HMACAlgorithms, s.V) {
			d.Diags.Errorf(s.Pos, "%s[%d]: algorithm %q is not accepted (valid: %s, and with a secret %s)", path, i, s.V, strings.Join(auth.DefaultAlgorithms, ", "), strings.Join(auth.HMACAlgorithms, ", "))
			return Value[[]string]{}
		}
		out.V = append(out.V, s.V)
	}
	return out
}

// rate decodes a share in (0, 1]: 0.05 is one in twenty.
func (d *Decoder) rate(n *yaml.Node, path string) Value[float64] {
	if n.Kind == yaml.ScalarNode && (n.Tag == "!!float" || n.Tag == "!!int") {
		if r, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64); err == nil {
			if !(r > 0 && r <= 1) {
				d.Diags.Errorf(d.pos(n), "%s: must be > 0 and <= 1 (0.05 checks one response in twenty), found %s", path, n.Value)
				return Value[float64]{}
			}
			return Value[float64]{V: r, Pos: d.pos(n), Set: true}
		}
	}
	d.Diags.Errorf(d.pos(n), "%s: expected a number > 0 and <= 1 like 0.1, found %s", path, describe(n))
	return Value[float64]{}
}

func (d *Decoder) upstreams(v *yaml.Node, path string) []Upstream {
	v = deAlias(v)
	if !d.isMap(v, path) {
		return nil
	}
	var out []Upstream
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, uv := v.Content[i], deAlias(v.Content[i+1])
		p := path + "." + k.Value
		u := Upstream{Name: k.Value, Pos: d.pos(k)}
		if !upstreamRE.MatchString(k.Value) {
			d.Diags.Errorf(u.Pos, "%s: upstream name must match [A-Za-z][A-Za-z0-9_-]*", p)
		}
		for _, prev := range out {
			if prev.Name == u.Name {
				d.Diags.Errorf(u.Pos, "%s: duplicate upstream (first at %s)", p, prev.Pos)
			}
		}
		if d.isMap(uv, p) {
			d.eachKey(uv, p, "upstreams.<name>", WhereUpstream, func(k, v *yaml.Node, p string) {
				switch k.Value {
				case "targets":
					u.Targets = d.targets(v, p)
				case "timeout":
					u.Timeout = d.duration(v, p)
				default:
					if !d.upstreamPolicy(k, v, p, &u) {
						d.internal(k, p, WhereUpstream)
					}
				}
			})
			switch {
			case u.Balance.V == balance.Hash && !u.HashKey.Set:
				d.Diags.Errorf(u.Balance.Pos, "%s.balance: hash needs hash-key (header:NAME, cookie:NAME, query:NAME, client-ip or consumer)", p)
			case u.HashKey.Set && u.Balance.V != balance.Hash:
				d.Diags.Errorf(u.HashKey.Pos, "%s.hash-key: only used with balance: hash", p)
			}
			if t := deAlias(mapValue(uv, "targets")); t == nil || t.Kind == 0 || (t.Kind == yaml.SequenceNode && len(t.Content) == 0) {
				d.Diags.Errorf(u.Pos, "%s: upstream has no targets; add targets: [\"http://host:port\"]", p)
			}
		}
		out = append(out, u)
	}
	return out
}

func (d *Decoder) targets(v *yaml.Node, path string) []Target {
	v = deAlias(v)
	if v.Kind != yaml.SequenceNode {
		d.Diags.Errorf(d.pos(v), "%s: expected a list of URLs, found %s", path, describe(v))
		return nil
	}
	var out []Target
	for i, item := range v.Content {
		item = deAlias(item)
		p := fmt.Sprintf("%s[%d]", path, i)
		t := Target{Weight: 1, Pos: d.pos(item)}
		switch item.Kind {
		case yaml.ScalarNode:
			s := d.str(item, p)
			if !s.Set {
				continue
			}
			t.URL = s.V
		case yaml.MappingNode:
			d.eachKey(item, p, "upstreams.<name>.targets[]", WhereUpstream, func(k, v *yaml.Node, p string) {
				switch k.Value {
				case "url":
					if s := d.str(v, p); s.Set {
						t.URL = s.V
					}
				case "weight":
					if w := d.integer(v, p); w.Set {
						if w.V < 1 || w.V > math.MaxInt32 {
							d.Diags.Errorf(w.Pos, "%s: must be an integer >= 1, found %d", p, w.V)
						} else {
							t.Weight = int(w.V)
						}
					}
				default:
					d.internal(k, p, WhereUpstream)
				}
			})
			if t.URL == "" && mapValue(item, "url") == nil {
				d.Diags.Errorf(t.Pos, "%s: missing url", p)
				continue
			}
		default:
			d.Diags.Errorf(t.Pos, "%s: expected a URL or {url, weight}, found %s", p, describe(item))
			continue
		}
		if msg := checkTargetURL(t.URL); msg != "" {
			d.Diags.Errorf(t.Pos, "%s: %s, found %q", p, msg, t.URL)
			continue
		}
		out = append(out, t)
	}
	return out
}

func checkTargetURL(s string) string {
	u, err := url.Parse(s)
	switch {
	case err != nil || u.Opaque != "":
		return "expected an absolute http or https URL like http://127.0.0.1:9001"
	case u.Scheme != "http" && u.Scheme != "https":
		return "target URL must use http or https"
	case u.Host == "" || u.Hostname() == "":
		return "target URL has no host"
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(s, "#"):
		return "target URL must not have a query or fragment"
	case u.User != nil:
		return "target URL must not carry credentials"
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "target URL has an invalid port"
		}
	}
	return ""
}

// docs decodes x-gateway.docs: a boolean, or an object of enabled and
// path. The path must be one clean absolute path without a trailing slash,
// since the portal's pages live below it.
func (d *Decoder) docs(v *yaml.Node, path string, out *Docs) {
	if v.Kind == yaml.ScalarNode {
		out.Enabled = d.boolean(v, path)
		return
	}
	if !d.isMap(v, path) {
		return
	}
	d.eachKey(v, path, "docs", WhereRoot, func(k, v *yaml.Node, p string) {
		switch k.Value {
		case "enabled":
			out.Enabled = d.boolean(v, p)
		case "path":
			out.Path = d.str(v, p)
			if out.Path.Set && !docsPathRE.MatchString(out.Path.V) {
				d.Diags.Errorf(out.Path.Pos, "%s: expected a path like /docs (segments of letters, digits, '-', '_' or '.', no trailing slash), found %q", p, out.Path.V)
			}
		default:
			d.internal(k, p, WhereRoot)
		}
	})
}

var docsPathRE = regexp.MustCompile(`^(/[A-Za-z0-9._-]*[A-Za-z0-9_-][A-Za-z0-9._-]*)+$`)

// eachKey walks the entries of mapping m, rejecting keys the table does not
// allow below prefix at where, and calls fn for the others with the dotted
// path of the entry. container is the dotted path of m itself for messages.
func (d *Decoder) eachKey(m *yaml.Node, container, prefix, where string, fn func(k, v *yaml.Node, path string)) {
	allowed := allowedKeys(prefix, where)
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		path := container + "." + k.Value
		if k.Kind != yaml.ScalarNode {
			d.Diags.Errorf(d.pos(k), "%s: keys must be strings", container)
			continue
		}
		if seen[k.Value] {
			d.Diags.Errorf(d.pos(k), "%s: duplicate key %q", container, k.Value)
			continue
		}
		seen[k.Value] = true
		if futureKeys[k.Value] {
			d.Diags.Errorf(d.pos(k), "%s: not supported yet", path)
			continue
		}
		if !contains(allowed, k.Value) {
			if contains(allowedAnywhere(prefix), k.Value) {
				d.Diags.Errorf(d.pos(k), "%s: not allowed on %s (valid here: %s)", path, levelName(where), strings.Join(allowed, ", "))
			} else {
				d.Diags.Errorf(d.pos(k), "%s: unknown key %q (valid keys: %s)", container, k.Value, strings.Join(allowed, ", "))
			}
			continue
		}
		fn(k, deAlias(v), path)
	}
}

// allowedAnywhere is the union of allowedKeys over every level.
func allowedAnywhere(prefix string) []string {
	var out []string
	for _, w := range []string{WhereRoot, WherePathItem, WhereOperation, WhereUpstream, WhereScheme} {
		out = append(out, allowedKeys(prefix, w)...)
	}
	return out
}

func levelName(where string) string {
	switch where {
	case WherePathItem:
		return "a path item"
	case WhereOperation:
		return "an operation"
	case WhereUpstream:
		return "an upstream"
	case WhereScheme:
		return "a security scheme"
	}
	return "the document root"
}

// internal reports a key the table allows but the decoder does not handle;
// TestKeysDecoded makes sure it never fires.
func (d *Decoder) internal(k *yaml.Node, path, where string) {
	d.Diags.Errorf(d.pos(k), "%s: internal error: key allowed on %s has no decoder", path, levelName(where))
}

func (d *Decoder) isMap(n *yaml.Node, path string) bool {
	if n.Kind == yaml.MappingNode {
		return true
	}
	d.Diags.Errorf(d.pos(n), "%s: expected an object, found %s", path, describe(n))
	return false
}

func (d *Decoder) str(n *yaml.Node, path string) Value[string] {
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!str" && n.Tag != "") {
		d.Diags.Errorf(d.pos(n), "%s: expected a string, found %s", path, describe(n))
		return Value[string]{}
	}
	if n.Value == "" {
		d.Diags.Errorf(d.pos(n), "%s: must not be empty", path)
		return Value[string]{}
	}
	return Value[string]{V: n.Value, Pos: d.pos(n), Set: true}
}

func (d *Decoder) boolean(n *yaml.Node, path string) Value[bool] {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!bool" {
		var b bool
		if err := n.Decode(&b); err == nil {
			return Value[bool]{V: b, Pos: d.pos(n), Set: true}
		}
	}
	d.Diags.Errorf(d.pos(n), "%s: expected true or false, found %s", path, describe(n))
	return Value[bool]{}
}

func (d *Decoder) integer(n *yaml.Node, path string) Value[int64] {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!int" {
		if i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64); err == nil {
			return Value[int64]{V: i, Pos: d.pos(n), Set: true}
		}
	}
	d.Diags.Errorf(d.pos(n), "%s: expected an integer, found %s", path, describe(n))
	return Value[int64]{}
}

// count decodes a number of things that must be at least one; the bound
// keeps it an int on every platform.
func (d *Decoder) count(n *yaml.Node, path string) Value[int64] {
	c := d.integer(n, path)
	if c.Set && (c.V < 1 || c.V > math.MaxInt32) {
		d.Diags.Errorf(c.Pos, "%s: must be an integer >= 1 and <= %d, found %d", path, math.MaxInt32, c.V)
		return Value[int64]{}
	}
	return c
}

func (d *Decoder) duration(n *yaml.Node, path string) Value[time.Duration] {
	if n.Kind == yaml.ScalarNode && (n.Tag == "!!str" || n.Tag == "") {
		if v, err := time.ParseDuration(n.Value); err == nil {
			if v <= 0 {
				d.Diags.Errorf(d.pos(n), "%s: must be > 0, found %q", path, n.Value)
				return Value[time.Duration]{}
			}
			return Value[time.Duration]{V: v, Pos: d.pos(n), Set: true}
		}
	}
	d.Diags.Errorf(d.pos(n), "%s: expected a duration like 500ms or 2s, found %s", path, describe(n))
	return Value[time.Duration]{}
}

func (d *Decoder) size(n *yaml.Node, path string) Value[int64] {
	if n.Kind == yaml.ScalarNode && (n.Tag == "!!int" || n.Tag == "!!str") {
		if v, ok := ParseSize(n.Value); ok {
			if v <= 0 {
				d.Diags.Errorf(d.pos(n), "%s: must be > 0, found %s", path, describe(n))
				return Value[int64]{}
			}
			return Value[int64]{V: v, Pos: d.pos(n), Set: true}
		}
	}
	d.Diags.Errorf(d.pos(n), "%s: expected a size like 512, 64KiB or 1MiB, found %s", path, describe(n))
	return Value[int64]{}
}

var sizeUnits = []struct {
	suffix string
	mult   int64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
	{"KB", 1000}, {"MB", 1000 * 1000}, {"GB", 1000 * 1000 * 1000},
	{"B", 1},
}

// ParseSize parses a byte size: an integer number of bytes or an integer
// followed by one of B, KB, MB, GB (powers of 1000) or KiB, MiB, GiB (powers
// of 1024). It reports false for anything else, including overflow.
func ParseSize(s string) (int64, bool) {
	mult := int64(1)
	num := strings.TrimSpace(s)
	for _, u := range sizeUnits {
		if strings.HasSuffix(num, u.suffix) {
			mult = u.mult
			num = strings.TrimSpace(strings.TrimSuffix(num, u.suffix))
			break
		}
	}
	if num == "" || strings.IndexFunc(num, func(r rune) bool { return (r < '0' || r > '9') && r != '-' }) >= 0 {
		return 0, false
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil {
		return 0, false
	}
	if n > math.MaxInt64/mult || n < math.MinInt64/mult {
		return 0, false
	}
	return n * mult, true
}

var (
	nameRE     = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	upstreamRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*$`)
	paramRE    = regexp.MustCompile(`\{([^{}]*)\}`)
	envRE      = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// PathParams returns the names of the {param} segments of a path template,
// in order.
func PathParams(template string) []string {
	var out []string
	for _, m := range paramRE.FindAllStringSubmatch(template, -1) {
		out = append(out, m[1])
	}
	return out
}

// CheckPath reports every {param} of the upstream path rewrite s that is not
// a parameter of the OpenAPI path template. path is the dotted x-gateway path
// for messages.
func (d *Decoder) CheckPath(s Value[string], template string) {
	if !s.Set {
		return
	}
	have := PathParams(template)
	if strings.Count(s.V, "{") != strings.Count(s.V, "}") {
		d.Diags.Errorf(s.Pos, "x-gateway.path: unbalanced braces in %q", s.V)
		return
	}
	for _, p := range PathParams(s.V) {
		if !contains(have, p) {
			d.Diags.Errorf(s.Pos, "x-gateway.path: {%s} is not a path parameter of %s (have: %s)", p, template, listOrNone(have))
		}
	}
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func checkListen(s string) error {
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("bad port")
	}
	return nil
}

func (d *Decoder) pos(n *yaml.Node) diag.Pos {
	if n == nil || n.Line == 0 {
		return diag.Pos{File: d.File}
	}
	return diag.Pos{File: d.File, Line: n.Line, Col: n.Column}
}

// describe renders a node for "found ..." in a message.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "an object"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "null"
		}
		if n.Tag == "!!str" || n.Tag == "" {
			return strconv.Quote(n.Value)
		}
		return n.Value
	}
	return "nothing"
}

func deAlias(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	if n == nil {
		return &yaml.Node{}
	}
	return n
}

func mapValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// mapKey returns the key node of key in mapping m, or nil.
func mapKey(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i]
		}
	}
	return nil
}

// withoutKey returns a copy of mapping m without key.
func withoutKey(m *yaml.Node, key string) *yaml.Node {
	c := *m
	c.Content = nil
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != key {
			c.Content = append(c.Content, m.Content[i], m.Content[i+1])
		}
	}
	return &c
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// CheckUpstream reports an upstream reference that names no entry of
// root.Upstreams.
func (d *Decoder) CheckUpstream(root *Root, s Value[string]) {
	if !s.Set {
		return
	}
	var names []string
	for _, u := range root.Upstreams {
		if u.Name == s.V {
			return
		}
		names = append(names, u.Name)
	}
	d.Diags.Errorf(s.Pos, "x-gateway.upstream: unknown upstream %q (defined: %s)", s.V, listOrNone(names))
}

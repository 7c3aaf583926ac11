package xgateway

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/gatewaygen/gatewaygen/generator/diag"
	"github.com/gatewaygen/gatewaygen/runtime/balance"
)

// Retries is upstreams.<name>.retries.
type Retries struct {
	Pos      diag.Pos
	Attempts Value[int64]
	Budget   Value[float64] // a share: 0.2 for 20%
	On       []int          // statuses; connect errors are always retried
	Backoff  Value[time.Duration]
}

// Health is upstreams.<name>.health: active probes.
type Health struct {
	Pos       diag.Pos
	Path      Value[string]
	Interval  Value[time.Duration]
	Timeout   Value[time.Duration]
	Healthy   Value[int64]
	Unhealthy Value[int64]
}

// Passive is upstreams.<name>.passive: ejection from real calls' outcomes.
type Passive struct {
	Pos                 diag.Pos
	ConsecutiveFailures Value[int64]
	Eject               Value[time.Duration]
	MaxEjected          Value[float64]
}

// upstreamPolicy decodes the keys of an upstream that say how its pool
// behaves under failure; it reports false for a key it does not know.
func (d *Decoder) upstreamPolicy(k, v *yaml.Node, p string, u *Upstream) bool {
	switch k.Value {
	case "balance":
		u.Balance = d.str(v, p)
		if u.Balance.Set && !contains(balance.Policies, u.Balance.V) {
			d.Diags.Errorf(u.Balance.Pos, "%s: unknown balancer %q (valid: %s)", p, u.Balance.V, strings.Join(balance.Policies, ", "))
			u.Balance = Value[string]{}
		}
	case "hash-key":
		u.HashKey = d.str(v, p)
		if u.HashKey.Set {
			if _, _, err := ParseHashKey(u.HashKey.V); err != nil {
				d.Diags.Errorf(u.HashKey.Pos, "%s: %v", p, err)
				u.HashKey = Value[string]{}
			}
		}
	case "retries":
		if d.isMap(v, p) {
			r := &Retries{Pos: d.pos(k)}
			d.eachKey(v, p, "upstreams.<name>.retries", WhereUpstream, func(k, v *yaml.Node, p string) {
				switch k.Value {
				case "attempts":
					r.Attempts = d.integer(v, p)
					if r.Attempts.Set && (r.Attempts.V < 0 || r.Attempts.V > 10) {
						d.Diags.Errorf(r.Attempts.Pos, "%s: expected 0 to 10 retries, found %d", p, r.Attempts.V)
						r.Attempts = Value[int64]{}
					}
				case "budget":
					r.Budget = d.share(v, p)
				case "on":
					r.On = d.retryOn(v, p)
				case "backoff":
					r.Backoff = d.duration(v, p)
				default:
					d.internal(k, p, WhereUpstream)
				}
			})
			u.Retries = r
		}
	case "health":
		if d.isMap(v, p) {
			h := &Health{Pos: d.pos(k)}
			d.eachKey(v, p, "upstreams.<name>.health", WhereUpstream, func(k, v *yaml.Node, p string) {
				switch k.Value {
				case "path":
					h.Path = d.str(v, p)
					if h.Path.Set && !strings.HasPrefix(h.Path.V, "/") {
						d.Diags.Errorf(h.Path.Pos, "%s: must start with \"/\", found %q", p, h.Path.V)
						h.Path = Value[string]{}
					}
				case "interval":
					h.Interval = d.duration(v, p)
				case "timeout":
					h.Timeout = d.duration(v, p)
				case "healthy":
					h.Healthy = d.count(v, p)
				case "unhealthy":
					h.Unhealthy = d.count(v, p)
				default:
					d.internal(k, p, WhereUpstream)
				}
			})
			if !h.Path.Set {
				d.Diags.Errorf(h.Pos, "%s: health needs a path to probe, like {path: /healthz}", p)
			}
			u.Health = h
		}
	case "passive":
		if d.isMap(v, p) {
			ps := &Passive{Pos: d.pos(k)}
			d.eachKey(v, p, "upstreams.<name>.passive", WhereUpstream, func(k, v *yaml.Node, p string) {
				switch k.Value {
				case "consecutive-failures":
					ps.ConsecutiveFailures = d.count(v, p)
				case "eject":
					ps.Eject = d.duration(v, p)
				case "max-ejected":
					ps.MaxEjected = d.share(v, p)
				default:
					d.internal(k, p, WhereUpstream)
				}
			})
			u.Passive = ps
		}
	case "host":
		u.Host = d.str(v, p)
		if u.Host.Set && u.Host.V != "target" && u.Host.V != "client" {
			d.Diags.Errorf(u.Host.Pos, "%s: expected target or client, found %q", p, u.Host.V)
			u.Host = Value[string]{}
		}
	case "max-in-flight":
		u.MaxInFlight = d.count(v, p)
	case "max-response-body":
		u.MaxResponseBody = d.size(v, p)
		if u.MaxResponseBody.Set && u.MaxResponseBody.V > math.MaxInt32 {
			d.Diags.Errorf(u.MaxResponseBody.Pos, "%s: at most 2GiB, found %d bytes", p, u.MaxResponseBody.V)
			u.MaxResponseBody = Value[int64]{}
		}
	case "tls":
		if d.isMap(v, p) {
			t := &UpstreamTLS{Pos: d.pos(k)}
			d.eachKey(v, p, "upstreams.<name>.tls", WhereUpstream, func(k, v *yaml.Node, p string) {
				switch k.Value {
				case "ca":
					t.CA = d.str(v, p)
				case "server-name":
					t.ServerName = d.str(v, p)
				case "cert":
					t.Cert = d.str(v, p)
				case "key":
					t.Key = d.str(v, p)
				default:
					d.internal(k, p, WhereUpstream)
				}
			})
			if t.Cert.Set != t.Key.Set {
				d.Diags.Errorf(t.Pos, "%s: a client certificate needs both cert and key", p)
			}
			u.TLS = t
		}
	default:
		return false
	}
	return true
}

// UpstreamTLS is upstreams.<name>.tls: files are paths from the gateway's
// working directory.
type UpstreamTLS struct {
	Pos        diag.Pos
	CA         Value[string]
	ServerName Value[string]
	Cert       Value[string]
	Key        Value[string]
}

// share decodes a share of a whole, written as a percentage ("20%") or a
// fraction (0.2), into (0, 1].
func (d *Decoder) share(n *yaml.Node, path string) Value[float64] {
	if n.Kind == yaml.ScalarNode {
		s := n.Value
		div := 1.0
		if strings.HasSuffix(s, "%") {
			s, div = strings.TrimSpace(strings.TrimSuffix(s, "%")), 100
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil && f/div > 0 && f/div <= 1 {
			return Value[float64]{V: f / div, Pos: d.pos(n), Set: true}
		}
	}
	d.Diags.Errorf(d.pos(n), "%s: expected a share like 20%% or 0.2 (above 0, at most 100%%), found %s", path, describe(n))
	return Value[float64]{}
}

// retryOn decodes retries.on: connect-error (always retried, accepted so
// the document can say so) and statuses 500 to 599.
func (d *Decoder) retryOn(n *yaml.Node, path string) []int {
	if n.Kind != yaml.SequenceNode {
		d.Diags.Errorf(d.pos(n), "%s: expected a list like [connect-error, 502, 503], found %s", path, describe(n))
		return nil
	}
	var out []int
	for i, item := range n.Content {
		item = deAlias(item)
		if item.Kind == yaml.ScalarNode && item.Value == "connect-error" {
			continue
		}
		if s, err := strconv.Atoi(item.Value); err == nil && item.Kind == yaml.ScalarNode && s >= 500 && s <= 599 {
			out = append(out, s)
			continue
		}
		d.Diags.Errorf(d.pos(item), "%s[%d]: expected connect-error or a status from 500 to 599, found %s", path, i, describe(item))
	}
	return out
}

// ParseHashKey splits a hash-key value: header:NAME, cookie:NAME,
// query:NAME, client-ip or consumer.
func ParseHashKey(s string) (kind, name string, err error) {
	if s == "client-ip" || s == "consumer" {
		return s, "", nil
	}
	kind, name, ok := strings.Cut(s, ":")
	if !ok || name == "" || (kind != "header" && kind != "cookie" && kind != "query") {
		return "", "", fmt.Errorf("expected header:NAME, cookie:NAME, query:NAME, client-ip or consumer, found %q", s)
	}
	return kind, name, nil
}

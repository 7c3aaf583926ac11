package xgateway

import (
	"fmt"
	"math"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v4"
)

// rateLimits decodes rate-limit: one limit, or a list of them (an empty
// list lifts a less specific level's limits).
func (d *Decoder) rateLimits(v *yaml.Node, path, where string) Value[[]RateLimit] {
	out := Value[[]RateLimit]{Pos: d.pos(v), Set: true, V: []RateLimit{}}
	switch v.Kind {
	case yaml.MappingNode:
		if rl, ok := d.rateLimit(v, path, where); ok {
			out.V = append(out.V, rl)
		}
	case yaml.SequenceNode:
		for i, it := range v.Content {
			it = deAlias(it)
			p := fmt.Sprintf("%s[%d]", path, i)
			if !d.isMap(it, p) {
				continue
			}
			if rl, ok := d.rateLimit(it, p, where); ok {
				out.V = append(out.V, rl)
			}
		}
	default:
		d.Diags.Errorf(d.pos(v), "%s: expected a limit like {rate: 10/s} or a list of them, found %s", path, describe(v))
		return Value[[]RateLimit]{}
	}
	return out
}

func (d *Decoder) rateLimit(v *yaml.Node, path, where string) (RateLimit, bool) {
	rl := RateLimit{Pos: d.pos(v)}
	ok := true
	d.eachKey(v, path, "rate-limit", where, func(k, v *yaml.Node, p string) {
		switch k.Value {
		case "rate":
			rl.Rate = d.limitRate(v, p)
			ok = ok && rl.Rate.Set
		case "burst":
			rl.Burst = d.count(v, p)
		case "key":
			rl.Key = d.rateKey(v, p)
		case "name":
			rl.Name = d.str(v, p)
			if rl.Name.Set && !limitNameRE.MatchString(rl.Name.V) {
				d.Diags.Errorf(rl.Name.Pos, "%s: must match [A-Za-z0-9_.-]+ (it is sent in RateLimit headers), found %q", p, rl.Name.V)
				rl.Name = Value[string]{}
			}
		case "store":
			rl.Store = d.oneOf(v, p, "memory", "redis")
		case "on-store-error":
			rl.OnStoreError = d.oneOf(v, p, "allow", "deny")
		default:
			d.internal(k, p, where)
		}
	})
	if mapValue(v, "rate") == nil {
		d.Diags.Errorf(rl.Pos, "%s: missing rate; add rate: 10/s (a count per s, min, h, day or a duration)", path)
		return rl, false
	}
	return rl, ok
}

var limitNameRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// limitRate decodes "10/s": a count per second (s), minute (min), hour (h), day
// (day) or per a duration ("100/10s").
func (d *Decoder) limitRate(n *yaml.Node, path string) Value[Rate] {
	bad := func() Value[Rate] {
		d.Diags.Errorf(d.pos(n), "%s: expected a rate like 10/s, 600/min, 10000/day or 100/10s, found %s", path, describe(n))
		return Value[Rate]{}
	}
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!str" && n.Tag != "") {
		return bad()
	}
	num, unit, found := strings.Cut(n.Value, "/")
	if !found {
		return bad()
	}
	count, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	if err != nil || count < 1 || count > math.MaxInt32 {
		if err == nil {
			d.Diags.Errorf(d.pos(n), "%s: the count must be >= 1 and <= %d, found %d", path, math.MaxInt32, count)
			return Value[Rate]{}
		}
		return bad()
	}
	r := Rate{Count: count, Unit: strings.TrimSpace(unit)}
	switch r.Unit {
	case "s", "sec", "second":
		r.Period, r.Unit = time.Second, "s"
	case "min", "minute":
		r.Period, r.Unit = time.Minute, "min"
	case "h", "hour":
		r.Period, r.Unit = time.Hour, "h"
	case "d", "day":
		r.Period, r.Unit = 24*time.Hour, "day"
	default:
		p, err := time.ParseDuration(r.Unit)
		if err != nil || p <= 0 {
			return bad()
		}
		r.Period = p
	}
	if r.Period/time.Duration(r.Count) < time.Microsecond {
		d.Diags.Errorf(d.pos(n), "%s: %s is more than a million a second, which the stores cannot tell apart", path, n.Value)
		return Value[Rate]{}
	}
	return Value[Rate]{V: r, Pos: d.pos(n), Set: true}
}

// RateKeys are the key kinds rate-limit.key accepts, as the reference
// lists them; header: and claim: take a name.
var RateKeys = []string{"client-ip", "consumer", "api-key", "header:NAME", "claim:NAME"}

var headerNameRE = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")

// claimNameRE is a top-level claim name a rate-limit key may read.
var claimNameRE = regexp.MustCompile(`^[!-~]{1,128}$`)

// rateKey decodes a key or a list of keys (their combination).
func (d *Decoder) rateKey(n *yaml.Node, path string) Value[[]string] {
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		if len(n.Content) == 0 {
			d.Diags.Errorf(d.pos(n), "%s: expected at least one key (%s)", path, strings.Join(RateKeys, ", "))
			return Value[[]string]{}
		}
		items = n.Content
	}
	out := Value[[]string]{Pos: d.pos(n), Set: true}
	for i, it := range items {
		it = deAlias(it)
		p := path
		if n.Kind == yaml.SequenceNode {
			p = fmt.Sprintf("%s[%d]", path, i)
		}
		s := d.str(it, p)
		if !s.Set {
			return Value[[]string]{}
		}
		k := s.V
		switch {
		case k == "client-ip" || k == "consumer" || k == "api-key":
		case strings.HasPrefix(k, "header:"):
			if !headerNameRE.MatchString(k[len("header:"):]) {
				d.Diags.Errorf(s.Pos, "%s: header:NAME needs a header name, found %q", p, k)
				return Value[[]string]{}
			}
		case strings.HasPrefix(k, "claim:"):
			if !claimNameRE.MatchString(k[len("claim:"):]) {
				d.Diags.Errorf(s.Pos, "%s: claim:NAME needs a claim name of visible ASCII characters, found %q", p, k)
				return Value[[]string]{}
			}
		default:
			d.Diags.Errorf(s.Pos, "%s: unknown key %q (valid: %s)", p, k, strings.Join(RateKeys, ", "))
			return Value[[]string]{}
		}
		for _, prev := range out.V {
			if strings.EqualFold(prev, k) {
				d.Diags.Errorf(s.Pos, "%s: key %q given twice", p, k)
				return Value[[]string]{}
			}
		}
		out.V = append(out.V, k)
	}
	return out
}

// oneOf decodes a string that must be one of valid.
func (d *Decoder) oneOf(n *yaml.Node, path string, valid ...string) Value[string] {
	s := d.str(n, path)
	if s.Set && !contains(valid, s.V) {
		d.Diags.Errorf(s.Pos, "%s: expected %s, found %q", path, strings.Join(valid, " or "), s.V)
		return Value[string]{}
	}
	return s
}

// trustedProxies decodes a list of CIDRs or single addresses.
func (d *Decoder) trustedProxies(n *yaml.Node, path string) Value[[]string] {
	if n.Kind != yaml.SequenceNode {
		d.Diags.Errorf(d.pos(n), "%s: expected a list of CIDRs like [10.0.0.0/8], found %s", path, describe(n))
		return Value[[]string]{}
	}
	out := Value[[]string]{Pos: d.pos(n), Set: true}
	for i, it := range n.Content {
		p := fmt.Sprintf("%s[%d]", path, i)
		s := d.str(deAlias(it), p)
		if !s.Set {
			continue
		}
		if _, err := netip.ParsePrefix(s.V); err != nil {
			if _, err := netip.ParseAddr(s.V); err != nil {
				d.Diags.Errorf(s.Pos, "%s: expected a CIDR like 10.0.0.0/8 or an address, found %q", p, s.V)
				continue
			}
		}
		out.V = append(out.V, s.V)
	}
	return out
}

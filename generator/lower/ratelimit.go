package lower

import (
	"strconv"
	"strings"

	"github.com/gatewaygen/gatewaygen/generator/ir"
	"github.com/gatewaygen/gatewaygen/generator/load"
	"github.com/gatewaygen/gatewaygen/generator/xgateway"
)

// rateLimits lowers x-gateway rate-limit and limits.max-in-flight for o.
// The most specific level that sets rate-limit wins as a whole (a list
// does not merge field by field), and an empty list lifts the limits of
// the levels above. Names, defaults and what each key reads are decided
// here. It runs after auth, whose plan says whether api-key has an API key
// to stand for.
func (l *lowerer) rateLimits(o *ir.Operation) {
	root := l.doc.Gateway.Settings
	pi := l.doc.PathItems[o.Path]
	op := l.doc.Operations[load.OpKey{Method: o.Method, Path: o.Path}]
	levels := []xgateway.Settings{op, pi, root}
	o.MaxInFlight = pick(levels, func(s xgateway.Settings) xgateway.Value[int64] { return s.MaxInFlight }).V
	set := pick(levels, func(s xgateway.Settings) xgateway.Value[[]xgateway.RateLimit] { return s.RateLimit })
	if len(set.V) == 0 {
		return
	}
	if len(set.V) > maxRateLimits {
		l.diags.Errorf(set.Pos, "x-gateway.rate-limit: %d limits, at most %d per operation", len(set.V), maxRateLimits)
		return
	}
	names := map[string]bool{}
	for _, r := range set.V {
		rl := &ir.RateLimit{
			Count:            r.Rate.V.Count,
			Period:           r.Rate.V.Period,
			Burst:            r.Rate.V.Count,
			Shared:           r.Store.V == "redis",
			DenyOnStoreError: r.Store.V == "redis" && r.OnStoreError.V == "deny",
			Pos:              r.Pos,
		}
		if r.Burst.Set {
			rl.Burst = r.Burst.V
		}
		if r.OnStoreError.Set && !rl.Shared && !l.warned[r.OnStoreError.Pos] {
			l.warned[r.OnStoreError.Pos] = true
			l.diags.Warnf(r.OnStoreError.Pos, "x-gateway.rate-limit.on-store-error: has no effect on a memory limit, which has no store to lose (add store: redis)")
		}
		name := r.Name.V
		if name == "" {
			name = strconv.FormatInt(rl.Count, 10) + "-per-" + r.Rate.V.Unit
		}
		for base, i := name, 2; names[name]; i++ {
			name = base + "-" + strconv.Itoa(i)
		}
		names[name] = true
		rl.Name = name
		keys := r.Key.V
		if len(keys) == 0 {
			keys = []string{"client-ip"}
		}
		for _, k := range keys {
			switch {
			case k == "client-ip":
				rl.Key = append(rl.Key, ir.RateKey{Kind: "client-ip"})
			case k == "consumer":
				rl.Key = append(rl.Key, ir.RateKey{Kind: "consumer"})
			case k == "api-key":
				if l.hasAPIKey(o) {
					rl.Key = append(rl.Key, ir.RateKey{Kind: "consumer"})
					break
				}
				if !l.warned[r.Key.Pos] {
					l.warned[r.Key.Pos] = true
					l.diags.Warnf(r.Key.Pos, "x-gateway.rate-limit.key: api-key on %s %s, whose security has no apiKey scheme: its requests are keyed by client address", o.Method, o.Path)
				}
				rl.Key = append(rl.Key, ir.RateKey{Kind: "client-ip"})
			case strings.HasPrefix(k, "header:"):
				rl.Key = append(rl.Key, ir.RateKey{Kind: "header", Name: k[len("header:"):]})
			// policy: keys by a verified token's claim
			case strings.HasPrefix(k, "claim:"):
				name := k[len("claim:"):]
				if l.captureClaim(o, name) {
					rl.Key = append(rl.Key, ir.RateKey{Kind: "claim", Name: name})
					break
				}
				if !l.warned[r.Key.Pos] {
					l.warned[r.Key.Pos] = true
					l.diags.Warnf(r.Key.Pos, "x-gateway.rate-limit.key: %s on %s %s, whose security has no JWT scheme (http bearer, oauth2 or openIdConnect with signed tokens): its requests are keyed by client address", k, o.Method, o.Path)
				}
				rl.Key = append(rl.Key, ir.RateKey{Kind: "client-ip"})
			}
		}
		o.RateLimits = append(o.RateLimits, rl)
	}
}

// maxRateLimits is runtime/ratelimit's bound on one operation's limits.
const maxRateLimits = 8

// hasAPIKey reports whether some alternative of o's security checks an
// apiKey scheme the gateway enforces.
func (l *lowerer) hasAPIKey(o *ir.Operation) bool {
	if o.Auth == nil {
		return false
	}
	for _, alt := range o.Auth.Alternatives {
		for _, c := range alt {
			if l.api.AuthSchemes[c.Scheme].Kind == ir.AuthAPIKey {
				return true
			}
		}
	}
	return false
}

// captureClaim makes every JWT scheme that o's security checks keep the
// claim name in the request's state (without forwarding it, unless
// forward.claims says so), for a rate-limit key to read. It reports
// whether there is such a scheme; an introspected token has no claims
// beyond its scopes and consumer.
func (l *lowerer) captureClaim(o *ir.Operation, name string) bool {
	if o.Auth == nil {
		return false
	}
	found := false
	for _, alt := range o.Auth.Alternatives {
		for _, c := range alt {
			s := l.api.AuthSchemes[c.Scheme]
			if s.Kind != ir.AuthJWT {
				continue
			}
			found = true
			kept := false
			for _, ch := range s.Claims {
				kept = kept || ch.Claim == name
			}
			if !kept {
				s.Claims = append(s.Claims, ir.ClaimHeader{Claim: name})
			}
		}
	}
	return found
}

// clientIP lowers the root's trusted-proxies and client-ip-header.
func (l *lowerer) clientIP() {
	g := &l.doc.Gateway
	l.api.TrustedProxies = g.TrustedProxies.V
	l.api.ClientIPHeader = g.ClientIPHeader.V
}

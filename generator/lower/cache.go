package lower

import (
	"net/http"
	"net/textproto"
	"slices"
	"time"

	"github.com/gatewaygen/gatewaygen/generator/ir"
	"github.com/gatewaygen/gatewaygen/generator/xgateway"
)

// cache resolves x-gateway cache for o, key by key from the most specific
// level. Only GET is cached (HEAD is served from GET's entries); a cache
// set on another operation itself is an error, one inherited from the path
// item or root is ignored there. A mock operation is never proxied, so
// there is nothing to cache.
func (l *lowerer) cache(o *ir.Operation, levels []xgateway.Settings) {
	c := func(s xgateway.Settings) xgateway.Cache { return s.Cache }
	enabled := pick(levels, func(s xgateway.Settings) xgateway.Value[bool] { return c(s).Enabled })
	ttl := pick(levels, func(s xgateway.Settings) xgateway.Value[time.Duration] { return c(s).TTL })
	on := ttl.Set
	if enabled.Set {
		on = enabled.V
	}
	if o.Method != http.MethodGet {
		if own := levels[0].Cache; own.Enabled.V || own.TTL.Set {
			pos := own.TTL.Pos
			if own.Enabled.Set {
				pos = own.Enabled.Pos
			}
			l.diags.Errorf(pos, "%s %s: x-gateway.cache: only GET operations are cached", o.Method, o.Path)
		}
		return
	}
	if !on || o.Mock {
		return
	}
	out := &ir.Cache{
		TTL:         ttl.V,
		Vary:        pick(levels, func(s xgateway.Settings) xgateway.Value[[]string] { return c(s).Vary }).V,
		PerConsumer: pick(levels, func(s xgateway.Settings) xgateway.Value[bool] { return c(s).Authenticated }).V,
		SWR:         pick(levels, func(s xgateway.Settings) xgateway.Value[time.Duration] { return c(s).SWR }).V,
		SIE:         pick(levels, func(s xgateway.Settings) xgateway.Value[time.Duration] { return c(s).SIE }).V,
		QueryAll:    true,
	}
	for _, s := range levels {
		if s.Cache.Query.Set {
			out.Query, out.QueryAll = s.Cache.Query.V, s.Cache.QueryAll
			break
		}
	}
	if out.QueryAll {
		out.Query = nil
	}
	out.Vary = declaredVary(o, out.Vary)
	o.Cache = out
	l.api.CacheMaxBytes = l.doc.Gateway.Settings.Cache.MaxBytes.V
	l.api.CacheRedis = l.doc.Gateway.Settings.Cache.Store.V == "redis"
}

// declaredVary adds to vary the request headers o declares as parameters,
// and Cookie when it declares a cookie: the document says the answer may
// depend on them, so an answer stored for one value must not be served for
// another, whether or not the upstream says Vary.
func declaredVary(o *ir.Operation, vary []string) []string {
	for _, p := range o.Params {
		name := ""
		switch p.In {
		case ir.InHeader:
			name = textproto.CanonicalMIMEHeaderKey(p.Name)
		case ir.InCookie:
			name = "Cookie"
		}
		if name != "" && !slices.Contains(vary, name) {
			vary = append(slices.Clip(vary), name)
		}
	}
	return vary
}

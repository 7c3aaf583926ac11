package lower

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gatewaygen/gatewaygen/generator/ir"
	"github.com/gatewaygen/gatewaygen/generator/xgateway"
)

// cors resolves x-gateway cors for o, each key from the most specific level
// that sets it. CORS is on when some level lists origins (an empty list
// turns it off below a level that had it).
func (l *lowerer) cors(o *ir.Operation, levels []xgateway.Settings) {
	origins := pick(levels, func(s xgateway.Settings) xgateway.Value[[]string] { return s.CORS.Origins })
	if len(origins.V) == 0 {
		return
	}
	creds := pick(levels, func(s xgateway.Settings) xgateway.Value[bool] { return s.CORS.Credentials })
	c := &ir.CORS{
		Credentials: creds.V,
		MaxAge:      pick(levels, func(s xgateway.Settings) xgateway.Value[time.Duration] { return s.CORS.MaxAge }).V,
		Expose:      []string{"X-Request-Id"},
	}
	for _, s := range origins.V {
		c.Origins = append(c.Origins, strings.ToLower(s))
	}
	if creds.V && slices.Contains(c.Origins, "*") && !l.warned[creds.Pos] {
		// Reflecting any origin with credentials hands every site the
		// user's session: the combination browsers refuse for "*".
		l.warned[creds.Pos] = true
		l.diags.Errorf(creds.Pos, "x-gateway.cors.credentials: true with origins [\"*\"] would let every site call %s %s with the user's credentials; list the origins", o.Method, o.Path)
	}
	if e := pick(levels, func(s xgateway.Settings) xgateway.Value[[]string] { return s.CORS.Expose }); e.Set {
		c.Expose = e.V
	}
	var headers []string
	for _, p := range o.Params {
		if p.In == "header" {
			headers = append(headers, p.Name)
		}
	}
	if o.Body != nil {
		headers = append(headers, "Content-Type")
	}
	headers = append(headers, "X-Request-Id")
	headers = append(headers, pick(levels, func(s xgateway.Settings) xgateway.Value[[]string] { return s.CORS.Headers }).V...)
	c.Headers = headers
	o.CORS = c
}

// corsPaths completes each policy with what depends on other operations
// and on auth: the methods of its path that allow CORS, and the headers
// its credentials travel in.
func (l *lowerer) corsPaths() {
	methods := map[string][]string{}
	for _, o := range l.api.Operations {
		if o.CORS != nil {
			methods[o.RoutePrefix+o.Path] = append(methods[o.RoutePrefix+o.Path], o.Method)
		}
	}
	schemes := map[string]*ir.SecurityScheme{}
	for _, s := range l.api.SecuritySchemes {
		schemes[s.Name] = s
	}
	for _, o := range l.api.Operations {
		if o.CORS == nil {
			continue
		}
		o.CORS.Methods = methods[o.RoutePrefix+o.Path]
		for _, req := range o.Security {
			for _, sc := range req {
				s := schemes[sc.Scheme]
				switch {
				case s == nil:
				case s.Type == "apiKey" && s.In == "header":
					o.CORS.Headers = append(o.CORS.Headers, s.ParamName)
				case s.Type == "http" || s.Type == "oauth2" || s.Type == "openIdConnect":
					o.CORS.Headers = append(o.CORS.Headers, "Authorization")
				}
			}
		}
		o.CORS.Headers = dedupeFold(o.CORS.Headers)
	}
}

// dedupeFold sorts header names without regard to case and drops repeats.
func dedupeFold(hs []string) []string {
	sort.Slice(hs, func(i, j int) bool { return strings.ToLower(hs[i]) < strings.ToLower(hs[j]) })
	out := hs[:0]
	for _, h := range hs {
		if len(out) == 0 || !strings.EqualFold(out[len(out)-1], h) {
			out = append(out, h)
		}
	}
	return out
}

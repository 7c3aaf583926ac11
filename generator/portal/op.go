package portal

import (
	"html/template"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gatewaygen/gatewaygen/generator/ir"
	"github.com/gatewaygen/gatewaygen/generator/xgateway"
)

// opView is one operation as its page and the lists show it. The fields
// below "page only" are filled just before its page is rendered and
// dropped after, so a large document's pages are not all held at once.
type opView struct {
	op          *ir.Operation
	ID          string
	Method      string
	MethodLower string
	FullPath    string // with the base path, as a client sends it
	URL         string // relative to the portal's root
	Summary     string
	Deprecated  bool
	Tags        []string

	// page only
	Description template.HTML
	AuthHTML    template.HTML
	Timeout     string
	MaxBody     string
	RateLimits  []string // one line per limit; nil when none
	Caching     string   // "" when the operation is not cached
	Callbacks   []*hookView
	Params      []paramView
	Body        *bodyView
	Responses   []respView
	Gateway     []gwRow
	Samples     []sample
	TryParams   []tryInput
	TryCreds    []tryInput
	TryType     string
	TryBody     string
}

type paramView struct {
	Name, In    string
	Required    bool
	Style       string
	Schema      template.HTML
	Description template.HTML
}

type bodyView struct {
	Required bool
	Media    []mediaView
}

type mediaView struct {
	ContentType string
	Schema      template.HTML
	Example     string
}

type respView struct {
	Status, Description string
	Media               []mediaView
}

// gwRow is one answer of the gateway itself.
type gwRow struct{ Status, When string }

// tryInput is one field of the try-it form: In says where the value goes
// (path, query as the fragment sent, query-key as one name=value pair,
// header, cookie), Prefix what precedes a header's value.
type tryInput struct {
	ID, Label, In, Name, Value, Note, Prefix string
	Disabled                                 bool
}

func newOpView(api *ir.API, o *ir.Operation) *opView {
	id := o.OperationID
	if id == "" {
		id = o.GoName
	}
	return &opView{
		op:          o,
		ID:          id,
		Method:      o.Method,
		MethodLower: strings.ToLower(o.Method),
		FullPath:    api.BasePath + o.RoutePrefix + o.Path,
		URL:         "op/" + o.GoName + ".html",
		Summary:     o.Summary,
		Deprecated:  o.Deprecated,
		Tags:        o.Tags,
	}
}

// fillOp computes what o's page shows.
func (s *site) fillOp(v *opView) {
	o := v.op
	w := s.newWriter("../")
	v.Description = s.markdown(o.Description)
	v.AuthHTML = s.authHTML(o)
	v.Timeout = timeoutText(s.api, o)
	if o.MaxBody > 0 {
		v.MaxBody = xgateway.FormatSize(o.MaxBody) + ", then 413"
	} else {
		v.MaxBody = "none set"
	}
	for _, rl := range o.RateLimits {
		v.RateLimits = append(v.RateLimits, rateText(rl))
	}
	v.Caching = cacheText(o.Cache)
	for _, h := range s.Webhooks {
		if h.hook.Operation == v.ID {
			v.Callbacks = append(v.Callbacks, h)
		}
	}
	for _, p := range o.Params {
		pv := paramView{Name: p.Name, In: p.In, Required: p.Required, Description: s.markdown(p.Description)}
		switch {
		case p.ContentType != "":
			pv.Style = "content " + p.ContentType
		case p.Style != "":
			pv.Style = p.Style
			if p.Explode {
				pv.Style += ", exploded"
			}
		}
		sch := p.Schema
		if p.Union != nil {
			sch = p.Union
		}
		pv.Schema = w.inline(sch)
		v.Params = append(v.Params, pv)
	}
	if o.Body != nil {
		v.Body = &bodyView{Required: o.Body.Required}
		for _, m := range o.Body.Media {
			mv := mediaView{ContentType: m.ContentType, Example: prettyJSON(m.Example)}
			switch {
			case m.Schema != nil:
				mv.Schema = w.html(m.Schema, true)
			case m.Kind == ir.MediaBinary && m.MaxBytes > 0:
				mv.Schema = template.HTML(`<p class="cs">bytes, at most ` + template.HTMLEscapeString(xgateway.FormatSize(m.MaxBytes)) + `</p>`)
			case m.Kind == ir.MediaBinary:
				mv.Schema = `<p class="cs">bytes</p>`
			}
			v.Body.Media = append(v.Body.Media, mv)
		}
	}
	for _, r := range o.Responses {
		rv := respView{Status: r.Status, Description: r.Description}
		for _, m := range r.Media {
			mv := mediaView{ContentType: m.ContentType, Example: prettyJSON(m.Example)}
			if m.Schema != nil {
				mv.Schema = w.html(m.Schema, false)
			}
			rv.Media = append(rv.Media, mv)
		}
		v.Responses = append(v.Responses, rv)
	}
	v.Gateway = gatewayRows(s.api, o)
	v.Samples = s.samples(o, v.FullPath)
	s.tryIt(v)
}

// release drops what only the operation's page needed.
func (v *opView) release() {
	keep := *v
	*v = opView{op: keep.op, ID: keep.ID, Method: keep.Method, MethodLower: keep.MethodLower, FullPath: keep.FullPath,
		URL: keep.URL, Summary: keep.Summary, Deprecated: keep.Deprecated, Tags: keep.Tags}
}

// authHTML says which credentials an operation needs.
func (s *site) authHTML(o *ir.Operation) template.HTML {
	switch {
	case o.Security == nil:
		return "none declared: the gateway checks no credential"
	case len(o.Security) == 0:
		return "public: no credential needed"
	}
	var b strings.Builder
	optional := false
	var alts []string
	for _, req := range o.Security {
		if len(req) == 0 {
			optional = true
			continue
		}
		var parts []string
		for _, sc := range req {
			p := `<a href="../getting-started.html#scheme-` + template.HTMLEscapeString(s.schemeSlug(sc.Scheme)) + `">` + template.HTMLEscapeString(sc.Scheme) + `</a>`
			if len(sc.Scopes) > 0 {
				var scopes []string
				for _, x := range sc.Scopes {
					scopes = append(scopes, "<code>"+template.HTMLEscapeString(x)+"</code>")
				}
				p += " with scope" + plural(len(sc.Scopes)) + " " + strings.Join(scopes, ", ")
			}
			parts = append(parts, p)
		}
		alts = append(alts, strings.Join(parts, " and "))
	}
	if len(alts) == 1 {
		b.WriteString(alts[0])
	} else {
		b.WriteString("one of: ")
		b.WriteString(strings.Join(alts, "; or "))
	}
	if optional {
		b.WriteString(" (optional: a request without credentials passes too)")
	}
	return template.HTML(b.String())
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// allGatewayRows are every answer the gateway gives of its own.
func allGatewayRows() []gwRow {
	return []gwRow{
		{"400", "a parameter or the body breaks the operation's contract (each location and rule listed in errors), or a header field name is malformed"},
		{"401", "a required credential is missing or invalid; WWW-Authenticate names each accepted scheme"},
		{"403", "the credential is valid but lacks a required scope"},
		{"404", "no operation matches the path"},
		{"405", "the path exists but not with this method; Allow lists the methods"},
		{"408", "the request's headers or body took too long to arrive"},
		{"413", "the body exceeds the operation's limit"},
		{"415", "the body's Content-Type is not one the operation accepts"},
		{"429", "too many connections from one client address (limits.max-conns-per-ip)"},
		{"502", "the upstream could not be reached or answered garbage"},
		{"503", "the gateway is at its connection limit, or no upstream target can take the request"},
		{"504", "the upstream did not answer within the operation's timeout"},
	}
}

// gatewayRows are the gateway's own answers that apply to o.
func gatewayRows(api *ir.API, o *ir.Operation) []gwRow {
	var out []gwRow
	if len(o.Params) > 0 || o.Body != nil {
		out = append(out, gwRow{"400", "a parameter or the body breaks this contract; errors lists each location and rule"})
	}
	if o.Auth != nil && !o.Auth.Public && (len(o.Auth.Alternatives) > 0 || o.Auth.Unenforceable > 0) {
		out = append(out, gwRow{"401", "no valid credential of the kinds above; WWW-Authenticate names them"})
		for _, req := range o.Security {
			scoped := false
			for _, sc := range req {
				scoped = scoped || len(sc.Scopes) > 0
			}
			if scoped {
				out = append(out, gwRow{"403", "the credential lacks a required scope"})
				break
			}
		}
	}
	out = append(out, gwRow{"405", "another method on this path; Allow lists those it has"})
	if o.Body != nil {
		var types []string
		for _, m := range o.Body.Media {
			types = append(types, m.ContentType)
		}
		out = append(out,
			gwRow{"413", "the body is larger than " + sizeOr(o.MaxBody)},
			gwRow{"415", "the Content-Type is not " + strings.Join(types, ", ")})
	}
	if len(o.RateLimits) > 0 {
		names := make([]string, len(o.RateLimits))
		for i, rl := range o.RateLimits {
			names[i] = rl.Name
		}
		out = append(out, gwRow{"429", "a rate limit above is spent (" + strings.Join(names, ", ") + "); Retry-After says when to try again, RateLimit what is left"})
	}
	if api.MaxConnsPerIP > 0 {
		out = append(out, gwRow{"429", "more than " + strconv.Itoa(api.MaxConnsPerIP) + " connections from your address"})
	}
	if o.Upstream != "" {
		out = append(out,
			gwRow{"502", "the upstream could not be reached"},
			gwRow{"503", "the gateway or the upstream is at capacity"},
			gwRow{"504", "the upstream took longer than " + strings.TrimSuffix(timeoutText(api, o), ", then 504")})
	} else {
		out = append(out, gwRow{"503", "the gateway is at its connection limit"})
	}
	return out
}

func sizeOr(n int64) string {
	if n <= 0 {
		return "the server's limit"
	}
	return xgateway.FormatSize(n)
}

// schemeView is a security scheme on the getting-started page.
type schemeView struct {
	Name, Slug, Kind string
	Description      template.HTML
	How              string
	Example          string
	Obtain           []string
	Scopes           []ir.Scope
	Enforced         bool
	Uses             int
}

func (s *site) schemeSlug(name string) string { return slug(name) }

func (s *site) schemesView() {
	enforced := map[string]bool{}
	for _, a := range s.api.AuthSchemes {
		enforced[a.Name] = true
	}
	uses := map[string]int{}
	for _, o := range s.api.Operations {
		seen := map[string]bool{}
		for _, req := range o.Security {
			for _, sc := range req {
				if !seen[sc.Scheme] {
					seen[sc.Scheme] = true
					uses[sc.Scheme]++
				}
			}
		}
	}
	for _, sc := range s.api.SecuritySchemes {
		v := &schemeView{Name: sc.Name, Slug: slug(sc.Name), Description: s.markdown(sc.Description), Enforced: enforced[sc.Name], Uses: uses[sc.Name]}
		switch sc.Type {
		case "apiKey":
			v.Kind = "API key in " + sc.In
			switch sc.In {
			case "header":
				v.How = "Send the key in the " + sc.ParamName + " header."
				v.Example = sc.ParamName + ": YOUR_API_KEY"
			case "query":
				v.How = "Send the key as the query parameter " + sc.ParamName + "."
				v.Example = "?" + sc.ParamName + "=YOUR_API_KEY"
			case "cookie":
				v.How = "Send the key in the cookie " + sc.ParamName + "."
				v.Example = "Cookie: " + sc.ParamName + "=YOUR_API_KEY"
			}
			v.Obtain = []string{"Ask the API's operators for a key."}
		case "http":
			v.Kind = "HTTP " + sc.Scheme
			switch strings.ToLower(sc.Scheme) {
			case "bearer":
				v.How = "Send the token in the Authorization header."
				if sc.BearerFormat != "" {
					v.How += " Tokens are " + sc.BearerFormat + "s."
				}
				v.Example = "Authorization: Bearer YOUR_TOKEN"
			case "basic":
				v.How = "Send user and password, base64-encoded as user:password, in the Authorization header."
				v.Example = "Authorization: Basic BASE64_OF_USER_COLON_PASSWORD"
			default:
				v.How = "Send the credential in the Authorization header with the " + sc.Scheme + " scheme."
			}
		case "oauth2":
			v.Kind = "OAuth 2.0"
			v.How = "Send an access token in the Authorization header."
			v.Example = "Authorization: Bearer YOUR_TOKEN"
			have := map[string]bool{}
			for _, f := range sc.Flows {
				line := "Flow " + f.Flow + ":"
				if f.AuthorizationURL != "" {
					line += " authorize at " + f.AuthorizationURL + ";"
				}
				if f.TokenURL != "" {
					line += " get tokens from " + f.TokenURL + ";"
				}
				if f.RefreshURL != "" {
					line += " refresh at " + f.RefreshURL + ";"
				}
				v.Obtain = append(v.Obtain, strings.TrimSuffix(line, ";")+".")
				for _, x := range f.Scopes {
					if !have[x.Name] {
						have[x.Name] = true
						v.Scopes = append(v.Scopes, x)
					}
				}
			}
			sort.Slice(v.Scopes, func(i, j int) bool { return v.Scopes[i].Name < v.Scopes[j].Name })
		case "openIdConnect":
			v.Kind = "OpenID Connect"
			v.How = "Send an ID or access token of the provider in the Authorization header."
			v.Example = "Authorization: Bearer YOUR_TOKEN"
			if sc.OpenIDConnectURL != "" {
				v.Obtain = []string{"The provider's discovery document: " + sc.OpenIDConnectURL + "."}
			}
		case "mutualTLS":
			v.Kind = "mutual TLS"
			v.How = "Present a client certificate the server trusts."
		default:
			v.Kind = sc.Type
		}
		s.Schemes = append(s.Schemes, v)
	}
}

// tryIt fills the try-it form of an operation: its parameters prefilled
// with the document's examples, a field per credential it may need and
// the sample body.
func (s *site) tryIt(v *opView) {
	o := v.op
	for i, p := range o.Params {
		in := tryInput{ID: "p" + strconv.Itoa(i), In: p.In, Name: p.Name, Value: p.Example, Label: p.In + " " + p.Name}
		switch p.In {
		case ir.InQuery:
			in.Note = "as sent, e.g. " + p.Name + "=…"
		case ir.InCookie:
			in.Disabled = true
			in.Note = "a page cannot set cookies; use a code sample"
		}
		if p.Required {
			in.Label += " (required)"
		}
		v.TryParams = append(v.TryParams, in)
	}
	seen := map[string]bool{}
	for _, req := range o.Security {
		for _, sc := range req {
			if seen[sc.Scheme] {
				continue
			}
			seen[sc.Scheme] = true
			def := s.schemes[sc.Scheme]
			if def == nil {
				continue
			}
			in := tryInput{ID: "c" + strconv.Itoa(len(v.TryCreds)), Label: sc.Scheme}
			switch {
			case def.Type == "apiKey" && def.In == "header":
				in.In, in.Name, in.Label = "header", def.ParamName, sc.Scheme+" ("+def.ParamName+" header)"
			case def.Type == "apiKey" && def.In == "query":
				in.In, in.Name, in.Label = "query-key", def.ParamName, sc.Scheme+" (query "+def.ParamName+")"
			case def.Type == "http" && strings.EqualFold(def.Scheme, "basic"):
				in.In, in.Name, in.Prefix, in.Label = "header", "Authorization", "Basic ", sc.Scheme+" (base64 of user:password)"
			case def.Type == "oauth2" || def.Type == "openIdConnect" || def.Type == "http" && strings.EqualFold(def.Scheme, "bearer"):
				in.In, in.Name, in.Prefix, in.Label = "header", "Authorization", "Bearer ", sc.Scheme+" (bearer token)"
			default:
				continue
			}
			v.TryCreds = append(v.TryCreds, in)
		}
	}
	if o.Body == nil {
		return
	}
	v.TryType = "application/json"
	for _, m := range o.Body.Media {
		if !m.Range {
			v.TryType = m.ContentType
			break
		}
	}
	if o.Sample != nil && o.Sample.Body != "" && (o.Sample.ContentType == v.TryType || strings.HasPrefix(o.Sample.ContentType, v.TryType+";")) {
		v.TryBody = prettyJSON(o.Sample.Body)
		return
	}
	for _, m := range o.Body.Media {
		if m.ContentType == v.TryType {
			switch {
			case m.Example != "":
				v.TryBody = prettyJSON(m.Example)
			case m.Sample != "" && !strings.HasPrefix(m.SampleType, "multipart/"):
				v.TryBody = prettyJSON(m.Sample)
			}
		}
	}
}

// rateText says one rate limit as a caller reads it: "10 requests a second,
// bursts of 20, per client address (10-per-s)".
func rateText(rl *ir.RateLimit) string {
	var b strings.Builder
	b.WriteString(strconv.FormatInt(rl.Count, 10))
	if rl.Count == 1 {
		b.WriteString(" request ")
	} else {
		b.WriteString(" requests ")
	}
	b.WriteString(periodText(rl.Period))
	if rl.Burst != rl.Count {
		b.WriteString(", bursts of " + strconv.FormatInt(rl.Burst, 10))
	}
	b.WriteString(", ")
	if len(rl.Key) == 0 {
		b.WriteString("for all callers together")
	} else {
		parts := make([]string, len(rl.Key))
		for i, k := range rl.Key {
			switch k.Kind {
			case "client-ip":
				parts[i] = "client address"
			case "consumer":
				parts[i] = "consumer (credential)"
			case "header":
				parts[i] = "value of the " + k.Name + " header"
			case "claim":
				parts[i] = "token claim " + k.Name
			default:
				parts[i] = k.Kind
			}
		}
		b.WriteString("per " + strings.Join(parts, " and "))
	}
	if rl.Shared {
		b.WriteString(", counted across every instance of the gateway")
	}
	b.WriteString(" (" + rl.Name + ")")
	return b.String()
}

// periodText is "a second", "a minute", "an hour", "a day" or "per 10s".
func periodText(d time.Duration) string {
	switch d {
	case time.Second:
		return "a second"
	case time.Minute:
		return "a minute"
	case time.Hour:
		return "an hour"
	case 24 * time.Hour:
		return "a day"
	}
	return "per " + readable(d)
}

// readable writes d in its largest whole unit for a reader: "5 minutes",
// "10 seconds", "1.5s" when none is whole.
func readable(d time.Duration) string {
	for _, u := range []struct {
		d    time.Duration
		name string
	}{{24 * time.Hour, "day"}, {time.Hour, "hour"}, {time.Minute, "minute"}, {time.Second, "second"}} {
		if d >= u.d && d%u.d == 0 {
			n := int64(d / u.d)
			return strconv.FormatInt(n, 10) + " " + u.name + plural(int(n))
		}
	}
	return xgateway.FormatDuration(d)
}

// list writes "the query parameter page" or "the headers Accept, X-Tenant".
func list(one, many string, names []string) string {
	if len(names) == 1 {
		return "the " + one + " " + names[0]
	}
	return "the " + many + " " + strings.Join(names, ", ")
}

// cacheText says how the gateway caches an operation's answers; "" when it
// does not.
func cacheText(c *ir.Cache) string {
	if c == nil {
		return ""
	}
	var b strings.Builder
	if c.TTL > 0 {
		b.WriteString("answers are reused for " + readable(c.TTL) + " unless the upstream's Cache-Control says otherwise")
	} else {
		b.WriteString("answers are reused for as long as the upstream's Cache-Control allows")
	}
	switch {
	case c.QueryAll:
		b.WriteString("; keyed by the whole query")
	case len(c.Query) > 0:
		b.WriteString("; keyed by " + list("query parameter", "query parameters", c.Query))
	default:
		b.WriteString("; the query is not part of the key")
	}
	if len(c.Vary) > 0 {
		b.WriteString(" and " + list("header", "headers", c.Vary))
	}
	if c.PerConsumer {
		b.WriteString("; kept apart per consumer")
	} else {
		b.WriteString("; a request with credentials is not served from the cache")
	}
	if c.SWR > 0 {
		b.WriteString("; served up to " + readable(c.SWR) + " stale while refreshed")
	}
	if c.SIE > 0 {
		b.WriteString("; served up to " + readable(c.SIE) + " stale when the upstream fails")
	}
	b.WriteString(". X-Cache says hit, miss or stale, Age how old a reused answer is.")
	return b.String()
}

// Package lower turns a loaded document into the IR: it decides every name,
// resolves x-gateway precedence (root → path item → operation, key by key),
// compiles schemas into validation plans, builds the route tree and picks
// mock replies. Every decision about the output is made here; the emitters
// only print what the IR says. A construct it cannot compile yet becomes a
// located diagnostic and the rest of the API still lowers.
package lower

import (
	"fmt"
	"go/token"
	"net/url"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gatewaygen/gatewaygen/generator/diag"
	"github.com/gatewaygen/gatewaygen/generator/ir"
	"github.com/gatewaygen/gatewaygen/generator/load"
	"github.com/gatewaygen/gatewaygen/generator/xgateway"
	"github.com/gatewaygen/gatewaygen/runtime/balance"
	"github.com/gatewaygen/gatewaygen/runtime/server"
)

// DefaultMaxBody is the body limit of an operation that sets none: the
// runtime's, which the reference documents from the same constant.
const DefaultMaxBody = server.DefaultMaxRequestBody

var methodOrder = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"}

type lowerer struct {
	doc     *load.Document
	api     *ir.API
	diags   diag.List
	named   map[namedKey]*ir.Schema // $ref and resolved value → named schema
	names   namer                   // Go names of schemas
	opNames namer
	warned  map[diag.Pos]bool // positions already warned about, for warnings that would repeat per operation

	dyn   *dynamicIndex // nil when no $dynamicRef resolves dynamically
	scope []binding     // the dynamic scope while a schema is lowered

	subs map[*openapi3.Schema][]subtype // memo of subtypes

	authIndex map[string]int // scheme name → index in api.AuthSchemes; -1: not enforced
	authNames namer

	originFiles map[string]string // generation at scale: originPos's file names, by kin-openapi's
}

// Lower builds the IR of doc. It returns the API even when it reports
// errors, so that lint can show everything at once.
func Lower(doc *load.Document) (*ir.API, diag.List) {
	l := &lowerer{
		doc:     doc,
		named:   map[namedKey]*ir.Schema{},
		names:   namer{},
		opNames: namer{},
		warned:  map[diag.Pos]bool{},
		subs:    map[*openapi3.Schema][]subtype{},
	}
	for _, r := range reserved {
		l.names.unique(r)
		l.opNames.unique(r)
	}
	if dyn, top := indexDynamic(doc.T); dyn != nil {
		l.dyn = dyn
		l.bind(top)
	}
	l.api = &ir.API{
		Name:    apiName(doc),
		OpenAPI: doc.Version,
		Source:  filepathToSlash(doc.File),
	}
	if doc.T.Info != nil {
		l.api.Title = doc.T.Info.Title
		l.api.Version = doc.T.Info.Version
	}
	l.root()
	l.clientIP() // rate limits' trusted proxies
	l.about()
	l.authIndex, l.authNames = map[string]int{}, namer{}
	l.checkMaterial()
	l.operations()
	l.webhooks()     // for the portal only
	l.shareAuth()    // shared authorize functions
	l.shareParams()  // shared parameter decoders
	l.authIdentity() // auth2
	l.api.Routes = l.routes()
	l.docs()
	copies := map[namedKey]int{}
	for k := range l.named {
		copies[namedKey{k.ref, k.value, "", k.base}]++
	}
	for k, s := range l.named {
		if copies[namedKey{k.ref, k.value, "", k.base}] > 1 {
			s.Scope = k.scope
		}
		l.api.Schemas = append(l.api.Schemas, s)
	}
	sort.Slice(l.api.Schemas, func(i, j int) bool { return l.api.Schemas[i].GoName < l.api.Schemas[j].GoName })
	l.namePatterns()
	l.directedRequired()
	return l.api, l.diags
}

func filepathToSlash(p string) string { return strings.ReplaceAll(p, `\`, "/") }

// apiName is x-gateway.name, else the spec's file name, as a Go package name.
func apiName(doc *load.Document) string {
	n := doc.Gateway.Name.V
	if n == "" {
		n = strings.TrimSuffix(path.Base(filepathToSlash(doc.File)), path.Ext(doc.File))
	}
	var b strings.Builder
	for _, r := range strings.ToLower(n) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9' && b.Len() > 0) {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "api"
	}
	if token.IsKeyword(b.String()) || reservedPackage[b.String()] {
		// const.yaml must not make "package const", nor main.go import
		// two packages of one name.
		return b.String() + "api"
	}
	return b.String()
}

// reservedPackage are package names the generated package cannot take:
// main would make it a command, and cmd/<name>-gateway/main.go imports it
// beside server and fasthttp under their own names.
var reservedPackage = map[string]bool{"main": true, "server": true, "fasthttp": true}

func (l *lowerer) root() {
	g := &l.doc.Gateway
	l.api.Listen = g.Listen.V
	if l.api.Listen == "" {
		l.api.Listen = server.DefaultListen
	}
	l.api.MaxHeaderBytes = g.Limits.MaxHeaderBytes.V
	l.api.Timeout = g.Limits.Timeout.V
	l.api.HeaderTimeout = g.Limits.HeaderTimeout.V
	l.api.IdleTimeout = g.Limits.IdleTimeout.V
	l.api.MaxConns = int(g.Limits.MaxConns.V) // xgateway bounds both to an int32
	l.api.MaxConnsPerIP = int(g.Limits.MaxConnsPerIP.V)
	l.api.Admin = g.Admin.Listen.V // operations: "" for no admin listener
	l.api.Anomaly = anomaly(g.Anomaly)
	l.api.BasePath = basePath(l.doc)
	l.api.AnnotateFormats = l.doc.Gateway.Formats.V == "annotate"
	// An upstream's Go name is a Gateway field. The prefix keeps it apart
	// from the fields the gateway keeps for itself (mock, docs, rl, …),
	// from the auth<Scheme> and cache<Op> families, and from Go's keywords
	// (an upstream named "default" or "type").
	upNames := namer{}
	for _, u := range g.Upstreams {
		up := &ir.Upstream{
			Name:    u.Name,
			GoName:  "up" + upNames.unique(goName(u.Name)),
			Balance: balance.P2CEWMA,
			Timeout: u.Timeout.V,
			Pos:     u.Pos,
		}
		if u.Balance.Set {
			up.Balance = u.Balance.V
		}
		lowerUpstreamPolicy(up, u)
		for _, t := range u.Targets {
			w := t.Weight
			if w <= 0 {
				w = 1
			}
			up.Targets = append(up.Targets, ir.Target{URL: t.URL, Weight: w})
		}
		l.api.Upstreams = append(l.api.Upstreams, up)
	}
}

// basePath is x-gateway.base-path, else the path of servers[0].url with its
// variables at their defaults.
func basePath(doc *load.Document) string {
	if doc.Gateway.BasePath.Set {
		return cleanBase(doc.Gateway.BasePath.V)
	}
	return serversPath(doc.T.Servers)
}

// serversPath is the path of the first of servers, with its variables at
// their defaults: "https://{region}.example.com/{version}" is "/v1" when
// version defaults to v1.
func serversPath(servers openapi3.Servers) string {
	if len(servers) == 0 || servers[0] == nil {
		return ""
	}
	srv := servers[0]
	raw := srv.URL
	for name, v := range srv.Variables {
		if v != nil {
			raw = strings.ReplaceAll(raw, "{"+name+"}", v.Default)
		}
	}
	if u, err := url.Parse(raw); err == nil && !strings.Contains(u.Path, "{") {
		return cleanBase(u.Path)
	}
	return ""
}

func cleanBase(p string) string {
	p = strings.TrimRight(p, "/")
	if p != "" && p[0] != '/' {
		p = "/" + p
	}
	return p
}

// opBase is the base path op is served under: that of its own servers, else
// its path item's, else the API's; x-gateway.base-path overrides them all.
func (l *lowerer) opBase(item *openapi3.PathItem, op *openapi3.Operation) string {
	switch {
	case l.doc.Gateway.BasePath.Set:
	case op.Servers != nil && len(*op.Servers) > 0:
		return serversPath(*op.Servers)
	case len(item.Servers) > 0:
		return serversPath(item.Servers)
	}
	return l.api.BasePath
}

// routePrefixes makes the API's BasePath the longest run of segments every
// operation's base path begins with, and each operation's RoutePrefix the
// rest of its own, when some operation's servers give it another base path
// than the document's (bases holds them, by operation).
func (l *lowerer) routePrefixes(bases map[*ir.Operation]string) {
	common := l.api.BasePath
	for _, b := range bases {
		for common != "" && b != common && !strings.HasPrefix(b, common+"/") {
			common = common[:strings.LastIndexByte(common, '/')]
		}
	}
	l.api.BasePath = common
	for o, b := range bases {
		o.RoutePrefix = b[len(common):]
	}
}

func (l *lowerer) operations() {
	if l.doc.T.Paths == nil {
		return // OpenAPI 3.1 allows a document of webhooks or components only
	}
	paths := l.doc.T.Paths.Map()
	keys := make([]string, 0, len(paths))
	for k := range paths {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	taken := map[string]*ir.Operation{} // method + base + template with parameter names erased
	bases := map[*ir.Operation]string{} // operations served under a base path of their own
	for _, p := range keys {
		item := paths[p]
		if item == nil {
			continue
		}
		ops := item.Operations()
		for _, m := range methodOrder {
			op := ops[m]
			if op == nil {
				continue
			}
			if o := l.operation(p, m, item, op); o != nil {
				base := l.opBase(item, op)
				if base != l.api.BasePath {
					bases[o] = base
				}
				k := m + " " + base + erase(p)
				if first, ok := taken[k]; ok {
					// /a/{x} and /a/{y} are one path to OpenAPI and to a
					// router; a document that has both means values of
					// two shapes (an id, a file name), told apart by the
					// parameters' schemas.
					l.diags.Invalidf(o.Pos, "%s %s: the same route as %s %s (paths that differ only in parameter names are identical); a request comes here when %s's path parameters refuse its values and this operation's accept them", m, p, first.Method, first.Path, first.Path)
					o.TwinOf = first
					first.Twins = append(first.Twins, o)
				} else {
					taken[k] = o
				}
				l.api.Operations = append(l.api.Operations, o)
				if o.MaxBody > l.api.MaxBody {
					l.api.MaxBody = o.MaxBody
				}
			}
		}
	}
	if len(bases) > 0 {
		for _, o := range l.api.Operations {
			if _, own := bases[o]; !own {
				bases[o] = l.api.BasePath
			}
		}
		l.routePrefixes(bases)
	}
	for _, o := range l.api.Operations {
		if n := len(o.PathParams); n > l.api.MaxPathParams {
			l.api.MaxPathParams = n
		}
	}
	l.defaultUpstream()
	l.bodyGates()
	l.corsPaths()
	for _, o := range l.api.Operations {
		o.Sample = sampleRequest(o)
	}
}

// DefaultUpstream is where operations that name no upstream are proxied: a
// pool with no targets until the gateway starts with --upstream default=URL,
// so that any document becomes a gateway in front of one backend.
const DefaultUpstream = "default"

func (l *lowerer) defaultUpstream() {
	needed := false
	for _, o := range l.api.Operations {
		if o.Upstream == "" {
			o.Upstream = DefaultUpstream
			needed = true
		}
	}
	if !needed {
		return
	}
	for _, u := range l.api.Upstreams {
		if u.Name == DefaultUpstream {
			return
		}
	}
	names := namer{}
	for _, u := range l.api.Upstreams {
		names.unique(u.GoName)
	}
	l.api.Upstreams = append(l.api.Upstreams, &ir.Upstream{
		Name:    DefaultUpstream,
		GoName:  names.unique("upDefault"),
		Balance: balance.P2CEWMA,
	})
}

func (l *lowerer) operation(p, method string, item *openapi3.PathItem, op *openapi3.Operation) *ir.Operation {
	pos := l.doc.Pos("paths", p, strings.ToLower(method))
	o := &ir.Operation{
		OperationID: op.OperationID,
		Method:      method,
		Path:        p,
		Summary:     op.Summary,
		Description: op.Description,
		Tags:        op.Tags,
		Deprecated:  op.Deprecated,
		Security:    l.security(op),
		Pos:         pos,
	}
	name := goName(op.OperationID)
	if op.OperationID == "" {
		name = goName(strings.ToLower(method) + " " + strings.NewReplacer("{", " by ", "}", " ").Replace(p))
	}
	o.GoName = l.opNames.unique(name)

	segs, why := splitTemplate(p)
	if why != "" {
		l.diags.Warnf(pos, "%s %s: path template %q: %s; operation skipped", method, p, p, why)
		return nil
	}
	for _, s := range segs {
		o.PathParams = append(o.PathParams, s.params...)
	}
	l.params(o, item, op)
	l.body(o, op)
	l.settings(o, item)
	l.responses(o, op)
	l.auth(o, op)
	l.rateLimits(o) // after auth: api-key reads its plan
	return o
}

// settings resolves x-gateway for o: operation over path item over root.
func (l *lowerer) settings(o *ir.Operation, item *openapi3.PathItem) {
	root := l.doc.Gateway.Settings
	pi := l.doc.PathItems[o.Path]
	op := l.doc.Operations[load.OpKey{Method: o.Method, Path: o.Path}]
	levels := []xgateway.Settings{op, pi, root}

	o.Upstream = pick(levels, func(s xgateway.Settings) xgateway.Value[string] { return s.Upstream }).V
	o.Timeout = pick(levels, func(s xgateway.Settings) xgateway.Value[time.Duration] { return s.Timeout }).V
	o.Mock = pick(levels, func(s xgateway.Settings) xgateway.Value[bool] { return s.Mock }).V
	o.MaxBody = pick(levels, func(s xgateway.Settings) xgateway.Value[int64] { return s.MaxBody }).V
	if o.MaxBody == 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.Timeout == 0 {
		for _, u := range l.api.Upstreams {
			if u.Name == o.Upstream {
				o.Timeout = u.Timeout
			}
		}
	}
	l.responseCheck(o, levels)
	l.cache(o, levels)
	l.transform(o, levels)
	l.cors(o, levels)
	rewrite := pick(levels[:2], func(s xgateway.Settings) xgateway.Value[string] { return s.Path })
	tmpl := o.Path
	if rewrite.Set {
		tmpl = rewrite.V
	}
	o.Rewrite = rewriteParts(tmpl)
	for _, part := range o.Rewrite {
		if part.Param != "" && !contains(o.PathParams, part.Param) {
			l.diags.Errorf(rewrite.Pos, "%s %s: x-gateway.path names {%s}, which is not a path parameter of %s", o.Method, o.Path, part.Param, o.Path)
		}
	}
}

// responseCheck resolves response-validation: enabled and sample each from
// the most specific level that sets it. A mock operation is never proxied,
// so it has nothing to check.
func (l *lowerer) responseCheck(o *ir.Operation, levels []xgateway.Settings) {
	enabled := pick(levels, func(s xgateway.Settings) xgateway.Value[bool] { return s.ResponseValidation.Enabled })
	sample := pick(levels, func(s xgateway.Settings) xgateway.Value[float64] { return s.ResponseValidation.Sample })
	if !enabled.V {
		if sample.Set && !enabled.Set && !l.warned[sample.Pos] {
			l.warned[sample.Pos] = true
			l.diags.Warnf(sample.Pos, "x-gateway.response-validation.sample: has no effect, response validation is not enabled (add enabled: true)")
		}
		return
	}
	if o.Mock {
		return
	}
	o.ResponseCheck = &ir.ResponseCheck{Sample: 1, MaxBody: o.MaxBody}
	if sample.Set {
		o.ResponseCheck.Sample = sample.V
	}
}

func pick[T any](levels []xgateway.Settings, get func(xgateway.Settings) xgateway.Value[T]) xgateway.Value[T] {
	for _, s := range levels {
		if v := get(s); v.Set {
			return v
		}
	}
	return xgateway.Value[T]{}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// rewriteParts splits an upstream path template into literals and params.
func rewriteParts(t string) []ir.PathPart {
	var parts []ir.PathPart
	for t != "" {
		i := strings.IndexByte(t, '{')
		j := strings.IndexByte(t, '}')
		if i < 0 || j < i {
			parts = append(parts, ir.PathPart{Literal: t})
			break
		}
		if i > 0 {
			parts = append(parts, ir.PathPart{Literal: t[:i]})
		}
		parts = append(parts, ir.PathPart{Param: t[i+1 : j]})
		t = t[j+1:]
	}
	return parts
}

// segment is one "/"-separated piece of a path template.
type segment struct {
	literal        string   // the whole segment when it has no parameter
	params         []string // the parameters' names, in order
	prefix, suffix string   // literal text before the first and after the last
	seps           []string // the literal text between consecutive parameters
}

// splitTemplate splits "/a/{b}.json" or "/f/{name}-{version}.zip" into
// segments. It fails, saying why, on a segment whose braces do not pair or
// whose parameters have nothing between them, which no request could tell
// apart.
func splitTemplate(p string) ([]segment, string) {
	var out []segment
	for _, s := range strings.Split(strings.TrimPrefix(p, "/"), "/") {
		i := strings.IndexAny(s, "{}")
		if i < 0 {
			out = append(out, segment{literal: s})
			continue
		}
		seg := segment{prefix: s[:i]}
		rest := s[i:]
		for {
			if rest[0] != '{' {
				return nil, fmt.Sprintf("segment %q has a %q without its pair", s, "}")
			}
			j := strings.IndexAny(rest[1:], "{}")
			if j < 0 || rest[1+j] != '}' {
				return nil, fmt.Sprintf("segment %q has a %q without its pair", s, "{")
			}
			seg.params = append(seg.params, rest[1:1+j])
			rest = rest[j+2:]
			k := strings.IndexAny(rest, "{}")
			if k < 0 {
				seg.suffix = rest
				break
			}
			if k == 0 && rest[0] == '{' {
				return nil, fmt.Sprintf("segment %q has two parameters with nothing between them", s)
			}
			seg.seps = append(seg.seps, rest[:k])
			rest = rest[k:]
		}
		out = append(out, seg)
	}
	return out, ""
}

// erase blanks the parameter names of a path template.
func erase(p string) string { return fill(p, func(string) string { return "{}" }) }

// fill replaces each {name} of a path template with value(name).
func fill(p string, value func(name string) string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(p, '{')
		j := strings.IndexByte(p, '}')
		if i < 0 || j < i {
			b.WriteString(p)
			return b.String()
		}
		b.WriteString(p[:i])
		b.WriteString(value(p[i+1 : j]))
		p = p[j+1:]
	}
}

// Package portal renders the developer portal of an API from its IR: a
// static site of pre-rendered HTML pages (an overview, a getting-started
// page from the security schemes, one page per operation and per named
// schema), one stylesheet, one script and a search index built here. It
// reads only the IR and the embedded templates (templates/portal), and the
// pages load nothing from another origin: a strict Content-Security-Policy
// says so to the browser.
package portal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gatewaygen/gatewaygen"
	"github.com/gatewaygen/gatewaygen/generator/diff"
	"github.com/gatewaygen/gatewaygen/generator/ir"
	"github.com/gatewaygen/gatewaygen/generator/module"
	"github.com/gatewaygen/gatewaygen/generator/xgateway"
	"github.com/gatewaygen/gatewaygen/runtime/problem"
	"github.com/gatewaygen/gatewaygen/runtime/proxy"
)

// CSP is the policy every page carries in a <meta> element (and the
// gateway sends as a header): scripts, styles, images and requests from
// the page's own origin only, no plugins, no <base>, no form submission.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'"

// Assets are the files copied as they are from templates/portal.
var Assets = []string{"favicon.svg", "portal.css", "portal.js"}

// Options are what a portal may show beside the API itself.
type Options struct {
	// Changes, with Previous naming the version they are from, make a
	// changelog page; nil for none.
	Changes  []diff.Change
	Previous string
}

// Render returns the portal's files, keyed by slash-separated path relative
// to the portal's root.
func Render(api *ir.API) (map[string][]byte, error) { return RenderWith(api, Options{}) }

// RenderWith is Render with a changelog when opts has changes.
func RenderWith(api *ir.API, opts Options) (map[string][]byte, error) {
	tmpls, err := parse()
	if err != nil {
		return nil, err
	}
	s := newSite(api)
	s.changelog(opts)
	out := map[string][]byte{}
	// The navigation depends only on the page's depth.
	nav := map[string]template.HTML{}
	for _, root := range []string{"", "../"} {
		var b bytes.Buffer
		if err := tmpls["index"].ExecuteTemplate(&b, "nav", &page{Root: root, Site: s}); err != nil {
			return nil, fmt.Errorf("portal: render the navigation: %w", err)
		}
		nav[root] = template.HTML(b.String())
	}
	// pageBufs holds the buffers pages are rendered into.
	pageBufs := sync.Pool{New: func() any { return new(bytes.Buffer) }}
	render := func(name, kind string, p *page) ([]byte, error) {
		n, ok := nav[p.Root]
		if !ok {
			return nil, fmt.Errorf("portal: render %s: no navigation for a page at depth %q", name, p.Root)
		}
		p.Site, p.CSP, p.Nav = s, CSP, n
		// A page is written behind its header into a buffer reused from
		// page to page, then copied once at its size: grown from empty
		// and the header put in front afterwards, each page was copied
		// about three times (mist.com's 28 MB of pages allocated 90 MB).
		b := pageBufs.Get().(*bytes.Buffer)
		defer pageBufs.Put(b)
		b.Reset()
		b.WriteString(module.HeaderFor(name) + "\n")
		if err := tmpls[kind].ExecuteTemplate(b, "page", p); err != nil {
			return nil, fmt.Errorf("portal: render %s: %w", name, err)
		}
		return bytes.Clone(b.Bytes()), nil
	}
	write := func(name, kind string, p *page) error {
		b, err := render(name, kind, p)
		out[name] = b
		return err
	}
	if err := write("index.html", "index", &page{}); err != nil {
		return nil, err
	}
	if err := write("getting-started.html", "start", &page{Title: "Getting started"}); err != nil {
		return nil, err
	}
	if s.Changelog != nil {
		if err := write("changes.html", "changes", &page{Title: "Changes"}); err != nil {
			return nil, err
		}
	}
	if len(s.Webhooks) > 0 {
		s.fillHooks()
		if err := write("webhooks.html", "webhooks", &page{Title: "Webhooks and callbacks"}); err != nil {
			return nil, err
		}
	}
	// The pages of operations and schemas read the site and write only
	// their own view: a document of hundreds of operations renders them
	// on every CPU.
	opPages, err := inParallel(len(s.Ops), func(i int) ([]byte, error) {
		o := s.Ops[i]
		s.fillOp(o)
		defer o.release()
		return render(o.URL, "op", &page{Root: "../", Title: o.Method + " " + o.FullPath, Op: o})
	})
	if err != nil {
		return nil, err
	}
	schemaPages, err := inParallel(len(s.Schemas), func(i int) ([]byte, error) {
		sc := s.Schemas[i]
		sc.HTML = s.newWriter("../").html(sc.schema, false)
		defer func() { sc.HTML = "" }()
		return render(sc.URL, "schema", &page{Root: "../", Title: sc.Name, Schema: sc})
	})
	if err != nil {
		return nil, err
	}
	for i, o := range s.Ops {
		out[o.URL] = opPages[i]
	}
	for i, sc := range s.Schemas {
		out[sc.URL] = schemaPages[i]
	}
	for _, a := range Assets {
		b, err := fs.ReadFile(gatewaygen.Portal, "templates/portal/"+a)
		if err != nil {
			return nil, fmt.Errorf("portal: %w", err)
		}
		out[a] = headed(a, b)
	}
	idx, err := s.searchIndex()
	if err != nil {
		return nil, err
	}
	out["search.js"] = headed("search.js", idx)
	return out, nil
}

// headed puts the header of a file called name in front of b. Each file
// says it is generated, in its own comment syntax, so that regenerating
// removes the pages of operations that are gone; render writes the pages'
// own.
func headed(name string, b []byte) []byte {
	return append([]byte(module.HeaderFor(name)+"\n"), b...)
}

// inParallel calls page(i) for i in [0, n) on GOMAXPROCS goroutines and
// returns the results by index, with the errors of the pages that failed.
func inParallel(n int, page func(i int) ([]byte, error)) ([][]byte, error) {
	out := make([][]byte, n)
	errs := make([]error, n)
	next := make(chan int, n)
	for i := range n {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i], errs[i] = page(i)
			}
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// parse builds one template set per kind of page, each with its own
// "content".
func parse() (map[string]*template.Template, error) {
	src, err := fs.ReadFile(gatewaygen.Portal, "templates/portal/page.html")
	if err != nil {
		return nil, fmt.Errorf("portal: %w", err)
	}
	base, err := template.New("page.html").Parse(string(src))
	if err != nil {
		return nil, fmt.Errorf("portal: templates/portal/page.html: %w", err)
	}
	out := map[string]*template.Template{}
	for _, kind := range []string{"index", "start", "op", "schema", "changes", "webhooks"} {
		t, err := base.Clone()
		if err == nil {
			_, err = t.Parse(`{{define "content"}}{{template "` + kind + `" .}}{{end}}`)
		}
		if err != nil {
			return nil, fmt.Errorf("portal: templates/portal/page.html: %w", err)
		}
		out[kind] = t
	}
	return out, nil
}

// page is what one page's template sees.
type page struct {
	Root   string // "" or "../": from the page to the portal's root
	CSP    string
	Title  string
	Site   *site
	Op     *opView
	Schema *schemaView
	Nav    template.HTML // the "nav" template for Root, rendered once
}

// site is the portal's model of the API, shared by every page.
type site struct {
	api            *ir.API
	Title          string
	Version        string
	Description    template.HTML
	Source         string
	BaseURL        string
	Servers        []serverView
	Tags           []*group // navigation: the declared tags that have operations
	Groups         []*group
	Ops            []*opView
	Schemas        []*schemaView
	HasSchemas     bool
	Schemes        []*schemeView
	ProblemExample string
	AllGateway     []gwRow
	Changelog      *changelog // nil without a previous version
	Webhooks       []*hookView

	named   map[string]*ir.Schema // by GoName
	schemes map[string]*ir.SecurityScheme
	md      sync.Map // text → its markdown, rendered once (see site.markdown)
}

type serverView struct {
	URL         string
	Description string
}

type group struct {
	Name, Slug  string
	Description template.HTML
	Ops         []*opView
}

type schemaView struct {
	Name, Slug, URL string
	HTML            template.HTML
	UsedBy          []*opView
	SentBy          []*hookView // webhooks and callbacks that send it
	schema          *ir.Schema
}

func newSite(api *ir.API) *site {
	s := &site{
		api:     api,
		Title:   api.Title,
		Version: api.Version,
		Source:  api.Source,
		BaseURL: baseURL(api),
		named:   map[string]*ir.Schema{},
		schemes: map[string]*ir.SecurityScheme{},
	}
	if s.Title == "" {
		s.Title = api.Name
	}
	s.Description = s.markdown(api.Description)
	for _, sv := range api.Servers {
		s.Servers = append(s.Servers, serverView{URL: sv.URL, Description: sv.Description})
	}
	for _, sc := range api.Schemas {
		s.named[sc.GoName] = sc
	}
	for _, sc := range api.SecuritySchemes {
		s.schemes[sc.Name] = sc
	}
	for _, o := range api.Operations {
		s.Ops = append(s.Ops, newOpView(api, o))
	}
	s.groups()
	byName := map[string]*schemaView{}
	for _, sc := range api.Schemas {
		v := &schemaView{Name: s.schemaName(sc.GoName), Slug: sc.GoName, URL: schemaURL(sc.GoName), schema: sc}
		s.Schemas = append(s.Schemas, v)
		byName[sc.GoName] = v
	}
	sort.SliceStable(s.Schemas, func(i, j int) bool { return s.Schemas[i].Name < s.Schemas[j].Name })
	s.HasSchemas = len(s.Schemas) > 0
	for _, o := range s.Ops {
		for _, ref := range directRefs(o.op) {
			if v := byName[ref]; v != nil {
				v.UsedBy = append(v.UsedBy, o)
			}
		}
	}
	for _, w := range api.Webhooks {
		h := newHookView(w, "hook-"+strconv.Itoa(len(s.Webhooks)+1))
		s.Webhooks = append(s.Webhooks, h)
		var sent []*ir.Schema
		for _, m := range w.Body {
			sent = append(sent, m.Schema)
		}
		for _, ref := range refsOf(sent) {
			if v := byName[ref]; v != nil {
				v.SentBy = append(v.SentBy, h)
			}
		}
	}
	s.schemesView()
	s.ProblemExample = problemExample(api)
	s.AllGateway = allGatewayRows()
	return s
}

// schemaName is a named schema's name in the document.
func (s *site) schemaName(goName string) string {
	if n := s.named[goName]; n != nil && n.Name != "" {
		return n.Name
	}
	return goName
}

func schemaURL(goName string) string { return "schema/" + goName + ".html" }

// baseURL is where the API is reached: the scheme and host of the first
// absolute server URL with the gateway's base path, or a local address.
func baseURL(api *ir.API) string {
	host := "http://localhost:8080"
	for _, sv := range api.Servers {
		u := sv.URL
		if i := strings.Index(u, "://"); i > 0 && !strings.Contains(u, "{") {
			rest := u[i+3:]
			if j := strings.IndexByte(rest, '/'); j >= 0 {
				rest = rest[:j]
			}
			host = u[:i+3] + rest
			break
		}
	}
	return host + api.BasePath
}

// groups sorts operations under the document's tags, in its order, then
// under tags only operations name, then "Other".
func (s *site) groups() {
	byTag := map[string]*group{}
	slugs := map[string]bool{}
	add := func(name string, desc string) *group {
		g := &group{Name: name, Slug: uniqueSlug(slugs, name), Description: s.markdown(desc)}
		byTag[name] = g
		s.Groups = append(s.Groups, g)
		return g
	}
	for _, t := range s.api.Tags {
		if byTag[t.Name] == nil {
			add(t.Name, t.Description)
		}
	}
	var other *group
	for _, o := range s.Ops {
		if len(o.Tags) == 0 {
			if other == nil {
				other = &group{Name: "Other", Slug: uniqueSlug(slugs, "other")}
			}
			other.Ops = append(other.Ops, o)
			continue
		}
		for _, t := range o.Tags {
			g := byTag[t]
			if g == nil {
				g = add(t, "")
			}
			g.Ops = append(g.Ops, o)
		}
	}
	if other != nil {
		s.Groups = append(s.Groups, other)
	}
	kept := s.Groups[:0]
	for _, g := range s.Groups {
		if len(g.Ops) > 0 {
			kept = append(kept, g)
		}
	}
	s.Groups = kept
	s.Tags = kept
}

// uniqueSlug makes an HTML id fragment of name: lower-case letters,
// digits and dashes, suffixed when taken.
func uniqueSlug(taken map[string]bool, name string) string {
	base := slug(name)
	out := base
	for i := 2; taken[out]; i++ {
		out = fmt.Sprintf("%s-%d", base, i)
	}
	taken[out] = true
	return out
}

func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimSuffix(b.String(), "-")
	if out == "" {
		return "x"
	}
	return out
}

// directRefs are the named schemas an operation's parameters, body and
// responses name directly, sorted.
func directRefs(o *ir.Operation) []string {
	var schemas []*ir.Schema
	for _, p := range o.Params {
		schemas = append(schemas, p.Schema, p.Union)
	}
	if o.Body != nil {
		for _, m := range o.Body.Media {
			schemas = append(schemas, m.Schema)
		}
	}
	for _, r := range o.Responses {
		for _, m := range r.Media {
			schemas = append(schemas, m.Schema)
		}
	}
	return refsOf(schemas)
}

// refsOf are the named schemas that schemas name directly, sorted.
func refsOf(schemas []*ir.Schema) []string {
	seen := map[string]bool{}
	var walk func(s *ir.Schema, depth int)
	walk = func(s *ir.Schema, depth int) {
		if s == nil || depth > maxDepth {
			return
		}
		if s.Ref != "" {
			seen[s.Ref] = true
			return
		}
		for _, p := range s.Properties {
			walk(p.Schema, depth+1)
		}
		for _, l := range [][]*ir.Schema{s.AllOf, s.AnyOf, s.OneOf, s.PrefixItems} {
			for _, c := range l {
				walk(c, depth+1)
			}
		}
		for _, c := range []*ir.Schema{s.Items, s.AdditionalProperties, s.Not, s.If, s.Then, s.Else, s.Contains} {
			walk(c, depth+1)
		}
	}
	for _, sch := range schemas {
		walk(sch, 0)
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// timeoutText says how long the gateway waits for the upstream.
func timeoutText(api *ir.API, o *ir.Operation) string {
	if o.Upstream == "" {
		return "no upstream: answered from the document's examples"
	}
	if o.Timeout > 0 {
		return xgateway.FormatDuration(o.Timeout) + ", then 504"
	}
	for _, u := range api.Upstreams {
		if u.Name == o.Upstream && u.Timeout > 0 {
			return xgateway.FormatDuration(u.Timeout) + " (the upstream's), then 504"
		}
	}
	return xgateway.FormatDuration(proxy.DefaultTimeout) + " (the default), then 504"
}

// prettyJSON indents compact JSON for reading; other text is kept.
func prettyJSON(s string) string {
	if s == "" {
		return ""
	}
	var b bytes.Buffer
	if json.Indent(&b, []byte(s), "", "  ") != nil {
		return s
	}
	return b.String()
}

func problemExample(api *ir.API) string {
	type violation struct {
		Location string `json:"location"`
		Rule     string `json:"rule"`
		Detail   string `json:"detail"`
	}
	doc := struct {
		Type      string      `json:"type"`
		Title     string      `json:"title"`
		Status    int         `json:"status"`
		Detail    string      `json:"detail"`
		Instance  string      `json:"instance"`
		Errors    []violation `json:"errors"`
		RequestID string      `json:"request_id"`
	}{problem.TypeInvalidRequest, "Request validation failed", 400, "query.limit: must be <= 100, found 500",
		api.BasePath + "/things", []violation{{"query.limit", "maximum", "must be <= 100, found 500"}}, "6f1c0e6a2b9d4c1e"}
	b, _ := json.MarshalIndent(doc, "", "  ")
	return string(b)
}

// durationText is a duration as the x-gateway reference writes them.
func durationText(d time.Duration) string { return xgateway.FormatDuration(d) }

// changelog is the changes page: what changed since the previous version,
// breaking changes first.
type changelog struct {
	Previous          string
	Breaking, Other   []changeView
	BreakingN, OtherN int
}

type changeView struct {
	Op, URL, Where, What string
}

func (s *site) changelog(opts Options) {
	if opts.Changes == nil {
		return
	}
	urls := map[string]string{}
	for _, o := range s.Ops {
		urls[o.Method+" "+o.op.Path] = o.URL
	}
	c := &changelog{Previous: opts.Previous}
	for _, ch := range opts.Changes {
		v := changeView{Op: ch.Operation, URL: urls[ch.Operation], Where: ch.Where, What: ch.What}
		if ch.Breaking {
			c.Breaking = append(c.Breaking, v)
		} else {
			c.Other = append(c.Other, v)
		}
	}
	c.BreakingN, c.OtherN = len(c.Breaking), len(c.Other)
	s.Changelog = c
}

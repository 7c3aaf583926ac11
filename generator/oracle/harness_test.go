package oracle

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/gen/issues30"
	"github.com/gatewaygen/gatewaygen/gen/issues31"
	"github.com/gatewaygen/gatewaygen/gen/petstore"
	"github.com/gatewaygen/gatewaygen/gen/petstore30"
	"github.com/gatewaygen/gatewaygen/gen/petstore31"
	"github.com/gatewaygen/gatewaygen/runtime/server"
)

// handler is what every generated Gateway offers.
type handler interface {
	Handle(ctx *fasthttp.RequestCtx)
	Validate(ctx *fasthttp.RequestCtx) bool
}

// compiled are the documents whose generated packages are part of this test
// binary, by name, with the path of their source relative to this directory.
// They are served in mock mode, in process.
var compiled = []struct {
	name, spec string
	new        func() (handler, error)
}{
	{"petstore", "../../specs/petstore.yaml", func() (handler, error) {
		// The demo's verification material, named from here rather than from
		// the repository's root as the document does.
		return petstore.New(server.Config{Mock: true, Auth: map[string]string{
			"petsKey": "file:../../specs/petstore-demo-keys.txt", "petsAdmin": "file:../../specs/petstore-demo-jwks.json"}})
	}},
	{"petstore30", "../../testdata/bench/petstore30.yaml", func() (handler, error) { return petstore30.New(server.Config{Mock: true}) }},
	{"petstore31", "../../testdata/bench/petstore31.yaml", func() (handler, error) { return petstore31.New(server.Config{Mock: true}) }},
	{"issues30", "../../testdata/bench/issues30.yaml", func() (handler, error) { return issues30.New(server.Config{Mock: true}) }},
	{"issues31", "../../testdata/bench/issues31.yaml", func() (handler, error) { return issues31.New(server.Config{Mock: true}) }},
}

// compiledAuth builds the compiled documents that enforce security with
// the material TestDifferential gives them (heldAuth's), so that their
// protected operations are compared signed rather than refused with 401.
var compiledAuth = map[string]func(auth map[string]string) (handler, error){
	"petstore": func(auth map[string]string) (handler, error) {
		return petstore.New(server.Config{Mock: true, Auth: auth})
	},
}

// kinHost is the origin every request is addressed to on the openapi3filter
// side; the document's servers are replaced by it (keeping the base path),
// because which host a request names is not what is compared.
const kinHost = "http://gateway.test"

// loadKin loads spec with kin-openapi as a gateway would read it and
// returns it with the gateway's base path: the path of servers[0].url.
func loadKin(spec string) (*openapi3.T, string, error) {
	l := openapi3.NewLoader()
	doc, err := l.LoadFromFile(spec)
	if err != nil {
		return nil, "", err
	}
	// The base path as the generator decides it (lower.basePath): the
	// path of servers[0].url with its variables at their defaults, unless
	// x-gateway.base-path says otherwise.
	base := ""
	if len(doc.Servers) > 0 && doc.Servers[0] != nil {
		raw := doc.Servers[0].URL
		for name, v := range doc.Servers[0].Variables {
			if v != nil {
				raw = strings.ReplaceAll(raw, "{"+name+"}", v.Default)
			}
		}
		if u, err := url.Parse(raw); err == nil && !strings.Contains(u.Path, "{") {
			base = u.Path
		}
	}
	if xg, ok := doc.Extensions["x-gateway"].(map[string]any); ok {
		if bp, ok := xg["base-path"].(string); ok {
			base = bp
		}
	}
	base = strings.TrimRight(base, "/")
	if base != "" && base[0] != '/' {
		base = "/" + base
	}
	doc.Servers = openapi3.Servers{{URL: kinHost + base}}
	return doc, base, nil
}

// kinOptions are the options a gateway would use: authentication is the
// gateway's own business, not the validator's, so it is accepted as is;
// defaults are not written back into the request.
var kinOptions = &openapi3filter.Options{
	AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
	SkipSettingDefaults: true,
}

// req is one HTTP request, written once and sent to both validators.
type req struct {
	method string
	path   string // below the base path, escaped as it goes on the wire
	query  string // raw query, without "?"
	header [][2]string
	cookie [][2]string
	ctype  string // Content-Type, "" for none
	body   []byte // nil for no body
	params map[string]string
}

func (r *req) uri(base string) string {
	u := base + r.path
	if r.query != "" {
		u += "?" + r.query
	}
	return u
}

// fasthttp writes r into ctx, below base.
func (r *req) fasthttp(ctx *fasthttp.RequestCtx, base string) {
	ctx.Response.Reset()
	r.write(&ctx.Request, r.uri(base))
}

// write writes r into fr, addressed to uri.
func (r *req) write(fr *fasthttp.Request, uri string) {
	fr.Reset()
	fr.Header.SetMethod(r.method)
	fr.URI().DisablePathNormalizing = true
	fr.SetRequestURI(uri)
	for _, h := range r.header {
		fr.Header.Add(h[0], h[1])
	}
	// One Cookie header, as a browser sends it: a name may come more than
	// once (an exploded form array).
	if len(r.cookie) > 0 {
		var cs []string
		for _, c := range r.cookie {
			cs = append(cs, c[0]+"="+c[1])
		}
		fr.Header.Set("Cookie", strings.Join(cs, "; "))
	}
	if r.ctype != "" {
		fr.Header.SetContentType(r.ctype)
	}
	if r.body != nil {
		fr.SetBody(r.body)
	}
}

// http builds r as a net/http request for openapi3filter, below base.
func (r *req) http(base string) (*http.Request, error) {
	var body io.Reader = http.NoBody
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	hr, err := http.NewRequest(r.method, kinHost+r.uri(base), body)
	if err != nil {
		return nil, err
	}
	for _, h := range r.header {
		hr.Header.Add(h[0], h[1])
	}
	for _, c := range r.cookie {
		hr.AddCookie(&http.Cookie{Name: c[0], Value: c[1]})
	}
	if r.ctype != "" {
		hr.Header.Set("Content-Type", r.ctype)
	}
	return hr, nil
}

// verdict is what a validator made of a request.
type verdict struct {
	accept bool
	other  bool     // neither accepted nor rejected for validation (404, 401, 5xx…)
	status int      // the gateway's status; 0 for openapi3filter
	locs   []string // locations named: "query.limit", "/body/tags/1"
	detail string
}

func (v verdict) String() string {
	switch {
	case v.other:
		return fmt.Sprintf("other(%d)", v.status)
	case v.accept:
		return "accept"
	}
	return "reject"
}

// genVerdict classifies the gateway's answer: 2xx is an accepted request
// (mock mode answers from the examples), 400, 413 and 415 reject it.
func genVerdict(status int, body []byte) verdict {
	v := verdict{status: status}
	switch {
	case status >= 200 && status < 300:
		v.accept = true
	case status == 400 || status == 413 || status == 415:
		var p struct {
			Detail string `json:"detail"`
			Errors []struct {
				Location, Rule, Detail string
			} `json:"errors"`
		}
		_ = json.Unmarshal(body, &p)
		v.detail = p.Detail
		for _, e := range p.Errors {
			v.locs = append(v.locs, e.Location)
			v.detail += fmt.Sprintf("; %s %s: %s", e.Location, e.Rule, e.Detail)
		}
		if status == 415 {
			v.locs = append(v.locs, "header.Content-Type")
		}
	default:
		v.other = true
		v.detail = string(body)
	}
	return v
}

// kinVerdict runs openapi3filter.ValidateRequest for route on hr.
func kinVerdict(route *routers.Route, params map[string]string, hr *http.Request) (v verdict) {
	defer func() {
		if p := recover(); p != nil {
			v = verdict{other: true, detail: fmt.Sprint("openapi3filter panicked: ", p)}
		}
	}()
	in := &openapi3filter.RequestValidationInput{Request: hr, PathParams: params, Route: route, Options: kinOptions}
	err := openapi3filter.ValidateRequest(context.Background(), in)
	if err == nil {
		return verdict{accept: true}
	}
	v.detail = err.Error()
	var re *openapi3filter.RequestError
	if errors.As(err, &re) {
		switch {
		case re.Parameter != nil:
			v.locs = append(v.locs, re.Parameter.In+"."+re.Parameter.Name)
		case re.RequestBody != nil:
			loc := "/body"
			var se *openapi3.SchemaError
			if errors.As(err, &se) {
				for _, s := range se.JSONPointer() {
					loc += "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
				}
			} else if strings.Contains(re.Reason, "Content-Type") || strings.Contains(err.Error(), "Content-Type") {
				loc = "header.Content-Type"
			}
			v.locs = append(v.locs, loc)
		}
	}
	return v
}

// locAgrees says whether two named locations agree: equal, or one inside
// the other ("/body" and "/body/name", "query.tags" and "query.tags[1]"),
// since the validators may report a missing property at the object or at
// the property.
func locAgrees(a, b string) bool {
	inside := func(x, y string) bool {
		return strings.HasPrefix(y, x) && (len(y) == len(x) || y[len(x)] == '/' || y[len(x)] == '[' || y[len(x)] == '.')
	}
	return inside(a, b) || inside(b, a)
}

// anyLocAgrees reports whether some location of one side agrees with some of
// the other, and whether both named one at all.
func anyLocAgrees(a, b []string) (agree, both bool) {
	if len(a) == 0 || len(b) == 0 {
		return false, false
	}
	for _, x := range a {
		for _, y := range b {
			if strings.EqualFold(x, y) || locAgrees(x, y) {
				return true, true
			}
		}
	}
	return false, true
}

// inProcess serves requests through a compiled generated gateway.
type inProcess struct {
	h    handler
	base string
	mu   sync.Mutex
	ctx  fasthttp.RequestCtx
}

func (p *inProcess) do(r *req) verdict {
	p.mu.Lock()
	defer p.mu.Unlock()
	r.fasthttp(&p.ctx, p.base)
	p.h.Handle(&p.ctx)
	return genVerdict(p.ctx.Response.StatusCode(), p.ctx.Response.Body())
}

package lower

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatewaygen/gatewaygen/generator/diag"
	"github.com/gatewaygen/gatewaygen/generator/ir"
	"github.com/gatewaygen/gatewaygen/generator/load"
)

func lowerFile(t *testing.T, file string) *ir.API {
	t.Helper()
	doc, diags := load.Load(file)
	if doc == nil || diags.HasFatal() {
		t.Fatalf("load %s:\n%s", file, diags)
	}
	api, more := Lower(doc)
	if more.HasFatal() {
		t.Fatalf("lower %s:\n%s", file, more)
	}
	return api
}

// lowerAt writes spec to a file and lowers it; the document may carry
// findings that are not fatal.
func lowerAt(t *testing.T, spec string) (*ir.API, diag.List) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(file, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	doc, diags := load.Load(file)
	if doc == nil || diags.HasFatal() {
		t.Fatalf("load:\n%s", diags)
	}
	return Lower(doc)
}

// paramsByName indexes o's parameters by name.
func paramsByName(o *ir.Operation) map[string]*ir.Param {
	ps := map[string]*ir.Param{}
	for _, p := range o.Params {
		ps[p.Name] = p
	}
	return ps
}

func op(t *testing.T, api *ir.API, method, path string) *ir.Operation {
	t.Helper()
	for _, o := range api.Operations {
		if o.Method == method && o.Path == path {
			return o
		}
	}
	t.Fatalf("no operation %s %s", method, path)
	return nil
}

// TestSettingsPrecedence checks x-gateway resolution key by key: the
// operation wins over the path item, the path item over the root, and an
// operation without its own timeout takes its upstream's.
func TestSettingsPrecedence(t *testing.T) {
	api := lowerFile(t, "../../specs/petstore.yaml")
	cases := []struct {
		method, path string
		upstream     string
		timeout      time.Duration
		maxBody      int64
		rewrite      string
	}{
		{"GET", "/pets", "pets", 2 * time.Second, 64 << 10, "/pets"},
		{"POST", "/pets", "pets", time.Second, 4 << 10, "/pets"},
		{"GET", "/pets/{petId}", "pets", 500 * time.Millisecond, 64 << 10, "/pets/{petId}"},
		{"GET", "/stores/{storeId}/inventory", "inventory", time.Second, 64 << 10, "/internal/inventory/{storeId}"},
	}
	for _, c := range cases {
		o := op(t, api, c.method, c.path)
		var rw strings.Builder
		for _, p := range o.Rewrite {
			if p.Param != "" {
				rw.WriteString("{" + p.Param + "}")
			} else {
				rw.WriteString(p.Literal)
			}
		}
		if o.Upstream != c.upstream || o.Timeout != c.timeout || o.MaxBody != c.maxBody || rw.String() != c.rewrite {
			t.Errorf("%s %s: upstream %q timeout %v max-body %d rewrite %q; want %q %v %d %q",
				c.method, c.path, o.Upstream, o.Timeout, o.MaxBody, rw.String(), c.upstream, c.timeout, c.maxBody, c.rewrite)
		}
	}
	if api.BasePath != "/v1" {
		t.Errorf("base path %q, want /v1 from servers[0].url", api.BasePath)
	}
	if api.Timeout != 10*time.Second || api.HeaderTimeout != 5*time.Second || api.IdleTimeout != 75*time.Second ||
		api.MaxConns != 8192 || api.MaxConnsPerIP != 2048 {
		t.Errorf("connection limits: timeout %v header %v idle %v max-conns %d per-ip %d; want 10s 5s 75s 8192 2048",
			api.Timeout, api.HeaderTimeout, api.IdleTimeout, api.MaxConns, api.MaxConnsPerIP)
	}
}

// TestRouteTree checks that literal children come before parameters and
// that a path's methods and Allow value are decided in lower.
func TestRouteTree(t *testing.T) {
	api := lowerFile(t, "../../specs/petstore.yaml")
	var pets *ir.Node
	for _, c := range api.Routes.Literals {
		if c.Literal == "pets" {
			pets = c
		}
	}
	if pets == nil {
		t.Fatal("no /pets node")
	}
	if pets.Allow != "GET, HEAD, POST" {
		t.Errorf("Allow of /pets = %q", pets.Allow)
	}
	var lits []string
	for _, c := range pets.Literals {
		lits = append(lits, c.Literal)
	}
	if strings.Join(lits, ",") != "findByTags,mine" || len(pets.Params) != 1 {
		t.Errorf("children of /pets: literals %v, %d parameter nodes", lits, len(pets.Params))
	}
}

// TestSplitTemplate covers segments holding several parameters, and the
// templates no request could be matched against.
func TestSplitTemplate(t *testing.T) {
	for _, c := range []struct {
		tmpl string
		want string // each segment as literal, or prefix/{a}sep{b}/suffix; or the refusal
	}{
		{"/pets/{id}", "pets /{id}/"},
		{"/a/{Sid}.json", "a /{Sid}/.json"},
		{"/v1/{name}:cancel", "v1 /{name}/:cancel"},
		{"/p/{group}/{name}-{version}.zip", "p /{group}/ /{name}-{version}/.zip"},
		{"/x/{repo}-issues-{task}.zip", "x /{repo}-issues-{task}/.zip"},
		{"/x/v{major}.{minor}.{patch}", "x v/{major}.{minor}.{patch}/"},
		{"/x/{a}{b}", `refused: segment "{a}{b}" has two parameters with nothing between them`},
		{"/x/{a", `refused: segment "{a" has a "{" without its pair`},
		{"/x/a}", `refused: segment "a}" has a "}" without its pair`},
		{"/x/{a}}", `refused: segment "{a}}" has a "}" without its pair`},
	} {
		segs, why := splitTemplate(c.tmpl)
		var got []string
		for _, s := range segs {
			if len(s.params) == 0 {
				got = append(got, s.literal)
				continue
			}
			g := s.prefix + "/"
			for i, p := range s.params {
				if i > 0 {
					g += s.seps[i-1]
				}
				g += "{" + p + "}"
			}
			got = append(got, g+"/"+s.suffix)
		}
		if why != "" {
			got = []string{"refused: " + why}
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("%s: %s, want %s", c.tmpl, strings.Join(got, " "), c.want)
		}
	}
}

// TestTwins: templates that differ only in parameter names are kept as
// twins of the first in path order, and only that one is routed.
func TestTwins(t *testing.T) {
	api := lowerFile(t, "../../testdata/golden/twins30/spec.yaml")
	first := op(t, api, "GET", "/accounts/{AccountID}/attachments/{AttachmentID}")
	var twins []string
	for _, o := range first.Twins {
		twins = append(twins, o.Path)
		if o.TwinOf != first {
			t.Errorf("%s: TwinOf %v, want the first", o.Path, o.TwinOf)
		}
	}
	if got := strings.Join(twins, " "); got != "/accounts/{AccountID}/attachments/{FileName} /accounts/{id}/attachments/{key}" {
		t.Errorf("twins %s", got)
	}
	if post := op(t, api, "POST", "/accounts/{AccountID}/attachments/{FileName}"); post.TwinOf != nil || len(post.Twins) != 0 {
		t.Error("the POST, alone on its method, is no twin")
	}
	n := api.Routes
	for _, lit := range []string{"accounts"} {
		for _, c := range n.Literals {
			if c.Literal == lit {
				n = c
			}
		}
	}
	var methods []string
	for _, r := range n.Params[0].Literals[0].Params[0].Methods {
		methods = append(methods, r.Method+" "+r.Op.Path)
	}
	if got := strings.Join(methods, ", "); got != "GET /accounts/{AccountID}/attachments/{AttachmentID}, POST /accounts/{AccountID}/attachments/{FileName}" {
		t.Errorf("routed: %s", got)
	}
}

// TestParams checks merging (path-item parameters with the operation's),
// defaults of style and explode, and the GoNames.
func TestParams(t *testing.T) {
	api := lowerFile(t, "../../specs/petstore.yaml")
	o := op(t, api, "GET", "/pets/{petId}/photos/{photoId}")
	var got []string
	for _, p := range o.Params {
		got = append(got, p.Location()+"="+p.GoName+"/"+p.Style)
	}
	want := "path.petId=PetID/simple,path.photoId=PhotoID/simple,query.size=Size/form"
	if strings.Join(got, ",") != want {
		t.Errorf("params = %s, want %s", strings.Join(got, ","), want)
	}
	tags := op(t, api, "GET", "/pets/findByTags").Params[0]
	if tags.Explode || !tags.Required || tags.Example != "tags=dog,cat" {
		t.Errorf("tags: explode %v required %v example %q", tags.Explode, tags.Required, tags.Example)
	}
}

func TestNames(t *testing.T) {
	for in, want := range map[string]string{
		"petId": "PetID", "list-pets": "ListPets", "X-Client-Version": "XClientVersion",
		"get /pets/ by id ": "GetPetsByID", "2fa": "X2fa", "": "X", "übung": "Xbung",
	} {
		if got := goName(in); got != want {
			t.Errorf("goName(%q) = %q, want %q", in, got, want)
		}
	}
	n := namer{}
	if a, b := n.unique("Pet"), n.unique("pet"); a != "Pet" || b != "pet2" {
		t.Errorf("unique: %q, %q", a, b)
	}
}

func TestBasePath(t *testing.T) {
	for _, c := range []struct{ servers, want string }{
		{"servers: [{url: 'https://api.example.com/v2/'}]", "/v2"},
		{"servers: [{url: /api/v3}]", "/api/v3"},
		{"servers: [{url: 'https://{region}.example.com/{version}', variables: {region: {default: eu}, version: {default: v1}}}]", "/v1"},
		{"servers: [{url: 'https://api.example.com'}]", ""},
		{"", ""},
	} {
		spec := "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n" + c.servers + "\npaths: {}\n"
		file := filepath.Join(t.TempDir(), "spec.yaml")
		if err := os.WriteFile(file, []byte(spec), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := lowerFile(t, file).BasePath; got != c.want {
			t.Errorf("%s: base path %q, want %q", c.servers, got, c.want)
		}
	}
}

// TestParamApplicators checks that array items and object properties whose
// schemas have applicators are marked for their JSON validator, with the
// tokens their text becomes, in 3.1 and in 3.0 (nullable), and that no
// warning says they are not compiled.
func TestParamApplicators(t *testing.T) {
	api := lowerFile(t, "../../testdata/golden/params31/spec.yaml")
	ps := paramsByName(op(t, api, "GET", "/applicators"))
	if p := ps["sel"]; !p.Validate || !p.Token.Number || p.Token.Boolean {
		t.Errorf("sel (anyOf integer, string): validate %v token %+v", p.Validate, p.Token)
	}
	if p := ps["sort"]; !p.Validate || p.Token.Number {
		t.Errorf("sort (allOf [$ref Ordering]): validate %v token %+v", p.Validate, p.Token)
	}
	win := ps["win"]
	var got []string
	for i, pr := range win.Schema.Properties {
		if i < len(win.PropTokens) && win.PropTokens[i] != nil {
			got = append(got, pr.Name+":"+strconv.FormatBool(win.PropTokens[i].Number))
		}
	}
	if strings.Join(got, ",") != "from:true,order:false,size:true" {
		t.Errorf("win property tokens = %v", got)
	}
	if p := ps["X-Win"]; len(p.PropTokens) != 1 || p.PropTokens[0] == nil {
		t.Errorf("X-Win property tokens = %v", p.PropTokens)
	}
	if p := op(t, api, "GET", "/query").Params[0]; p.Validate || p.PropTokens != nil {
		t.Errorf("%s has no applicators: validate %v, property tokens %v", p.Location(), p.Validate, p.PropTokens)
	}

	spec := docStart("3.0.3", queryOp) + `        - {name: a, in: query, schema: {type: array, items: {type: string, nullable: true, allOf: [{minLength: 2}]}}}
        - {name: b, in: query, explode: false, schema: {type: array, items: {anyOf: [{type: integer}, {type: boolean}]}}}
        - {name: o, in: query, style: deepObject, schema: {type: object, properties: {p: {not: {type: integer}}}}}
      responses: {"204": {description: ok}}
`
	api, more := lowerAt(t, spec)
	if s := more.String(); strings.Contains(s, "not compiled") {
		t.Errorf("warnings:\n%s", s)
	}
	p30 := op(t, api, "GET", "/x").Params
	if a := p30[0]; !a.Validate || !a.Token.Null || a.Token.Number {
		t.Errorf("a (nullable string, allOf): validate %v token %+v", a.Validate, a.Token)
	}
	if b := p30[1]; !b.Validate || !b.Token.Number || !b.Token.Boolean {
		t.Errorf("b (anyOf integer, boolean): validate %v token %+v", b.Validate, b.Token)
	}
	if o := p30[2]; len(o.PropTokens) != 1 || o.PropTokens[0] == nil {
		t.Errorf("o (property with not): property tokens %v", o.PropTokens)
	}
}

// TestParamUnions checks the shape a parameter typed only by its branches
// is read as, and the warnings where no shape can be chosen or a text
// content parameter cannot be checked.
func TestParamUnions(t *testing.T) {
	spec := docStart("3.1.0", queryOp) + `        - {name: arr, in: query, schema: {anyOf: [{type: array, items: {type: string}}, {enum: [""]}]}}
        - {name: deep, in: query, style: deepObject, schema: {anyOf: [{type: object, properties: {gt: {type: integer}}}, {type: integer}]}}
        - {name: form, in: query, schema: {anyOf: [{type: object, properties: {gt: {type: integer}}}, {type: integer}]}}
        - {name: two, in: query, schema: {oneOf: [{type: array, items: {type: integer}}, {type: array, items: {type: string}}]}}
        - {name: sc, in: query, schema: {anyOf: [{type: integer}, {type: string}]}}
        - {name: txt, in: query, content: {text/plain: {schema: {type: string, maxLength: 3}}}}
        - {name: any, in: query, content: {"*/*": {schema: {type: string, format: uuid}}}}
        - {name: obj, in: query, content: {text/plain: {schema: {type: object}}}}
        - {name: nobj, in: query, schema: {anyOf: [{anyOf: [{type: object, additionalProperties: {type: string}}, {type: "null"}]}, {type: "null"}]}}
        - {name: X-Nobj, in: header, schema: {oneOf: [{type: "null"}, {type: object, properties: {a: {type: integer}}}]}}
      responses: {"204": {description: ok}}
`
	api, more := lowerAt(t, spec)
	ps := paramsByName(op(t, api, "GET", "/x"))
	for _, c := range []struct {
		name  string
		shape ir.Shape
		union bool
	}{
		{"arr", ir.ShapeArray, true},
		{"deep", ir.ShapeObject, true},
		{"form", ir.ShapePrimitive, false}, // form: an object and a scalar look alike
		{"two", ir.ShapePrimitive, false},
		{"sc", ir.ShapePrimitive, false},
		{"txt", ir.ShapeText, false},
		// A nullable object (openai's metadata): null is never sent, so
		// nothing on the wire is a scalar; form reads the object.
		{"nobj", ir.ShapeObject, false},
		{"X-Nobj", ir.ShapeObject, false},
	} {
		if p := ps[c.name]; p.Shape != c.shape || (p.Union != nil) != c.union {
			t.Errorf("%s: shape %s union %v; want %s %v", c.name, p.Shape, p.Union != nil, c.shape, c.union)
		}
	}
	if p := ps["deep"]; p.UnionToken == nil || !p.UnionToken.Number {
		t.Errorf("deep: the scalar branch is an integer, token %+v", p.UnionToken)
	}
	if p := ps["arr"]; p.Schema.Items == nil || p.Schema.Items.Type != ir.TString {
		t.Errorf("arr: read by the array branch, items %+v", p.Schema.Items)
	}
	if p := ps["txt"]; p.Schema.MaxLength == nil || *p.Schema.MaxLength != 3 {
		t.Errorf("txt: the text keeps its schema, got %+v", p.Schema)
	}
	if p := ps["any"]; p.Shape != ir.ShapeText || p.Schema.Format != "uuid" {
		t.Errorf("any: */* is text checked by its format, got %s %+v", p.Shape, p.Schema)
	}
	if p := ps["X-Nobj"]; len(p.Schema.Properties) != 1 || p.Schema.Properties[0].Schema.Type != ir.TInteger {
		t.Errorf("X-Nobj: read by the object branch, properties %+v", p.Schema.Properties)
	}
	s := more.String()
	if strings.Contains(s, "nobj") || strings.Contains(s, "Nobj") {
		t.Errorf("a nullable object parameter draws a warning:\n%s", s)
	}
	for _, want := range []string{"query.two: its branches offer more than one array", "query.obj: content text/plain carries text", "query.form: a branch is an object, which style form cannot tell"} {
		if !strings.Contains(s, want) {
			t.Errorf("no warning %q in:\n%s", want, s)
		}
	}
}

// docStart is the start of a test document in the given OpenAPI version
// whose paths begin with ops; the test appends the rest, indented to fit.
func docStart(version, ops string) string {
	return "openapi: " + version + "\ninfo: {title: t, version: \"1\"}\npaths:\n" + ops
}

// queryOp is one operation, GET /x, up to its parameters.
const queryOp = "  /x:\n    get:\n      parameters:\n"

// TestDeepNested checks which properties of a deepObject parameter may be
// sent nested (p[prop][x]): those whose schema admits an object or array,
// and undeclared ones unless additionalProperties rules objects out.
func TestDeepNested(t *testing.T) {
	spec := docStart("3.1.0", queryOp) + `        - name: f
          in: query
          style: deepObject
          schema:
            type: object
            properties:
              s: {type: string}
              e: {enum: [a, b]}
              u: {anyOf: [{type: integer}, {type: string}]}
              o: {type: object, properties: {x: {type: string}}}
              any: {description: anything}
              mixed: {anyOf: [{type: string}, {type: array, items: {type: string}}]}
              both: {allOf: [{type: string}, {minLength: 1}]}
        - {name: closed, in: query, style: deepObject, schema: {type: object, additionalProperties: false, properties: {s: {type: string}}}}
        - {name: typed, in: query, style: deepObject, schema: {type: object, additionalProperties: {type: integer}}}
        - {name: open, in: query, style: deepObject, schema: {type: object, additionalProperties: {type: object}}}
        - {name: form, in: query, schema: {type: object, properties: {o: {type: object}}}}
      responses: {"204": {description: ok}}
`
	api, _ := lowerAt(t, spec)
	ps := paramsByName(op(t, api, "GET", "/x"))
	for _, c := range []struct {
		name   string
		props  string
		others bool
	}{
		{"f", "any,mixed,o", true},
		{"closed", "", false},
		{"typed", "", false},
		{"open", "", true},
		{"form", "", false}, // not deepObject: no nested keys are read or refused
	} {
		p := ps[c.name]
		if got := strings.Join(p.NestedProps, ","); got != c.props || p.NestedOthers != c.others {
			t.Errorf("%s: nested props %q, others %v; want %q, %v", c.name, got, p.NestedOthers, c.props, c.others)
		}
	}
}

// TestCacheVaryDeclared checks that a cached operation's key holds the
// headers it declares as parameters (and Cookie for a declared cookie)
// beside the ones x-gateway.cache.vary names, each once.
func TestCacheVaryDeclared(t *testing.T) {
	spec := docStart("3.1.0", "  /x:\n    get:\n      x-gateway: {cache: {ttl: 5s, vary: [Accept, x-client-version]}}\n      parameters:\n") +
		`        - {name: x-client-version, in: header, schema: {type: string}}
        - {name: accept-language, in: header, schema: {type: string}}
        - {name: session, in: cookie, schema: {type: string}}
        - {name: q, in: query, schema: {type: string}}
      responses: {"200": {description: ok}}
  /y:
    get:
      x-gateway: {cache: {ttl: 5s}}
      responses: {"200": {description: ok}}
`
	api, diags := lowerAt(t, spec)
	if diags.HasFatal() {
		t.Fatal(diags)
	}
	if got := strings.Join(op(t, api, "GET", "/x").Cache.Vary, ","); got != "Accept,X-Client-Version,Accept-Language,Cookie" {
		t.Errorf("GET /x: vary %s", got)
	}
	if got := op(t, api, "GET", "/y").Cache.Vary; len(got) != 0 {
		t.Errorf("GET /y: vary %v, want none", got)
	}
}

// TestRoutePrefixes: operations whose own servers (or their path item's)
// give another base path than the document's are routed under it. The
// API's BasePath becomes the segments every base shares, each operation's
// RoutePrefix the rest of its own; x-gateway.base-path overrides them all.
func TestRoutePrefixes(t *testing.T) {
	const ops = `
paths:
  /a:
    get: {responses: {"200": {description: ok}}}
  /b:
    servers: [{url: "https://up.example.test/v1/upload"}]
    get: {responses: {"200": {description: ok}}}
  /c:
    get:
      servers: [{url: "https://{host}/{v}", variables: {host: {default: x.test}, v: {default: v1beta}}}]
      responses: {"200": {description: ok}}
`
	for _, c := range []struct {
		name, head string
		base       string
		prefixes   map[string]string // by path
	}{
		{"beside /v1", "servers: [{url: https://api.example.test/v1}]\n", "", map[string]string{"/a": "/v1", "/b": "/v1/upload", "/c": "/v1beta"}},
		{"no root servers", "", "", map[string]string{"/a": "", "/b": "/v1/upload", "/c": "/v1beta"}},
		{"base-path wins", "servers: [{url: https://api.example.test/v1}]\nx-gateway: {base-path: /api}\n", "/api", map[string]string{"/a": "", "/b": "", "/c": ""}},
	} {
		t.Run(c.name, func(t *testing.T) {
			api, _ := lowerSource(t, "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\n"+c.head+ops)
			if api.BasePath != c.base {
				t.Errorf("BasePath %q, want %q", api.BasePath, c.base)
			}
			for path, want := range c.prefixes {
				o := op(t, api, "GET", path)
				if o.RoutePrefix != want {
					t.Errorf("%s: RoutePrefix %q, want %q", path, o.RoutePrefix, want)
				}
				if o.Sample.Path != want+path {
					t.Errorf("%s: sample path %q, want %q", path, o.Sample.Path, want+path)
				}
			}
		})
	}
	// Only the root's servers: nothing moves.
	api, _ := lowerSource(t, "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\nservers: [{url: /v2}]\npaths:\n  /a:\n    get: {responses: {\"200\": {description: ok}}}\n")
	if o := op(t, api, "GET", "/a"); api.BasePath != "/v2" || o.RoutePrefix != "" {
		t.Errorf("BasePath %q, RoutePrefix %q: want /v2 and none", api.BasePath, o.RoutePrefix)
	}
}

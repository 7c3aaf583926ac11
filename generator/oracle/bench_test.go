package oracle

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/valyala/fasthttp"
)

// benchCase is one request of the comparison benchmarks, sent to the
// generated gateway of doc (petstore30, issues31…) and to openapi3filter.
type benchCase struct {
	name  string
	doc   string // prefix of the document name; "30" or "31" is appended
	valid bool
	r     req
}

// benchBodies reads the request bodies the benchmarks send.
func benchBodies(tb testing.TB) (pet, petNoName, issue, issueNoTitle []byte) {
	tb.Helper()
	pet = readJSON(tb, "testdata/createpet.json")
	issue = readJSON(tb, "testdata/issue.json")
	return pet, without(tb, pet, "name"), issue, without(tb, issue, "title")
}

func readJSON(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	return bytes.TrimSpace(b)
}

// without returns the JSON object body without its top-level property key.
func without(tb testing.TB, body []byte, key string) []byte {
	tb.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		tb.Fatal(err)
	}
	delete(m, key)
	b, err := json.Marshal(m)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

const (
	issuesPath   = "/repos/octo-org/hello-world/issues"
	validQuery   = "filter=assigned&state=open&labels=bug,area:router&sort=updated&direction=asc&since=2024-01-02T03:04:05Z&per_page=50&page=2&pulls=true"
	invalidQuery = "filter=assigned&state=open&labels=bug,area:router&sort=updated&direction=asc&since=2024-01-02T03:04:05Z&per_page=500&page=2&pulls=true"
)

func benchCases(tb testing.TB) []benchCase {
	pet, petNoName, issue, issueNoTitle := benchBodies(tb)
	post := func(path string, body []byte) req {
		return req{method: "POST", path: path, ctype: "application/json", body: body}
	}
	issueParams := map[string]string{"owner": "octo-org", "repo": "hello-world"}
	withParams := func(r req, p map[string]string) req { r.params = p; return r }
	return []benchCase{
		{"createPet/valid", "petstore", true, post("/pets", pet)},
		{"createPet/missing-required", "petstore", false, post("/pets", petNoName)},
		{"issue-10KB/valid", "issues", true, withParams(post(issuesPath, issue), issueParams)},
		{"issue-10KB/missing-required", "issues", false, withParams(post(issuesPath, issueNoTitle), issueParams)},
		{"query/valid", "issues", true, req{method: "GET", path: "/issues", query: validQuery}},
		{"query/invalid", "issues", false, req{method: "GET", path: "/issues", query: invalidQuery}},
	}
}

var benchVersions = []string{"30", "31"}

// compiledGateway returns the compiled gateway named name and its base path.
func compiledGateway(tb testing.TB, name string) (handler, string) {
	tb.Helper()
	for _, c := range compiled {
		if c.name == name {
			h, err := c.new()
			if err != nil {
				tb.Fatal(err)
			}
			_, base, err := loadKin(c.spec)
			if err != nil {
				tb.Fatal(err)
			}
			return h, base
		}
	}
	tb.Fatalf("no compiled gateway %s", name)
	return nil, ""
}

// kinRouted loads the document named name and finds the route of r with
// kin's legacy router, as a gateway built on openapi3filter would do once
// per request before validating.
func kinRouted(tb testing.TB, name string, r *req) (*routers.Route, map[string]string, *http.Request) {
	tb.Helper()
	var spec string
	for _, c := range compiled {
		if c.name == name {
			spec = c.spec
		}
	}
	doc, base, err := loadKin(spec)
	if err != nil {
		tb.Fatal(err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		tb.Fatal(err)
	}
	hr, err := r.http(base)
	if err != nil {
		tb.Fatal(err)
	}
	route, params, err := router.FindRoute(hr)
	if err != nil {
		tb.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	return route, params, hr
}

func benchBytes(r *req) int64 {
	if r.body != nil {
		return int64(len(r.body))
	}
	return int64(len(r.query))
}

// serverLike makes ctx reset between iterations as a fasthttp.Server
// resets the context of a connection between its requests: the response
// keeps its body buffer (Server.ReduceMemoryUsage off, the default), instead
// of handing it back to the pool and taking it again on every rejection.
func serverLike(ctx *fasthttp.RequestCtx) { ctx.Response.KeepBodyBuffer = true }

// BenchmarkGenerated sends each case through the whole generated gateway in
// mock mode (routing, parameters, body, the reply), the request written once.
func BenchmarkGenerated(b *testing.B) {
	for _, v := range benchVersions {
		for _, c := range benchCases(b) {
			b.Run(v+"/"+c.name, func(b *testing.B) {
				h, base := compiledGateway(b, c.doc+v)
				var ctx fasthttp.RequestCtx
				c.r.fasthttp(&ctx, base)
				serverLike(&ctx)
				h.Handle(&ctx)
				if got := genVerdict(ctx.Response.StatusCode(), ctx.Response.Body()); got.accept != c.valid {
					b.Fatalf("gateway answers %d, want valid=%v: %s", ctx.Response.StatusCode(), c.valid, ctx.Response.Body())
				}
				b.SetBytes(benchBytes(&c.r))
				b.ReportAllocs()
				for b.Loop() {
					ctx.Response.Reset()
					h.Handle(&ctx)
				}
			})
		}
	}
}

// BenchmarkGeneratedValidate is BenchmarkGenerated without what a gateway
// does besides validating (request id, mock reply): Gateway.Validate routes
// the request and checks its parameters and body, which is the work
// openapi3filter.ValidateRequest does, plus routing. On the error path it
// also writes the problem document.
func BenchmarkGeneratedValidate(b *testing.B) {
	for _, v := range benchVersions {
		for _, c := range benchCases(b) {
			b.Run(v+"/"+c.name, func(b *testing.B) {
				h, base := compiledGateway(b, c.doc+v)
				var ctx fasthttp.RequestCtx
				c.r.fasthttp(&ctx, base)
				serverLike(&ctx)
				if got := h.Validate(&ctx); got != c.valid {
					b.Fatalf("Validate = %v, want %v: %s", got, c.valid, ctx.Response.Body())
				}
				b.SetBytes(benchBytes(&c.r))
				b.ReportAllocs()
				for b.Loop() {
					ctx.Response.Reset()
					h.Validate(&ctx)
				}
			})
		}
	}
}

// BenchmarkOpenAPI3Filter validates each case with openapi3filter: the route
// is found once, outside the loop; each iteration gives the request a fresh
// body reader and calls ValidateRequest, stopping at the first error.
func BenchmarkOpenAPI3Filter(b *testing.B) {
	for _, v := range benchVersions {
		for _, c := range benchCases(b) {
			b.Run(v+"/"+c.name, func(b *testing.B) {
				route, params, hr := kinRouted(b, c.doc+v, &c.r)
				in := &openapi3filter.RequestValidationInput{Request: hr, PathParams: params, Route: route, Options: kinOptions}
				body := c.r.body
				rd := bytes.NewReader(body)
				validate := func() error {
					if body != nil {
						rd.Reset(body)
						hr.Body = io.NopCloser(rd)
					}
					return openapi3filter.ValidateRequest(context.Background(), in)
				}
				if err := validate(); (err == nil) != c.valid {
					b.Fatalf("openapi3filter: %v, want valid=%v", err, c.valid)
				}
				b.SetBytes(benchBytes(&c.r))
				b.ReportAllocs()
				for b.Loop() {
					_ = validate()
				}
			})
		}
	}
}

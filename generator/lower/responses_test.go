package lower

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gatewaygen/gatewaygen/generator/ir"
	"github.com/gatewaygen/gatewaygen/generator/load"
)

const responseSpec = `openapi: 3.0.3
info: {title: T, version: "1"}
x-gateway:
  upstreams: {a: {targets: ["http://127.0.0.1:1"]}}
  upstream: a
  response-validation: {enabled: true, sample: 0.25}
paths:
  /pets:
    x-gateway:
      response-validation: {sample: 0.5}
    get:
      responses:
        "200":
          description: ok
          content:
            application/json; charset=utf-8: {schema: {type: array, items: {$ref: "#/components/schemas/Pet"}}}
            text/csv: {schema: {type: string}}
        4xx: {description: client error}
        default:
          description: error
          content:
            application/problem+json: {}
    post:
      x-gateway:
        response-validation: {enabled: false}
      responses: {"201": {description: created}}
    put:
      x-gateway:
        mock: true
      responses: {"200": {description: ok}}
  /pets/{id}:
    get:
      x-gateway:
        limits: {max-body: 2KiB}
        response-validation: {sample: 1}
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses: {"200": {description: ok}}
components:
  schemas:
    Pet: {type: object, properties: {name: {type: string}}}
`

func lowerSource(t *testing.T, src string) (*ir.API, string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	doc, diags := load.Load(file)
	if doc == nil || diags.HasErrors() {
		t.Fatalf("load:\n%s", diags)
	}
	api, more := Lower(doc)
	return api, more.String()
}

func TestResponseCheckPrecedence(t *testing.T) {
	api, diags := lowerSource(t, responseSpec)
	if diags != "" {
		t.Errorf("diagnostics:\n%s", diags)
	}
	for _, c := range []struct {
		method, path string
		want         *ir.ResponseCheck
	}{
		{"GET", "/pets", &ir.ResponseCheck{Sample: 0.5, MaxBody: DefaultMaxBody}}, // path item over root
		{"POST", "/pets", nil}, // switched off on the operation
		{"PUT", "/pets", nil},  // mock: never proxied
		{"GET", "/pets/{id}", &ir.ResponseCheck{Sample: 1, MaxBody: 2 << 10}},
	} {
		got := op(t, api, c.method, c.path).ResponseCheck
		if (got == nil) != (c.want == nil) || got != nil && *got != *c.want {
			t.Errorf("%s %s: ResponseCheck %+v, want %+v", c.method, c.path, got, c.want)
		}
	}
}

func TestResponseMedia(t *testing.T) {
	api, _ := lowerSource(t, responseSpec)
	o := op(t, api, "GET", "/pets")
	var got []string
	for _, r := range o.Responses {
		s := r.Status + ":"
		for _, m := range r.Media {
			s += " " + m.ContentType
			if m.JSON {
				s += "(json)"
			}
			if m.Schema != nil {
				s += "+schema"
			}
		}
		if r.Pos.Line == 0 {
			t.Errorf("response %s has no position", r.Status)
		}
		got = append(got, s)
	}
	want := "200: application/json(json)+schema text/csv | 4XX: | default: application/problem+json(json)"
	if g := strings.Join(got, " | "); g != want {
		t.Errorf("responses\n got  %s\n want %s", g, want)
	}
	// Operations without response checks keep the lighter IR.
	if r := op(t, api, "POST", "/pets").Responses; len(r) != 1 || r[0].Media != nil {
		t.Errorf("POST /pets responses %+v", r)
	}
}

func TestResponseSampleWithoutEnabled(t *testing.T) {
	src := strings.Replace(responseSpec, "response-validation: {enabled: true, sample: 0.25}", "response-validation: {sample: 0.25}", 1)
	api, diags := lowerSource(t, src)
	// One warning per sample written, however many operations inherit it:
	// the path item's and GET /pets/{id}'s (the root's is overridden by both).
	if n := strings.Count(diags, "has no effect, response validation is not enabled"); n != 2 || !strings.Contains(diags, "spec.yaml:10:") {
		t.Errorf("want two warnings, got:\n%s", diags)
	}
	if o := op(t, api, "GET", "/pets"); o.ResponseCheck != nil {
		t.Errorf("GET /pets checks responses without being enabled")
	}
}

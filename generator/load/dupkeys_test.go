package load

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestDuplicateKeys: a key a mapping repeats is an error at the repeat,
// naming the first, in YAML and in JSON, at any depth and in mappings of
// every size (the large ones take another path); merge keys may repeat.
func TestDuplicateKeys(t *testing.T) {
	const head = "openapi: 3.1.0\ninfo: {title: t, version: \"1\"}\n"
	var many strings.Builder // a mapping too large for the linear scan
	for i := range 40 {
		fmt.Fprintf(&many, "        p%d: {type: string}\n", i)
	}
	for _, c := range []struct {
		name, file, src string
		want            string // "" for none
	}{
		{"paths", "a.yaml", head + "paths:\n  /a:\n    get: {responses: {\"200\": {description: ok}}}\n  /a:\n    post: {responses: {\"200\": {description: ok}}}\n",
			`a.yaml:6:3: duplicate key "/a": it is also at line 4, column 3`},
		{"x-gateway in json", "a.json", `{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}, "x-gateway": {"name": "a", "name": "b"}}`,
			`a.json:1:102: duplicate key "name": it is also at line 1, column 89`},
		{"x-gateway twice in json", "a.json", `{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}, "x-gateway": {}, "x-gateway": {}}`,
			`a.json:1:92: duplicate key "x-gateway": it is also at line 1, column 75`},
		{"deep", "a.yaml", head + "paths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        x: {type: string}\n        x: {type: integer}\n",
			`a.yaml:10:9: duplicate key "x": it is also at line 9, column 9`},
		{"large", "a.yaml", head + "paths: {}\ncomponents:\n  schemas:\n    A:\n      properties:\n" + many.String() + "        p7: {type: integer}\n",
			`a.yaml:48:9: duplicate key "p7": it is also at line 15, column 9`},
		{"in a list", "a.yaml", head + "paths: {}\ntags:\n  - {name: a, name: b}\n",
			`a.yaml:5:15: duplicate key "name": it is also at line 5, column 6`},
		{"merge keys", "a.yaml", head + "paths: {}\ncomponents:\n  schemas:\n    A: &a {type: string}\n    B: &b {minLength: 1}\n    C:\n      <<: *a\n      <<: *b\n", ""},
		{"none", "a.yaml", head + "paths: {}\n", ""},
	} {
		_, diags := Load(write(t, t.TempDir(), c.file, c.src))
		got := diags.String()
		if c.want == "" {
			if strings.Contains(got, "duplicate key") {
				t.Errorf("%s: %s", c.name, got)
			}
			continue
		}
		if !strings.Contains(got, c.want) || !diags.HasErrors() {
			t.Errorf("%s: got\n%s\nwant an error containing %q", c.name, got, c.want)
		}
	}
}

// TestDuplicateKeysInJSON: outside x-gateway, a JSON document's repeated
// name is read as JSON parsers read it, the last one, with a warning that
// says which is dropped; what gatewaygen reads of the document (here the
// path item's x-gateway and the operations) agrees with kin-openapi's.
func TestDuplicateKeysInJSON(t *testing.T) {
	src := `{"openapi": "3.0.3", "info": {"title": "t", "description": "old", "description": "new", "version": "1"},
"paths": {
"/a": {"x-gateway": {"timeout": "1s"}, "get": {"responses": {"200": {"description": "ok"}}}},
"/a": {"x-gateway": {"timeout": "2s"}, "post": {"responses": {"200": {"description": "ok"}}}}}}`
	d, diags := Load(write(t, t.TempDir(), "a.json", src))
	got := diags.String()
	for _, want := range []string{
		`a.json:1:67: warning: duplicate key "description": the one at line 1, column 45 is dropped and this one read`,
		`a.json:4:1: warning: duplicate key "/a": the one at line 3, column 1 is dropped and this one read`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("got\n%s\nwant %q", got, want)
		}
	}
	if d == nil || diags.HasErrors() {
		t.Fatalf("not loaded:\n%s", got)
	}
	if d.T.Info.Description != "new" || d.T.Paths.Find("/a").Get != nil || d.T.Paths.Find("/a").Post == nil {
		t.Errorf("kin-openapi read description %q and /a %+v: want the last of each", d.T.Info.Description, d.T.Paths.Find("/a"))
	}
	if pi, ok := d.PathItems["/a"]; !ok || pi.Timeout.V != 2*time.Second {
		t.Errorf("the path item's x-gateway read %+v, want the last one's timeout (2s)", pi)
	}
}

// TestBooleanRequiredInSchema: a schema's required: true (the Swagger 2
// spelling) is named at its key with what to write instead, not with
// kin-openapi's "cannot construct !!bool into []string"; a parameter's
// required: true is what OpenAPI asks and passes.
func TestBooleanRequiredInSchema(t *testing.T) {
	const src = `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                name:
                  type: string
                  required: true
      responses:
        "200": {description: ok}
`
	d, diags := Load(write(t, t.TempDir(), "a.yaml", src))
	got := diags.String()
	if want := "a.yaml:17:19: warning: required: true in a schema is ignored"; !strings.Contains(got, want) || strings.Contains(got, "cannot construct") || diags.HasErrors() {
		t.Errorf("got\n%s\nwant the warning %q, no error and no kin-openapi message", got, want)
	}
	if strings.Count(got, "required: true in a schema") != 1 {
		t.Errorf("the parameter's or the request body's required was reported too:\n%s", got)
	}
	if d == nil {
		t.Fatal("the document was not loaded")
	}
	body := d.T.Paths.Find("/a/{id}").Post.RequestBody.Value
	name := body.Content["application/json"].Schema.Value.Properties["name"].Value
	if !body.Required || name.Extensions["x-required"] != true || len(name.Required) != 0 {
		t.Errorf("request body required %v, name's extensions %v and required %v: want the body's kept, the schema's renamed",
			body.Required, name.Extensions, name.Required)
	}
	// The same in JSON, whose keys are quoted, on one line.
	js := `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{"post":{"requestBody":{"content":{"image/jpeg":` +
		`{"schema":{"type":"string","format":"byte","required":true}}}},"responses":{"200":{"description":"ok"}}}}}}`
	if d, diags := Load(write(t, t.TempDir(), "a.json", js)); d == nil || diags.HasErrors() || !strings.Contains(diags.String(), "a.json:1:160: warning: required: true in a schema is ignored") {
		t.Errorf("JSON: loaded %v\n%s", d != nil, diags)
	}
}

// TestStrayRefInSchema: a schema given by a $ref to a response (rumble.run's
// document does this twice) is warned of at the $ref and taken as the empty
// schema, not a refusal of the whole document; the same response named by
// $ref where a response belongs is still that response.
func TestStrayRefInSchema(t *testing.T) {
	const src = `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /tags:
    patch:
      requestBody:
        content:
          application/json:
            schema:
              $ref: '#/components/responses/Status'
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  result: {$ref: "#/components/responses/Status"}
        "400":
          $ref: '#/components/responses/Status'
components:
  responses:
    Status:
      description: Summary of operation results
`
	d, diags := Load(write(t, t.TempDir(), "a.yaml", src))
	got := diags.String()
	for _, want := range []string{
		`a.yaml:10:15: warning: $ref "#/components/responses/Status" names a response, not a schema`,
		`a.yaml:19:28: warning: $ref "#/components/responses/Status" names a response, not a schema`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("got\n%s\nwant %q", got, want)
		}
	}
	if diags.HasErrors() || strings.Count(got, "names a response") != 2 || d == nil {
		t.Fatalf("loaded %v, diagnostics:\n%s\nwant the document loaded with two warnings", d != nil, got)
	}
	op := d.T.Paths.Find("/tags").Patch
	body := op.RequestBody.Value.Content["application/json"].Schema.Value
	if body.Extensions["x-ref"] != "#/components/responses/Status" || body.Type != nil {
		t.Errorf("request body schema %+v: want the empty schema with x-ref", body)
	}
	if r := op.Responses.Value("400"); r == nil || r.Value == nil || *r.Value.Description != "Summary of operation results" {
		t.Errorf("the 400 response's own $ref was not kept: %+v", r)
	}
	// In JSON, on one line, as the published document is.
	js := `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":"ok",` +
		`"content":{"application/json":{"schema":{"$ref":"#/components/responses/S"}}}}}}}},"components":{"responses":{"S":{"description":"s"}}}}`
	if d, diags := Load(write(t, t.TempDir(), "a.json", js)); d == nil || diags.HasErrors() || !strings.Contains(diags.String(), `a.json:1:157: warning: $ref "#/components/responses/S" names a response`) {
		t.Errorf("JSON: loaded %v\n%s", d != nil, diags)
	}
}

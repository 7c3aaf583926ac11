package lower

import "testing"

// TestShareParams: an operation whose parameters decode as an earlier
// one's points to it (ParamsOf), even when descriptions and examples
// differ; the same parameter at another position of the path, another
// constraint or one more parameter keep a decoder of their own.
func TestShareParams(t *testing.T) {
	api, diags := lowerAt(t, `openapi: 3.1.0
info: {title: T, version: "1"}
x-gateway:
  upstreams: {a: {targets: ["http://127.0.0.1:1"]}}
  upstream: a
paths:
  /orgs/{org}/a:
    get:
      operationId: listA
      parameters:
        - {name: org, in: path, required: true, description: the org, schema: {type: string, format: uuid}}
        - {name: limit, in: query, schema: {type: integer, maximum: 100}}
      responses: {"200": {description: ok}}
    post:
      operationId: createA
      parameters:
        - {name: org, in: path, required: true, description: its org, example: 9b3a6a3e-52a8-4a39-9f5b-2f0d4f4d7f3c, schema: {type: string, format: uuid, description: an id}}
        - {name: limit, in: query, schema: {type: integer, maximum: 100}}
      responses: {"200": {description: ok}}
    put:
      operationId: putA
      parameters:
        - {name: org, in: path, required: true, schema: {type: string, format: uuid}}
        - {name: limit, in: query, schema: {type: integer, maximum: 50}}
      responses: {"200": {description: ok}}
    delete:
      operationId: deleteA
      parameters:
        - {name: org, in: path, required: true, schema: {type: string, format: uuid}}
        - {name: limit, in: query, schema: {type: integer, maximum: 100}}
        - {name: force, in: query, schema: {type: boolean}}
      responses: {"200": {description: ok}}
  /x/{id}/orgs/{org}/a:
    get:
      operationId: listX
      parameters:
        - {name: org, in: path, required: true, schema: {type: string, format: uuid}}
        - {name: id, in: path, required: true, schema: {type: string, format: uuid}}
        - {name: limit, in: query, schema: {type: integer, maximum: 100}}
      responses: {"200": {description: ok}}
  /y/{org}/{id}/a:
    get:
      operationId: listY
      parameters:
        - {name: org, in: path, required: true, schema: {type: string, format: uuid}}
        - {name: id, in: path, required: true, schema: {type: string, format: uuid}}
        - {name: limit, in: query, schema: {type: integer, maximum: 100}}
      responses: {"200": {description: ok}}
    put:
      operationId: putY
      parameters:
        - {name: org, in: path, required: true, schema: {type: string, format: uuid}}
        - {name: id, in: path, required: true, schema: {type: string, format: uuid}}
        - {name: limit, in: query, schema: {type: integer, maximum: 100}}
      responses: {"200": {description: ok}}
`)
	if diags.HasErrors() {
		t.Fatalf("diagnostics:\n%s", diags)
	}
	first := op(t, api, "GET", "/orgs/{org}/a").GoName
	for _, c := range []struct{ method, path, want string }{
		{"GET", "/orgs/{org}/a", ""},
		{"POST", "/orgs/{org}/a", first},
		{"PUT", "/orgs/{org}/a", ""},    // another maximum
		{"DELETE", "/orgs/{org}/a", ""}, // one parameter more
		{"GET", "/x/{id}/orgs/{org}/a", ""},
		{"GET", "/y/{org}/{id}/a", ""}, // org and id where /x has id and org
		{"PUT", "/y/{org}/{id}/a", op(t, api, "GET", "/y/{org}/{id}/a").GoName},
	} {
		if got := op(t, api, c.method, c.path).ParamsOf; got != c.want {
			t.Errorf("%s %s: parameters of %q, want %q", c.method, c.path, got, c.want)
		}
	}
}

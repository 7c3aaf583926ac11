package lower

import "testing"

// TestShareAuth: operations with the same requirement share one authorize
// function, named after its schemes; a requirement of one operation keeps
// that operation's name; two requirements over the same schemes with other
// scopes cannot both take the schemes' name, and the second is named after
// its first operation; a public operation has none.
func TestShareAuth(t *testing.T) {
	api, diags := lowerAt(t, `openapi: 3.1.0
info: {title: T, version: "1"}
x-gateway:
  upstreams: {a: {targets: ["http://127.0.0.1:1"]}}
  upstream: a
  security:
    key: {keys: {env: KEYS}}
    bearer: {jwks: {file: jwks.json}}
security: [{key: []}, {bearer: []}]
paths:
  /a:
    get: {operationId: getA, responses: {"200": {description: ok}}}
    post: {operationId: postA, security: [{bearer: [write]}], responses: {"200": {description: ok}}}
  /b:
    get: {operationId: getB, responses: {"200": {description: ok}}}
    put: {operationId: putB, security: [{bearer: [write]}], responses: {"200": {description: ok}}}
    delete: {operationId: deleteB, security: [{bearer: [admin]}], responses: {"200": {description: ok}}}
  /c:
    get: {operationId: getC, security: [{bearer: [admin, audit]}], responses: {"200": {description: ok}}}
    patch: {operationId: patchC, security: [{bearer: [admin, audit]}], responses: {"200": {description: ok}}}
  /d:
    get: {operationId: getD, security: [], responses: {"200": {description: ok}}}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
    bearer: {type: http, scheme: bearer}
`)
	if diags.HasErrors() {
		t.Fatalf("diagnostics:\n%s", diags)
	}
	for _, c := range []struct{ method, path, want string }{
		{"GET", "/a", "authorizeKeyOrBearer"},
		{"GET", "/b", "authorizeKeyOrBearer"},
		{"POST", "/a", "authorizeBearer"},
		{"PUT", "/b", "authorizeBearer"},
		{"DELETE", "/b", "authorizeDeleteB"},
		{"GET", "/c", "authorizeGetC"},
		{"PATCH", "/c", "authorizeGetC"},
		{"GET", "/d", ""},
	} {
		o := op(t, api, c.method, c.path)
		got := ""
		if o.Auth != nil {
			got = o.Auth.Func
		}
		if got != c.want {
			t.Errorf("%s %s: authorize function %q, want %q", c.method, c.path, got, c.want)
		}
	}
}

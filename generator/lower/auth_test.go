package lower

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestAuthPlans checks the requirement each operation enforces: schemes as
// indexes in order of first use, an empty alternative moved last, a
// scheme of a type not enforced yet dropping its alternatives (counted, so
// the operation is refused rather than served), security: [] public and no
// requirement at all nil.
func TestAuthPlans(t *testing.T) {
	api := lowerFile(t, filepath.Join("..", "..", "testdata", "golden", "auth30", "spec.yaml"))
	for _, c := range []struct{ method, path, want string }{
		{"GET", "/default", `{"alternatives":[[{"scheme":0}]],"func":"authorizeByDefault"}`},
		{"GET", "/either", `{"alternatives":[[{"scheme":0}],[{"scheme":1,"scopes":["read"]}]],"func":"authorizeEither"}`},
		{"POST", "/both", `{"alternatives":[[{"scheme":0},{"scheme":1,"scopes":["read","write"]}]],"func":"authorizeBoth"}`},
		{"GET", "/public", `{"public":true}`},
		{"GET", "/optional", `{"alternatives":[[{"scheme":1}],[]],"func":"authorizeOptional"}`},
		{"GET", "/digest", `{"unenforceable":1,"func":"authorizeDigestOnly"}`},
		{"GET", "/users", `{"alternatives":[[{"scheme":5}]],"func":"authorizeUsers"}`},
		{"GET", "/opaque", `{"alternatives":[[{"scheme":4,"scopes":["read"]}]],"func":"authorizeOpaque"}`},
	} {
		got, _ := json.Marshal(op(t, api, c.method, c.path).Auth)
		if string(got) != c.want {
			t.Errorf("%s %s: auth %s, want %s", c.method, c.path, got, c.want)
		}
	}
	if len(api.AuthSchemes) != 6 {
		t.Fatalf("auth schemes %+v, want key, oauth, hs, idp, op and basic", api.AuthSchemes)
	}
	if o := api.AuthSchemes[4]; o.Name != "op" || o.Kind != "introspect" || o.IntrospectionURL != "https://id.example/introspect" || o.ClientID != "gateway" || o.Env != "AUTH30_INTROSPECT" {
		t.Errorf("op scheme %+v", o)
	}
	if b := api.AuthSchemes[5]; b.Name != "basic" || b.Kind != "basic" || b.File != "users.htpasswd" {
		t.Errorf("basic scheme %+v", b)
	}
	if h := api.AuthSchemes[2]; h.Name != "hs" || h.SecretEnv != "AUTH30_HMAC" || h.URL != "https://id.example/jwks" || h.Refresh.String() != "1m0s" || h.MinRefetch.String() != "30s" {
		t.Errorf("hs scheme %+v", h)
	}
	if o := api.AuthSchemes[3]; o.Name != "idp" || o.Discovery != "https://id.example/.well-known/openid-configuration" || o.ConsumerHeader != "X-User" || len(o.Claims) != 1 || o.Claims[0].Header != "X-Tenant" {
		t.Errorf("idp scheme %+v", o)
	}
	if got := strings.Join(api.AuthIdentity, ","); got != "X-Tenant,X-User" {
		t.Errorf("identity headers %s", got)
	}
	k, o := api.AuthSchemes[0], api.AuthSchemes[1]
	if k.Name != "key" || k.Kind != "apiKey" || k.In != "query" || k.ParamName != "api_key" || k.Env != "AUTH30_KEYS" || !k.Forward {
		t.Errorf("key scheme %+v", k)
	}
	if o.Name != "oauth" || o.Kind != "jwt" || o.File != "jwks.json" || o.Issuer != "https://id.example" || o.Audience != "auth30" ||
		o.Leeway.String() != "10s" || len(o.Algorithms) != 2 {
		t.Errorf("oauth scheme %+v", o)
	}
}

// TestAuthMutualTLS: a mutualTLS scheme is enforced (no longer dropped as
// unsupported), takes its CA from client-ca on the scheme or under
// x-gateway.security, and combines with other schemes by OR and AND.
func TestAuthMutualTLS(t *testing.T) {
	api, diags := lowerAt(t, `openapi: 3.1.0
info: {title: T, version: "1"}
x-gateway:
  upstreams: {a: {targets: ["http://127.0.0.1:1"]}}
  upstream: a
  security:
    root: {client-ca: {env: ROOT_CA}, forward-consumer: true}
    key: {keys: {file: keys.txt}}
paths:
  /a:
    get:
      security: [{cert: []}, {key: []}]
      responses: {"200": {description: ok}}
    post:
      security: [{root: [], key: []}]
      responses: {"200": {description: ok}}
components:
  securitySchemes:
    cert:
      type: mutualTLS
      x-gateway: {client-ca: {file: clients-ca.pem}, forward: {consumer: X-Client}}
    root: {type: mutualTLS}
    key: {type: apiKey, in: header, name: X-Key}
`)
	if len(diags) != 0 {
		t.Fatalf("diagnostics:\n%s", diags)
	}
	for _, c := range []struct{ method, path, want string }{
		{"GET", "/a", `{"alternatives":[[{"scheme":0}],[{"scheme":1}]],"func":"authorizeGetA"}`},
		{"POST", "/a", `{"alternatives":[[{"scheme":1},{"scheme":2}]],"func":"authorizePostA"}`},
	} {
		got, _ := json.Marshal(op(t, api, c.method, c.path).Auth)
		if string(got) != c.want {
			t.Errorf("%s %s: auth %s, want %s", c.method, c.path, got, c.want)
		}
	}
	if c := api.AuthSchemes[0]; c.Name != "cert" || c.Kind != "mutualTLS" || c.File != "clients-ca.pem" || c.ConsumerHeader != "X-Client" {
		t.Errorf("cert scheme %+v", c)
	}
	if r := api.AuthSchemes[2]; r.Name != "root" || r.Kind != "mutualTLS" || r.Env != "ROOT_CA" || !r.Forward {
		t.Errorf("root scheme %+v", r)
	}
}

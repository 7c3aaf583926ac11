package lower

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestAuthRoles: OpenAPI 3.1 lets a requirement list roles for a scheme
// that is not oauth2 or openIdConnect. An http bearer scheme checks them as
// its token's scopes (with its roles-claim); the corpus's example, which
// gives no material, generates with the usual warning. A 3.0 document
// keeps its empty-list rule.
func TestAuthRoles(t *testing.T) {
	const corpus = `openapi: 3.1.0
info: {title: Non-oAuth Scopes example, version: 1.0.0}
paths:
  /users:
    get:
      security:
        - bearerAuth:
            - read:users
            - public
components:
  securitySchemes:
    bearerAuth: {type: http, scheme: bearer, bearerFormat: jwt}
`
	api, diags := lowerAt(t, corpus)
	if diags.HasErrors() {
		t.Fatalf("the corpus's roles example does not lower:\n%s", diags)
	}
	got, _ := json.Marshal(op(t, api, "GET", "/users").Auth)
	if want := `{"alternatives":[[{"scheme":0,"scopes":["read:users","public"]}]],"func":"authorizeGetUsers"}`; string(got) != want {
		t.Errorf("auth %s, want %s", got, want)
	}

	withClaim := strings.Replace(corpus, "paths:", "x-gateway:\n  security:\n    bearerAuth: {jwks: {file: jwks.json}, roles-claim: roles}\npaths:", 1)
	api, diags = lowerAt(t, withClaim)
	if len(diags) != 0 {
		t.Fatalf("diagnostics:\n%s", diags)
	}
	if s := api.AuthSchemes[0]; s.RolesClaim != "roles" {
		t.Errorf("roles claim %q, want roles", s.RolesClaim)
	}

	for _, c := range []struct{ name, spec, want string }{
		{"3.0 keeps the empty list", strings.Replace(corpus, "3.1.0", "3.0.3", 1), "OpenAPI 3.0 requires an empty list"},
		{"apiKey", strings.Replace(corpus, "{type: http, scheme: bearer, bearerFormat: jwt}", "{type: apiKey, in: header, name: X-Key}", 1),
			"scheme bearerAuth (apiKey) cannot check the roles read:users, public"},
		{"basic", strings.Replace(corpus, "scheme: bearer, bearerFormat: jwt", "scheme: basic", 1),
			"scheme bearerAuth (http basic) cannot check the roles"},
		{"role with a space", strings.Replace(corpus, "- public", "- \"pub lic\"", 1), `role "pub lic" of scheme bearerAuth`},
		{"roles-claim on apiKey", strings.Replace(strings.Replace(withClaim, "{type: http, scheme: bearer, bearerFormat: jwt}", "{type: apiKey, in: header, name: X-Key}", 1), "jwks: {file: jwks.json}", "keys: {file: keys.txt}", 1),
			"roles-claim: only an http bearer scheme has roles"},
	} {
		t.Run(c.name, func(t *testing.T) {
			api, diags := lowerAt(t, c.spec)
			if !diags.HasErrors() || !strings.Contains(diags.String(), c.want) {
				t.Fatalf("diagnostics:\n%s\nwant an error with %q", diags, c.want)
			}
			if a := op(t, api, "GET", "/users").Auth; len(a.Alternatives) != 0 {
				t.Errorf("a requirement it cannot check kept alternatives %+v", a.Alternatives)
			}
		})
	}
}

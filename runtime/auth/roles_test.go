package auth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/request"
)

// TestRoles: the roles an OpenAPI 3.1 requirement lists for an http bearer
// scheme are held by a token through scope, scp or the scheme's roles
// claim; a valid token lacking one is refused with 403 and an RFC 6750
// insufficient_scope challenge naming what is needed.
func TestRoles(t *testing.T) {
	f := newFixture(t)
	path := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(path, f.jwks, 0o600); err != nil {
		t.Fatal(err)
	}
	j, err := NewJWT(JWTConfig{Scheme: "bearerAuth", Realm: "test", JWKS: Source{File: path}, RolesClaim: "roles",
		Leeway: 30 * time.Second, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	roles := []string{"read:users", "public"}
	for _, c := range []struct {
		name   string
		claims jwt.MapClaims
		status int // 0: passes
	}{
		{"roles claim list", jwt.MapClaims{"roles": []string{"public", "read:users"}}, 0},
		{"roles claim string", jwt.MapClaims{"roles": "read:users public admin"}, 0},
		{"scope", jwt.MapClaims{"scope": "public read:users"}, 0},
		{"scope and roles together", jwt.MapClaims{"scope": "public", "roles": []string{"read:users"}}, 0},
		{"one role missing", jwt.MapClaims{"roles": []string{"public"}}, fasthttp.StatusForbidden},
		{"no roles", nil, fasthttp.StatusForbidden},
		{"role of another claim", jwt.MapClaims{"groups": []string{"public", "read:users"}}, fasthttp.StatusForbidden},
		{"roles claim of another shape", jwt.MapClaims{"roles": map[string]any{"public": true}}, fasthttp.StatusUnauthorized},
		{"roles claim with a number", jwt.MapClaims{"roles": []any{"public", 7}}, fasthttp.StatusUnauthorized},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := reqWith("Authorization", "Bearer "+f.token(t, jwt.SigningMethodES256, "ec1", f.ec, c.claims))
			st := request.Acquire()
			defer request.Release(st)
			var v Verdict
			ok := v.Begin(ctx) && v.Alt() && j.Check(&v, roles)
			if ok != (c.status == 0) {
				t.Fatalf("passed %v, want %v", ok, c.status == 0)
			}
			if ok {
				v.Pass(st)
				if st.Consumer != "carol" {
					t.Errorf("consumer %q", st.Consumer)
				}
				return
			}
			v.Refuse()
			if got := ctx.Response.StatusCode(); got != c.status {
				t.Errorf("status %d, want %d", got, c.status)
			}
			ch := string(ctx.Response.Header.Peek(fasthttp.HeaderWWWAuthenticate))
			if c.status == fasthttp.StatusForbidden {
				want := `Bearer realm="test", error="insufficient_scope", scope="read:users public"`
				if ch != want {
					t.Errorf("challenge %s, want %s", ch, want)
				}
			} else if !strings.Contains(ch, `error="invalid_token"`) {
				t.Errorf("challenge %s, want invalid_token", ch)
			}
		})
	}
}

// TestAPIKeyChallengeSpelling: the challenge names the key's header as the
// document spells it, though lookups use fasthttp's normalized form.
func TestAPIKeyChallengeSpelling(t *testing.T) {
	f := newFixture(t)
	ctx := reqWith("x-api-key", "alice-secret")
	var v Verdict
	if !(v.Begin(ctx) && v.Alt() && f.apiKey.Check(&v)) {
		t.Fatal("a key in a lower-case header refused")
	}
	ctx = reqWith()
	v = Verdict{}
	if v.Begin(ctx) && v.Alt() && f.apiKey.Check(&v) {
		t.Fatal("no key passed")
	}
	v.Refuse()
	if got, want := string(ctx.Response.Header.Peek(fasthttp.HeaderWWWAuthenticate)), `ApiKey realm="test", in="header", name="X-API-Key"`; got != want {
		t.Errorf("challenge %s, want %s", got, want)
	}
}

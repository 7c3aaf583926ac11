package auth

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestMaterial: in mock mode a scheme with no material anywhere is locked
// (and stderr says so); otherwise, or when the operator gave a source, the
// start fails or uses it as before.
func TestMaterial(t *testing.T) {
	doc := Source{File: "keys.txt"}
	for _, c := range []struct {
		name      string
		overrides map[string]string
		mock      bool
		def       Source
		want      Source
		err       string
		said      string
	}{
		{name: "mock, none", mock: true, want: Source{Locked: true}, said: "scheme s has no verification material: in mock mode"},
		{name: "not mock, none", err: "scheme s has no verification material"},
		{name: "mock, the document's", mock: true, def: doc, want: doc},
		{name: "mock, given", mock: true, overrides: map[string]string{"s": "env:K"}, want: Source{Env: "K"}},
		{name: "mock, given badly", mock: true, overrides: map[string]string{"s": "nope"}, err: "want env:NAME"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stderr strings.Builder
			got, err := Material(c.overrides, c.mock, "s", c.def, &stderr)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err %v, want one saying %q", err, c.err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, c.want)
			}
			if !strings.Contains(stderr.String(), c.said) || (c.said == "" && stderr.Len() > 0) {
				t.Errorf("stderr %q, want %q", stderr.String(), c.said)
			}
		})
	}
}

// TestLockedRefusesEverything: each kind of scheme built on a locked source
// refuses every credential, a valid-looking one included, and challenges.
func TestLockedRefusesEverything(t *testing.T) {
	locked := Source{Locked: true}
	f := newFixture(t)
	tok := f.token(t, jwt.SigningMethodES256, "ec1", f.ec, nil)

	k, err := NewAPIKey(APIKeyConfig{Scheme: "key", Realm: "test", In: "header", Name: "X-API-Key", Keys: locked})
	if err != nil {
		t.Fatal(err)
	}
	var v Verdict
	if v.Begin(reqWith("X-API-Key", "alice-secret")) && v.Alt() && k.Check(&v) {
		t.Error("locked API key passed a key")
	}

	b, err := NewBasic(BasicConfig{Scheme: "basic", Realm: "test", Users: locked})
	if err != nil {
		t.Fatal(err)
	}
	v = Verdict{}
	if v.Begin(reqWith("Authorization", basicHeader("alice", "wonderland"))) && v.Alt() && b.Check(&v) {
		t.Error("locked basic passed a user")
	}

	j, err := NewJWT(JWTConfig{Scheme: "jwt", Realm: "test", JWKS: locked, Issuer: "https://issuer.test",
		Audience: "petstore", Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	v = Verdict{}
	ctx := reqWith("Authorization", "Bearer "+tok)
	if v.Begin(ctx) && v.Alt() && j.Check(&v, nil) {
		t.Error("locked JWT passed a token")
	}
	v.Refuse()
	if got := string(ctx.Response.Header.Peek("WWW-Authenticate")); !strings.Contains(got, `Bearer realm="test"`) || !strings.Contains(got, "invalid_token") {
		t.Errorf("challenge %q, want a Bearer one with invalid_token", got)
	}

	var asked atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		asked.Add(1)
		_, _ = w.Write([]byte(`{"active":true,"sub":"carol","exp":9999999999}`))
	}))
	defer srv.Close()
	in, err := NewIntrospection(IntrospectionConfig{Scheme: "opaque", Realm: "test", URL: srv.URL, ClientID: "gw", ClientSecret: locked})
	if err != nil {
		t.Fatal(err)
	}
	v = Verdict{}
	if v.Begin(reqWith("Authorization", "Bearer opaque-token")) && v.Alt() && in.Check(&v, nil) {
		t.Error("locked introspection passed a token")
	}
	if asked.Load() != 0 {
		t.Error("locked introspection asked the endpoint, with no client secret to ask with")
	}

	m, err := NewMutualTLS(MutualTLSConfig{Scheme: "mtls", CA: locked})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.ClientCAs()) != 0 {
		t.Error("locked mutualTLS trusts an authority")
	}
}

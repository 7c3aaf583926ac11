package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/valyala/fasthttp"
)

// authKeys is the verification material of the auth end-to-end tests: an
// EC and an RSA signing key, the JWKS of their public halves, and a file of
// API keys.
type authKeys struct {
	ec       *ecdsa.PrivateKey
	rsa      *rsa.PrivateKey
	jwks     string // path
	jwksJSON []byte
	keys     string // path
}

func newAuthKeys(t *testing.T) *authKeys {
	t.Helper()
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	b64 := base64.RawURLEncoding.EncodeToString
	set, _ := json.Marshal(map[string]any{"keys": []map[string]string{
		{"kty": "EC", "kid": "ec1", "crv": "P-256", "x": b64(ec.X.FillBytes(make([]byte, 32))), "y": b64(ec.Y.FillBytes(make([]byte, 32)))},
		{"kty": "RSA", "kid": "rsa1", "n": b64(rk.N.Bytes()), "e": "AQAB"},
	}})
	dir := t.TempDir()
	k := &authKeys{ec: ec, rsa: rk, jwks: filepath.Join(dir, "jwks.json"), jwksJSON: set, keys: filepath.Join(dir, "keys.txt")}
	if err := os.WriteFile(k.jwks, set, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(k.keys, []byte("alice:alice-key-0001\nbob:bob-key-0002\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return k
}

// token signs claims over the petstore's defaults (iss, aud, sub carol,
// an hour of validity); a nil claim removes a default, and header adds
// members to the JOSE header.
func (k *authKeys) token(t *testing.T, method jwt.SigningMethod, key any, kid string, claims jwt.MapClaims, header map[string]any) string {
	t.Helper()
	now := time.Now()
	c := jwt.MapClaims{"iss": "https://demo.petstore.invalid", "aud": "petstore", "sub": "carol", "scope": "pets:admin pets:write",
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	for n, v := range claims {
		if v == nil {
			delete(c, n)
		} else {
			c[n] = v
		}
	}
	tok := jwt.NewWithClaims(method, c)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	for n, v := range header {
		tok.Header[n] = v
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// unsigned is a token with header h and claims c and no signature.
func unsigned(h, c string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(h)) + "." + base64.RawURLEncoding.EncodeToString([]byte(c)) + "."
}

// reached fails when the backend got a request, and returns what it got.
func (r *recorder) reached(t *testing.T, what string) map[string][]string {
	t.Helper()
	select {
	case h := <-r.reqs:
		t.Errorf("%s reached the backend: %v", what, h)
		return h
	default:
		return nil
	}
}

// got returns the request the backend received, failing when there is none.
func (r *recorder) got(t *testing.T, what string) map[string][]string {
	t.Helper()
	select {
	case h := <-r.reqs:
		return h
	case <-time.After(5 * time.Second):
		t.Fatalf("%s did not reach the backend", what)
		return nil
	}
}

// TestEndToEndAuth runs the generated petstore gateway in front of a
// recording backend and sends it an attack table: every row is refused
// with its status and nothing reaches the backend; then the requests that
// should pass do, without their credential and with X-Consumer.
func TestEndToEndAuth(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a gateway; skipped in -short mode")
	}
	k := newAuthKeys(t)
	rec := startRecorder(t)
	bin := buildPetstoreGateway(t)
	gw := startGateway(t, bin, "--upstream", "pets=http://"+rec.addr, "--auth", "petsKey=file:"+k.keys, "--auth", "petsAdmin=file:"+k.jwks)
	addr := strings.TrimPrefix(gw, "http://")

	good := k.token(t, jwt.SigningMethodES256, k.ec, "ec1", nil, nil)
	parts := strings.Split(good, ".")
	rsaPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: must(x509.MarshalPKIXPublicKey(&k.rsa.PublicKey))})
	hs := func(secret []byte) string {
		return k.token(t, jwt.SigningMethodHS256, secret, "rsa1", nil, nil)
	}
	now := time.Now()
	del := func(headers ...string) string {
		return "DELETE /v1/pets/1 HTTP/1.1\r\nHost: x\r\n" + strings.Join(headers, "") + "\r\n"
	}
	bearer := func(tok string) string { return "Authorization: Bearer " + tok + "\r\n" }
	putBody := `{"name":"Rex","status":"sold"}`
	put := func(target string, headers ...string) string {
		return "PUT " + target + " HTTP/1.1\r\nHost: x\r\nIf-Match: \"v7\"\r\nContent-Type: application/json\r\nContent-Length: " +
			itoa(len(putBody)) + "\r\n" + strings.Join(headers, "") + "\r\n" + putBody
	}
	big := strings.Repeat("a", 9000)

	attacks := []struct {
		name   string
		req    string
		status int
		// challenge is a piece of the WWW-Authenticate answer, "" for none.
		challenge string
	}{
		{"no token", del(), 401, `Bearer realm="petstore", scope="pets:admin"`},
		// "Bearer" alone sends no token: the challenge has no error (RFC 6750 §3).
		{"empty bearer", del("Authorization: Bearer \r\n"), 401, `Bearer realm="petstore", scope="pets:admin"`},
		{"alg none", del(bearer(unsigned(`{"alg":"none","kid":"ec1"}`, `{"sub":"carol","exp":9999999999}`))), 401, `error="invalid_token"`},
		{"alg None", del(bearer(unsigned(`{"alg":"None","kid":"ec1"}`, `{"sub":"carol","exp":9999999999}`))), 401, `error="invalid_token"`},
		{"alg NONE", del(bearer(unsigned(`{"alg":"NONE","kid":"ec1"}`, `{"sub":"carol","exp":9999999999}`))), 401, `error="invalid_token"`},
		{"alg nOnE", del(bearer(unsigned(`{"alg":"nOnE","kid":"ec1"}`, `{"sub":"carol","exp":9999999999}`))), 401, `error="invalid_token"`},
		{"HS256 with the RSA public key (PEM)", del(bearer(hs(rsaPEM))), 401, `error="invalid_token"`},
		{"HS256 with the JWKS (JWK form)", del(bearer(hs(k.jwksJSON))), 401, `error="invalid_token"`},
		{"RS256, not in the scheme's allow-list", del(bearer(k.token(t, jwt.SigningMethodRS256, k.rsa, "rsa1", nil, nil))), 401, `error="invalid_token"`},
		{"expired", del(bearer(k.token(t, jwt.SigningMethodES256, k.ec, "ec1", jwt.MapClaims{"exp": now.Add(-time.Hour).Unix()}, nil))), 401, `error="invalid_token"`},
		{"nbf in the future", del(bearer(k.token(t, jwt.SigningMethodES256, k.ec, "ec1", jwt.MapClaims{"nbf": now.Add(time.Hour).Unix()}, nil))), 401, `error="invalid_token"`},
		{"no exp", del(bearer(k.token(t, jwt.SigningMethodES256, k.ec, "ec1", jwt.MapClaims{"exp": nil}, nil))), 401, `error="invalid_token"`},
		{"wrong iss", del(bearer(k.token(t, jwt.SigningMethodES256, k.ec, "ec1", jwt.MapClaims{"iss": "https://evil.invalid"}, nil))), 401, `error="invalid_token"`},
		{"wrong aud", del(bearer(k.token(t, jwt.SigningMethodES256, k.ec, "ec1", jwt.MapClaims{"aud": "other"}, nil))), 401, `error="invalid_token"`},
		{"unknown kid", del(bearer(k.token(t, jwt.SigningMethodES256, k.ec, "ec9", nil, nil))), 401, `error="invalid_token"`},
		{"kid path traversal", del(bearer(k.token(t, jwt.SigningMethodES256, k.ec, "../../../../etc/passwd", nil, nil))), 401, `error="invalid_token"`},
		{"kid SQL", del(bearer(k.token(t, jwt.SigningMethodES256, k.ec, "' OR '1'='1", nil, nil))), 401, `error="invalid_token"`},
		{"no kid", del(bearer(k.token(t, jwt.SigningMethodES256, k.ec, "", nil, nil))), 401, `error="invalid_token"`},
		{"tampered payload", del(bearer(parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"admin","scope":"pets:admin","exp":9999999999}`)) + "." + parts[2])), 401, `error="invalid_token"`},
		{"stripped signature", del(bearer(parts[0] + "." + parts[1] + ".")), 401, `error="invalid_token"`},
		{"missing signature", del(bearer(parts[0] + "." + parts[1])), 401, `error="invalid_token"`},
		{"jku", del(bearer(k.token(t, jwt.SigningMethodES256, k.ec, "ec1", nil, map[string]any{"jku": "http://127.0.0.1:1/jwks.json"}))), 401, `error="invalid_token"`},
		{"x5u", del(bearer(k.token(t, jwt.SigningMethodES256, k.ec, "ec1", nil, map[string]any{"x5u": "http://127.0.0.1:1/cert.pem"}))), 401, `error="invalid_token"`},
		{"embedded jwk", del(bearer(k.token(t, jwt.SigningMethodES256, k.ec, "ec1", nil, map[string]any{"jwk": map[string]string{"kty": "EC", "crv": "P-256"}}))), 401, `error="invalid_token"`},
		{"unknown crit", del(bearer(k.token(t, jwt.SigningMethodES256, k.ec, "ec1", nil, map[string]any{"crit": []string{"exp"}}))), 401, `error="invalid_token"`},
		{"two Authorization headers, good first", del(bearer(good), bearer("a.b.c")), 400, ""},
		{"two Authorization headers, good last", del(bearer("a.b.c"), bearer(good)), 400, ""},
		{"token without the scope", del(bearer(k.token(t, jwt.SigningMethodES256, k.ec, "ec1", jwt.MapClaims{"scope": "pets:write"}, nil))), 403, `error="insufficient_scope", scope="pets:admin"`},
		{"token with scp lacking the scope", del(bearer(k.token(t, jwt.SigningMethodES256, k.ec, "ec1", jwt.MapClaims{"scope": nil, "scp": []string{"pets:write"}}, nil))), 403, `error="insufficient_scope"`},
		{"a valid API key on the token-only operation", del("X-API-Key: alice-key-0001\r\n"), 401, `Bearer realm="petstore"`},
		{"oversized bearer", del(bearer(big)), 401, `error="invalid_token"`},
		{"basic", del("Authorization: Basic YWxpY2U6YWxpY2Uta2V5LTAwMDE=\r\n"), 401, `Bearer realm`},
		{"API key in the query, scheme says header", put("/v1/pets/1?X-API-Key=alice-key-0001"), 401, `ApiKey realm="petstore", in="header", name="X-API-Key"`},
		{"wrong API key", put("/v1/pets/1", "X-API-Key: alice-key-0002\r\n"), 401, `error="invalid_key"`},
		{"empty API key", put("/v1/pets/1", "X-API-Key: \r\n"), 401, `error="invalid_key"`},
		{"two API keys", put("/v1/pets/1", "X-API-Key: alice-key-0001\r\n", "X-API-Key: bob-key-0002\r\n"), 401, `error="invalid_key"`},
		{"oversized API key", put("/v1/pets/1", "X-API-Key: "+big+"\r\n"), 401, `error="invalid_key"`},
		{"invalid body, no credential: 401 before 400", "PUT /v1/pets/1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]", 401, "ApiKey"},
	}
	for _, c := range attacks {
		t.Run(c.name, func(t *testing.T) {
			r := rawExchange(t, addr, c.req)
			if r.StatusCode() != c.status {
				t.Errorf("status %d, want %d\n%s", r.StatusCode(), c.status, r.Body())
			}
			if ct := string(r.Header.ContentType()); ct != "application/problem+json" {
				t.Errorf("content type %q, want problem+json", ct)
			}
			var challenges []string
			for _, v := range r.Header.PeekAll(fasthttp.HeaderWWWAuthenticate) {
				challenges = append(challenges, string(v))
			}
			if all := strings.Join(challenges, "\n"); c.challenge != "" && !strings.Contains(all, c.challenge) {
				t.Errorf("WWW-Authenticate %q, want it to hold %q", all, c.challenge)
			}
			rec.reached(t, c.name)
		})
	}

	// Path spellings of the protected DELETE /pets/{petId}, unauthenticated:
	// whatever the answer, nothing reaches the backend.
	for _, target := range []string{
		"/v1/pets/%2e%2e/pets/1", "/v1/pets/../pets/1", "/v1/pets/..;/pets/1", "/v1//pets/1", "/v1/pets%2f1",
		"/v1/pets%5c1", "/V1/PETS/1", "/v1/pets/1/", "/v1/pets/1/.", "/v1/pets/1;x=y", "/v1/pets/1#frag",
		"http://" + addr + "/v1/pets/1", "/v1/./pets/1",
	} {
		t.Run("path "+target, func(t *testing.T) {
			r := rawExchange(t, addr, "DELETE "+target+" HTTP/1.1\r\nHost: x\r\n\r\n")
			if r.StatusCode() < 400 {
				t.Errorf("status %d", r.StatusCode())
			}
			rec.reached(t, target)
		})
	}

	// What passes arrives without its credential and with the consumer.
	for _, c := range []struct {
		name, req, consumer, gone string
	}{
		{"API key", put("/v1/pets/1", "X-API-Key: alice-key-0001\r\n", "X-Consumer: mallory\r\n"), "alice", "x-api-key"},
		{"API key, a token for the other alternative too", put("/v1/pets/1", "X-API-Key: alice-key-0001\r\n", bearer(good)), "alice", "authorization"},
		{"token with pets:write on the OR", put("/v1/pets/1", bearer(k.token(t, jwt.SigningMethodES256, k.ec, "ec1", jwt.MapClaims{"scope": "pets:write"}, nil))), "carol", "authorization"},
		{"token with pets:admin", del(bearer(good), "X-Consumer: mallory\r\n"), "carol", "authorization"},
		{"cached token", del(bearer(good)), "carol", "authorization"},
		{"bearer scheme in any case", del("Authorization: bEaReR " + good + "\r\n"), "carol", "authorization"},
	} {
		t.Run("pass "+c.name, func(t *testing.T) {
			r := rawExchange(t, addr, c.req)
			if r.StatusCode() >= 400 {
				t.Fatalf("status %d\n%s", r.StatusCode(), r.Body())
			}
			h := rec.got(t, c.name)
			if got := h["x-consumer"]; len(got) != 1 || got[0] != c.consumer {
				t.Errorf("backend saw X-Consumer %q, want %q", got, c.consumer)
			}
			if v, ok := h[c.gone]; ok {
				t.Errorf("backend saw the credential %s: %q", c.gone, v)
			}
		})
	}

	t.Run("public operation: forged identity stripped", func(t *testing.T) {
		r := rawExchange(t, addr, "GET /v1/pets/1 HTTP/1.1\r\nHost: x\r\nX-Consumer: mallory\r\n\r\n")
		if r.StatusCode() >= 400 {
			t.Fatalf("status %d\n%s", r.StatusCode(), r.Body())
		}
		if h := rec.got(t, "public GET"); h["x-consumer"] != nil {
			t.Errorf("backend saw X-Consumer %q", h["x-consumer"])
		}
	})
}

// authSemanticsSpec has one operation per shape of requirement: OR, AND,
// the root's default, public, optional, and keys in a query and a cookie.
const authSemanticsSpec = `openapi: 3.0.3
info: {title: Auth semantics, version: "1"}
x-gateway:
  name: authsem
  security:
    key: {keys: {file: KEYS}}
    qkey: {keys: {file: KEYS}}
    ckey: {keys: {file: KEYS}, forward-consumer: true}
    tok: {jwks: {file: JWKS}, forward-consumer: true}
security: [{key: []}]
paths:
  /default: {get: {responses: {"200": {description: ok}}}}
  /or: {get: {security: [{key: []}, {tok: []}], responses: {"200": {description: ok}}}}
  /and: {get: {security: [{key: [], tok: []}], responses: {"200": {description: ok}}}}
  /public: {get: {security: [], responses: {"200": {description: ok}}}}
  /optional: {get: {security: [{tok: []}, {}], responses: {"200": {description: ok}}}}
  /query:
    get:
      security: [{qkey: []}]
      parameters: [{name: limit, in: query, schema: {type: integer}}]
      responses: {"200": {description: ok}}
  /cookie: {get: {security: [{ckey: []}], responses: {"200": {description: ok}}}}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
    qkey: {type: apiKey, in: query, name: api_key}
    ckey: {type: apiKey, in: cookie, name: session}
    tok: {type: http, scheme: bearer, bearerFormat: JWT}
`

// TestEndToEndAuthSemantics checks OR, AND, the root's default, security: []
// and {} through a generated gateway, and that a query or cookie key is
// removed before the request goes upstream.
func TestEndToEndAuthSemantics(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a gateway; skipped in -short mode")
	}
	k := newAuthKeys(t)
	spec := filepath.Join(t.TempDir(), "authsem.yaml")
	src := strings.NewReplacer("KEYS", k.keys, "JWKS", k.jwks).Replace(authSemanticsSpec)
	if err := os.WriteFile(spec, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	rec := startRecorder(t)
	bin := buildGateway(t, spec, "authsem")
	addr := strings.TrimPrefix(startGateway(t, bin, "--upstream", "default=http://"+rec.addr), "http://")
	tok := "Authorization: Bearer " + k.token(t, jwt.SigningMethodES256, k.ec, "ec1", nil, nil) + "\r\n"
	key := "X-Key: alice-key-0001\r\n"
	badTok := "Authorization: Bearer " + k.token(t, jwt.SigningMethodES256, k.ec, "ec9", nil, nil) + "\r\n"
	for _, c := range []struct {
		target  string
		headers string
		status  int // 0: reaches the backend
		gone    string
	}{
		{"/default", "", 401, ""},
		{"/default", key, 0, "x-key"},
		{"/or", "", 401, ""},
		{"/or", key, 0, "x-key"},
		{"/or", tok, 0, "authorization"},
		{"/and", key, 401, ""},
		{"/and", tok, 401, ""},
		{"/and", key + tok, 0, "authorization"},
		{"/and", "X-Key: wrong\r\n" + tok, 401, ""},
		{"/public", "", 0, ""},
		{"/optional", "", 0, ""},
		{"/optional", tok, 0, "authorization"},
		{"/optional", badTok, 0, "authorization"},
		{"/query?api_key=bob-key-0002&limit=3", "", 0, ""},
		{"/query?limit=3", "", 401, ""},
		{"/query?limit=3", "X-Key: alice-key-0001\r\n", 401, ""},
		{"/cookie", "Cookie: session=bob-key-0002; theme=dark\r\n", 0, ""},
		{"/cookie", "Cookie: session=nope\r\n", 401, ""},
	} {
		t.Run(c.target+" "+strings.ReplaceAll(strings.Fields(c.headers + " none")[0], ":", ""), func(t *testing.T) {
			r := rawExchange(t, addr, "GET "+c.target+" HTTP/1.1\r\nHost: x\r\n"+c.headers+"\r\n")
			if c.status != 0 {
				if r.StatusCode() != c.status {
					t.Errorf("status %d, want %d\n%s", r.StatusCode(), c.status, r.Body())
				}
				rec.reached(t, c.target)
				return
			}
			if r.StatusCode() != 200 {
				t.Fatalf("status %d, want the backend's 200\n%s", r.StatusCode(), r.Body())
			}
			h := rec.got(t, c.target)
			if c.gone != "" && h[c.gone] != nil {
				t.Errorf("backend saw the credential %s", c.gone)
			}
			if strings.HasPrefix(c.target, "/query") {
				if uri := strings.Join(h[":uri"], ""); strings.Contains(uri, "api_key") || !strings.Contains(uri, "limit=3") {
					t.Errorf("backend saw %q, want the query without api_key", uri)
				}
			}
			if strings.HasPrefix(c.target, "/cookie") {
				if ck := strings.Join(h["cookie"], ";"); strings.Contains(ck, "session") || h["x-consumer"] == nil || h["x-consumer"][0] != "bob" {
					t.Errorf("backend saw Cookie %q and X-Consumer %q", ck, h["x-consumer"])
				}
			}
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

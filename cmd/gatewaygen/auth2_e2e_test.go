package main

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"github.com/valyala/fasthttp"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/crypto/bcrypt"
)

// authMoreSpec exercises the credential kinds beyond API keys and JWKS
// files: http basic against a users file, a JWKS from a URL that rotates,
// OpenID discovery, and material reloaded on SIGHUP.
const authMoreSpec = `openapi: 3.0.3
info: {title: Auth, more, version: "1"}
x-gateway:
  name: authmore
  security:
    users: {users: {file: USERS}, forward-consumer: true}
    rot:
      jwks: {url: "IDP/jwks", refresh: 1s, min-refetch: 1s}
      forward: {consumer: X-User, claims: {sub: X-Claim-Sub, tenant: X-Tenant, admin: X-Admin}}
    key: {keys: {file: KEYS}, forward-consumer: true}
    hs: {secret: {file: SECRET}, algorithms: [HS256, ES256], jwks: {url: "IDP/jwks"}}
    opaque: {introspection: {url: "IDP/introspect", client-id: gateway, client-secret: {file: SECRET}}, forward-consumer: true}
paths:
  /opaque: {get: {security: [{opaque: [pets:read]}], responses: {"200": {description: ok}}}}
  /hs: {get: {security: [{hs: []}], responses: {"200": {description: ok}}}}
  /basic: {get: {security: [{users: []}], responses: {"200": {description: ok}}}}
  /rot: {get: {security: [{rot: []}], responses: {"200": {description: ok}}}}
  /oidc: {get: {security: [{oidc: []}], responses: {"200": {description: ok}}}}
  /key: {get: {security: [{key: []}], responses: {"200": {description: ok}}}}
  /public: {get: {security: [], responses: {"200": {description: ok}}}}
components:
  securitySchemes:
    users: {type: http, scheme: basic}
    rot: {type: http, scheme: bearer}
    key: {type: apiKey, in: header, name: X-Key}
    hs: {type: http, scheme: bearer}
    opaque:
      type: oauth2
      flows: {clientCredentials: {tokenUrl: "https://id.example/token", scopes: {"pets:read": read}}}
    oidc: {type: openIdConnect, openIdConnectUrl: "IDP/.well-known/openid-configuration"}
`

// authMore is a generated gateway of authMoreSpec in front of a recorder,
// with the files and the identity provider it reads.
type authMore struct {
	rec   *recorder
	addr  string
	users string
	keys  string
	idp   *idp
	cmd   *exec.Cmd
	out   *syncBuffer
}

// idp is an identity provider on 127.0.0.1: an OpenID configuration and a
// JWKS the test changes.
type idp struct {
	*httptest.Server
	mu   sync.Mutex
	jwks []byte
}

func startIDP(t *testing.T, keys map[string]*ecdsa.PrivateKey) *idp {
	p := &idp{}
	p.set(keys)
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/.well-known/openid-configuration" {
			_ = json.NewEncoder(w).Encode(map[string]string{"issuer": p.URL, "jwks_uri": p.URL + "/jwks"})
			return
		}
		if r.URL.Path == "/introspect" {
			ans := map[string]any{"active": false}
			if id, secret, ok := r.BasicAuth(); ok && id == "gateway" && secret == hmacSecret {
				switch r.PostFormValue("token") {
				case "opaque-read":
					ans = map[string]any{"active": true, "sub": "erin", "scope": "pets:read", "exp": time.Now().Add(time.Hour).Unix()}
				case "opaque-none":
					ans = map[string]any{"active": true, "sub": "erin", "scope": "other", "exp": time.Now().Add(time.Hour).Unix()}
				}
			}
			_ = json.NewEncoder(w).Encode(ans)
			return
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		_, _ = w.Write(p.jwks)
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *idp) jwksBytes() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.jwks
}

func (p *idp) set(keys map[string]*ecdsa.PrivateKey) {
	var list []map[string]string
	for kid, k := range keys {
		list = append(list, map[string]string{"kty": "EC", "kid": kid, "crv": "P-256",
			"x": base64.RawURLEncoding.EncodeToString(k.X.FillBytes(make([]byte, 32))),
			"y": base64.RawURLEncoding.EncodeToString(k.Y.FillBytes(make([]byte, 32)))})
	}
	b, _ := json.Marshal(map[string]any{"keys": list})
	p.mu.Lock()
	p.jwks = b
	p.mu.Unlock()
}

// ecToken is a token of sub carol for an hour, signed by k under kid.
func ecToken(t *testing.T, k *ecdsa.PrivateKey, kid string, claims jwt.MapClaims) string {
	t.Helper()
	c := jwt.MapClaims{"sub": "carol", "exp": time.Now().Add(time.Hour).Unix(), "iat": time.Now().Unix()}
	for n, v := range claims {
		c[n] = v
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodES256, c)
	tok.Header["kid"] = kid
	s, err := tok.SignedString(k)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func startAuthMore(t *testing.T, idpKeys map[string]*ecdsa.PrivateKey) *authMore {
	t.Helper()
	dir := t.TempDir()
	a := &authMore{users: filepath.Join(dir, "users.htpasswd"), keys: filepath.Join(dir, "keys.txt"), idp: startIDP(t, idpKeys)}
	if err := os.WriteFile(a.keys, []byte("alice:alice-key-0001\nbob:bob-key-0002\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte("wonderland"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(a.users, []byte("alice:"+string(hash)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	spec := filepath.Join(dir, "authmore.yaml")
	secret := filepath.Join(dir, "hmac.key")
	if err := os.WriteFile(secret, []byte(hmacSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	src := strings.NewReplacer("USERS", a.users, "KEYS", a.keys, "IDP", a.idp.URL, "SECRET", secret).Replace(authMoreSpec)
	if err := os.WriteFile(spec, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	a.rec = startRecorder(t)
	bin := buildGateway(t, spec, "authmore")
	// Started here rather than by startGateway: the test signals it.
	a.addr = freeAddr(t)
	a.out = new(syncBuffer)
	a.cmd = exec.Command(bin, "--listen", a.addr, "--upstream", "default=http://"+a.rec.addr)
	a.cmd.Stdout, a.cmd.Stderr = a.out, a.out
	if err := a.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = a.cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = a.cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("gateway output:\n%s", a.out.String())
		}
	})
	waitAccept(t, a.addr, exited, a.out, 15*time.Second)
	return a
}

// traffic sends req to the gateway until stop is closed, counting the
// answers that are not 200, while draining what the backend records.
func (a *authMore) traffic(t *testing.T, req string, stop <-chan struct{}) (done func() (sent, failed int64)) {
	var sent, failed atomic.Int64
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			r := rawExchangeErr(a.addr, req)
			sent.Add(1)
			if r != 200 {
				failed.Add(1)
			}
		}
	}()
	go func() {
		defer wg.Done()
		for {
			select {
			case <-a.rec.reqs:
			case <-stop:
				return
			}
		}
	}()
	return func() (int64, int64) {
		wg.Wait()
		for len(a.rec.reqs) > 0 {
			<-a.rec.reqs
		}
		return sent.Load(), failed.Load()
	}
}

// rawExchangeErr is rawExchange for a goroutine other than the test's: it
// returns the status, 0 when the exchange failed.
func rawExchangeErr(addr, req string) int {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return 0
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		return 0
	}
	var resp fasthttp.Response
	if err := resp.Read(bufio.NewReader(c)); err != nil {
		return 0
	}
	return resp.StatusCode()
}

func (a *authMore) hangup(t *testing.T) {
	t.Helper()
	if err := a.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
}

// eventually retries check for up to five seconds.
func eventually(t *testing.T, what string, check func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !check() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 5s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// hmacSecret is the HS256 secret of the hs scheme.
const hmacSecret = "a-shared-secret-of-forty-bytes-or-so-yes"

func hsToken(t *testing.T, method jwt.SigningMethod, key any, kid string) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, jwt.MapClaims{"sub": "dave", "exp": time.Now().Add(time.Hour).Unix()})
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func basicAuth(user, password string) string {
	return "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password)) + "\r\n"
}

// TestEndToEndAuthMore runs a generated gateway with http basic and checks
// at the backend what passes and that refusals never arrive.
func TestEndToEndAuthMore(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a gateway; skipped in -short mode")
	}
	old, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	a := startAuthMore(t, map[string]*ecdsa.PrivateKey{"old": old})
	get := func(target string, headers ...string) string {
		return "GET " + target + " HTTP/1.1\r\nHost: x\r\n" + strings.Join(headers, "") + "\r\n"
	}
	for _, c := range []struct {
		name, req string
		status    int
		challenge string
	}{
		{"basic, no credential", get("/basic"), 401, `Basic realm="authmore", charset="UTF-8"`},
		{"basic, wrong password", get("/basic", basicAuth("alice", "wonderlanD")), 401, `Basic realm="authmore"`},
		{"basic, unknown user", get("/basic", basicAuth("mallory", "wonderland")), 401, `Basic realm="authmore"`},
		{"basic, empty", get("/basic", "Authorization: Basic \r\n"), 401, `Basic realm="authmore"`},
		{"basic, not base64", get("/basic", "Authorization: Basic alice:wonderland\r\n"), 401, `Basic realm="authmore"`},
		{"basic, oversized", get("/basic", "Authorization: Basic "+strings.Repeat("QUFB", 2500)+"\r\n"), 401, `Basic realm="authmore"`},
		{"basic, two Authorization headers", get("/basic", basicAuth("alice", "wonderland"), basicAuth("alice", "x")), 400, ""},
		{"HS256 with another secret", get("/hs", bearerHeader(hsToken(t, jwt.SigningMethodHS256, []byte(strings.Repeat("x", 40)), ""))), 401, `error="invalid_token"`},
		{"HS256 with the JWKS as the secret", get("/hs", bearerHeader(hsToken(t, jwt.SigningMethodHS256, a.idp.jwksBytes(), "old"))), 401, `error="invalid_token"`},
		{"opaque, inactive", get("/opaque", bearerHeader("opaque-revoked")), 401, `error="invalid_token"`},
		{"opaque, without the scope", get("/opaque", bearerHeader("opaque-none")), 403, `error="insufficient_scope", scope="pets:read"`},
		{"opaque, no token", get("/opaque"), 401, `Bearer realm="authmore", scope="pets:read"`},
		{"HS512 with the secret, not in the allow-list", get("/hs", bearerHeader(hsToken(t, jwt.SigningMethodHS512, []byte(hmacSecret), ""))), 401, `error="invalid_token"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := rawExchange(t, a.addr, c.req)
			if r.StatusCode() != c.status {
				t.Errorf("status %d, want %d\n%s", r.StatusCode(), c.status, r.Body())
			}
			if got := string(r.Header.Peek("WWW-Authenticate")); !strings.Contains(got, c.challenge) {
				t.Errorf("WWW-Authenticate %q, want it to hold %q", got, c.challenge)
			}
			a.rec.reached(t, c.name)
		})
	}
	for _, c := range []struct{ name, req, consumer, gone string }{
		{"basic", get("/basic", basicAuth("alice", "wonderland"), "X-Consumer: mallory\r\n"), "alice", "authorization"},
		{"basic, cached", get("/basic", basicAuth("alice", "wonderland")), "alice", "authorization"},
		{"HS256 with the secret", get("/hs", bearerHeader(hsToken(t, jwt.SigningMethodHS256, []byte(hmacSecret), "")), "X-Consumer: mallory\r\n"), "", "authorization"},
		{"opaque token", get("/opaque", bearerHeader("opaque-read")), "erin", "authorization"},
		{"opaque token, remembered", get("/opaque", bearerHeader("opaque-read")), "erin", "authorization"},
		{"ES256 on the same scheme", get("/hs", bearerHeader(ecToken(t, old, "old", nil))), "", "authorization"},
	} {
		t.Run("pass "+c.name, func(t *testing.T) {
			r := rawExchange(t, a.addr, c.req)
			if r.StatusCode() != 200 {
				t.Fatalf("status %d\n%s", r.StatusCode(), r.Body())
			}
			h := a.rec.got(t, c.name)
			if got := h["x-consumer"]; c.consumer == "" && got != nil || c.consumer != "" && (len(got) != 1 || got[0] != c.consumer) {
				t.Errorf("backend saw X-Consumer %q, want %q", got, c.consumer)
			}
			if v, ok := h[c.gone]; ok {
				t.Errorf("backend saw the credential %s: %q", c.gone, v)
			}
		})
	}
}

func getReq(target string, headers ...string) string {
	return "GET " + target + " HTTP/1.1\r\nHost: x\r\n" + strings.Join(headers, "") + "\r\n"
}

func bearerHeader(tok string) string { return "Authorization: Bearer " + tok + "\r\n" }

// status sends req and returns the answer's status, draining the backend.
func (a *authMore) status(t *testing.T, req string) int {
	t.Helper()
	st := rawExchange(t, a.addr, req).StatusCode()
	if st == 200 {
		a.rec.got(t, req)
	}
	return st
}

// TestEndToEndJWKSRotation: the identity provider on 127.0.0.1 adds a key
// while tokens of the old one are being checked, then removes the old one.
// Without a restart, the new key's tokens pass and the old key's stop; an
// openIdConnect scheme finds its JWKS and issuer by discovery.
func TestEndToEndJWKSRotation(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a gateway; skipped in -short mode")
	}
	old, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	next, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	a := startAuthMore(t, map[string]*ecdsa.PrivateKey{"old": old})
	oldTok, nextTok := ecToken(t, old, "old", nil), ecToken(t, next, "next", nil)
	if st := a.status(t, getReq("/rot", bearerHeader(oldTok))); st != 200 {
		t.Fatalf("old key's token: status %d", st)
	}

	// Discovery: the issuer is the provider's, so a token must name it.
	if st := a.status(t, getReq("/oidc", bearerHeader(ecToken(t, old, "old", jwt.MapClaims{"iss": a.idp.URL})))); st != 200 {
		t.Fatalf("discovered issuer's token: status %d", st)
	}
	if st := a.status(t, getReq("/oidc", bearerHeader(ecToken(t, old, "old", jwt.MapClaims{"iss": "https://evil.invalid"})))); st != 401 {
		t.Fatalf("another issuer's token: status %d, want 401", st)
	}
	a.rec.reached(t, "another issuer's token")

	stop := make(chan struct{})
	done := a.traffic(t, getReq("/rot", bearerHeader(oldTok)), stop)
	a.idp.set(map[string]*ecdsa.PrivateKey{"old": old, "next": next})
	time.Sleep(1100 * time.Millisecond) // past min-refetch of the start-up fetch
	ok := false
	for i := 0; i < 40 && !ok; i++ {
		ok = rawExchangeErr(a.addr, getReq("/rot", bearerHeader(nextTok))) == 200
		time.Sleep(50 * time.Millisecond)
	}
	close(stop)
	sent, failed := done()
	if !ok {
		t.Fatal("the rotated-in key's token never passed")
	}
	if failed != 0 || sent == 0 {
		t.Fatalf("%d of %d requests with the old key's token failed during the rotation", failed, sent)
	}
	t.Logf("%d requests with the old token during the rotation, none failed", sent)

	a.idp.set(map[string]*ecdsa.PrivateKey{"next": next})
	eventually(t, "the removed key's token refused", func() bool {
		return a.status(t, getReq("/rot", bearerHeader(oldTok))) == 401
	})
	a.rec.reached(t, "the removed key's token")
	if st := a.status(t, getReq("/rot", bearerHeader(nextTok))); st != 200 {
		t.Fatalf("the current key's token: status %d", st)
	}

}

// TestEndToEndHangup rewrites the keys and users files and signals the
// gateway, while a client whose key stays keeps sending: none of its
// requests fails, the new material is in force, and a broken file keeps
// the old one with a logged reason.
func TestEndToEndHangup(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a gateway; skipped in -short mode")
	}
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	a := startAuthMore(t, map[string]*ecdsa.PrivateKey{"k": k})
	key := func(k string) string { return getReq("/key", "X-Key: "+k+"\r\n") }
	if a.status(t, key("bob-key-0002")) != 200 || a.status(t, key("carol-key-0003")) != 401 {
		t.Fatal("keys before the reload")
	}
	stop := make(chan struct{})
	done := a.traffic(t, key("alice-key-0001"), stop)
	time.Sleep(200 * time.Millisecond)
	if err := os.WriteFile(a.keys, []byte("alice:alice-key-0001\ncarol:carol-key-0003\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	hash, _ := bcrypt.GenerateFromPassword([]byte("looking-glass"), bcrypt.MinCost)
	if err := os.WriteFile(a.users, []byte("alice:"+string(hash)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a.hangup(t)
	eventually(t, "reload logged", func() bool { return strings.Contains(a.out.String(), "scheme key: material reloaded") })
	time.Sleep(200 * time.Millisecond)
	close(stop)
	sent, failed := done()
	if failed != 0 || sent == 0 {
		t.Fatalf("%d of %d requests with a key kept across the reload failed", failed, sent)
	}
	t.Logf("%d requests during the reload, none failed", sent)
	if st := a.status(t, key("carol-key-0003")); st != 200 {
		t.Errorf("added key: status %d", st)
	}
	if st := a.status(t, key("bob-key-0002")); st != 401 {
		t.Errorf("removed key: status %d, want 401", st)
	}
	a.rec.reached(t, "removed key")
	if st := a.status(t, getReq("/basic", basicAuth("alice", "looking-glass"))); st != 200 {
		t.Errorf("changed password: status %d", st)
	}
	if st := a.status(t, getReq("/basic", basicAuth("alice", "wonderland"))); st != 401 {
		t.Errorf("old password: status %d, want 401", st)
	}
	a.rec.reached(t, "old password")

	// A broken file: the reason is logged and the keys stay.
	if err := os.WriteFile(a.keys, []byte("carol carol-key-0003\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a.hangup(t)
	eventually(t, "failed reload logged", func() bool {
		return strings.Contains(a.out.String(), "scheme key: keys from file "+a.keys+": line 1: want consumer:key; keeping the material loaded before")
	})
	if st := a.status(t, key("carol-key-0003")); st != 200 {
		t.Errorf("after a broken reload: status %d", st)
	}
}

// TestEndToEndIdentity: a token's consumer and selected claims arrive in
// the configured headers, and a client's own copies of those headers never
// arrive, on a protected operation of any scheme or a public one.
func TestEndToEndIdentity(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a gateway; skipped in -short mode")
	}
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	a := startAuthMore(t, map[string]*ecdsa.PrivateKey{"k": k})
	forged := "X-User: mallory\r\nX-Claim-Sub: mallory\r\nx-tenant: evil\r\nX-Admin: true\r\nX-Consumer: mallory\r\n"
	for _, c := range []struct {
		name, req string
		want      map[string]string // header -> value; "" for absent
	}{
		{"token with claims", getReq("/rot", forged, bearerHeader(ecToken(t, k, "k", jwt.MapClaims{"tenant": "acme", "admin": false}))),
			map[string]string{"x-user": "carol", "x-claim-sub": "carol", "x-tenant": "acme", "x-admin": "false", "x-consumer": ""}},
		{"token without the claims", getReq("/rot", forged, bearerHeader(ecToken(t, k, "k", jwt.MapClaims{"tenant": map[string]any{"id": 1}}))),
			map[string]string{"x-user": "carol", "x-claim-sub": "carol", "x-tenant": "", "x-admin": "", "x-consumer": ""}},
		{"token, a claim with a line break", getReq("/rot", forged, bearerHeader(ecToken(t, k, "k", jwt.MapClaims{"tenant": "a\r\nX-Admin: true"}))),
			map[string]string{"x-user": "carol", "x-tenant": "", "x-admin": ""}},
		{"another scheme", getReq("/key", forged, "X-Key: alice-key-0001\r\n"),
			map[string]string{"x-consumer": "alice", "x-user": "", "x-claim-sub": "", "x-tenant": "", "x-admin": ""}},
		{"public", getReq("/public", forged),
			map[string]string{"x-consumer": "", "x-user": "", "x-claim-sub": "", "x-tenant": "", "x-admin": ""}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := rawExchange(t, a.addr, c.req)
			if r.StatusCode() != 200 {
				t.Fatalf("status %d\n%s", r.StatusCode(), r.Body())
			}
			h := a.rec.got(t, c.name)
			for name, want := range c.want {
				got := h[name]
				if want == "" && got != nil || want != "" && (len(got) != 1 || got[0] != want) {
					t.Errorf("backend saw %s %q, want %q", name, got, want)
				}
			}
		})
	}
	if st := a.status(t, getReq("/rot", forged)); st != 401 {
		t.Fatalf("forged identity without a token: status %d, want 401", st)
	}
	a.rec.reached(t, "forged identity without a token")
}

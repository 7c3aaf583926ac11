package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// jwksServer serves a JWKS that the test changes, counting fetches.
type jwksServer struct {
	*httptest.Server
	mu      sync.Mutex
	body    []byte
	status  int
	fetches atomic.Int32
}

func newJWKSServer(t *testing.T, body []byte) *jwksServer {
	s := &jwksServer{body: body, status: 200}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if r.URL.Path == "/.well-known/openid-configuration" {
			json.NewEncoder(w).Encode(map[string]string{"issuer": s.URL, "jwks_uri": s.URL + "/jwks"})
			return
		}
		s.fetches.Add(1)
		w.WriteHeader(s.status)
		w.Write(s.body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) set(body []byte, status int) {
	s.mu.Lock()
	s.body, s.status = body, status
	s.mu.Unlock()
}

func ecJWKS(keys map[string]*ecdsa.PrivateKey) []byte {
	var list []map[string]string
	for kid, k := range keys {
		list = append(list, map[string]string{"kty": "EC", "kid": kid, "crv": "P-256",
			"x": b64(k.X.FillBytes(make([]byte, 32))), "y": b64(k.Y.FillBytes(make([]byte, 32)))})
	}
	b, _ := json.Marshal(map[string]any{"keys": list})
	return b
}

// clock is a settable time for the refetch limits.
type clock struct{ ns atomic.Int64 }

func (c *clock) now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *clock) advance(d time.Duration) { c.ns.Add(int64(d)) }

func signed(t *testing.T, k *ecdsa.PrivateKey, kid string, iss string, now time.Time) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.MapClaims{"sub": "carol", "iss": iss, "exp": now.Add(time.Hour).Unix(), "iat": now.Unix()})
	tok.Header["kid"] = kid
	s, err := tok.SignedString(k)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func checkToken(j *JWT, tok string) bool {
	var v Verdict
	return v.Begin(reqWith("Authorization", "Bearer "+tok)) && v.Alt() && j.Check(&v, nil)
}

// TestJWKSURLRotation: a JWKS from a URL is fetched at start, fetched
// again for an unknown kid (at most once per MinRefetch) and periodically,
// and a key that leaves the set stops passing, cached tokens included.
func TestJWKSURLRotation(t *testing.T) {
	old, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	next, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	srv := newJWKSServer(t, ecJWKS(map[string]*ecdsa.PrivateKey{"old": old}))
	c := &clock{}
	c.ns.Store(testNow.UnixNano())
	j, err := NewJWT(JWTConfig{Scheme: "tok", Realm: "test", JWKS: Source{URL: srv.URL + "/jwks"}, Now: c.now,
		Refresh: time.Minute, MinRefetch: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	oldTok, nextTok := signed(t, old, "old", "", testNow), signed(t, next, "next", "", testNow)
	if !checkToken(j, oldTok) || !checkToken(j, oldTok) {
		t.Fatal("token of the fetched key refused")
	}
	if n := srv.fetches.Load(); n != 1 {
		t.Fatalf("%d fetches, want 1 (the cached token needs none)", n)
	}
	// The issuer adds a key: within MinRefetch of the last fetch a new kid
	// is refused without a fetch; after it, one fetch finds it.
	srv.set(ecJWKS(map[string]*ecdsa.PrivateKey{"old": old, "next": next}), 200)
	if checkToken(j, nextTok) || srv.fetches.Load() != 1 {
		t.Fatalf("unknown kid within MinRefetch: passed or fetched (%d fetches)", srv.fetches.Load())
	}
	c.advance(11 * time.Second)
	if !checkToken(j, nextTok) {
		t.Fatal("token of the rotated-in key refused after MinRefetch")
	}
	for range 20 { // a flood of unknown kids costs no fetch
		if checkToken(j, signed(t, next, "nope", "", testNow)) {
			t.Fatal("unknown kid passed")
		}
	}
	if n := srv.fetches.Load(); n != 2 {
		t.Fatalf("%d fetches, want 2", n)
	}
	// The old key leaves the set; the periodic refresh notices, and the
	// cached old token stops passing.
	srv.set(ecJWKS(map[string]*ecdsa.PrivateKey{"next": next}), 200)
	c.advance(2 * time.Minute)
	checkToken(j, nextTok) // starts the refresh in the background
	deadline := time.Now().Add(5 * time.Second)
	for checkToken(j, oldTok) {
		if time.Now().After(deadline) {
			t.Fatal("the removed key's token still passes")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !checkToken(j, nextTok) {
		t.Fatal("the current key's token refused")
	}
	// A broken answer keeps the keys in force.
	srv.set([]byte("<html>"), 500)
	if err := j.Reload(); err == nil || !strings.Contains(err.Error(), "status 500") {
		t.Fatalf("reload error %v, want status 500", err)
	}
	if !checkToken(j, nextTok) {
		t.Fatal("a failed fetch dropped the keys")
	}
}

func TestJWKSURLStart(t *testing.T) {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	srv := newJWKSServer(t, []byte("not json"))
	if _, err := NewJWT(JWTConfig{Scheme: "tok", JWKS: Source{URL: srv.URL + "/jwks"}}); err == nil || !strings.Contains(err.Error(), "not a JWKS") {
		t.Fatalf("error %v, want not a JWKS", err)
	}
	srv.set(ecJWKS(map[string]*ecdsa.PrivateKey{"k": k}), 404)
	if _, err := NewJWT(JWTConfig{Scheme: "tok", JWKS: Source{URL: srv.URL + "/jwks"}}); err == nil || !strings.Contains(err.Error(), "status 404") {
		t.Fatalf("error %v, want status 404", err)
	}
	srv.set([]byte(strings.Repeat(" ", maxFetched+1)), 200)
	if _, err := NewJWT(JWTConfig{Scheme: "tok", JWKS: Source{URL: srv.URL + "/jwks"}}); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Fatalf("error %v, want a size refusal", err)
	}
}

// TestDiscovery: an openIdConnect scheme finds its JWKS and issuer in the
// provider's configuration; a token of another issuer is refused.
func TestDiscovery(t *testing.T) {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	srv := newJWKSServer(t, ecJWKS(map[string]*ecdsa.PrivateKey{"k": k}))
	j, err := NewJWT(JWTConfig{Scheme: "oidc", JWKS: Source{Discovery: srv.URL + "/.well-known/openid-configuration"}})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if !checkToken(j, signed(t, k, "k", srv.URL, now)) {
		t.Fatal("token of the discovered issuer refused")
	}
	if checkToken(j, signed(t, k, "k", "https://evil.invalid", now)) {
		t.Fatal("token of another issuer passed")
	}
	if _, err := NewJWT(JWTConfig{Scheme: "oidc", JWKS: Source{Discovery: srv.URL + "/other/.well-known/openid-configuration"}}); err == nil || !strings.Contains(err.Error(), "issuer") {
		t.Fatalf("error %v, want an issuer mismatch", err)
	}
}

// TestReload: a reload swaps keys, users and a JWKS file; a broken file
// keeps what was loaded.
func TestReload(t *testing.T) {
	dir := t.TempDir()
	keys := filepath.Join(dir, "keys")
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(keys, "alice:alice-secret\n")
	k, err := NewAPIKey(APIKeyConfig{Scheme: "key", In: "header", Name: "X-API-Key", Keys: Source{File: keys}})
	if err != nil {
		t.Fatal(err)
	}
	check := func(key string) bool {
		var v Verdict
		return v.Begin(reqWith("X-API-Key", key)) && v.Alt() && k.Check(&v)
	}
	write(keys, "bob:bob-secret\n")
	if err := k.Reload(); err != nil {
		t.Fatal(err)
	}
	if check("alice-secret") || !check("bob-secret") {
		t.Fatal("reload did not swap the keys")
	}
	write(keys, "bob bob-secret\n")
	if err := k.Reload(); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Fatalf("error %v, want line 1", err)
	}
	os.Remove(keys)
	if err := k.Reload(); err == nil {
		t.Fatal("a missing file reloaded")
	}
	if !check("bob-secret") {
		t.Fatal("a broken reload dropped the keys")
	}

	users := filepath.Join(dir, "users")
	write(users, "alice:"+bcryptLine(t, "one")+"\n")
	b, err := NewBasic(BasicConfig{Scheme: "basic", Users: Source{File: users}})
	if err != nil {
		t.Fatal(err)
	}
	checkBasic := func(pw string) bool {
		var v Verdict
		return v.Begin(reqWith("Authorization", basicHeader("alice", pw))) && v.Alt() && b.Check(&v)
	}
	if !checkBasic("one") {
		t.Fatal("refused")
	}
	write(users, "alice:"+bcryptLine(t, "two")+"\n")
	if err := b.Reload(); err != nil {
		t.Fatal(err)
	}
	if checkBasic("one") || !checkBasic("two") {
		t.Fatal("a changed password: the old one (cached) still passes or the new one fails")
	}
	write(users, "alice:plain\n")
	if b.Reload() == nil || !checkBasic("two") {
		t.Fatal("a broken users file was taken or dropped the users")
	}
}

package auth

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestHMAC: HS* passes only with the configured secret and only when the
// allow-list names it; the scheme's RSA public key (as PEM, or the JWKS
// itself) never serves as the secret.
func TestHMAC(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	secret := strings.Repeat("s3cret-", 6)
	sp, jp := filepath.Join(dir, "secret"), filepath.Join(dir, "jwks.json")
	if err := os.WriteFile(sp, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(jp, f.jwks, 0o600); err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return testNow }
	j, err := NewJWT(JWTConfig{Scheme: "tok", JWKS: Source{File: jp}, Secret: Source{File: sp}, Algorithms: []string{"HS256", "RS256"}, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	rsaPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: must(x509.MarshalPKIXPublicKey(&f.rsa.PublicKey))})
	for _, c := range []struct {
		name string
		tok  string
		ok   bool
	}{
		{"HS256 with the secret", f.token(t, jwt.SigningMethodHS256, "", []byte(secret), nil), true},
		{"HS256 with the secret, a kid of the JWKS", f.token(t, jwt.SigningMethodHS256, "rsa1", []byte(secret), nil), true},
		{"RS256", f.token(t, jwt.SigningMethodRS256, "rsa1", f.rsa, nil), true},
		{"HS256 with the RSA public key (PEM)", f.token(t, jwt.SigningMethodHS256, "rsa1", rsaPEM, nil), false},
		{"HS256 with the JWKS", f.token(t, jwt.SigningMethodHS256, "rsa1", f.jwks, nil), false},
		{"HS512, not in the allow-list", f.token(t, jwt.SigningMethodHS512, "", []byte(secret), nil), false},
		{"HS256 with another secret", f.token(t, jwt.SigningMethodHS256, "", []byte(strings.Repeat("x", 40)), nil), false},
	} {
		if _, err := j.Verify(c.tok); (err == nil) != c.ok {
			t.Errorf("%s: error %v, want ok %v", c.name, err, c.ok)
		}
	}
	// A new secret on reload: a token of the old one, cached, stops passing.
	oldTok := f.token(t, jwt.SigningMethodHS256, "", []byte(secret), nil)
	if !checkToken(j, oldTok) {
		t.Fatal("token of the secret refused")
	}
	if err := os.WriteFile(sp, []byte(strings.Repeat("n3w-", 10)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := j.Reload(); err != nil {
		t.Fatal(err)
	}
	if checkToken(j, oldTok) {
		t.Error("a token of the replaced secret still passes (from the cache)")
	}
	if !checkToken(j, f.token(t, jwt.SigningMethodHS256, "", []byte(strings.Repeat("n3w-", 10)), nil)) {
		t.Error("a token of the new secret refused")
	}
	// Without a secret the allow-list may not name HS*, and a secret
	// needs HS* named; a short secret is refused.
	if _, err := NewJWT(JWTConfig{Scheme: "tok", JWKS: Source{File: jp}, Algorithms: []string{"HS256"}}); err == nil {
		t.Error("HS256 without a secret accepted")
	}
	if _, err := NewJWT(JWTConfig{Scheme: "tok", JWKS: Source{File: jp}, Secret: Source{File: sp}}); err == nil {
		t.Error("a secret without HS* accepted")
	}
	short := filepath.Join(dir, "short")
	os.WriteFile(short, []byte("tooshort"), 0o600)
	if _, err := NewJWT(JWTConfig{Scheme: "tok", Secret: Source{File: short}, Algorithms: []string{"HS256"}}); err == nil || !strings.Contains(err.Error(), "want 32 or more") {
		t.Errorf("short secret: error %v", err)
	}
	// HS* alone, no JWKS.
	if _, err := NewJWT(JWTConfig{Scheme: "tok", Secret: Source{File: sp}, Algorithms: []string{"HS384"}}); err != nil {
		t.Error(err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

package auth

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestCoarseClockNeverPastExp: a scheme on the real clock reads its cache
// against the coarse clock; a cached token is still refused once its exp
// has passed (no leeway here, so nothing else could accept it).
func TestCoarseClockNeverPastExp(t *testing.T) {
	if d := coarseNow() - time.Now().Unix(); d < 0 || d > 1 {
		t.Fatalf("coarse clock %d s from the wall clock, want 0 or 1 ahead", d)
	}
	f := newFixture(t)
	path := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(path, f.jwks, 0o600); err != nil {
		t.Fatal(err)
	}
	j, err := NewJWT(JWTConfig{Scheme: "jwt", Realm: "test", JWKS: Source{File: path}})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	exp := now.Unix() + 1
	tok := f.token(t, jwt.SigningMethodES256, "ec1", f.ec, jwt.MapClaims{"iss": nil, "aud": nil, "exp": exp, "iat": now.Unix()})
	check := func() bool {
		var v Verdict
		return v.Begin(reqWith("Authorization", "Bearer "+tok)) && v.Alt() && j.Check(&v, nil)
	}
	if !check() || !check() { // the second from the cache
		t.Fatal("a fresh token refused")
	}
	time.Sleep(time.Until(time.Unix(exp, 0)) + 50*time.Millisecond)
	if check() {
		t.Fatal("a cached token passed after its exp")
	}
}

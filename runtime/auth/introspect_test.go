package auth

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// TestIntrospection: an opaque token is checked by the endpoint with the
// gateway's client credentials; an active answer is remembered, never past
// the token's exp; an inactive one never.
func TestIntrospection(t *testing.T) {
	c := &clock{}
	c.ns.Store(testNow.UnixNano())
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if id, secret, ok := r.BasicAuth(); !ok || id != "gateway" || secret != "client-secret" {
			w.WriteHeader(401)
			return
		}
		ans := map[string]any{"active": false}
		switch r.PostFormValue("token") {
		case "good":
			ans = map[string]any{"active": true, "sub": "carol", "scope": "pets:read pets:write", "exp": testNow.Add(10 * time.Second).Unix()}
		case "client":
			ans = map[string]any{"active": true, "client_id": "svc", "exp": testNow.Add(time.Hour).Unix()}
		case "expired":
			ans = map[string]any{"active": true, "sub": "carol", "exp": testNow.Add(-time.Second).Unix()}
		case "noexp":
			ans = map[string]any{"active": true, "sub": "carol"}
		}
		json.NewEncoder(w).Encode(ans)
	}))
	defer srv.Close()
	sp := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(sp, []byte("client-secret\n"), 0o600)
	in, err := NewIntrospection(IntrospectionConfig{Scheme: "op", Realm: "test", URL: srv.URL, ClientID: "gateway", ClientSecret: Source{File: sp}, Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	check := func(tok string, scopes []string) bool {
		var v Verdict
		return v.Begin(reqWith("Authorization", "Bearer "+tok)) && v.Alt() && in.Check(&v, scopes)
	}
	for _, x := range []struct {
		tok    string
		scopes []string
		ok     bool
	}{
		{"good", []string{"pets:write"}, true},
		{"good", []string{"pets:admin"}, false},
		{"client", nil, true},
		{"inactive", nil, false},
		{"expired", nil, false},
		{"noexp", nil, false},
	} {
		if got := check(x.tok, x.scopes); got != x.ok {
			t.Errorf("%s %v: %v, want %v", x.tok, x.scopes, got, x.ok)
		}
	}
	n := calls.Load()
	if !check("good", nil) || calls.Load() != n {
		t.Fatal("an active answer was not remembered")
	}
	check("inactive", nil)
	if calls.Load() != n+1 {
		t.Fatal("an inactive answer was remembered")
	}
	c.advance(11 * time.Second) // past the token's exp: asked again, and refused
	if check("good", nil) || calls.Load() != n+2 {
		t.Fatalf("after exp: passed or not asked (%d calls)", calls.Load()-n)
	}
	os.WriteFile(sp, []byte("wrong\n"), 0o600)
	if err := in.Reload(); err != nil {
		t.Fatal(err)
	}
	if check("client", nil) {
		t.Fatal("passed with a client secret the endpoint refuses (the reload kept the cache)")
	}
}

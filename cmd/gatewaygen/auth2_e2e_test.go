package main

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// authMoreSpec exercises the credential kinds beyond API keys and JWKS
// files: http basic against a users file.
const authMoreSpec = `openapi: 3.0.3
info: {title: Auth, more, version: "1"}
x-gateway:
  name: authmore
  security:
    users: {users: {file: USERS}, forward-consumer: true}
paths:
  /basic: {get: {security: [{users: []}], responses: {"200": {description: ok}}}}
components:
  securitySchemes:
    users: {type: http, scheme: basic}
`

// authMore is a generated gateway of authMoreSpec in front of a recorder,
// with the files it reads.
type authMore struct {
	rec   *recorder
	addr  string
	users string
}

func startAuthMore(t *testing.T) *authMore {
	t.Helper()
	dir := t.TempDir()
	a := &authMore{users: filepath.Join(dir, "users.htpasswd")}
	hash, err := bcrypt.GenerateFromPassword([]byte("wonderland"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(a.users, []byte("alice:"+string(hash)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	spec := filepath.Join(dir, "authmore.yaml")
	src := strings.NewReplacer("USERS", a.users).Replace(authMoreSpec)
	if err := os.WriteFile(spec, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	a.rec = startRecorder(t)
	bin := buildGateway(t, spec, "authmore")
	a.addr = strings.TrimPrefix(startGateway(t, bin, "--upstream", "default=http://"+a.rec.addr), "http://")
	return a
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
	a := startAuthMore(t)
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
	} {
		t.Run("pass "+c.name, func(t *testing.T) {
			r := rawExchange(t, a.addr, c.req)
			if r.StatusCode() != 200 {
				t.Fatalf("status %d\n%s", r.StatusCode(), r.Body())
			}
			h := a.rec.got(t, c.name)
			if got := h["x-consumer"]; len(got) != 1 || got[0] != c.consumer {
				t.Errorf("backend saw X-Consumer %q, want %q", got, c.consumer)
			}
			if v, ok := h[c.gone]; ok {
				t.Errorf("backend saw the credential %s: %q", c.gone, v)
			}
		})
	}
}

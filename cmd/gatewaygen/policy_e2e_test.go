package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/redis/go-redis/v9"
)

const claimPolicySpec = `openapi: 3.1.0
info: {title: Claims, version: "1"}
x-gateway:
  name: claims
  mock: true
  security:
    tok: {roles-claim: roles}
paths:
  /tenant:
    get:
      security: [{tok: []}]
      x-gateway:
        rate-limit: {rate: 1/min, burst: 2, key: claim:tenant, name: per-tenant}
      responses:
        "200": {description: ok, content: {application/json: {example: {ok: true}}}}
  /users:
    get:
      security: [{tok: [read:users, public]}]
      responses:
        "200": {description: ok, content: {application/json: {example: {ok: true}}}}
components:
  securitySchemes:
    tok: {type: http, scheme: bearer, bearerFormat: JWT}
`

// TestEndToEndClaimPolicy runs a generated gateway whose limit keys on a
// token's tenant claim (one allowance per tenant whoever holds the token,
// the client address for a token without it) and whose OpenAPI 3.1
// requirement lists roles of a bearer scheme (403 insufficient_scope
// without one, 200 with them from the roles claim or scope).
func TestEndToEndClaimPolicy(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a gateway; skipped in -short mode")
	}
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	jwks := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(jwks, startIDP(t, map[string]*ecdsa.PrivateKey{"k": k}).jwksBytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	bin := buildGateway(t, writeSpec(t, "claims", claimPolicySpec), "claims")
	gw := startGateway(t, bin, "--auth", "tok=file:"+jwks)
	bearer := func(claims jwt.MapClaims) map[string]string {
		return map[string]string{"Authorization": "Bearer " + ecToken(t, k, "k", claims)}
	}

	for i, c := range []struct {
		who    string
		claims jwt.MapClaims
		status int
	}{
		{"carol of acme", jwt.MapClaims{"tenant": "acme"}, 200},
		{"dave of acme", jwt.MapClaims{"sub": "dave", "tenant": "acme"}, 200},
		{"erin of acme, burst spent", jwt.MapClaims{"sub": "erin", "tenant": "acme"}, 429},
		{"carol of globex", jwt.MapClaims{"tenant": "globex"}, 200},
		{"no tenant: the client address", nil, 200},
		{"no tenant again", jwt.MapClaims{"sub": "frank"}, 200},
		{"no tenant, address spent", nil, 429},
	} {
		r := do(t, "GET", gw+"/tenant", "", bearer(c.claims))
		if r.status != c.status {
			t.Fatalf("request %d (%s): %d, want %d\n%s", i, c.who, r.status, c.status, r.body)
		}
		if c.status == 429 {
			r.problem(t, 429, "per-tenant")
		}
	}
	if r := do(t, "GET", gw+"/tenant", "", nil); r.status != 401 {
		t.Errorf("no token: %d, want 401 (auth before the limit)", r.status)
	}

	for _, c := range []struct {
		name   string
		claims jwt.MapClaims
		status int
	}{
		{"roles claim", jwt.MapClaims{"roles": []string{"public", "read:users"}}, 200},
		{"scope", jwt.MapClaims{"scope": "read:users public"}, 200},
		{"one role missing", jwt.MapClaims{"roles": []string{"public"}}, 403},
	} {
		r := do(t, "GET", gw+"/users", "", bearer(c.claims))
		if r.status != c.status {
			t.Fatalf("%s: %d, want %d\n%s", c.name, r.status, c.status, r.body)
		}
		if c.status == 403 {
			ch := r.header.Get("WWW-Authenticate")
			if !strings.HasPrefix(ch, "Bearer ") || !strings.Contains(ch, `error="insufficient_scope"`) || !strings.Contains(ch, `scope="read:users public"`) {
				t.Errorf("%s: WWW-Authenticate %q", c.name, ch)
			}
		}
	}
}

const quotaSpec = `openapi: 3.0.3
info: {title: Quota, version: "1"}
x-gateway:
  name: quota
  mock: true
paths:
  /quota:
    get:
      x-gateway:
        rate-limit: {rate: 2/min, store: redis, name: quota}
      responses:
        "200": {description: ok, content: {application/json: {example: {ok: true}}}}
`

// TestEndToEndRedisPrecheck: a client over a Redis quota that this gateway
// alone spent is refused by the local pre-check, with an honest 429,
// without a round trip per request: Redis runs the script only for the
// requests it admitted.
func TestEndToEndRedisPrecheck(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a gateway and redis-server; skipped in -short mode")
	}
	addr := freeAddr(t)
	startRedisServer(t, addr)
	bin := buildGateway(t, writeSpec(t, "quota", quotaSpec), "quota")
	gw := startGateway(t, bin, "--redis", "redis://"+addr+"?read_timeout=500ms")
	counts := map[int]int{}
	for range 10 {
		r := do(t, "GET", gw+"/quota", "", nil)
		counts[r.status]++
		if r.status == 429 {
			if ra, _ := strconv.Atoi(r.header.Get("Retry-After")); ra < 1 || ra > 60 {
				t.Errorf("429 Retry-After %q, want 1 to 60 s", r.header.Get("Retry-After"))
			}
		}
	}
	if counts[200] != 2 || counts[429] != 8 {
		t.Fatalf("answers %v, want 2 admitted and 8 refused", counts)
	}
	rc := redis.NewClient(&redis.Options{Addr: addr})
	defer rc.Close()
	info, err := rc.Info(context.Background(), "commandstats").Result()
	if err != nil {
		t.Fatal(err)
	}
	scripts := 0
	for _, m := range regexp.MustCompile(`cmdstat_(?:evalsha|eval):calls=(\d+)`).FindAllStringSubmatch(info, -1) {
		n, _ := strconv.Atoi(m[1])
		scripts += n
	}
	// Two checks, the first possibly as EVALSHA then EVAL (NOSCRIPT).
	if scripts < 2 || scripts > 3 {
		t.Errorf("Redis ran the limit's script %d times for 10 requests, want 2 or 3 (the admitted ones)\n%s", scripts, info)
	}
}

package lower

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestRateLimitClaimKey: a claim key makes the operation's JWT schemes
// keep the claim for the rate-limit stage (once, beside what they forward,
// with no header of its own); on an operation without a JWT scheme it is
// keyed by client address, with a warning.
func TestRateLimitClaimKey(t *testing.T) {
	api, diags := lowerAt(t, `openapi: 3.1.0
info: {title: T, version: "1"}
x-gateway:
  upstreams: {a: {targets: ["http://127.0.0.1:1"]}}
  upstream: a
  security:
    tok: {jwks: {file: jwks.json}, forward: {claims: {sub: X-Sub}}}
    key: {keys: {file: keys.txt}}
paths:
  /a:
    get:
      security: [{tok: []}]
      x-gateway: {rate-limit: {rate: 10/s, key: [claim:tenant, consumer]}}
      responses: {"200": {description: ok}}
    put:
      security: [{tok: []}]
      x-gateway: {rate-limit: [{rate: 10/s, key: claim:tenant}, {rate: 100/day, key: claim:sub}]}
      responses: {"200": {description: ok}}
    post:
      security: [{key: []}]
      x-gateway: {rate-limit: {rate: 10/s, key: claim:tenant}}
      responses: {"200": {description: ok}}
components:
  securitySchemes:
    tok: {type: http, scheme: bearer}
    key: {type: apiKey, in: header, name: X-Key}
`)
	if len(diags) != 1 || !strings.Contains(diags.String(), "warning: x-gateway.rate-limit.key: claim:tenant on POST /a, whose security has no JWT scheme") {
		t.Fatalf("diagnostics:\n%s\nwant one warning for POST /a", diags)
	}
	for _, c := range []struct{ method, want string }{
		{"GET", `[[{"kind":"claim","name":"tenant"},{"kind":"consumer"}]]`},
		{"PUT", `[[{"kind":"claim","name":"tenant"}],[{"kind":"claim","name":"sub"}]]`},
		{"POST", `[[{"kind":"client-ip"}]]`},
	} {
		var keys [][]any
		for _, r := range op(t, api, c.method, "/a").RateLimits {
			var k []any
			for _, p := range r.Key {
				k = append(k, p)
			}
			keys = append(keys, k)
		}
		if got, _ := json.Marshal(keys); string(got) != c.want {
			t.Errorf("%s /a: keys %s, want %s", c.method, got, c.want)
		}
	}
	var tok string
	for _, s := range api.AuthSchemes {
		if s.Name == "tok" {
			b, _ := json.Marshal(s.Claims)
			tok = string(b)
		}
	}
	if want := `[{"claim":"sub","header":"X-Sub"},{"claim":"tenant","header":""}]`; tok != want {
		t.Errorf("tok claims %s, want %s", tok, want)
	}
	if got := strings.Join(api.AuthIdentity, ","); got != "X-Sub" {
		t.Errorf("identity headers %q, want X-Sub only", got)
	}
}

package lower

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gatewaygen/gatewaygen/generator/diag"
)

const rateLimitSpec = `openapi: 3.0.3
info: {title: t, version: "1"}
x-gateway:
  trusted-proxies: [10.0.0.0/8]
  client-ip-header: forwarded
  rate-limit: {rate: 100/s}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key, x-gateway: {keys: {env: KEYS}}}
paths:
  /inherit:
    get:
      responses: {"200": {description: ok}}
  /item:
    x-gateway:
      rate-limit: [{rate: 10/s, burst: 20}, {rate: 10000/day, key: [consumer, header:X-Tenant]}]
      limits: {max-in-flight: 4}
    get:
      responses: {"200": {description: ok}}
    delete:
      x-gateway:
        rate-limit: []
      responses: {"200": {description: ok}}
    put:
      security: [{key: []}]
      x-gateway:
        rate-limit: [{rate: 5/10s, key: api-key, store: redis, on-store-error: deny}, {rate: 1/s, name: same}, {rate: 2/s, name: same}]
      responses: {"200": {description: ok}}
  /public:
    get:
      x-gateway:
        rate-limit: {rate: 1/min, key: api-key, on-store-error: deny}
      responses: {"200": {description: ok}}
`

// TestRateLimits checks what lower decides of rate-limit: the most specific
// level wins whole, [] lifts the limits, defaults (burst = count, key =
// client-ip, names from the rate, made unique), api-key as the consumer
// where an API key is checked and the client address elsewhere (with a
// warning), and the root's client address settings.
func TestRateLimits(t *testing.T) {
	api, diags := lowerAt(t, rateLimitSpec)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for _, c := range []struct{ method, path, want string }{
		{"GET", "/inherit", `[{"name":"100-per-s","count":100,"period":1000000000,"burst":100,"key":[{"kind":"client-ip"}]}]`},
		{"GET", "/item", `[{"name":"10-per-s","count":10,"period":1000000000,"burst":20,"key":[{"kind":"client-ip"}]},` +
			`{"name":"10000-per-day","count":10000,"period":86400000000000,"burst":10000,"key":[{"kind":"consumer"},{"kind":"header","name":"X-Tenant"}]}]`},
		{"DELETE", "/item", `null`},
		{"PUT", "/item", `[{"name":"5-per-10s","count":5,"period":10000000000,"burst":5,"key":[{"kind":"consumer"}],"shared":true,"denyOnStoreError":true},` +
			`{"name":"same","count":1,"period":1000000000,"burst":1,"key":[{"kind":"client-ip"}]},` +
			`{"name":"same-2","count":2,"period":1000000000,"burst":2,"key":[{"kind":"client-ip"}]}]`},
		{"GET", "/public", `[{"name":"1-per-min","count":1,"period":60000000000,"burst":1,"key":[{"kind":"client-ip"}]}]`},
	} {
		rl := op(t, api, c.method, c.path).RateLimits
		for _, r := range rl {
			r.Pos = diag.Pos{}
		}
		b, _ := json.Marshal(rl)
		if got := strings.ReplaceAll(string(b), `,"pos":{}`, ""); got != c.want {
			t.Errorf("%s %s: rate limits\n %s\nwant\n %s", c.method, c.path, b, c.want)
		}
	}
	for _, c := range []struct {
		method, path string
		want         int64
	}{{"GET", "/item", 4}, {"DELETE", "/item", 4}, {"GET", "/inherit", 0}} {
		if got := op(t, api, c.method, c.path).MaxInFlight; got != c.want {
			t.Errorf("%s %s: max in flight %d, want %d", c.method, c.path, got, c.want)
		}
	}
	if s := diags.String(); !strings.Contains(s, "api-key on GET /public, whose security has no apiKey scheme") {
		t.Errorf("no warning for api-key without an API key:\n%s", s)
	}
	if s := diags.String(); !strings.Contains(s, "on-store-error: has no effect on a memory limit") {
		t.Errorf("no warning for on-store-error on a memory limit:\n%s", s)
	}
	if strings.Join(api.TrustedProxies, " ") != "10.0.0.0/8" || api.ClientIPHeader != "forwarded" {
		t.Errorf("client address settings %v %q", api.TrustedProxies, api.ClientIPHeader)
	}
}

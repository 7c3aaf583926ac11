package lower

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestCORS checks the policies lowered for the cors30 golden spec: key by
// key precedence, the path's methods, the derived headers, and CORS turned
// off by an empty origin list.
func TestCORS(t *testing.T) {
	api := lowerFile(t, "../../testdata/golden/cors30/spec.yaml")
	list, add, purge, private := op(t, api, "GET", "/notes"), op(t, api, "POST", "/notes"), op(t, api, "DELETE", "/admin"), op(t, api, "GET", "/private")
	if private.CORS != nil {
		t.Errorf("/private: CORS %+v, want off", private.CORS)
	}
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"listNotes origins", list.CORS.Origins, []string{"https://app.example.com", "http://localhost:3000"}},
		{"listNotes methods", list.CORS.Methods, []string{"GET", "POST"}},
		{"listNotes headers", list.CORS.Headers, []string{"X-Request-Id", "X-Tenant"}},
		{"listNotes max-age from the root", list.CORS.MaxAge, 10 * time.Minute},
		{"addNote headers: bearer and body", add.CORS.Headers, []string{"Authorization", "Content-Type", "X-Request-Id"}},
		{"purge origins from the path item", purge.CORS.Origins, []string{"https://admin.example.com"}},
		{"purge headers: API key and configured", purge.CORS.Headers, []string{"X-Admin-Key", "X-CSRF-Token", "X-Request-Id"}},
		{"purge expose", purge.CORS.Expose, []string{"X-Request-Id", "ETag"}},
		{"purge credentials", purge.CORS.Credentials, true},
		{"purge max-age still the root's", purge.CORS.MaxAge, 10 * time.Minute},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestCORSAnyOriginWithCredentials(t *testing.T) {
	_, diags := lowerAt(t, `openapi: 3.0.3
info: {title: t, version: "1"}
x-gateway:
  cors: {origins: ["*"], credentials: true}
paths:
  /a:
    get: {responses: {"200": {description: ok}}}
`)
	if !diags.HasFatal() || !strings.Contains(diags.String(), `x-gateway.cors.credentials: true with origins ["*"] would let every site call GET /a`) {
		t.Fatalf("diagnostics:\n%s", diags)
	}
}

// TestUpstreamNamesAvoidGatewayFields: upstreams named after the Gateway's
// own fields or a Go keyword, or two names that make the same Go name, get
// distinct field names, or the generated struct would not compile.
func TestUpstreamNamesAvoidGatewayFields(t *testing.T) {
	api, diags := lowerAt(t, `openapi: 3.0.3
info: {title: t, version: "1"}
x-gateway:
  upstreams:
    metrics: {targets: ["http://127.0.0.1:1"]}
    cors: {targets: ["http://127.0.0.1:2"]}
    pets: {targets: ["http://127.0.0.1:3"]}
    default: {targets: ["http://127.0.0.1:4"]}
    type: {targets: ["http://127.0.0.1:5"]}
    docs: {targets: ["http://127.0.0.1:6"]}
    Docs: {targets: ["http://127.0.0.1:7"]}
  upstream: pets
paths:
  /a:
    get: {responses: {"200": {description: ok}}}
`)
	if diags.HasFatal() {
		t.Fatal(diags)
	}
	var got []string
	for _, u := range api.Upstreams {
		got = append(got, u.GoName)
	}
	if strings.Join(got, ",") != "upMetrics,upCors,upPets,upDefault,upType,upDocs,upDocs2" {
		t.Fatalf("Go names %v", got)
	}
}

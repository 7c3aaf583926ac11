package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// lockedSpec secures an operation with an oauth2 scheme whose verification
// material the document does not give, as most published documents do.
const lockedSpec = `openapi: 3.1.0
info: {title: Locked, version: "1"}
x-gateway: {name: locked}
security: [{oauth: [read]}]
paths:
  /public:
    get:
      operationId: getPublic
      security: []
      responses: {"200": {description: ok, content: {application/json: {example: {ok: true}}}}}
  /secret:
    get:
      operationId: getSecret
      responses: {"200": {description: ok, content: {application/json: {example: {secret: 1}}}}}
components:
  securitySchemes:
    oauth:
      type: oauth2
      flows: {clientCredentials: {tokenUrl: "https://auth.example.com/token", scopes: {read: Read}}}
`

// TestEndToEndMockWithoutMaterial: a published document whose schemes come
// with no verification material serves in mock mode, its secured operations
// refused with their challenge and its public ones answered; outside mock
// mode the gateway still refuses to start without the material. Before,
// mock mode would not start either, so no such document could be tried.
func TestEndToEndMockWithoutMaterial(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a gateway; skipped in -short mode")
	}
	spec := filepath.Join(t.TempDir(), "locked.yaml")
	if err := os.WriteFile(spec, []byte(lockedSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := buildGateway(t, spec, "locked")

	t.Run("not mock: no start", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, bin, "--listen", "127.0.0.1:0", "--admin", "off").CombinedOutput()
		if err == nil || !strings.Contains(string(out), "scheme oauth has no verification material") {
			t.Fatalf("started, or said something else: %v\n%s", err, out)
		}
	})

	gw, stderr := startGatewayOutput(t, bin, "--mock")
	t.Run("mock: public answered", func(t *testing.T) {
		r := do(t, "GET", gw+"/public", "", nil)
		if r.status != 200 || !strings.Contains(string(r.body), `"ok":true`) {
			t.Fatalf("%s: %d %s", r.req, r.status, r.body)
		}
	})
	t.Run("mock: secured refused", func(t *testing.T) {
		for _, h := range []map[string]string{nil, {"Authorization": "Bearer anything"}} {
			r := do(t, "GET", gw+"/secret", "", h)
			r.problem(t, 401)
			if ch := r.header.Get("WWW-Authenticate"); !strings.HasPrefix(ch, "Bearer ") {
				t.Errorf("%s with %v: challenge %q, want a Bearer one", r.req, h, ch)
			}
		}
	})
	if !strings.Contains(stderr.String(), "scheme oauth has no verification material: in mock mode") {
		t.Errorf("the start said nothing of the locked scheme:\n%s", stderr.String())
	}
}

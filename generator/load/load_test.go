package load

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func write(t testing.TB, dir, name, src string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPetstore(t *testing.T) {
	d, diags := Load("../../specs/petstore.yaml")
	if len(diags) != 0 || d == nil {
		t.Fatalf("diagnostics:\n%s", diags)
	}
	if d.Version != "3.1" || d.File != "../../specs/petstore.yaml" || d.T == nil {
		t.Errorf("doc = %q %q", d.Version, d.File)
	}
	if d.Gateway.Name.V != "petstore" || len(d.Gateway.Upstreams) != 2 || d.Gateway.Upstream.V != "pets" {
		t.Errorf("gateway = %+v", d.Gateway)
	}
	if s := d.Operations[OpKey{"GET", "/pets/{petId}"}]; s.Timeout.V != 500*time.Millisecond || s.Timeout.Pos.Line == 0 {
		t.Errorf("getPet settings = %+v", s)
	}
	if s := d.PathItems["/stores/{storeId}/inventory"]; s.Upstream.V != "inventory" || s.Path.V != "/internal/inventory/{storeId}" {
		t.Errorf("inventory settings = %+v", s)
	}
	// Lines are looked up in the file, so that the petstore can grow.
	src, err := os.ReadFile("../../specs/petstore.yaml")
	if err != nil {
		t.Fatal(err)
	}
	lineOf := func(text string) int {
		i := strings.Index(string(src), text)
		if i < 0 {
			t.Fatalf("petstore.yaml has no %q", text)
		}
		return strings.Count(string(src[:i]), "\n") + 1
	}
	param := lineOf("\n        - name: status\n") + 1
	if p := d.Pos("paths", "/pets", "get", "parameters", "1"); p.String() != fmt.Sprintf("../../specs/petstore.yaml:%d:11", param) {
		t.Errorf("Pos = %s, want line %d col 11", p, param)
	}
	if p, want := d.Pos("paths", "/pets", "nope", "x"), lineOf("\n  /pets:\n")+1; p.Line != want || p.Col != 3 {
		t.Errorf("Pos of a missing key = %s, want the deepest existing (/pets at line %d col 3)", p, want)
	}
	if p := d.Pos("nothing"); p.String() != "../../specs/petstore.yaml:1:1" {
		t.Errorf("Pos of nothing = %s", p)
	}
}

const mini = `openapi: 3.0.3
info: {title: T, version: "1"}
x-gateway: {upstreams: {a: {targets: ["http://127.0.0.1:1"]}}, upstream: a}
paths:
  /a:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "%s"}
`

func TestRelativeFileRef(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "schemas.yaml", "Thing: {type: object, properties: {id: {type: integer}}}\n")
	file := write(t, dir, "api.yaml", strings.Replace(mini, "%s", "schemas.yaml#/Thing", 1))
	d, diags := Load(file)
	if diags.HasErrors() || d == nil {
		t.Fatalf("diagnostics:\n%s", diags)
	}
}

// TestGatewayBehindRefs: x-gateway on a path item, its operations and a
// security scheme given by $ref, in another file or elsewhere in the same
// one, is read where it is and located there (it used to be skipped, the
// operations served without their settings); an x-gateway beside the $ref
// is the path item's own and wins over the file's.
func TestGatewayBehindRefs(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "items.yaml", `item:
  x-gateway: {timeout: 2s}
  get:
    operationId: getItem
    x-gateway:
      timeout: 123ms
      bogus: 1
    responses: {"200": {description: ok}}
chain: {$ref: "#/item"}
`)
	write(t, dir, "schemes.yaml", "key:\n  type: apiKey\n  in: header\n  name: X-Key\n  x-gateway: {keys: {env: KEYS}}\n")
	file := write(t, dir, "api.yaml", `openapi: 3.1.0
info: {title: T, version: "1"}
x-gateway: {upstreams: {a: {targets: ["http://127.0.0.1:1"]}}, upstream: a}
paths:
  /items:
    $ref: "items.yaml#/chain"
  /local:
    $ref: "#/components/pathItems/local"
  /shared:
    $ref: "items.yaml#/item"
    x-gateway: {timeout: 9s}
components:
  pathItems:
    local:
      post:
        x-gateway: {timeout: 5s}
        responses: {"200": {description: ok}}
  securitySchemes:
    key: {$ref: "schemes.yaml#/key"}
`)
	d, diags := Load(file)
	if d == nil {
		t.Fatalf("not loaded:\n%s", diags)
	}
	if got := d.PathItems["/items"].Timeout.V; got != 2*time.Second {
		t.Errorf("path item timeout %v, want 2s", got)
	}
	if got := d.Operations[OpKey{Method: "GET", Path: "/items"}].Timeout.V; got != 123*time.Millisecond {
		t.Errorf("operation timeout %v, want 123ms", got)
	}
	if got := d.PathItems["/shared"].Timeout.V; got != 9*time.Second {
		t.Errorf("x-gateway beside a path item's $ref: timeout %v, want its own 9s", got)
	}
	if got := d.Operations[OpKey{Method: "GET", Path: "/shared"}].Timeout.V; got != 123*time.Millisecond {
		t.Errorf("operation behind a $ref with an x-gateway beside it: timeout %v, want the file's 123ms", got)
	}
	if got := d.Operations[OpKey{Method: "POST", Path: "/local"}].Timeout.V; got != 5*time.Second {
		t.Errorf("same-file path item's operation timeout %v, want 5s", got)
	}
	if n := len(d.Gateway.Security); n != 1 || d.Gateway.Security[0].Scheme != "key" {
		t.Errorf("scheme material %+v, want the key scheme's", d.Gateway.Security)
	}
	want := filepath.Join(dir, "items.yaml") + `:7:7: x-gateway: unknown key "bogus"`
	if got := diags.String(); !strings.Contains(got, want) {
		t.Errorf("diagnostics:\n%s\nwant one starting %s", got, want)
	}
}

func TestRemoteRefRefused(t *testing.T) {
	dir := t.TempDir()
	file := write(t, dir, "api.yaml", strings.Replace(mini, "%s", "http://127.0.0.1:1/x.yaml#/Thing", 1))
	_, diags := Load(file)
	if got := diags.String(); !strings.Contains(got, ":12:30: $ref \"http://127.0.0.1:1/x.yaml#/Thing\": remote $ref is not supported") {
		t.Fatalf("got:\n%s", got)
	}
	// The read function itself refuses, whatever the pre-check says.
	if _, _, err := (&loader{file: file}).kinLoad(nil); err == nil || !strings.Contains(err.Error(), "remote $ref is not supported") {
		t.Fatalf("kinLoad err = %v", err)
	}
}

func TestExampleMismatchIsWarning(t *testing.T) {
	src := strings.Replace(mini, `{$ref: "%s"}`, "{type: integer}\n              example: notanumber", 1)
	_, diags := Load(write(t, t.TempDir(), "api.yaml", src))
	if diags.HasErrors() || !strings.Contains(diags.String(), "warning: ") {
		t.Fatalf("want only a warning, got:\n%s", diags)
	}
}

func TestGarbageNeverPanics(t *testing.T) {
	dir := t.TempDir()
	for i, src := range []string{"", "null", "[1, 2]", "openapi: [3]", "openapi: 3.0.0\npaths: 5", "openapi: 3.1.0\ninfo: {title: t, version: v}\npaths: {/a: {get: 5}}", "{\"openapi\": \"3.0.0\", \"paths\": {\"/a\": null}}", "a: &a [*a]", "openapi: 3.0.0\nx-gateway: *x"} {
		d, diags := Load(write(t, dir, "f.yaml", src))
		if !diags.HasErrors() {
			t.Errorf("%d %q: want an error, got %v (doc %v)", i, src, diags, d != nil)
		}
	}
	if _, diags := Load(filepath.Join(dir, "missing.yaml")); !strings.Contains(diags.String(), "missing.yaml:1:1: cannot read spec") {
		t.Errorf("missing file: %s", diags)
	}
}

// FuzzLoad feeds arbitrary bytes to Load as a spec file: it must never panic
// and never report an internal error.
func FuzzLoad(f *testing.F) {
	if b, err := os.ReadFile("../../specs/petstore.yaml"); err == nil {
		f.Add(b)
	}
	fixtures, _ := filepath.Glob("../../testdata/lint/*.yaml")
	for _, p := range fixtures {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	// The $ref resolution pass: base URIs, anchors, URNs, siblings.
	f.Add([]byte(refDoc("3.1.0",
		`A: {$id: "urn:x:a", $defs: {b: {$anchor: b, $id: "http://e.com/b", type: string}}, $ref: "urn:x:a#b", minLength: 1}`,
		`B: {$ref: 'http://e.com/b', properties: {p: {$ref: "#/components/schemas/A/$defs/b"}}}`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		file := filepath.Join(t.TempDir(), "spec.yaml")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, diags := Load(file)
		for _, d := range diags {
			if strings.Contains(d.Msg, "internal error") {
				t.Fatalf("%s", d.Error())
			}
		}
	})
}

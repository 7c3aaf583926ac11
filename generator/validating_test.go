package generator

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/gatewaygen/gatewaygen/generator/diag"
	"github.com/gatewaygen/gatewaygen/generator/load"
	"github.com/gatewaygen/gatewaygen/generator/lower"
)

// TestGenerateDiagsAsLoad: Generate validates the document beside lowering
// and emitting, and still reports what loading (validation included) and
// lowering one after the other report, in the same order: warnings on
// success, every finding on failure.
func TestGenerateDiagsAsLoad(t *testing.T) {
	specs, _ := filepath.Glob(filepath.Join("..", "testdata", "golden", "*", "spec.yaml"))
	bundled, _ := filepath.Glob(filepath.Join("..", "specs", "*.yaml"))
	specs = append(specs, bundled...)
	// A document with findings of each kind: validation's (an example
	// that breaks its schema, an Invalid element), lowering's, and an
	// x-gateway error that stops generation.
	specs = append(specs, writeSpec(t, "findings.yaml", `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a/{id}:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer, example: abc}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {n: {type: string, format: date, example: 12}}}
`), writeSpec(t, "broken.yaml", `openapi: 3.0.3
info: {title: t, version: "1"}
x-gateway: {nosuchkey: 1}
paths:
  /a:
    get:
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: integer, example: x}}}}
`))
	for _, spec := range specs {
		t.Run(filepath.Base(filepath.Dir(spec))+"/"+filepath.Base(spec), func(t *testing.T) {
			want := sequentialDiags(spec)
			res, err := Generate(Options{Spec: spec, ImportPath: "example.com/diags"})
			var got diag.List
			var de *DiagError
			switch {
			case errors.As(err, &de):
				got = de.List
			case err != nil:
				t.Fatal(err)
			default:
				got = res.Diags
				want = warnings(want)
			}
			if got.String() != want.String() {
				t.Errorf("Generate reported\n%s\nloading and lowering in turn report\n%s", got, want)
			}
		})
	}
}

// sequentialDiags is what Load (which validates) and Lower report one
// after the other, sorted: what Generate reported before it validated
// beside lowering.
func sequentialDiags(spec string) diag.List {
	doc, diags := load.Load(spec)
	if doc == nil || diags.HasFatal() {
		if doc == nil && !diags.HasFatal() {
			diags.Errorf(diag.Pos{File: spec}, "the document could not be loaded")
		}
		diags.Sort()
		return diags
	}
	_, more := lower.Lower(doc)
	diags = append(diags, more...)
	diags.Sort()
	return diags
}

func writeSpec(t *testing.T, name, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

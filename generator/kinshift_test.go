package generator

import (
	"errors"
	"testing"

	"github.com/gatewaygen/gatewaygen/generator/diag"
)

// TestOneLineJSONPositions: kin-openapi reads a document that starts with
// "{" after a document start marker, which moves its origins on the first
// line to the right; the findings of validation and of lowering located by
// those origins are still at the file's own columns. The same document
// after one space is read as written, and its findings are one column to
// the right of the first's.
func TestOneLineJSONPositions(t *testing.T) {
	const doc = `{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": {"parameters": [` +
		`{"name": "h", "in": "header", "allowEmptyValue": true, "schema": {"type": "string"}}, ` +
		`{"name": "q", "in": "query", "schema": {"type": "integer", "example": "x"}}], ` +
		`"responses": {"200": {"description": "ok"}}}}}}`
	diags := func(name, src string) diag.List {
		spec := writeSpec(t, name, src)
		res, err := Generate(Options{Spec: spec, ImportPath: "example.com/oneline"})
		var de *DiagError
		switch {
		case errors.As(err, &de):
			return de.List
		case err != nil:
			t.Fatal(err)
		}
		return res.Diags
	}
	got := diags("a.json", doc)
	want := diags("b.json", " "+doc)
	for i := range got {
		got[i].Pos.File = "api.json"
	}
	moved := 0
	for i := range want {
		want[i].Pos.File = "api.json"
		if want[i].Pos.Line == 1 && want[i].Pos.Col > 1 {
			want[i].Pos.Col--
			moved++
		}
	}
	if moved < 2 {
		t.Fatalf("only %d findings located on the first line:\n%s", moved, want)
	}
	if got.String() != want.String() {
		t.Errorf("findings of the document as loaded:\n%s\nwant (those of the document after a space, one column left):\n%s", got, want)
	}
}

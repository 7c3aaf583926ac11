package generator

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gatewaygen/gatewaygen/generator/module"
)

// TestStandaloneModuleFiles: the module's own files, made beside the load
// when the import path is given and beside emitting when it is derived from
// the API's name, are module.Files' for that path; a bad path still fails
// the generation with module.Files' error.
func TestStandaloneModuleFiles(t *testing.T) {
	spec := filepath.Join("..", "specs", "petstore.yaml")
	for _, tc := range []struct{ importPath, module string }{
		{"example.com/pets-gw", "example.com/pets-gw"},
		{"", "petstore-gateway"},
	} {
		res, err := Generate(Options{Spec: spec, Standalone: true, ImportPath: tc.importPath})
		if err != nil {
			t.Fatalf("%q: %v", tc.importPath, err)
		}
		want, err := module.Files(tc.module)
		if err != nil {
			t.Fatal(err)
		}
		for name, b := range want {
			if !bytes.Equal(res.Files[name], b) {
				t.Errorf("%q: %s differs from module.Files(%q)'s", tc.importPath, name, tc.module)
			}
		}
		if !strings.Contains(string(res.Files["go.mod"]), "module "+tc.module+"\n") {
			t.Errorf("%q: go.mod:\n%s", tc.importPath, res.Files["go.mod"])
		}
	}
	if _, err := Generate(Options{Spec: spec, Standalone: true, ImportPath: "bad path"}); err == nil || !strings.Contains(err.Error(), `bad module path "bad path"`) {
		t.Errorf("bad import path: err = %v", err)
	}
}

package generator

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gatewaygen/gatewaygen/generator/internal/textdiff"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// TestGolden pins the emitted code of each case in testdata/golden/<case>/:
// spec.yaml is the input, <file>.golden each emitted file, and
// diagnostics.golden what the generator reported. Run with -update after an
// intended change and review the diff.
func TestGolden(t *testing.T) {
	cases, err := filepath.Glob(filepath.Join("..", "testdata", "golden", "*", "spec.yaml"))
	if err != nil || len(cases) == 0 {
		t.Fatalf("no golden cases found: %v", err)
	}
	for _, spec := range cases {
		dir := filepath.Dir(spec)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			// The spec path as a user in the repository root would write it,
			// so headers and diagnostics do not depend on the test's cwd.
			rel := filepath.ToSlash(filepath.Join("testdata", "golden", filepath.Base(dir), "spec.yaml"))
			res := generateFrom(t, "..", rel, "example.com/golden/"+filepath.Base(dir))
			got := map[string][]byte{"diagnostics.golden": []byte(res.Diags.String())}
			for name, b := range res.Files {
				got[strings.ReplaceAll(name, "/", "_")+".golden"] = b
			}
			if *update {
				old, _ := filepath.Glob(filepath.Join(dir, "*.golden"))
				for _, f := range old {
					os.Remove(f)
				}
				for name, b := range got {
					if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				return
			}
			names := make([]string, 0, len(got))
			for name := range got {
				names = append(names, name)
			}
			sort.Strings(names)
			for _, name := range names {
				want, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Errorf("%s: missing golden file (run go test ./generator -run TestGolden -update): %v", name, err)
					continue
				}
				if !bytes.Equal(got[name], want) {
					t.Errorf("%s differs from the golden file (run with -update if intended):\n%s", name, textdiff.Unified(name, "generated", want, got[name], 3))
				}
			}
			old, _ := filepath.Glob(filepath.Join(dir, "*.golden"))
			for _, f := range old {
				if _, ok := got[filepath.Base(f)]; !ok {
					t.Errorf("%s: golden file for an output no longer produced", filepath.Base(f))
				}
			}
		})
	}
}

// TestDeterministic generates the petstore twice and expects the same bytes.
func TestDeterministic(t *testing.T) {
	a := generateFrom(t, "..", "specs/petstore.yaml", "example.com/petstore")
	b := generateFrom(t, "..", "specs/petstore.yaml", "example.com/petstore")
	if len(a.Files) != len(b.Files) {
		t.Fatalf("file sets differ: %d vs %d", len(a.Files), len(b.Files))
	}
	for name, x := range a.Files {
		if !bytes.Equal(x, b.Files[name]) {
			t.Errorf("%s: two runs differ:\n%s", name, textdiff.Unified("first run", "second run", x, b.Files[name], 3))
		}
	}
}

// generateFrom runs Generate with spec relative to dir, as if from dir.
func generateFrom(t *testing.T, dir, spec, importPath string) *Result {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	res, err := Generate(Options{Spec: spec, ImportPath: importPath})
	if err != nil {
		t.Fatalf("generate %s: %v", spec, err)
	}
	return res
}

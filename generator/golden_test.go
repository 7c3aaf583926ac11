package generator

import (
	"bytes"
	"flag"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gatewaygen/gatewaygen/generator/internal/testfs"
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
				if strings.HasPrefix(name, "docs/") {
					continue // the portal's pages: generator/portal's goldens pin them
				}
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

// TestConstructs pins, one construct at a time, the Go that gatewaygen
// emits for it. Each testdata/constructs/<name>.txt is one file: comment
// lines (#) saying what it shows, a "# decls:" line naming the generated
// declarations to compare, a small spec, and after a "-- want --" line
// those declarations as emitted. Where a whole-API golden (testdata/golden)
// shows that something changed, these show what, in a few lines. Rewrite
// them with -update after an intended change and review the diff.
func TestConstructs(t *testing.T) {
	cases, err := filepath.Glob(filepath.Join("..", "testdata", "constructs", "*.txt"))
	if err != nil || len(cases) == 0 {
		t.Fatalf("no construct cases found: %v", err)
	}
	for _, file := range cases {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			spec, want, ok := bytes.Cut(src, []byte("\n-- want --\n"))
			if !ok {
				t.Fatalf("%s: no \"-- want --\" line", file)
			}
			var decls []string
			for _, line := range strings.Split(string(spec), "\n") {
				if names, ok := strings.CutPrefix(line, "# decls:"); ok {
					decls = append(decls, strings.Fields(names)...)
				}
			}
			if len(decls) == 0 {
				t.Fatalf("%s: no \"# decls:\" line", file)
			}
			dir := t.TempDir()
			specFile := filepath.Join(dir, "spec.yaml")
			if err := os.WriteFile(specFile, spec, 0o644); err != nil {
				t.Fatal(err)
			}
			// Relative to its folder, so the emitted comments name no
			// temporary path.
			res := generateFrom(t, dir, "spec.yaml", "example.com/construct")
			got := extractDecls(t, res.Files, decls)
			if *update {
				out := append(append(spec, "\n-- want --\n"...), got...)
				if err := os.WriteFile(file, out, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if !bytes.Equal(got, want) {
				t.Errorf("emitted code differs (run with -update if intended):\n%s", textdiff.Unified("want", "emitted", want, got, 3))
			}
		})
	}
}

// extractDecls prints the named top-level declarations of the generated
// Go files (functions, methods as Type.method, types, vars and consts), with
// their doc comments, in the order asked.
func extractDecls(t *testing.T, files map[string][]byte, names []string) []byte {
	t.Helper()
	fset := token.NewFileSet()
	found := map[string]string{}
	paths := make([]string, 0, len(files))
	for p := range files {
		if strings.HasSuffix(p, ".go") {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		f, err := parser.ParseFile(fset, p, files[p], parser.ParseComments)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, d := range f.Decls {
			var name string
			switch d := d.(type) {
			case *ast.FuncDecl:
				name = d.Name.Name
				if d.Recv != nil && len(d.Recv.List) == 1 {
					// A method is named Type.method: many types have a decode.
					typ := d.Recv.List[0].Type
					if star, ok := typ.(*ast.StarExpr); ok {
						typ = star.X
					}
					if id, ok := typ.(*ast.Ident); ok {
						name = id.Name + "." + name
					}
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						name = s.Name.Name
					case *ast.ValueSpec:
						name = s.Names[0].Name
					}
				}
			}
			if name == "" {
				continue
			}
			var b bytes.Buffer
			if err := (&printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}).Fprint(&b, fset, &printer.CommentedNode{Node: d, Comments: f.Comments}); err != nil {
				t.Fatal(err)
			}
			found[name] = b.String()
		}
	}
	var out bytes.Buffer
	for i, n := range names {
		d, ok := found[n]
		if !ok {
			t.Fatalf("no declaration %s in the generated files", n)
		}
		if i > 0 {
			out.WriteString("\n")
		}
		out.WriteString(d)
		out.WriteString("\n")
	}
	return out.Bytes()
}

// TestGoldenRequests builds each golden case that has hand-written
// requests (testdata/golden/<case>/cases_test.go.txt) as a package of this
// module, adds the requests and runs them with the package's generated
// tests (routing, sample requests, zero allocations): params31 shows every
// parameter style accepting its serialization and rejecting a broken one at
// the exact location and rule; schemas31 does the same for the schema
// keywords (discriminator dispatch, readOnly, applicators, formats);
// bodies31 for object properties of form bodies in their encoding styles;
// gatenames30 that a body gate named after a schema never checks another
// operation's body;
// realbodies30 for form, */* and multipart bodies shaped as Stripe and Jira
// shape theirs.
func TestGoldenRequests(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and tests generated packages")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	for _, name := range []string{"params31", "schemas31", "polymorphic30", "bodies31", "gatenames30", "paramshapes31", "realbodies30", "twins30"} {
		t.Run(name, func(t *testing.T) {
			// Inside the module, so the package imports this runtime; the
			// leading underscore keeps ./... patterns away from it.
			dir, err := os.MkdirTemp("..", "_"+name)
			if err != nil {
				t.Fatal(err)
			}
			defer os.RemoveAll(dir)
			rel := filepath.ToSlash(filepath.Join("testdata", "golden", name, "spec.yaml"))
			res := generateFrom(t, "..", rel, "github.com/gatewaygen/gatewaygen/"+filepath.Base(dir))
			files := map[string][]byte{}
			for n, b := range res.Files {
				files[n] = b
			}
			cases, err := os.ReadFile(filepath.Join("..", "testdata", "golden", name, "cases_test.go.txt"))
			if err != nil {
				t.Fatal(err)
			}
			files["cases_test.go"] = cases
			testfs.Write(t, dir, files)
			cmd := exec.Command(gobin, "test", "-count=1", ".")
			cmd.Dir = dir
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("generated %s package: %v\n%s", name, err, out)
			}
		})
	}
}

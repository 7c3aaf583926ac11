package generator

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gatewaygen/gatewaygen/generator/internal/textdiff"
)

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

package module

import (
	"bytes"
	"go/format"
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

// TestCopiesGofmted holds copyGoFile's shortcut (no gofmt when the rewritten
// imports keep their places) to gofmt: every copied runtime file, for
// module paths that sort before, between and after the others, is what
// gofmt makes of it.
func TestCopiesGofmted(t *testing.T) {
	for _, mod := range []string{"a", "genbench-gateway", "example.com/petstore-gateway", "golang.org/zz", "zz.example/gw"} {
		files, err := Files(mod)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for name, b := range files {
			if !strings.HasSuffix(name, ".go") {
				continue
			}
			n++
			want, err := format.Source(b)
			if err != nil {
				t.Fatalf("%s (module %s): %v", name, mod, err)
			}
			if !bytes.Equal(b, want) {
				t.Errorf("%s (module %s): the copy is not gofmt'ed", name, mod)
			}
		}
		if n < 50 {
			t.Fatalf("module %s: %d Go files copied, want the whole runtime", mod, n)
		}
	}
}

// TestImportsMoved checks which rewrites copyGoFile leaves to gofmt, and
// that the copy is gofmt'ed either way.
func TestImportsMoved(t *testing.T) {
	const from, to = ourModule + "/runtime/", "zz.example/gw/runtime/"
	const pkg = "package x\n\n"
	for _, c := range []struct {
		name, src string
		want      bool
	}{
		{"none", pkg + `import "fmt"`, false},
		{"keeps its place", pkg + "import (\n\t\"fmt\"\n\n\t\"" + from + "a\"\n\t\"" + from + "b\"\n)", false},
		{"alone in its run", pkg + "import (\n\t\"fmt\"\n\n\t\"" + from + "a\"\n\n\t\"github.com/valyala/fasthttp\"\n)", false},
		{"passes another", pkg + "import (\n\t\"" + from + "a\"\n\t\"github.com/valyala/fasthttp\"\n)", true},
		{"comment after", pkg + "import (\n\t\"" + from + "a\" // why\n\t\"" + from + "bb\" // and\n)", true},
		{"doc comment", pkg + "import (\n\t// why\n\t\"" + from + "a\"\n)", true},
		{"named", pkg + "import (\n\tp \"" + from + "a\"\n\tq \"" + from + "b\"\n)", false},
		{"duplicate", pkg + "import (\n\tp \"" + from + "a\"\n\tq \"" + from + "a\"\n)", true},
		{"build constraint", "//go:build linux\n\n" + pkg + `import "fmt"`, true},
	} {
		src := []byte(c.src + "\n")
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "x.go", src, parser.ImportsOnly|parser.ParseComments)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if moved := importsMoved(fset, f, from, to); moved != c.want {
			t.Errorf("%s: importsMoved = %v, want %v", c.name, moved, c.want)
		}
		got, err := copyGoFile("runtime/x/x.go", src, ourModule, from, to, map[string]bool{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if want, err := format.Source(got); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: copy not gofmt'ed (%v):\n%s", c.name, err, got)
		}
	}
}

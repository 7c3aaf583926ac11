package emit

import (
	"bytes"
	"go/format"
	"path/filepath"
	"strings"
	"testing"
)

// TestFilesGofmted pins that every emitted Go file is already in gofmt's
// form: the files are formatted once, by jennifer, and the import
// regrouping after it must not leave anything for gofmt to change.
func TestFilesGofmted(t *testing.T) {
	for _, name := range []string{"responses", "params31", "features30", "polymorphic30"} {
		t.Run(name, func(t *testing.T) {
			api := lowered(t, filepath.Join("..", "..", "testdata", "golden", name, "spec.yaml"))
			files, err := Files(api, testConfig)
			if err != nil {
				t.Fatal(err)
			}
			for file, b := range files {
				if !strings.HasSuffix(file, ".go") {
					continue
				}
				want, err := format.Source(b)
				if err != nil {
					t.Fatalf("%s: %v", file, err)
				}
				if !bytes.Equal(b, want) {
					t.Errorf("%s is not gofmt'ed", file)
				}
			}
		})
	}
}

// TestGroupImports covers the regrouping on its own: the standard library
// first, then the rest after one blank line, each group in jennifer's order.
func TestGroupImports(t *testing.T) {
	isStd := func(p string) bool { return !strings.Contains(p, ".") }
	for _, tc := range []struct{ name, in, want string }{
		{"mixed",
			"package p\n\nimport (\n\t\"bytes\"\n\tfasthttp \"github.com/valyala/fasthttp\"\n\t\"strings\"\n)\n\nvar _ = 1\n",
			"package p\n\nimport (\n\t\"bytes\"\n\t\"strings\"\n\n\tfasthttp \"github.com/valyala/fasthttp\"\n)\n\nvar _ = 1\n"},
		{"std only",
			"package p\n\nimport (\n\t\"bytes\"\n\t\"strings\"\n)\n",
			"package p\n\nimport (\n\t\"bytes\"\n\t\"strings\"\n)\n"},
		{"single import", "package p\n\nimport \"bytes\"\n", "package p\n\nimport \"bytes\"\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(groupImports([]byte(tc.in), isStd))
			if got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
			if f, err := format.Source([]byte(got)); err != nil || string(f) != got {
				t.Errorf("result is not gofmt'ed (%v):\n%s", err, f)
			}
		})
	}
}

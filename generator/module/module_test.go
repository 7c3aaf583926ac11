package module

import (
	"bytes"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const ourModule = "github.com/gatewaygen/gatewaygen"

func TestFiles(t *testing.T) {
	files, err := Files("example.com/gw")
	if err != nil {
		t.Fatal(err)
	}
	ourMod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	ourSum, err := os.ReadFile("../../go.sum")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(files["go.sum"], ourSum) {
		t.Error("go.sum is not ours verbatim")
	}

	mod := string(files["go.mod"])
	if !strings.HasPrefix(mod, "module example.com/gw\n") {
		t.Errorf("go.mod does not start with the module line:\n%s", mod)
	}
	goLine := regexp.MustCompile(`(?m)^go [0-9.]+$`)
	if got, want := goLine.FindString(mod), goLine.FindString(string(ourMod)); got == "" || got != want {
		t.Errorf("go directive = %q, want ours %q", got, want)
	}
	// Every line is a directive, a block bracket or a "path version" requirement.
	reqLine := regexp.MustCompile(`^\t[a-z0-9.\-]+(/[A-Za-z0-9._~\-]+)+ v[0-9][^ ]*( // indirect)?$`)
	inBlock := false
	for i, line := range strings.Split(strings.TrimSuffix(mod, "\n"), "\n") {
		switch {
		case line == "" || strings.HasPrefix(line, "module ") || strings.HasPrefix(line, "go ") || strings.HasPrefix(line, "toolchain "):
		case line == "require (" && !inBlock:
			inBlock = true
		case line == ")" && inBlock:
			inBlock = false
		case inBlock && reqLine.MatchString(line):
		default:
			t.Errorf("go.mod line %d does not parse: %q", i+1, line)
		}
	}
	if inBlock {
		t.Error("go.mod: unclosed require block")
	}
	if strings.Contains(mod, ourModule) {
		t.Errorf("go.mod names this project's module:\n%s", mod)
	}
	if !strings.Contains(mod, "github.com/valyala/fasthttp v") {
		t.Errorf("go.mod does not require fasthttp:\n%s", mod)
	}

	var goFiles int
	for name, src := range files {
		if name == "go.mod" || name == "go.sum" {
			continue
		}
		if !strings.HasPrefix(name, "runtime/") {
			t.Errorf("unexpected file %s", name)
		}
		if strings.HasSuffix(name, "_test.go") || strings.Contains("/"+name+"/", "/testdata/") {
			t.Errorf("copied %s, want tests and testdata skipped", name)
		}
		if filepath.Ext(name) != ".go" {
			continue
		}
		goFiles++
		if !bytes.HasPrefix(src, []byte(Header+"\n")) {
			t.Errorf("%s: does not start with the generated-code header", name)
		}
		if formatted, err := format.Source(src); err != nil || !bytes.Equal(formatted, src) {
			t.Errorf("%s: not gofmt'd (err %v)", name, err)
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(p, ourModule) {
				t.Errorf("%s: still imports %s", name, p)
			}
		}
	}
	if goFiles == 0 {
		t.Error("no runtime Go files copied")
	}
}

// TestRewriteImports checks the import rewrite on a file that groups our
// runtime with a third-party import, where the rewrite changes sort order.
func TestRewriteImports(t *testing.T) {
	src := []byte(`// Package x is a test.
package x

import (
	"fmt"

	"github.com/gatewaygen/gatewaygen/runtime/problem"
	"github.com/valyala/fasthttp"
)

var _ = fmt.Sprint(problem.X, fasthttp.X, "github.com/gatewaygen/gatewaygen/runtime/problem")
`)
	imports := map[string]bool{}
	got, err := copyGoFile("runtime/x/x.go", src, ourModule, ourModule+"/runtime/", "zz.example/gw/runtime/", imports)
	if err != nil {
		t.Fatal(err)
	}
	want := Header + `
// Source: github.com/gatewaygen/gatewaygen/runtime/x/x.go

// Package x is a test.
package x

import (
	"fmt"

	"github.com/valyala/fasthttp"
	"zz.example/gw/runtime/problem"
)

var _ = fmt.Sprint(problem.X, fasthttp.X, "github.com/gatewaygen/gatewaygen/runtime/problem")
`
	if string(got) != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if len(imports) != 1 || !imports["github.com/valyala/fasthttp"] {
		t.Errorf("imports = %v, want only fasthttp", imports)
	}

	bad := []byte("package x\n\nimport _ \"github.com/gatewaygen/gatewaygen/generator/ir\"\n")
	if _, err := copyGoFile("runtime/x/y.go", bad, ourModule, ourModule+"/runtime/", "zz/runtime/", imports); err == nil {
		t.Error("runtime importing generator/ir: no error")
	}
}

func TestFilesRejectsBadModulePath(t *testing.T) {
	for _, p := range []string{"", "/abs", "a//b", "a/../b", "has space", `q"uote`} {
		if _, err := Files(p); err == nil {
			t.Errorf("Files(%q): no error", p)
		}
	}
}

// TestRequiresMatchGoList proves moduleDeps: the standalone go.mod requires
// exactly the modules that provide packages to the runtime according to the
// go command, plus what alwaysRequire adds.
func TestRequiresMatchGoList(t *testing.T) {
	goBin := lookGo(t)
	files, err := Files("example.com/gw")
	if err != nil {
		t.Fatal(err)
	}
	got := requires(string(files["go.mod"]))

	want := map[string]bool{}
	pkgs := []string{"./runtime/..."}
	pkgs = append(pkgs, alwaysRequire...)
	for _, goos := range []string{"linux", "darwin", "windows"} {
		args := append([]string{"list", "-deps", "-f", "{{with .Module}}{{.Path}}{{end}}"}, pkgs...)
		cmd := exec.Command(goBin, args...)
		cmd.Dir = "../.."
		cmd.Env = append(os.Environ(), "GOOS="+goos, "GOFLAGS=-mod=readonly")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list (GOOS=%s): %v\n%s", goos, err, stderrOf(err))
		}
		for _, m := range strings.Fields(string(out)) {
			if m != ourModule {
				want[m] = true
			}
		}
	}
	if a, b := sortedKeys(got), sortedKeys(want); strings.Join(a, " ") != strings.Join(b, " ") {
		t.Errorf("go.mod requires\n\t%v\ngo list -deps says the runtime needs\n\t%v\nupdate moduleDeps in generator/module", a, b)
	}
}

// TestStandaloneBuilds writes Files to a directory outside this module and
// builds every runtime package there with plain `go build`, offline (only
// the module cache), so nothing of this project's module is fetched.
func TestStandaloneBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module; skipped in -short mode")
	}
	goBin := lookGo(t)
	dir := t.TempDir()
	files, err := Files("example.com/gw")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WriteDir(dir, files); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(goBin, "build", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOPROXY=off", "GOFLAGS=-mod=readonly")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./... in standalone module: %v\n%s", err, out)
	}
}

func lookGo(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	return p
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}

// requires returns the module paths a go.mod text requires.
func requires(mod string) map[string]bool {
	gm, err := parseGoMod([]byte(mod))
	if err != nil {
		return nil
	}
	out := map[string]bool{}
	for m := range gm.require {
		out[m] = true
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

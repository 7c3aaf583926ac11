package generator

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestParams31Requests builds the params31 golden case as a package of this
// module, adds the hand-written requests of
// testdata/golden/params31/cases_test.go.txt and runs them with the
// package's generated tests (routing, sample requests, zero allocations):
// every style is shown to accept its serialization and to reject a broken
// one at the exact location and rule.
func TestParams31Requests(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and tests a generated package")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	// Inside the module, so the package imports this runtime; the
	// leading underscore keeps ./... patterns away from it.
	dir, err := os.MkdirTemp("..", "_params31")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	rel := filepath.ToSlash(filepath.Join("testdata", "golden", "params31", "spec.yaml"))
	res := generateFrom(t, "..", rel, "github.com/gatewaygen/gatewaygen/"+filepath.Base(dir))
	files := map[string][]byte{}
	for name, b := range res.Files {
		files[name] = b
	}
	cases, err := os.ReadFile(filepath.Join("..", "testdata", "golden", "params31", "cases_test.go.txt"))
	if err != nil {
		t.Fatal(err)
	}
	files["cases_test.go"] = cases
	write(t, dir, files)
	cmd := exec.Command(gobin, "test", "-count=1", ".")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generated params31 package: %v\n%s", err, out)
	}
}

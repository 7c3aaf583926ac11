package generator

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

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
	for _, name := range []string{"params31", "schemas31", "polymorphic30", "bodies31", "gatenames30", "paramshapes31", "realbodies30"} {
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
			write(t, dir, files)
			cmd := exec.Command(gobin, "test", "-count=1", ".")
			cmd.Dir = dir
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("generated %s package: %v\n%s", name, err, out)
			}
		})
	}
}

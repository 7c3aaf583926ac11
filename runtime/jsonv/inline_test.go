package jsonv

import (
	"os/exec"
	"regexp"
	"testing"
)

// TestInlining fails when a method that runs once per value stops being
// inlined: Peek sits exactly at the compiler's budget, so a small edit can
// push it over and cost every value a call (about a fifth of a small body).
func TestInlining(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the package with -gcflags=-m")
	}
	out, err := exec.Command("go", "build", "-gcflags=-m", ".").CombinedOutput()
	if err != nil {
		t.Skipf("go build -gcflags=-m: %v\n%s", err, out)
	}
	for _, fn := range []string{`\(\*Iter\)\.Peek`, `\(\*Iter\)\.NextElem`, `\(\*Iter\)\.FirstElem`, `\(\*Iter\)\.PushKey`, `\(\*Iter\)\.Pop`} {
		if !regexp.MustCompile(`can inline ` + fn + `\b`).Match(out) {
			t.Errorf("%s is no longer inlined; go build -gcflags=-m=2 says why", fn)
		}
	}
}

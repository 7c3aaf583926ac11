package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiffCommand: exit status 1 on breaking changes and 0 otherwise, in
// text and JSON, on the pairs of testdata/diff.
func TestDiffCommand(t *testing.T) {
	for _, c := range []struct {
		fixture  string
		code     int
		breaking bool
	}{{"breaking", 1, true}, {"nonbreaking", 0, false}} {
		src, err := os.ReadFile(filepath.Join("..", "..", "testdata", "diff", c.fixture+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		_, rest, _ := strings.Cut(string(src), "-- old.yaml --\n")
		oldSpec, rest, _ := strings.Cut(rest, "-- new.yaml --\n")
		newSpec, _, _ := strings.Cut(rest, "-- want --\n")
		dir := t.TempDir()
		oldFile, newFile := filepath.Join(dir, "old.yaml"), filepath.Join(dir, "new.yaml")
		if os.WriteFile(oldFile, []byte(oldSpec), 0o644) != nil || os.WriteFile(newFile, []byte(newSpec), 0o644) != nil {
			t.Fatal("cannot write the fixture's documents")
		}
		code, out, errOut := runCLI(t, "diff", oldFile, newFile)
		if code != c.code || !strings.Contains(out, " breaking\n") {
			t.Errorf("%s text: exit %d, stdout %q, stderr %q; want exit %d", c.fixture, code, out, errOut, c.code)
		}
		code, out, _ = runCLI(t, "diff", "--format", "json", oldFile, newFile)
		var got struct {
			Breaking int `json:"breaking"`
			Changes  []struct {
				Breaking bool   `json:"breaking"`
				What     string `json:"what"`
			} `json:"changes"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil || code != c.code || len(got.Changes) == 0 || (got.Breaking > 0) != c.breaking {
			t.Errorf("%s json: exit %d, %v, %+v", c.fixture, code, err, got)
		}
	}
	if code, _, _ := runCLI(t, "diff", "--format", "xml", "a", "b"); code != 2 {
		t.Errorf("--format xml: exit %d, want 2", code)
	}
	if code, _, errOut := runCLI(t, "diff", "../../specs/petstore.yaml", "missing.yaml"); code != 1 || errOut == "" {
		t.Errorf("a missing document: exit %d, stderr %q; want 1 and a diagnostic", code, errOut)
	}
}

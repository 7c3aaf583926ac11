package diff_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gatewaygen/gatewaygen/generator"
	"github.com/gatewaygen/gatewaygen/generator/diff"
	"github.com/gatewaygen/gatewaygen/generator/internal/textdiff"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata/diff/*.txt")

// TestFixtures compares the two documents of each testdata/diff case and
// holds the listed changes to its want section; breaking.txt must list
// only breaking changes and nonbreaking.txt none.
func TestFixtures(t *testing.T) {
	cases, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "diff", "*.txt"))
	if len(cases) == 0 {
		t.Fatal("no cases in testdata/diff")
	}
	for _, file := range cases {
		name := strings.TrimSuffix(filepath.Base(file), ".txt")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			head, rest, ok1 := strings.Cut(string(src), "-- old.yaml --\n")
			oldSpec, rest, ok2 := strings.Cut(rest, "-- new.yaml --\n")
			newSpec, want, ok3 := strings.Cut(rest, "-- want --\n")
			if !ok1 || !ok2 || !ok3 {
				t.Fatalf("%s: want sections old.yaml, new.yaml and want", file)
			}
			dir := t.TempDir()
			for name, spec := range map[string]string{"old.yaml": oldSpec, "new.yaml": newSpec} {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(spec), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			oldAPI, d1 := generator.Lower(filepath.Join(dir, "old.yaml"))
			newAPI, d2 := generator.Lower(filepath.Join(dir, "new.yaml"))
			if oldAPI == nil || newAPI == nil || d1.HasFatal() || d2.HasFatal() {
				t.Fatalf("lower: %v %v", d1, d2)
			}
			changes := diff.Compare(oldAPI, newAPI)
			var got bytes.Buffer
			if err := diff.WriteText(&got, changes); err != nil {
				t.Fatal(err)
			}
			switch name {
			case "breaking":
				if diff.Breaking(changes) != len(changes) {
					t.Errorf("a change of breaking.txt is classified non-breaking:\n%s", got.String())
				}
			case "nonbreaking":
				if diff.Breaking(changes) != 0 {
					t.Errorf("a change of nonbreaking.txt is classified breaking:\n%s", got.String())
				}
			}
			if *update {
				out := head + "-- old.yaml --\n" + oldSpec + "-- new.yaml --\n" + newSpec + "-- want --\n" + got.String()
				if err := os.WriteFile(file, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got.String() != want {
				t.Errorf("changes differ (run with -update if intended):\n%s", textdiff.Unified("want", "got", []byte(want), got.Bytes(), 3))
			}
		})
	}
}

// TestIdentical: a document compared with itself has no change.
func TestIdentical(t *testing.T) {
	api, diags := generator.Lower(filepath.Join("..", "..", "specs", "petstore.yaml"))
	if api == nil {
		t.Fatal(diags)
	}
	again, _ := generator.Lower(filepath.Join("..", "..", "specs", "petstore.yaml"))
	if changes := diff.Compare(api, again); len(changes) != 0 {
		t.Errorf("petstore against itself: %v", changes)
	}
}

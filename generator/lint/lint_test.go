package lint

import (
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatewaygen/gatewaygen/generator/diag"
	"github.com/gatewaygen/gatewaygen/generator/internal/oracledata"
	"github.com/gatewaygen/gatewaygen/generator/load"
)

var update = flag.Bool("update", false, "rewrite testdata/lint/*.yaml.want from the current output")

// repoRoot finds the directory holding go.mod, above the package directory.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the package directory")
		}
		dir = parent
	}
}

// TestFixtures lints every negative fixture in testdata/lint and compares
// the diagnostics with NAME.yaml.want: one line per diagnostic, in order, each
// want line a substring of the diagnostic it stands for. Paths are relative to
// the repository root, as a user running gatewaygen there would pass them.
func TestFixtures(t *testing.T) {
	t.Chdir(repoRoot(t))
	files, err := filepath.Glob("testdata/lint/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			file = filepath.ToSlash(file)
			got := Lint(file)
			if !got.HasErrors() && name != "no-upstream" {
				t.Errorf("a negative fixture must fail; got\n%s", got)
			}
			for _, d := range got {
				if d.Pos.Line == 0 {
					t.Errorf("unlocated diagnostic: %s", d.Error())
				}
				if d.Pos.File != file {
					t.Errorf("diagnostic names file %q, want %q as passed", d.Pos.File, file)
				}
			}
			gotLines := strings.Split(strings.TrimSuffix(got.String(), "\n"), "\n")
			if *update {
				if err := os.WriteFile(file+".want", []byte(got.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			wantSrc, err := os.ReadFile(file + ".want")
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			want := strings.Split(strings.TrimSuffix(string(wantSrc), "\n"), "\n")
			if len(want) != len(gotLines) {
				t.Fatalf("got %d diagnostics, want %d:\n got:\n%s\n want:\n%s", len(gotLines), len(want), got, wantSrc)
			}
			for i := range want {
				if !strings.Contains(gotLines[i], want[i]) {
					t.Errorf("diagnostic %d:\n got  %s\n want %s", i, gotLines[i], want[i])
				}
			}
		})
	}
}

// TestPetstoreClean: the flagship example must lint without errors or
// warnings.
func TestPetstoreClean(t *testing.T) {
	t.Chdir(repoRoot(t))
	if got := Lint("specs/petstore.yaml"); len(got) != 0 {
		t.Fatalf("specs/petstore.yaml:\n%s", got)
	}
}

// TestCorpus loads every real spec of the shared corpus: none may panic or
// produce an unlocated internal error.
func TestCorpus(t *testing.T) {
	dir := oracledata.Shared(t, "corpus-lint", "specs-corpus")
	var files []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			switch strings.ToLower(filepath.Ext(p)) {
			case ".yaml", ".yml", ".json":
				files = append(files, p)
			}
		}
		return nil
	})
	if len(files) == 0 {
		oracledata.Missing(t, "the shared specs corpus at "+dir+" holds no spec")
	}
	var clean, warned, failed, unloaded atomic.Int64
	start := time.Now()
	jobs := make(chan string)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for file := range jobs {
				doc, diags := load.Load(file)
				for _, d := range diags {
					if strings.Contains(d.Msg, "internal error") {
						t.Errorf("%s", d.Error())
					}
				}
				switch {
				case doc == nil:
					unloaded.Add(1)
				case diags.HasErrors():
					failed.Add(1)
				case len(diags) > 0:
					warned.Add(1)
				default:
					clean.Add(1)
				}
				if doc == nil || diags.HasErrors() {
					t.Logf("%s: %s", rel(dir, file), firstError(diags))
				}
			}
		})
	}
	for _, f := range files {
		jobs <- f
	}
	close(jobs)
	wg.Wait()
	t.Logf("corpus: %d specs in %v: %d clean, %d with warnings only, %d loaded with errors, %d not loaded",
		len(files), time.Since(start).Round(time.Millisecond), clean.Load(), warned.Load(), failed.Load(), unloaded.Load())
}

func rel(dir, file string) string {
	if r, err := filepath.Rel(dir, file); err == nil {
		return r
	}
	return file
}

func firstError(l diag.List) string {
	for _, d := range l {
		if d.Severity == diag.Error {
			return d.Msg
		}
	}
	return ""
}

package generator

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatewaygen/gatewaygen/generator/internal/oracledata"
	"github.com/gatewaygen/gatewaygen/generator/internal/testfs"
	"github.com/gatewaygen/gatewaygen/generator/module"
)

// TestCorpusGenerates runs the whole generator over every real document of
// the corpus: none may panic, every failure must be a located diagnostic,
// and everything that generates must compile. All outputs are compiled
// together in one temporary module against one copy of the runtime, which
// is what a user's `gatewaygen build` does for each of them.
func TestCorpusGenerates(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles every corpus document; skipped in -short mode")
	}
	// The shared corpus of real public documents, which CI lays beside
	// the clone: read in place, and a failure without it under CI.
	dir := oracledata.Shared(t, "corpus-compile", "specs-corpus")
	var specs []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		switch filepath.Ext(p) {
		case ".yaml", ".yml", ".json":
			specs = append(specs, p)
		}
		return nil
	})
	// The golden cases and the bundled specs go through the same compile.
	golden, _ := filepath.Glob(filepath.Join("..", "testdata", "golden", "*", "spec.yaml"))
	bundled, _ := filepath.Glob(filepath.Join("..", "specs", "*.yaml"))
	specs = append(specs, append(golden, bundled...)...)

	const mod = "corpusgw"
	out := t.TempDir()
	files, err := module.Files(mod)
	if err != nil {
		t.Fatal(err)
	}
	testfs.Write(t, out, files)

	var mu sync.Mutex
	generated, failed := 0, 0
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, spec := range specs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: generator panicked: %v", spec, r)
				}
			}()
			pkg := "p" + strconv.Itoa(i)
			res, err := Generate(Options{Spec: spec, ImportPath: mod + "/" + pkg, RuntimeImport: mod + "/runtime"})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failed++
				for _, line := range strings.Split(err.Error(), "\n") {
					if !located(line, spec) {
						t.Errorf("%s: diagnostic without file:line:col: %q", spec, line)
					}
				}
				t.Logf("%s: does not generate: %s", spec, firstLine(err.Error()))
				return
			}
			generated++
			sub := map[string][]byte{}
			for name, b := range res.Files {
				sub[pkg+"/"+name] = b
			}
			testfs.Write(t, out, sub)
		}()
	}
	wg.Wait()
	t.Logf("%d documents generate, %d do not (each with located diagnostics)", generated, failed)
	if generated < len(specs)*9/10 {
		t.Errorf("only %d of %d documents generate", generated, len(specs))
	}

	// go vet type-checks every package with its generated tests, and runs
	// the analyzers, in less time than go build takes to compile and link.
	start := time.Now()
	cmd := exec.Command("go", "vet", "./...")
	cmd.Dir = out
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generated code does not compile or does not vet: %v\n%s", err, b)
	}
	t.Logf("type-checked and vetted %d generated gateways with their tests in %v", generated, time.Since(start).Round(time.Second))
}

func located(line, spec string) bool {
	rest, ok := strings.CutPrefix(line, spec+":")
	if !ok {
		return false
	}
	parts := strings.SplitN(rest, ":", 3)
	return len(parts) == 3 && parts[0] != "" && parts[1] != ""
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

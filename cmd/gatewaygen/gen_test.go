package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gatewaygen/gatewaygen/generator"
	"github.com/gatewaygen/gatewaygen/generator/module"
)

// TestCommittedGenUpToDate regenerates every spec in specs/ in repository
// mode, as `make generate` does, and compares the result with the committed
// gen/<name>/ byte for byte.
func TestCommittedGenUpToDate(t *testing.T) {
	t.Chdir("../..") // generate as the Makefile does: from the root, with specs/X.yaml
	if _, err := os.Stat("gen"); errors.Is(err, fs.ErrNotExist) {
		t.Skip("no gen/ yet: run make generate")
	}
	specs, err := filepath.Glob("specs/*.yaml")
	if err != nil || len(specs) == 0 {
		t.Fatalf("no specs: %v", err)
	}
	for _, spec := range specs {
		spec = filepath.ToSlash(spec)
		name := strings.TrimSuffix(path.Base(spec), ".yaml")
		t.Run(name, func(t *testing.T) {
			dir := "gen/" + name
			res, err := generator.Generate(generator.Options{
				Spec:       spec,
				ImportPath: generator.RepoModule + "/" + dir,
			})
			if err != nil {
				t.Fatalf("generate %s: %v", spec, err)
			}
			stale := false
			for file, want := range res.Files {
				got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(file)))
				switch {
				case err != nil:
					t.Errorf("%s/%s: %v", dir, file, err)
					stale = true
				case !bytes.Equal(got, want):
					t.Errorf("%s/%s differs from what %s generates: %s", dir, file, spec, firstDiff(got, want))
					stale = true
				}
			}
			err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || filepath.Ext(p) != ".go" {
					return err
				}
				rel, _ := filepath.Rel(dir, p)
				if _, ok := res.Files[filepath.ToSlash(rel)]; ok {
					return nil
				}
				if b, err := os.ReadFile(p); err == nil && bytes.HasPrefix(b, []byte(module.Header+"\n")) {
					t.Errorf("%s was generated but %s no longer generates it", filepath.ToSlash(p), spec)
					stale = true
				}
				return nil
			})
			if err != nil {
				t.Error(err)
			}
			if stale {
				t.Log("committed output is stale: run make generate")
			}
		})
	}
}

// firstDiff describes the first line where the committed file (got) and the
// generated one (want) differ.
func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl || i >= len(g) || i >= len(w) {
			return fmt.Sprintf("line %d is %q, generate writes %q", i+1, gl, wl)
		}
	}
	return "they differ"
}

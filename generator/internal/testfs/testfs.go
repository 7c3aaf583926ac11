// Package testfs writes generated files to disk for the tests that build
// them (the corpus compile, the differential oracle). It is for tests only:
// unlike generator/module.WriteDir it never removes anything, so that many
// outputs can share one directory.
package testfs

import (
	"os"
	"path/filepath"
	"testing"
)

// Write writes files (slash-separated names relative to dir) below dir,
// creating directories as needed, and fails t on the first error.
func Write(t testing.TB, dir string, files map[string][]byte) {
	t.Helper()
	for name, b := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

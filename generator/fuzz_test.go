package generator

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzGenerate runs the whole generator over arbitrary documents: it must
// never panic, it may only fail with located diagnostics, and whatever it
// emits must be Go that gofmt accepts (jennifer formats the output and
// reports source it cannot parse, which would be an emitter bug).
func FuzzGenerate(f *testing.F) {
	for _, seed := range []string{
		filepath.Join("..", "specs", "petstore.yaml"),
		filepath.Join("..", "testdata", "golden", "features30", "spec.yaml"),
		filepath.Join("..", "testdata", "golden", "schemas31", "spec.yaml"),
	} {
		b, err := os.ReadFile(seed)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a/{b}.{c}:\n    get: {responses: {'200': {description: ok}}}\n"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		file := filepath.Join(t.TempDir(), "spec.yaml")
		if err := os.WriteFile(file, doc, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Generate(Options{Spec: file, ImportPath: "example.com/fuzz"})
		var de *DiagError
		if err != nil && !errors.As(err, &de) {
			t.Fatalf("generate failed without diagnostics: %v", err)
		}
	})
}

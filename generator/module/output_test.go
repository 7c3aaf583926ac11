package module

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestLocate(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("// comment\nmodule example.com/m\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ dir, rel string }{
		{root, "."},
		{filepath.Join(root, "gen", "petstore"), "gen/petstore"}, // need not exist
	} {
		mp, rel, ok, err := Locate(tc.dir)
		if err != nil || !ok || mp != "example.com/m" || rel != tc.rel {
			t.Errorf("Locate(%s) = %q, %q, %v, %v; want example.com/m, %q", tc.dir, mp, rel, ok, err, tc.rel)
		}
	}
	// This package lies in the gatewaygen module.
	mp, rel, ok, err := Locate(".")
	if err != nil || !ok || mp != ourModule || rel != "generator/module" {
		t.Errorf("Locate(.) = %q, %q, %v, %v", mp, rel, ok, err)
	}
}

func TestWriteDir(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gen := Header + "\n\npackage p\n"
	write("old.go", gen)                  // stale, ours: removed
	write("cmd/old-gateway/main.go", gen) // stale, ours: removed with its dirs
	write("mine.go", "package p\n")       // a person's: kept
	write("notes.txt", Header+"\n")       // not Go: kept
	write(".hidden/x.go", gen)            // hidden dir: not walked
	// the portal's files: ours when they start with the header in their
	// own comment syntax
	write("docs/op/Gone.html", HeaderFor("x.html")+"\n<!doctype html>") // stale, ours: removed with its dir
	write("docs/search.js", HeaderFor("x.js")+"\nwindow.x = 1;")        // stale, ours: removed
	write("docs/old.css", HeaderFor("x.css")+"\nbody {}")               // stale, ours: removed
	write("docs/custom.html", "<!doctype html>")                        // a person's: kept
	write("docs/page.html", Header+"\n")                                // a Go header in HTML is not ours: kept

	removed, err := WriteDir(dir, map[string][]byte{
		"router.go":             []byte(gen),
		"cmd/p-gateway/main.go": []byte(gen),
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"cmd/old-gateway/main.go", "docs/old.css", "docs/op/Gone.html", "docs/search.js", "old.go"}; !reflect.DeepEqual(removed, want) {
		t.Errorf("removed %v, want %v", removed, want)
	}
	for _, name := range []string{"router.go", "cmd/p-gateway/main.go", "mine.go", "notes.txt", ".hidden/x.go", "docs/custom.html", "docs/page.html"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, name := range []string{"old.go", "cmd/old-gateway", "docs/op"} {
		if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("%s still exists", name)
		}
	}
	fi, err := os.Stat(filepath.Join(dir, "router.go"))
	if err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("router.go mode %v, %v; want 0644", fi.Mode(), err)
	}

	if _, err := WriteDir(dir, map[string][]byte{"../escape.go": nil}); err == nil {
		t.Error("a name outside the directory: no error")
	}
}

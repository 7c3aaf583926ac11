package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocsCommand: docs writes a site with every page and asset, and
// fails like generate on a bad document or a missing -o.
func TestDocsCommand(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCLI(t, "docs", "../../testdata/portal/composition.yaml", "-o", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "index.html") {
		t.Errorf("stdout %q does not say where the site is", out)
	}
	for _, f := range []string{"index.html", "getting-started.html", "op/AddAnimal.html", "op/PutEnclosure.html", "schema/Animal.html", "search.js", "portal.js", "portal.css", "favicon.svg"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}

	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("openapi: 3.0.3\ninfo: {title: t, version: '1'}\nx-gateway: {docs: {path: nope}}\npaths: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runCLI(t, "docs", bad, "-o", t.TempDir())
	if code != 1 || !strings.Contains(errOut, "bad.yaml:3:") || !strings.Contains(errOut, "x-gateway.docs.path") {
		t.Errorf("bad document: exit %d, stderr %q; want 1 and a located x-gateway.docs.path error", code, errOut)
	}
	since := t.TempDir()
	if code, _, errOut := runCLI(t, "docs", "../../testdata/portal/composition.yaml", "--previous", "../../testdata/portal/composition.yaml", "-o", since); code != 0 {
		t.Errorf("--previous: exit %d: %s", code, errOut)
	} else if b, err := os.ReadFile(filepath.Join(since, "changes.html")); err != nil || !strings.Contains(string(b), "Changes since version 1") {
		t.Errorf("--previous: changes.html %v", err)
	}
	if code, _, errOut := runCLI(t, "docs", "../../specs/petstore.yaml", "--previous", bad, "-o", t.TempDir()); code != 1 || !strings.Contains(errOut, "bad.yaml:3:") {
		t.Errorf("--previous with a bad document: exit %d, stderr %q", code, errOut)
	}
	if code, _, _ := runCLI(t, "docs", "../../specs/petstore.yaml"); code != 2 {
		t.Errorf("without -o: exit %d, want 2", code)
	}
}

package emit

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocsFiles: a gateway with a portal gets docs.go and the rendered
// site below docs/, served from Handle before the base path; one without
// gets neither.
func TestDocsFiles(t *testing.T) {
	for _, path := range []string{"/docs", ""} {
		api := lowered(t, filepath.Join("..", "..", "testdata", "golden", "bodies30", "spec.yaml"))
		api.DocsPath = path
		files, err := Files(api, testConfig)
		if err != nil {
			t.Fatal(err)
		}
		_, hasGo := files["docs.go"]
		_, hasIndex := files["docs/index.html"]
		served := bytes.Contains(files["gateway.go"], []byte("g.docs.Serve(ctx, path)"))
		if want := path != ""; hasGo != want || hasIndex != want || served != want {
			t.Errorf("DocsPath %q: docs.go %v, docs/index.html %v, served %v; want all %v", path, hasGo, hasIndex, served, want)
		}
		if path == "" {
			continue
		}
		if !bytes.Contains(files["docs.go"], []byte("//go:embed docs\n")) || !bytes.Contains(files["docs.go"], []byte(`const docsPath = "/docs"`)) {
			t.Errorf("docs.go:\n%s", files["docs.go"])
		}
		g := string(files["gateway.go"])
		if base := strings.Index(g, "bytes.HasPrefix(path, basePath)"); base < 0 || strings.Index(g, "g.docs.Match(path)") > base {
			t.Error("Handle looks at the base path before the portal")
		}
	}
}

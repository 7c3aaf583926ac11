package xgateway_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gatewaygen/gatewaygen/generator/load"
	"github.com/gatewaygen/gatewaygen/generator/xgateway"
)

const docPath = "../../docs/x-gateway.md"

// docRow matches a row of the key table: | `key` | where | ...
var docRow = regexp.MustCompile("^\\| `([^`]+)` \\|([^|]*)\\|([^|]*)\\|([^|]*)\\|")

// TestDocsListEveryKey checks that docs/x-gateway.md documents exactly the
// keys the decoder accepts, at the same levels, with the defaults the code
// applies (the key table makes them from the same constants).
func TestDocsListEveryKey(t *testing.T) {
	src, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string][]string{}
	defaults := map[string]string{}
	for _, line := range strings.Split(string(src), "\n") {
		m := docRow.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		var where []string
		for _, w := range strings.Split(m[2], ",") {
			where = append(where, strings.TrimSpace(w))
		}
		if _, dup := documented[m[1]]; dup {
			t.Errorf("%s documented twice", m[1])
		}
		documented[m[1]] = where
		defaults[m[1]] = strings.TrimSpace(m[4])
	}
	if len(documented) == 0 {
		t.Fatalf("no key table found in %s", docPath)
	}
	for _, k := range xgateway.Keys() {
		where, ok := documented[k.Key]
		if !ok {
			t.Errorf("key %s is accepted but not documented in %s", k.Key, docPath)
			continue
		}
		if !slices.Equal(where, k.Where) {
			t.Errorf("key %s: documented where %v, accepted where %v", k.Key, where, k.Where)
		}
		if defaults[k.Key] != k.Default {
			t.Errorf("key %s: documented default %q, the code's is %q", k.Key, defaults[k.Key], k.Default)
		}
		delete(documented, k.Key)
	}
	for k := range documented {
		t.Errorf("key %s is documented in %s but not accepted", k, docPath)
	}
}

// TestDocsExampleLoads loads the reference's full example as a spec and
// expects no diagnostic at all.
func TestDocsExampleLoads(t *testing.T) {
	src, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(src), "## Full example")
	if !ok {
		t.Fatal("no \"## Full example\" section")
	}
	_, block, ok := strings.Cut(rest, "```yaml\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatal("no yaml block in the full example section")
	}
	file := filepath.Join(t.TempDir(), "example.yaml")
	if err := os.WriteFile(file, []byte(block), 0o644); err != nil {
		t.Fatal(err)
	}
	doc, diags := load.Load(file)
	if len(diags) != 0 {
		t.Fatalf("diagnostics on the documented example:\n%s", diags)
	}
	if doc == nil || len(doc.Gateway.Upstreams) != 2 || len(doc.PathItems) != 1 || len(doc.Operations) != 2 {
		t.Fatalf("example decoded to %+v", doc)
	}
}

package portal_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gatewaygen/gatewaygen/generator"
	"github.com/gatewaygen/gatewaygen/generator/diff"
	"github.com/gatewaygen/gatewaygen/generator/internal/textdiff"
	"github.com/gatewaygen/gatewaygen/generator/portal"
)

var update = flag.Bool("update", false, "rewrite testdata/portal/*.golden")

// render renders the portal of a fixture, named as a user in the
// repository's root would name it so that pages do not depend on the
// test's directory.
func render(t *testing.T, spec string) map[string][]byte {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(filepath.Join("..", "..")); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	res, err := generator.Docs(spec)
	if err != nil {
		t.Fatalf("%s: %v", spec, err)
	}
	return res.Files
}

// TestGolden pins the rendered pages (and the search index) of each
// fixture in testdata/portal; the style sheet and script are the
// templates' own and are left out. Run with -update after an intended
// change and review the diff.
func TestGolden(t *testing.T) {
	specs, err := filepath.Glob(filepath.Join("..", "..", "testdata", "portal", "*.yaml"))
	if err != nil || len(specs) == 0 {
		t.Fatalf("no fixtures in testdata/portal: %v", err)
	}
	for _, spec := range specs {
		name := strings.TrimSuffix(filepath.Base(spec), ".yaml")
		t.Run(name, func(t *testing.T) {
			files := render(t, "testdata/portal/"+name+".yaml")
			var got bytes.Buffer
			for _, n := range sortedNames(files) {
				if isAsset(n) {
					continue
				}
				got.WriteString("-- " + n + " --\n")
				got.Write(files[n])
				if !bytes.HasSuffix(files[n], []byte("\n")) {
					got.WriteString("\n")
				}
			}
			golden := strings.TrimSuffix(spec, ".yaml") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("rendered portal differs (run with -update if intended):\n%s", textdiff.Unified("want", "rendered", want, got.Bytes(), 3))
			}
		})
	}
}

func isAsset(name string) bool {
	for _, a := range portal.Assets {
		if name == a {
			return true
		}
	}
	return false
}

func sortedNames(files map[string][]byte) []string {
	out := make([]string, 0, len(files))
	for n := range files {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

var (
	scriptTag  = regexp.MustCompile(`(?i)<script\b[^>]*>`)
	ourScript  = regexp.MustCompile(`^<script src="(\.\./)?portal\.js" defer>$`)
	urlAttr    = regexp.MustCompile(`(?i)\s(href|src|action|formaction|srcset|poster|data)\s*=\s*"([^"]*)"`)
	eventAttr  = regexp.MustCompile(`(?i)<[a-z][^>]*\son[a-z]+\s*=`)
	badElement = regexp.MustCompile(`(?i)<(iframe|object|embed|style|img|base|form[^>]*action|meta http-equiv="refresh")\b`)
	badScheme  = regexp.MustCompile(`(?i)^\s*(javascript|vbscript|data|file):`)
	remote     = regexp.MustCompile(`^(?i)([a-z][a-z0-9+.-]*:|//)`)
)

// TestNeutralised holds every fixture's pages to what the injection
// fixture attacks: the one script is the portal's own, no element or
// attribute runs code or loads anything, no link has a script URL, and
// every resource the page loads is relative (the CSP would refuse others,
// but none should be asked for).
func TestNeutralised(t *testing.T) {
	specs, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "portal", "*.yaml"))
	specs = append(specs, filepath.Join("..", "..", "specs", "petstore.yaml"))
	for _, spec := range specs {
		rel, _ := filepath.Rel(filepath.Join("..", ".."), spec)
		files := render(t, filepath.ToSlash(rel))
		for _, n := range sortedNames(files) {
			if !strings.HasSuffix(n, ".html") {
				continue
			}
			page := string(files[n])
			for _, s := range scriptTag.FindAllString(page, -1) {
				if !ourScript.MatchString(s) {
					t.Errorf("%s %s: script element %s", rel, n, s)
				}
			}
			if m := eventAttr.FindString(page); m != "" {
				t.Errorf("%s %s: event handler attribute in %s", rel, n, m)
			}
			if m := badElement.FindString(page); m != "" {
				t.Errorf("%s %s: element %s", rel, n, m)
			}
			for _, m := range urlAttr.FindAllStringSubmatch(page, -1) {
				attr, url := strings.ToLower(m[1]), htmlUnescape(m[2])
				if badScheme.MatchString(url) {
					t.Errorf("%s %s: %s=%q", rel, n, attr, url)
				}
				if attr != "href" && remote.MatchString(url) {
					t.Errorf("%s %s: loads %s=%q from another origin", rel, n, attr, url)
				}
			}
			if !strings.Contains(page, `<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;`) {
				t.Errorf("%s %s: no Content-Security-Policy", rel, n)
			}
		}
	}
}

// htmlUnescape undoes the entities html/template and goldmark write in
// attribute values, enough to read a URL's scheme.
func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#58;", ":", "&#x3a;", ":", "&colon;", ":", "&#34;", `"`, "&#39;", "'").Replace(s)
}

// Page weight budget of the petstore portal, held so that a change that
// bloats every page is noticed: the heaviest page with its style sheet and
// script (what a reader's first visit loads; the search index is loaded
// only when searching), and the whole site.
const (
	petstorePageBudget = 64 << 10
	petstoreSiteBudget = 256 << 10
)

func TestPageWeight(t *testing.T) {
	files := render(t, "specs/petstore.yaml")
	assets := 0
	for _, a := range portal.Assets {
		assets += len(files[a])
	}
	site, heaviest, which := 0, 0, ""
	for n, b := range files {
		site += len(b)
		if strings.HasSuffix(n, ".html") && len(b) > heaviest {
			heaviest, which = len(b), n
		}
	}
	t.Logf("petstore portal: %d files, %d bytes; heaviest page %s %d bytes + %d bytes of style sheet and script; search index %d bytes",
		len(files), site, which, heaviest, assets, len(files["search.js"]))
	if heaviest+assets > petstorePageBudget {
		t.Errorf("%s with its assets weighs %d bytes, over the budget of %d", which, heaviest+assets, petstorePageBudget)
	}
	if site > petstoreSiteBudget {
		t.Errorf("the site weighs %d bytes, over the budget of %d", site, petstoreSiteBudget)
	}
}

// TestRenderLargest renders the portal of the largest document of the
// shared corpus and reports how long it took; it must take seconds, not
// minutes.
func TestRenderLargest(t *testing.T) {
	if testing.Short() {
		t.Skip("renders a 3 MB document")
	}
	dir := filepath.Join("..", "..", "..", "shared", "specs-corpus")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("../shared/specs-corpus is missing under CI: %v", err)
		}
		t.Skipf("../shared/specs-corpus not found beside the repository: %v", err)
	}
	largest, size := "", int64(0)
	_ = filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".json")) && fi.Size() > size {
			largest, size = p, fi.Size()
		}
		return nil
	})
	api, diags := generator.Lower(largest)
	if api == nil {
		t.Fatalf("%s: %v", largest, diags)
	}
	start := time.Now()
	files, err := portal.Render(api)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	bytes := 0
	for _, b := range files {
		bytes += len(b)
	}
	t.Logf("%s (%d bytes, %d operations, %d schemas): rendered %d files, %d bytes, in %v",
		filepath.Base(filepath.Dir(largest))+"/"+filepath.Base(largest), size, len(api.Operations), len(api.Schemas), len(files), bytes, took.Round(time.Millisecond))
	if took > time.Minute {
		t.Errorf("rendering took %v; a portal must render in seconds", took)
	}
}

// TestChangelog: with changes, the portal gets changes.html, linked from
// every page, breaking changes first, each linking its operation.
func TestChangelog(t *testing.T) {
	files := render(t, "testdata/portal/composition.yaml")
	if _, ok := files["changes.html"]; ok {
		t.Fatal("changes.html without a previous version")
	}
	api, diags := generator.Lower(filepath.Join("..", "..", "testdata", "portal", "composition.yaml"))
	if api == nil {
		t.Fatal(diags)
	}
	files, err := portal.RenderWith(api, portal.Options{Previous: "version 0.9", Changes: []diff.Change{
		{Breaking: false, Operation: "POST /animals", Where: "response 201", What: "response added"},
		{Breaking: true, Operation: "PUT /enclosures", Where: "query.x", What: "new required parameter <x>"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	page := string(files["changes.html"])
	for _, want := range []string{
		"<h1>Changes since version 0.9</h1>",
		`<a href="op/PutEnclosure.html"><code>PUT /enclosures</code></a> <span class="muted">query.x</span>: new required parameter &lt;x&gt;`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("changes.html lacks %s:\n%s", want, page)
		}
	}
	if b, o := strings.Index(page, "PUT /enclosures"), strings.Index(page, "POST /animals"); b < 0 || o < 0 || b > o {
		t.Error("the breaking change is not listed first")
	}
	if !strings.Contains(string(files["op/AddAnimal.html"]), `href="../changes.html"`) {
		t.Error("an operation's page does not link the changes")
	}
}

package schemasuite

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/gatewaygen/gatewaygen/generator"
	"github.com/gatewaygen/gatewaygen/generator/internal/oracledata"
	"github.com/gatewaygen/gatewaygen/generator/module"
)

// A draft of the suite and the OpenAPI version whose schema semantics it
// measures.
type draft struct {
	name    string // directory under tests/
	openapi string
	formats []string // optional/format files whose formats gatewaygen checks
}

var drafts = []draft{
	{"draft4", "3.0.3", []string{"date-time", "email", "hostname", "ipv4", "ipv6", "uri"}},
	{"draft2020-12", "3.1.0", []string{"date-time", "date", "time", "duration", "email", "hostname", "ipv4", "ipv6", "uri", "uri-reference", "uuid", "regex"}},
}

// optionalFiles are the optional files beside optional/format that test
// what OpenAPI asks of a validator: ECMA-262 regular expressions
// (JSON Schema 2020-12 §6.4 and OpenAPI 3.0 §4.7.24.1 both name the
// dialect) and numbers beyond 64-bit range.
var optionalFiles = []string{"ecmascript-regex", "non-bmp-regex", "bignum", "float-overflow"}

type group struct {
	Description string          `json:"description"`
	Schema      json.RawMessage `json:"schema"`
	Tests       []struct {
		Description string          `json:"description"`
		Data        json.RawMessage `json:"data"`
		Valid       bool            `json:"valid"`
	} `json:"tests"`
}

// testCase is one instance of one group, named draft/file#group/test.
type testCase struct {
	id, keyword   string
	desc          string
	pkg, path     string
	body          []byte
	valid         bool
	skip          string // why it is out of scope, when it is
	generateError string // why its group did not generate
}

// TestJSONSchemaSuite is the schema oracle: see the package comment. Run it
// with -v to see the table per keyword.
func TestJSONSchemaSuite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a gateway per suite file; skipped in -short mode")
	}
	root := oracledata.Shared(t, "json-schema-test-suite", "json-schema-test-suite/tests")
	const mod = "suitegw"
	out := t.TempDir()
	specDir := t.TempDir()
	files, err := module.Files(mod)
	if err != nil {
		t.Fatal(err)
	}
	write(t, out, files)

	var cases []*testCase
	var pkgs []string
	for _, d := range drafts {
		names, _ := filepath.Glob(filepath.Join(root, d.name, "*.json"))
		for _, f := range d.formats {
			names = append(names, filepath.Join(root, d.name, "optional", "format", f+".json"))
		}
		for _, f := range optionalFiles {
			names = append(names, filepath.Join(root, d.name, "optional", f+".json"))
		}
		sort.Strings(names)
		if only := os.Getenv("SUITE_FILES"); only != "" {
			// SUITE_FILES=contains,ref runs those files only, to iterate
			// quickly on a keyword.
			names = filter(names, strings.Split(only, ","))
		}
		for _, name := range names {
			rel, _ := filepath.Rel(filepath.Join(root, d.name), name)
			rel = filepath.ToSlash(rel)
			var groups []group
			b, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &groups); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			pkg := "p" + strconv.Itoa(len(pkgs))
			assertFormats = strings.HasPrefix(rel, "optional/format/")
			fileCases, ok := buildFile(t, d, rel, groups, specDir, out, mod, pkg)
			cases = append(cases, fileCases...)
			if ok {
				pkgs = append(pkgs, pkg)
			} else {
				// One group the generator cannot take must not cost the
				// others: generate each group on its own.
				for gi := range groups {
					gp := "p" + strconv.Itoa(len(pkgs))
					if buildGroup(t, d, rel, groups, gi, specDir, out, mod, gp, fileCases) {
						pkgs = append(pkgs, gp)
					}
				}
			}
		}
	}
	results := run(t, out, mod, pkgs, cases)
	report(t, cases, results)
}

// buildFile generates one gateway for all the groups of a suite file. It
// returns the file's cases, and false when the document did not generate.
func buildFile(t *testing.T, d draft, rel string, groups []group, specDir, out, mod, pkg string) ([]*testCase, bool) {
	var cases []*testCase
	keyword := strings.TrimSuffix(strings.TrimPrefix(rel, "optional/"), ".json")
	for gi, g := range groups {
		skip := outOfScope(d, rel, g.Schema)
		for ti, tc := range g.Tests {
			cases = append(cases, &testCase{
				id:      fmt.Sprintf("%s/%s#%d/%d", d.name, rel, gi, ti),
				keyword: d.name + " " + keyword,
				desc:    g.Description + ": " + tc.Description,
				pkg:     pkg,
				path:    "/g" + strconv.Itoa(gi),
				body:    tc.Data,
				valid:   tc.Valid,
				skip:    skip,
			})
		}
	}
	all := make([]int, len(groups))
	for i := range all {
		all[i] = i
	}
	err := generate(d, groups, all, filepath.Join(specDir, pkg+".json"), out, mod, pkg)
	if err != nil {
		t.Logf("%s/%s does not generate as one document; trying each group: %v", d.name, rel, firstLine(err.Error()))
		return cases, false
	}
	return cases, true
}

// buildGroup generates one group of a file on its own and points its cases
// at the new package; a group that does not generate fails its cases with
// the diagnostic.
func buildGroup(t *testing.T, d draft, rel string, groups []group, gi int, specDir, out, mod, pkg string, cases []*testCase) bool {
	err := generate(d, groups, []int{gi}, filepath.Join(specDir, pkg+".json"), out, mod, pkg)
	prefix := fmt.Sprintf("%s/%s#%d/", d.name, rel, gi)
	for _, c := range cases {
		if strings.HasPrefix(c.id, prefix) {
			c.pkg = pkg
			if err != nil {
				c.generateError = firstLine(err.Error())
			}
		}
	}
	return err == nil
}

// generate writes an OpenAPI document holding the chosen groups' schemas,
// one POST operation /g<i> per group taking the schema as its JSON body, and
// generates its gateway into out/pkg with a hook for the runner.
func generate(d draft, groups []group, which []int, spec, out, mod, pkg string) error {
	return generateFile(d, groups, which, spec, out, mod, pkg)
}

// assertFormats is set while the optional/format files are generated: they
// test format assertion, which JSON Schema 2020-12 §7.2.1 makes opt-in, and
// the required files test the default, annotation. draft4 documents keep
// gatewaygen's default, assert, which draft 4 allows.
var assertFormats bool

func formatsMode(d draft, _ string) string {
	if d.name == "draft2020-12" && !assertFormats {
		return "annotate"
	}
	return "assert"
}

func generateFile(d draft, groups []group, which []int, spec, out, mod, pkg string) error {
	schemas := map[string]any{}
	paths := map[string]any{}
	for _, gi := range which {
		name := "S" + strconv.Itoa(gi)
		var s any
		if err := json.Unmarshal(groups[gi].Schema, &s); err != nil {
			return err
		}
		schemas[name] = rewriteRefs(s, "#/components/schemas/"+name)
		paths["/g"+strconv.Itoa(gi)] = map[string]any{"post": map[string]any{
			"operationId": "g" + strconv.Itoa(gi),
			"requestBody": map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/" + name}},
			}},
			"responses": map[string]any{"204": map[string]any{"description": "accepted"}},
		}}
	}
	doc := map[string]any{
		"openapi":    d.openapi,
		"x-gateway":  map[string]any{"formats": formatsMode(d, spec)},
		"info":       map[string]any{"title": "suite", "version": "1"},
		"paths":      paths,
		"components": map[string]any{"schemas": schemas},
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(spec, b, 0o644); err != nil {
		return err
	}
	res, err := generator.Generate(generator.Options{Spec: spec, ImportPath: mod + "/" + pkg, RuntimeImport: mod + "/runtime"})
	if err != nil {
		return err
	}
	files := map[string][]byte{}
	for name, b := range res.Files {
		if strings.HasSuffix(name, "_test.go") || strings.HasPrefix(name, "cmd/") {
			continue
		}
		files[pkg+"/"+name] = b
	}
	files[pkg+"/suite.go"] = []byte("package " + res.Name + "\n\n" +
		"import (\n\t\"github.com/valyala/fasthttp\"\n\n\t\"" + mod + "/runtime/server\"\n)\n\n" +
		"// SuiteHandler answers requests in mock mode, so that a valid body gets the\n// declared 204 and an invalid one a 400.\n" +
		"func SuiteHandler() func(*fasthttp.RequestCtx) {\n\tg, err := New(server.Config{Mock: true})\n\tif err != nil {\n\t\tpanic(err)\n\t}\n\treturn g.Handle\n}\n")
	writeFiles(out, files)
	return nil
}

// rewriteRefs makes the suite's document-relative references ("#",
// "#/definitions/x") point into the schema's place in the OpenAPI document.
// Below a schema with its own $id (id in draft 4) such a reference is
// relative to that resource, which the loader resolves itself: it is left
// as written.
func rewriteRefs(v any, base string) any {
	switch x := v.(type) {
	case map[string]any:
		for _, kw := range []string{"$id", "id"} {
			if id, ok := x[kw].(string); ok && !strings.HasPrefix(id, "#") {
				return v
			}
		}
		for k, e := range x {
			if k == "$ref" || k == "$dynamicRef" {
				if s, ok := e.(string); ok && (s == "#" || strings.HasPrefix(s, "#/")) {
					x[k] = base + strings.TrimPrefix(s, "#")
					continue
				}
			}
			if k == "enum" || k == "const" || k == "default" || k == "examples" {
				continue // data, not schemas
			}
			x[k] = rewriteRefs(e, base)
		}
	case []any:
		for i, e := range x {
			x[i] = rewriteRefs(e, base)
		}
	}
	return v
}

// outOfScope says why a group cannot be asked of an OpenAPI gateway, or "".
func outOfScope(d draft, rel string, schema json.RawMessage) string {
	s := string(schema)
	switch {
	case strings.Contains(s, "localhost:1234"), rel == "refRemote.json":
		return "remote $ref: the schema is fetched from a server; a gateway is compiled from a bundled document"
	case d.name == "draft4" && strings.Contains(s, `"http://json-schema.org/draft-04/schema#"`):
		return "$ref to the draft-04 meta-schema over the network"
	case d.name == "draft2020-12" && strings.Contains(s, `"https://json-schema.org/draft/2020-12/schema"`) && strings.Contains(s, `"$ref"`) && strings.Contains(s, `"$ref": "https://json-schema.org/draft/2020-12/schema"`):
		return "$ref to the 2020-12 meta-schema over the network"
	case d.name == "draft4" && (strings.Contains(s, `"items": [`) || strings.Contains(s, `"items":[`) || strings.Contains(s, `"additionalItems"`)):
		return "tuple items: in OpenAPI 3.0 (§4.7.24.1) items must be a single Schema Object and additionalItems does not exist"
	case d.name == "draft4" && strings.Contains(s, `"dependencies"`):
		return "dependencies is not a keyword of the OpenAPI 3.0 Schema Object (§4.7.24.1)"
	}
	return ""
}

// run builds one test binary importing every generated package and sends
// every case through its gateway; it returns the status per case id, or a
// description of what went wrong.
func run(t *testing.T, out, mod string, pkgs []string, cases []*testCase) map[string]string {
	var b bytes.Buffer
	b.WriteString("package suitemain\n\nimport (\n\t\"fmt\"\n\t\"os\"\n\t\"testing\"\n\n\t\"github.com/valyala/fasthttp\"\n\n")
	for _, p := range pkgs {
		fmt.Fprintf(&b, "\t%s %q\n", p, mod+"/"+p)
	}
	b.WriteString(")\n\nvar handlers = map[string]func(*fasthttp.RequestCtx){\n")
	for _, p := range pkgs {
		fmt.Fprintf(&b, "\t%q: %s.SuiteHandler(),\n", p, p)
	}
	b.WriteString("}\n\nvar cases = [][4]string{\n")
	for _, c := range cases {
		if c.skip != "" || c.generateError != "" {
			continue
		}
		fmt.Fprintf(&b, "\t{%q, %q, %q, %q},\n", c.id, c.pkg, c.path, c.body)
	}
	b.WriteString(`}

func TestRun(t *testing.T) {
	f, err := os.Create(os.Getenv("SUITE_OUT"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, c := range cases {
		fmt.Fprintf(f, "%s\t%s\n", c[0], send(handlers[c[1]], c[2], c[3]))
	}
}

// send runs one request and says what came back: the status, or the panic.
func send(h func(*fasthttp.RequestCtx), path, body string) (res string) {
	defer func() {
		if r := recover(); r != nil {
			res = fmt.Sprintf("panic: %v", r)
		}
	}()
	var ctx fasthttp.RequestCtx
	ctx.Request.Header.SetMethod("POST")
	ctx.Request.SetRequestURI(path)
	ctx.Request.Header.SetContentType("application/json")
	ctx.Request.SetBodyString(body)
	h(&ctx)
	return fmt.Sprintf("%d %s", ctx.Response.StatusCode(), ctx.Response.Body())
}
`)
	writeFiles(out, map[string][]byte{"suitemain/main_test.go": b.Bytes()})
	resFile := filepath.Join(out, "results.tsv")
	start := time.Now()
	cmd := exec.Command("go", "test", "-count=1", "-run", "TestRun", "./suitemain")
	cmd.Dir = out
	cmd.Env = append(os.Environ(), "SUITE_OUT="+resFile)
	if o, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the suite's gateways do not build or run: %v\n%s", err, o)
	}
	t.Logf("built %d gateways and ran the suite in %v", len(pkgs), time.Since(start).Round(time.Second))
	f, err := os.Open(resFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	results := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		id, res, _ := strings.Cut(sc.Text(), "\t")
		results[id] = res
	}
	return results
}

// report prints the table per keyword and fails on every case whose outcome
// differs from the known list.
func report(t *testing.T, cases []*testCase, results map[string]string) {
	known := knownFailures(t)
	type row struct{ pass, fail, skip, known int }
	rows := map[string]*row{}
	var order []string
	var unexpected, fixed []string
	skipped := map[string]int{}
	total := map[string]*row{}
	for _, c := range cases {
		r := rows[c.keyword]
		if r == nil {
			r = &row{}
			rows[c.keyword] = r
			order = append(order, c.keyword)
		}
		draftName, _, _ := strings.Cut(c.keyword, " ")
		if total[draftName] == nil {
			total[draftName] = &row{}
		}
		tr := total[draftName]
		if c.skip != "" {
			r.skip++
			tr.skip++
			skipped[c.skip]++
			continue
		}
		ok, why := outcome(c, results[c.id])
		_, isKnown := known[c.id]
		switch {
		case ok && isKnown:
			fixed = append(fixed, c.id)
			r.pass++
			tr.pass++
		case ok:
			r.pass++
			tr.pass++
		case isKnown:
			r.known++
			tr.known++
		default:
			r.fail++
			tr.fail++
			unexpected = append(unexpected, c.id+"\t"+c.desc+": "+why)
		}
	}
	var buf bytes.Buffer
	w := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "draft keyword\tpass\tfail\tknown\tskipped\t")
	sort.Strings(order)
	for _, k := range order {
		r := rows[k]
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t\n", k, r.pass, r.fail, r.known, r.skip)
	}
	for _, d := range drafts {
		if r := total[d.name]; r != nil {
			run := r.pass + r.fail + r.known
			fmt.Fprintf(w, "%s total\t%d\t%d\t%d\t%d\t(%.1f%% of %d run)\n", d.name, r.pass, r.fail, r.known, r.skip, 100*float64(r.pass)/float64(run), run)
		}
	}
	w.Flush()
	t.Logf("JSON Schema Test Suite through generated gateways:\n%s", buf.String())
	var reasons []string
	for r, n := range skipped {
		reasons = append(reasons, fmt.Sprintf("%4d  %s", n, r))
	}
	sort.Strings(reasons)
	t.Logf("skipped, out of OpenAPI's scope:\n%s", strings.Join(reasons, "\n"))
	if len(unexpected) > 0 {
		t.Errorf("%d cases fail and are not in testdata/known-failures.txt:\n%s", len(unexpected), strings.Join(unexpected, "\n"))
	}
	if len(fixed) > 0 {
		t.Errorf("%d cases listed in testdata/known-failures.txt now pass; remove them:\n%s", len(fixed), strings.Join(fixed, "\n"))
	}
}

// outcome reports whether a case came out as the suite says, and if not,
// what happened.
func outcome(c *testCase, res string) (bool, string) {
	if c.generateError != "" {
		return false, "does not generate: " + c.generateError
	}
	if res == "" {
		return false, "no result"
	}
	status, body, _ := strings.Cut(res, " ")
	code, _ := strconv.Atoi(status)
	switch {
	case code == 400:
		if c.valid {
			return false, "rejected a valid instance: " + cut(body, 300)
		}
		return true, ""
	case code >= 200 && code < 300:
		if !c.valid {
			return false, "accepted an invalid instance " + cut(string(c.body), 100)
		}
		return true, ""
	}
	return false, "unexpected answer " + cut(res, 300)
}

// knownFailures reads testdata/known-failures.txt: "id<TAB>reason" lines.
func knownFailures(t *testing.T) map[string]string {
	b, err := os.ReadFile(filepath.Join("testdata", "known-failures.txt"))
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, reason, _ := strings.Cut(line, "\t")
		out[id] = reason
	}
	return out
}

func writeFiles(dir string, files map[string][]byte) {
	for name, b := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			panic(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			panic(err)
		}
	}
}

func write(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	writeFiles(dir, files)
}

func filter(names, keep []string) []string {
	var out []string
	for _, n := range names {
		for _, k := range keep {
			if strings.TrimSuffix(filepath.Base(n), ".json") == k {
				out = append(out, n)
			}
		}
	}
	return out
}

// firstLine is the first error of a diagnostic list, else its first line.
func firstLine(s string) string {
	lines := strings.Split(s, "\n")
	for _, l := range lines {
		if l != "" && !strings.Contains(l, ": warning: ") {
			return l
		}
	}
	return lines[0]
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

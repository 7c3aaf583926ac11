package oracle

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/gatewaygen/gatewaygen/generator/internal/oracledata"
)

// showCases makes TestDifferential log every case with both verdicts.
var showCases = flag.Bool("oracle.cases", false, "log every request of TestDifferential with both verdicts")

// target is a generated gateway under test, in process or behind a socket.
type target interface {
	do(r *req) verdict
}

// known is one line of testdata/known-disagreements.txt.
type known struct {
	pattern, gen, kin, reason string
	line                      int
	used                      int
}

// loadKnown reads the known disagreements: "key glob | gateway | openapi3filter
// | reason", where the key is "<doc> <METHOD> <path template> <kind> <location>"
// and * in the glob stands for any text; the verdicts are accept, reject,
// other, or "location" for two rejections that name different places.
func loadKnown(t *testing.T) []*known {
	f, err := os.Open("testdata/known-disagreements.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []*known
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "|")
		if len(f) != 4 {
			t.Fatalf("testdata/known-disagreements.txt:%d: want 4 fields separated by |, got %d", n, len(f))
		}
		out = append(out, &known{strings.TrimSpace(f[0]), strings.TrimSpace(f[1]), strings.TrimSpace(f[2]), strings.TrimSpace(f[3]), n, 0})
	}
	return out
}

// glob matches s against a pattern in which * stands for any text.
func glob(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for i, p := range parts[1:] {
		if i == len(parts)-2 {
			return strings.HasSuffix(s, p)
		}
		j := strings.Index(s, p)
		if j < 0 {
			return false
		}
		s = s[j+len(p):]
	}
	return s == ""
}

func (k *known) matches(key, gen, kin string) bool {
	return glob(k.pattern, key) && k.gen == gen && k.kin == kin
}

// tally counts the outcomes of one document or one kind.
type tally struct {
	cases, agree, locAgree, locBoth, known, unknown, skipped int
}

func (t *tally) add(o *tally) {
	t.cases += o.cases
	t.agree += o.agree
	t.locAgree += o.locAgree
	t.locBoth += o.locBoth
	t.known += o.known
	t.unknown += o.unknown
	t.skipped += o.skipped
}

// docResult is the comparison of one document.
type docResult struct {
	name    string
	ops     int
	skipOps []string
	total   tally
	byKind  map[string]*tally
}

// compareDoc runs every synthesized request of doc through gw and through
// openapi3filter, and records each disagreement not in the known list as a
// test error. cr, when not nil, signs each request with the credentials
// the operation's security requirement asks for.
func compareDoc(t *testing.T, name string, doc *openapi3.T, base string, gw target, cr *creds, knowns []*known, maxCases int) *docResult {
	res := &docResult{name: name, byKind: map[string]*tally{}}
	paths := doc.Paths.Map()
	for _, template := range sortedKeys(paths) {
		pi := paths[template]
		ops := pi.Operations()
		for _, method := range sortedKeys(ops) {
			op := ops[method]
			cases, why := opCases(method, template, pi, op)
			opName := method + " " + template
			if why != "" {
				res.skipOps = append(res.skipOps, opName+": "+why)
				continue
			}
			res.ops++
			route := &routers.Route{Spec: doc, Server: doc.Servers[0], Path: template, PathItem: pi, Method: method, Operation: op}
			for _, c := range cases {
				if maxCases > 0 && res.total.cases >= maxCases {
					return res
				}
				cr.sign(doc, op, &c.r)
				tl := res.byKind[c.kind]
				if tl == nil {
					tl = &tally{}
					res.byKind[c.kind] = tl
				}
				one := compareOne(t, name, opName, route, base, gw, c, knowns)
				tl.add(&one)
				res.total.add(&one)
			}
		}
	}
	return res
}

func compareOne(t *testing.T, doc, opName string, route *routers.Route, base string, gw target, c oracleCase, knowns []*known) tally {
	var tl tally
	tl.cases = 1
	key := fmt.Sprintf("%s %s %s %s", doc, opName, c.kind, c.at)
	hr, err := c.r.http(base)
	if err != nil {
		tl.skipped++
		return tl
	}
	g := gw.do(&c.r)
	k := kinVerdict(route, c.r.params, hr)
	if *showCases {
		t.Logf("%s: gateway %v %v, openapi3filter %v %v", key, g, g.locs, k, k.locs)
	}
	if g.other {
		// 401/403 (the gateway checks credentials, openapi3filter was told
		// not to), 404/405 (routing), 5xx: not a validation verdict.
		tl.skipped++
		if g.status == 0 {
			t.Errorf("%s: no answer from the gateway: %.300s", key, g.detail)
		}
		return tl
	}
	gs, ks := g.String(), k.String()
	if gs == ks {
		tl.agree++
		if gs == "reject" {
			agree, both := anyLocAgrees(g.locs, k.locs)
			if both {
				tl.locBoth++
				if agree {
					tl.locAgree++
				} else {
					gs, ks = "location", "location"
				}
			}
		}
		if gs != "location" {
			return tl
		}
	}
	for _, kn := range knowns {
		if kn.matches(key, gs, ks) {
			kn.used++
			tl.known++
			return tl
		}
	}
	tl.unknown++
	t.Errorf("disagreement %s | %s | %s\n\trequest: %s %s ctype=%q body=%.300s\n\tgateway %v: %.400s\n\topenapi3filter %v: %.400s",
		key, gs, ks, c.r.method, c.r.uri(base), c.r.ctype, c.r.body, g.locs, g.detail, k.locs, k.detail)
	return tl
}

// compiledTarget is the in-process gateway of a compiled document.
func compiledTarget(t testing.TB, name string) (*openapi3.T, string, target) {
	for _, c := range compiled {
		if c.name == name {
			h, err := c.new()
			if err != nil {
				t.Fatal(err)
			}
			doc, base, err := loadKin(c.spec)
			if err != nil {
				t.Fatal(err)
			}
			return doc, base, &inProcess{h: h, base: base}
		}
	}
	t.Fatalf("no compiled gateway %s", name)
	return nil, "", nil
}

// report prints the agreement table of results.
func report(t *testing.T, results []*docResult) {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-40s %5s %6s %6s %9s %6s %8s %7s\n", "document", "ops", "cases", "agree", "loc-agree", "known", "unknown", "skipped")
	var total tally
	byKind := map[string]*tally{}
	for _, r := range results {
		tl := r.total
		total.add(&tl)
		fmt.Fprintf(&b, "%-40s %5d %6d %6d %4d/%-4d %6d %8d %7d\n", r.name, r.ops, tl.cases, tl.agree, tl.locAgree, tl.locBoth, tl.known, tl.unknown, tl.skipped)
		for k, v := range r.byKind {
			if byKind[k] == nil {
				byKind[k] = &tally{}
			}
			byKind[k].add(v)
		}
	}
	fmt.Fprintf(&b, "%-40s %5s %6d %6d %4d/%-4d %6d %8d %7d\n\n", "total", "", total.cases, total.agree, total.locAgree, total.locBoth, total.known, total.unknown, total.skipped)
	fmt.Fprintf(&b, "%-40s %5s %6s %6s %9s %6s %8s %7s\n", "mutation kind", "", "cases", "agree", "loc-agree", "known", "unknown", "skipped")
	kinds := sortedKeys(byKind)
	sort.Strings(kinds)
	for _, k := range kinds {
		tl := byKind[k]
		fmt.Fprintf(&b, "%-40s %5s %6d %6d %4d/%-4d %6d %8d %7d\n", k, "", tl.cases, tl.agree, tl.locAgree, tl.locBoth, tl.known, tl.unknown, tl.skipped)
	}
	for _, r := range results {
		for _, s := range r.skipOps {
			fmt.Fprintf(&b, "not compared: %s %s\n", r.name, s)
		}
	}
	t.Log(b.String())
}

// TestDifferential compares the generated validators with openapi3filter on
// every operation of the documents compiled into this test binary (the
// bundled petstore and the bench specs) and on a sample of the shared corpus
// (see corpus_test.go).
func TestDifferential(t *testing.T) {
	oracledata.Record(t, "differential")
	knowns := loadKnown(t)
	var results []*docResult
	for _, c := range compiled {
		doc, base, gw := compiledTarget(t, c.name)
		var cr *creds
		if withAuth := compiledAuth[c.name]; withAuth != nil {
			cr = heldAuth(t, doc)
			h, err := withAuth(cr.auth)
			if err != nil {
				t.Fatal(err)
			}
			gw = &inProcess{h: h, base: base}
		}
		results = append(results, compareDoc(t, c.name, doc, base, gw, cr, knowns, 0))
	}
	results = append(results, compareRawBodies(t, knowns))
	results = append(results, compareCorpus(t, knowns)...)
	report(t, results)
	for _, k := range knowns {
		if k.used == 0 && !strings.Contains(k.pattern, "corpus") {
			t.Logf("testdata/known-disagreements.txt:%d matched nothing (fixed, or its document was skipped): %s", k.line, k.pattern)
		}
	}
}

// rawBodies are JSON texts at the edges of RFC 8259 that synthesis never
// produces, sent as the body of the petstore's createPet.
var rawBodies = []struct{ name, body string }{
	{"invalid-utf8", "{\"name\":\"\xff\",\"status\":\"sold\"}"},
	{"trailing-data", `{"name":"a","status":"sold"} x`},
	{"two-values", `{"name":"a","status":"sold"}{}`},
	{"byte-order-mark", "\xef\xbb\xbf{\"name\":\"a\",\"status\":\"sold\"}"},
	{"duplicate-key", `{"name":"a","name":"","status":"sold"}`},
	{"lone-surrogate", `{"name":"\ud800","status":"sold"}`},
	{"nul-escape", `{"name":"a\u0000","status":"sold"}`},
	{"integer-as-float", `{"name":"a","status":"sold","age":3.0}`},
	{"integer-exponent", `{"name":"a","status":"sold","age":1e1}`},
	{"fraction-for-integer", `{"name":"a","status":"sold","age":3.5}`},
	{"negative-zero", `{"name":"a","status":"sold","age":-0}`},
	{"number-overflow", `{"name":"a","status":"sold","weight":1e400}`},
	{"exclusive-minimum", `{"name":"a","status":"sold","weight":0}`},
	{"deep-nesting", `{"name":"a","status":"sold","owner":{"name":"b","x":` + strings.Repeat("[", 2000) + strings.Repeat("]", 2000) + `}}`},
	{"empty", ``},
	{"whitespace-only", " \n\t "},
	{"null-body", `null`},
	{"top-level-array", `[]`},
}

// compareRawBodies compares both validators on rawBodies.
func compareRawBodies(t *testing.T, knowns []*known) *docResult {
	doc, base, gw := compiledTarget(t, "petstore")
	pets := doc.Paths.Find("/pets")
	route := &routers.Route{Spec: doc, Server: doc.Servers[0], Path: "/pets", PathItem: pets, Method: "POST", Operation: pets.Post}
	res := &docResult{name: "petstore raw JSON bodies", ops: 1, byKind: map[string]*tally{"raw-json": {}}}
	for _, rb := range rawBodies {
		c := oracleCase{"raw-json", rb.name, req{method: "POST", path: "/pets", ctype: "application/json", body: []byte(rb.body)}}
		one := compareOne(t, "petstore", "POST /pets", route, base, gw, c, knowns)
		res.byKind["raw-json"].add(&one)
		res.total.add(&one)
	}
	return res
}

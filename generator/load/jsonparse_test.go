package load

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"go.yaml.in/yaml/v4"

	"github.com/gatewaygen/gatewaygen/generator/internal/oracledata"
)

// sameTree returns where a and b differ in anything go-yaml sets, or "".
func sameTree(a, b *yaml.Node, at string) string {
	switch {
	case a == nil || b == nil:
		if a != b {
			return at + ": one node is nil"
		}
		return ""
	case a.Kind != b.Kind || a.Style != b.Style || a.Tag != b.Tag || a.Value != b.Value ||
		a.Line != b.Line || a.Column != b.Column || a.Anchor != b.Anchor || (a.Alias == nil) != (b.Alias == nil) ||
		a.HeadComment != b.HeadComment || a.LineComment != b.LineComment || a.FootComment != b.FootComment ||
		len(a.Content) != len(b.Content):
		return fmt.Sprintf("%s: fast %s, go-yaml %s", at, describeNode(a), describeNode(b))
	}
	for i := range a.Content {
		if d := sameTree(a.Content[i], b.Content[i], fmt.Sprintf("%s/%d", at, i)); d != "" {
			return d
		}
	}
	return ""
}

func describeNode(n *yaml.Node) string {
	return fmt.Sprintf("{kind %d style %d tag %q value %q at %d:%d, %d children}", n.Kind, n.Style, n.Tag, n.Value, n.Line, n.Column, len(n.Content))
}

// TestParseJSON pins that the fast JSON parse gives go-yaml's tree wherever
// it answers, and that it leaves to go-yaml what YAML reads differently.
func TestParseJSON(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		fast bool // the fast path answers
	}{
		{"minified", `{"a":1,"b":[true,null,-1.5e3,"x"],"c":{},"d":[]}`, true},
		{"pretty with CRLF", "\r\n\r\n  {\r\n  \"a\" : \"é\" ,\r\n  \"b\": [\r\n    1,\r\n    2\r\n  ]\r\n}\r\n", true},
		{"tabs inside", "{\n\t\"a\": {\n\t\t\"b\": 1\n\t}\n}\n", true},
		{"escapes", `{"a":"\"\\\/\b\f\n\r\t\u0041\u00e9\u0000\u2028\u0085\uFFFE"}`, true},
		{"columns count characters", `{"ééé":"üü","b":{"ç":[1]}}`, true},
		{"four-byte characters", `{"a":"😀 x","b":1}`, true},
		{"replacement character", "{\"a\":\"\ufffd\",\"b\":1}", true},
		{"number tags", `{"a":[0,-0,1,-1,1.5,1e5,1E+5,1.0e-3,12345678901234567890123,9223372036854775807,9223372036854775808]}`, true},
		{"empty key and value", `{"":""}`, true},
		{"duplicate keys kept", `{"a":1,"a":2}`, true},
		{"merge key is a string", `{"<<":{"a":1}}`, true},
		{"deep", strings.Repeat(`{"a":`, 200) + "1" + strings.Repeat("}", 200), true},
		{"surrogate pairs", "{\"a\":\"\\ud83d\\ude00 and \\uD83D\\uDEA7\",\n\"b\": [1]}", true},

		{"too deep for the fast path", strings.Repeat(`{"a":`, jsonMaxDepth+1) + "1" + strings.Repeat("}", jsonMaxDepth+1), false},
		{"array root", `[1,2]`, false},
		{"byte order mark", "\ufeff{\"a\":1}", false},
		{"tab before the root", "\t{\"a\":1}", false},
		{"lone CR", "{\"a\":1,\r\"b\":2}", false},
		{"raw NEL", "{\"a\":\"x\u0085y\",\n\"b\":1}", false},
		{"raw line separator", "{\"a\":\"x\u2028y\",\n\"b\":1}", false},
		{"raw tab in a string", "{\"a\":\"x\ty\"}", false},
		{"raw DEL", "{\"a\":\"x\x7fy\"}", false},
		{"raw C1 control", "{\"a\":\"x\u0086y\"}", false},
		{"invalid UTF-8", "{\"a\":\"x\xffy\"}", false},
		{"lone high surrogate", `{"a":"\ud83d x"}`, false},
		{"lone low surrogate", `{"a":"\ude00"}`, false},
		{"surrogates the wrong way round", `{"a":"\ude00\ud83d"}`, false},
		{"high surrogate at the end", `{"a":"\ud83d`, false},
		{"YAML escape", `{"a":"\x41"}`, false},
		{"colon on the next line", "{\"a\"\n:1}", false},
		{"value on the next line", "{\"a\":\n1}", false},
		{"trailing comma", `{"a":1,}`, false},
		{"unquoted key", `{a:1}`, false},
		{"plain string", `{"a":yes}`, false},
		{"leading zero", `{"a":01}`, false},
		{"number then garbage", `{"a":1x}`, false},
		{"comment", "{\"a\":1} # c", false},
		{"two documents", "{\"a\":1}\n---\n{\"b\":2}", false},
		{"unterminated", `{"a":"x`, false},
		{"unclosed", `{"a":1`, false},
		{"YAML mapping", "a: 1\n", false},
		{"empty", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := parseJSON([]byte(tc.in))
			if ok != tc.fast {
				t.Fatalf("fast path answered %v, want %v", ok, tc.fast)
			}
			if !ok {
				return
			}
			if d := againstYAML(got, []byte(tc.in)); d != "" {
				t.Error(d)
			}
		})
	}
}

// surrogatePair is a JSON escape of a character beyond the BMP.
var surrogatePair = regexp.MustCompile(`\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}`)

// againstYAML compares the fast path's tree of data with go-yaml's. go-yaml
// refuses a surrogate pair, which JSON writes for any character beyond the
// BMP and the fast path decodes: go-yaml reads such a document with each
// pair as YAML's own \U escape of the character instead, and, since that
// escape is two characters shorter, the columns after it on its line are
// not compared.
func againstYAML(got *yaml.Node, data []byte) string {
	yamlText := surrogatePair.ReplaceAllFunc(data, func(e []byte) []byte {
		hi, _ := strconv.ParseUint(string(e[2:6]), 16, 16)
		lo, _ := strconv.ParseUint(string(e[8:12]), 16, 16)
		return fmt.Appendf(nil, `\U%08X`, utf16.DecodeRune(rune(hi), rune(lo)))
	})
	var want yaml.Node
	if err := yaml.Unmarshal(yamlText, &want); err != nil {
		return fmt.Sprintf("the fast path read what go-yaml refuses (%v)", err)
	}
	if len(yamlText) != len(data) {
		clearColumns(got)
		clearColumns(&want)
	}
	return sameTree(got, &want, "")
}

func clearColumns(n *yaml.Node) {
	n.Column = 0
	for _, c := range n.Content {
		clearColumns(c)
	}
}

// TestParseJSONCorpus compares the fast JSON parse with go-yaml on every
// JSON document of the shared corpus.
func TestParseJSONCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("parses every JSON document of the corpus twice; skipped in -short mode")
	}
	dir := oracledata.Shared(t, "corpus-jsonparse", "specs-corpus")
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	if len(files) == 0 {
		t.Fatalf("no JSON document in %s", dir)
	}
	fast := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := parseJSON(data)
		if !ok {
			t.Logf("%s: left to go-yaml", f)
			continue
		}
		fast++
		var want yaml.Node
		if err := yaml.Unmarshal(data, &want); err != nil {
			t.Errorf("%s: the fast path read what go-yaml refuses (%v)", f, err)
			continue
		}
		if d := sameTree(got, &want, ""); d != "" {
			t.Errorf("%s: %s", f, d)
		}
	}
	// Almost every document is plain JSON; a fast path that gave up on
	// most of them would cost a parse for nothing.
	if fast < len(files)*9/10 {
		t.Errorf("the fast path read %d of %d documents", fast, len(files))
	}
}

// TestJSONPositions: diagnostics located through the fast parse's tree name
// the line and the column in characters, as go-yaml's did.
func TestJSONPositions(t *testing.T) {
	for _, c := range []struct{ name, src, want string }{
		{"characters, not bytes", `{"openapi": "3.0.3", "info": {"title": "ééé", "version": "1"}, "paths": {}, "info": {"title": "u", "version": "2"}}`,
			`a.json:1:77: warning: duplicate key "info": the one at line 1, column 22 is dropped`},
		{"CRLF lines", "{\r\n  \"openapi\": \"3.0.3\",\r\n  \"info\": {\"title\": \"t\", \"version\": \"1\"},\r\n  \"paths\": {},\r\n  \"info\": {}\r\n}\r\n",
			`a.json:5:3: warning: duplicate key "info": the one at line 3, column 3 is dropped`},
		{"escapes", `{"openapi": "3.0.3", "info": {"title": "\u00e9\"\\", "version": "1"}, "paths": {}, "info": {}}`,
			`a.json:1:84: warning: duplicate key "info": the one at line 1, column 22 is dropped`},
	} {
		if _, ok := parseJSON([]byte(c.src)); !ok {
			t.Fatalf("%s: the fast path did not answer", c.name)
		}
		_, diags := Load(write(t, t.TempDir(), "a.json", c.src))
		if got := diags.String(); !strings.Contains(got, c.want) {
			t.Errorf("%s: got\n%s\nwant %q", c.name, got, c.want)
		}
	}
}

// FuzzParseJSON: wherever the fast parse answers, go-yaml reads the same
// bytes into the same tree; where go-yaml refuses them, the fast parse must
// not have answered.
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"a": 1}`, "{\n  \"a\": [1, 2.5e3, -0, true, null, \"x\\u00e9\\n\"],\n\t\"b\": {\"c\": \"\"}\n}",
		`{"key": "value with : colon # hash"}`, `{"a":"\u2028"}`, `{"a": 1e400}`, `{"y": "yes", "n": no}`,
		"{\"a\":\n1}", `{"a": "é", "b": "日本"}`, `{"a": {"b": {"c": [[], {}]}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := parseJSON(data)
		if !ok {
			return
		}
		if d := againstYAML(got, data); d != "" {
			t.Fatalf("%q: %s", data, d)
		}
	})
}

// TestSurrogatePairsLoad: a JSON document whose text escapes a character
// beyond the BMP as a surrogate pair, as Python's json and PHP's
// json_encode write every emoji, loads (go-yaml alone refused it, and so
// the whole document), and a diagnostic after the pair on its line is
// placed at its column in the file.
func TestSurrogatePairsLoad(t *testing.T) {
	src := `{"openapi":"3.0.3","info":{"title":"Pets \ud83d\udc3e","version":"1"},"x-gateway":{"nmae":"x"},"paths":{}}`
	_, diags := Load(write(t, t.TempDir(), "a.json", src))
	want := fmt.Sprintf("a.json:1:%d: ", strings.Index(src, `"nmae"`)+1)
	if got := diags.String(); !strings.Contains(got, want) || strings.Contains(got, "syntax error") {
		t.Fatalf("diagnostics:\n%s\nwant one at %q and no syntax error", got, want)
	}
	ok := strings.Replace(src, `"nmae"`, `"name"`, 1)
	d, diags := Load(write(t, t.TempDir(), "a.json", ok))
	if d == nil || diags.HasErrors() {
		t.Fatalf("not loaded:\n%s", diags)
	}
	if d.T.Info.Title != "Pets 🐾" {
		t.Errorf("title %q, want the pair read as one character", d.T.Info.Title)
	}
}

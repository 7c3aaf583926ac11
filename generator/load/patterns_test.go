package load

import (
	"strings"
	"testing"
)

// TestPatternWarnings: a pattern is ECMA-262, so lookbehind and
// backreferences, which Go's regexp lacks and the gateway runs on a
// backtracking engine, draw no warning; one that no engine reads does,
// saying what it costs; and neither stops the examples of the operation's
// other parameters being checked, each at its own line.
func TestPatternWarnings(t *testing.T) {
	const src = `openapi: 3.0.3
info: {title: t, version: "1"}
x-gateway: {upstream: a, upstreams: {a: {targets: ["http://127.0.0.1:9"]}}}
paths:
  /a:
    get:
      parameters:
        - {name: behind, in: query, example: ab, schema: {type: string, pattern: "(?<=a)b"}}
        - {name: backref, in: query, example: aa, schema: {type: string, pattern: "^(a)\\1$"}}
        - {name: letters, in: query, example: "123", schema: {type: string, pattern: "^\\p{L}+$"}}
      responses: {"200": {description: ok}}
  /b:
    get:
      parameters:
        - {name: broken, in: query, schema: {type: string, pattern: "(a["}}
      responses: {"200": {description: ok}}
`
	_, diags := Load(write(t, t.TempDir(), "a.yaml", src))
	got := diags.String()
	for _, want := range []string{
		`a.yaml:10:12: warning: invalid example: string doesn't match the regular expression "^\p{L}+$"`,
		`a.yaml:15:12: warning: pattern "(a[" is not an ECMA-262 regular expression (`,
		`): the gateway refuses every value it applies to`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("got\n%s\nwant %q", got, want)
		}
	}
	for _, not := range []string{"behind", "backref", "(?<=", "invalid named capture", "1:1:"} {
		if strings.Contains(got, not) {
			t.Errorf("got\n%s\nwant nothing about %q", got, not)
		}
	}
	if diags.HasErrors() {
		t.Errorf("errors:\n%s", got)
	}
}

package pattern

import (
	"strings"
	"testing"
)

func TestPatternFallsBackToECMAScript(t *testing.T) {
	p := MustCompile(`^(?!admin)[a-z]+$`) // lookahead: RE2 cannot, regexp2 can
	if !p.Match([]byte("alice")) || p.Match([]byte("admin")) {
		t.Fatal("lookahead pattern did not run")
	}
	if MustCompile(`(`).Match([]byte("(")) {
		t.Fatal("an uncompilable pattern must match nothing")
	}
}

// TestPatternECMA checks the ECMA-262 meanings that differ from RE2's.
func TestPatternECMA(t *testing.T) {
	for _, c := range []struct {
		expr, s string
		want    bool
	}{
		{`^\s$`, "\v", true},
		{`^\s$`, "\u00a0", true},
		{`^\s$`, "\ufeff", true},
		{`^\s$`, "\u2029", true},
		{`^\s$`, "\u2003", true},
		{`^\s$`, "x", false},
		{`^\S$`, "\u2003", false},
		{`^\S$`, "é", true},
		{`^[\s\d]+$`, "1\u00a02", true},
		{`^[^\s]+$`, "a\u3000b", false},
		{`^[\S]+$`, "ab\u2028", false},
		{`^.$`, "\r", false},
		{`^.$`, "\u2028", false},
		{`^.$`, "é", true},
		{`^.$`, "😀", true},
		{`^[.]$`, ".", true},
		{`^[.]$`, "a", false},
		{`^\.$`, "a", false},
		{`^\u00e9$`, "é", true},
		{`^\u{1F600}$`, "😀", true},
		{`^\uD83D\uDE00$`, "😀", true},
		{`^\\s$`, `\s`, true},
		{`^\\s$`, " ", false},
		{`^a(?=b)`, "ab", true},
	} {
		if got := MustCompile(c.expr).Match([]byte(c.s)); got != c.want {
			t.Errorf("%s on %q: %v, want %v (RE2 form %s)", c.expr, c.s, got, c.want, toRE2(c.expr))
		}
	}
}

// FuzzPattern compiles arbitrary patterns as a spec may hold them and runs
// them on arbitrary input: nothing panics, and the ECMA-262 rewrite leaves a
// pattern without \s, \S, \u or a dot as it is.
func FuzzPattern(f *testing.F) {
	for _, s := range []string{`^\s+$`, `[^\S.]`, `\u00e9.`, `\uD83D\uDE00`, `a(?=b)`, `[]`, `\`, `[\`} {
		f.Add(s, "a b\u00a0")
	}
	f.Fuzz(func(t *testing.T, expr, in string) {
		if len(expr) > 200 {
			return
		}
		MustCompile(expr).Match([]byte(in))
		if !strings.ContainsAny(expr, `\.`) && toRE2(expr) != expr {
			t.Fatalf("toRE2(%q) = %q", expr, toRE2(expr))
		}
	})
}

// TestCheck: Check accepts what MustCompile runs, on either engine, and
// names the fault of what neither reads.
func TestCheck(t *testing.T) {
	for _, c := range []struct {
		expr string
		ok   bool
	}{
		{`^[a-z]+$`, true},
		{`(?<=a)b`, true},  // lookbehind: the backtracking engine
		{`^(a)\1$`, true},  // backreference: the same
		{`^\p{L}+$`, true}, // RE2
		{`(a[`, false},
		{`a{2,1}`, false},
		{`a**`, false},
	} {
		err := Check(c.expr)
		if (err == nil) != c.ok {
			t.Errorf("Check(%q) = %v, want ok %v", c.expr, err, c.ok)
		}
		if p := MustCompile(c.expr); p.valid != c.ok {
			t.Errorf("MustCompile(%q).valid = %v, want %v", c.expr, p.valid, c.ok)
		}
	}
}

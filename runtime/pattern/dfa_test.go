package pattern

import (
	"math/rand/v2"
	"regexp"
	"testing"
)

// dfaPatterns are patterns of the kind OpenAPI documents carry, plus the
// corners of the construction: anchors, alternation, empty matches, case
// folding, counted repetition, classes.
var dfaPatterns = []string{
	`^[0-9]+\.[0-9]+$`, `^[a-z]+$`, `^[a-z0-9]{8}$`, `^\+?[0-9 ]{6,20}$`, `^[a-z0-9:_-]+(,[a-z0-9:_-]+)*$`,
	`abc`, `a|b|cd`, `^$`, ``, `a*`, `^a*$`, `(?i)^hello$`, `x$`, `^x`, `[^a-c]+`, `\d{3}-\d{4}`,
	`^(\([0-9]{3}\))?[0-9]{3}-[0-9]{4}$`, `^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$`, `.`, `^.{2,4}$`, `a.c`,
	`^\S+@\S+$`, `\s`, `^[\w.-]+$`, `(ab)+$`, `^(a|ab)(c|bcd)(d*)$`, `^$|^x$`, `$^`, `a^b`, `\$`,
}

func TestDFAAgreesWithRegexp(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("abcdxyzABC0123456789 .-_:,+@$()\t\n")
	for _, expr := range dfaPatterns {
		d := buildDFA(expr)
		if d == nil {
			t.Errorf("%q: no automaton", expr)
			continue
		}
		re := regexp.MustCompile(expr)
		for i := 0; i < 3000; i++ {
			b := make([]byte, r.IntN(12))
			for j := range b {
				b[j] = alphabet[r.IntN(len(alphabet))]
			}
			got, ok := d.match(b)
			if !ok {
				t.Fatalf("%q: ASCII input %q refused", expr, b)
			}
			if want := re.Match(b); got != want {
				t.Fatalf("%q on %q: automaton says %v, regexp %v", expr, b, got, want)
			}
		}
	}
}

func TestDFAFallsBack(t *testing.T) {
	if buildDFA(`\bword\b`) != nil {
		t.Error("word boundaries need regexp")
	}
	p := MustCompile(`^é+$`)
	if !p.Match([]byte("éé")) || p.Match([]byte("e")) {
		t.Error("non-ASCII input must reach regexp")
	}
}

func FuzzDFA(f *testing.F) {
	for _, p := range dfaPatterns {
		f.Add(p, "abc123")
	}
	f.Fuzz(func(t *testing.T, expr string, in string) {
		re, err := regexp.Compile(expr)
		if err != nil || len(expr) > 64 {
			return
		}
		d := buildDFA(expr)
		if d == nil {
			return
		}
		got, ok := d.match([]byte(in))
		if ok && got != re.MatchString(in) {
			t.Fatalf("%q on %q: automaton says %v, regexp %v", expr, in, got, !got)
		}
		if !ok && isASCII(in) {
			t.Fatalf("%q: ASCII input %q refused", expr, in)
		}
	})
}

func BenchmarkPattern(b *testing.B) {
	p := MustCompile(`^[a-z0-9:_-]+(,[a-z0-9:_-]+)*$`)
	in := []byte("bug,area:router,p1")
	b.Run("dfa", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p.Match(in)
		}
	})
	b.Run("regexp", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p.re2.Match(in)
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

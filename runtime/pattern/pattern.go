// Package pattern compiles the ECMA-262 regular expressions of schema
// `pattern` keywords once, at start-up, and matches them without
// allocating on ASCII input: a DFA built from the RE2 program where the
// pattern allows one, RE2 otherwise, and regexp2 in ECMAScript mode, with a
// match timeout, for what RE2 cannot run (lookaround, backreferences). It
// never skips a pattern: one that no engine compiles matches nothing.
package pattern

import (
	"regexp"
	"time"

	"github.com/dlclark/regexp2"
)

// Pattern is a compiled schema `pattern`. OpenAPI patterns are ECMA-262
// regular expressions: Go's RE2 runs most of them in linear time, and the
// rest (lookaround, backreferences) run on regexp2 in ECMAScript mode with a
// match timeout, so no pattern is ever silently skipped.
type Pattern struct {
	dfa   *dfa // ASCII input, when the pattern allows one
	re2   *regexp.Regexp
	ecma  *regexp2.Regexp
	Expr  string
	valid bool
}

// MatchTimeout bounds one backtracking match.
const MatchTimeout = 50 * time.Millisecond

// MustCompile compiles expr; generated code calls it once, at package init.
// A pattern neither engine accepts matches nothing, so a broken spec fails
// closed.
func MustCompile(expr string) *Pattern {
	p := &Pattern{Expr: expr}
	re2 := toRE2(expr)
	if re, err := regexp.Compile(re2); err == nil {
		p.re2, p.valid = re, true
		p.dfa = buildDFA(re2)
		return p
	}
	if re, err := regexp2.Compile(expr, regexp2.ECMAScript); err == nil {
		re.MatchTimeout = MatchTimeout
		p.ecma, p.valid = re, true
	}
	return p
}

// Check reports why neither engine compiles expr (the pattern would then
// match nothing); nil when one does. The generator's lint calls it, so it
// builds no automaton.
func Check(expr string) error {
	if _, err := regexp.Compile(toRE2(expr)); err == nil {
		return nil
	}
	_, err := regexp2.Compile(expr, regexp2.ECMAScript)
	return err
}

// Match reports whether b contains a match (patterns are not anchored).
// A backtracking match that times out counts as no match.
func (p *Pattern) Match(b []byte) bool {
	if p.dfa != nil {
		if matched, ok := p.dfa.match(b); ok {
			return matched
		}
	}
	switch {
	case p.re2 != nil:
		return p.re2.Match(b)
	case p.ecma != nil:
		ok, err := p.ecma.MatchString(string(b))
		return err == nil && ok
	}
	return false
}

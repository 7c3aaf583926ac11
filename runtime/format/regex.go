package format

import "unicode/utf8"

// Regex reports whether b is a regular expression of ECMA-262's grammar
// (§22.2.1), read with the web-compatibility rules of its Annex B.3.2 that
// every JavaScript engine applies to patterns without the u flag: a "{" or
// "}" that does not make a quantifier, a lone "]" and an escaped ordinary
// character stand for themselves.
//
// It is a single pass with no allocation, in time linear in len(b): a value
// is request data, and compiling it with a regexp engine instead would let
// a client spend seconds of CPU on one deeply nested pattern. What it
// rejects is what every engine rejects: unbalanced parentheses, an
// unterminated class or escape, a quantifier with nothing to repeat, {n,m}
// with n > m, a class range out of order, an unknown (? group, and named
// groups that are malformed, repeated or referenced but missing.
func Regex(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	names, ok := groupNames(b)
	if !ok {
		return false
	}
	p := regexParser{src: b, names: names}
	return p.pattern()
}

// regexParser walks a pattern once, without recursion, so that nesting
// costs nothing but a counter.
type regexParser struct {
	src   []byte
	i     int
	names map[string]bool // the named groups, when there are any
}

func (p *regexParser) pattern() bool {
	depth := 0
	canRepeat := false // whether the last term can take a quantifier
	for p.i < len(p.src) {
		switch p.src[p.i] {
		case '|':
			p.i++
			canRepeat = false
		case '(':
			if !p.group() {
				return false
			}
			depth++
			canRepeat = false
		case ')':
			if depth == 0 {
				return false
			}
			p.i++
			depth--
			canRepeat = true
		case '*', '+', '?':
			if !canRepeat {
				return false
			}
			p.i++
			p.lazy()
			canRepeat = false
		case '{':
			n, ok := p.quantifier()
			switch {
			case n == 0:
				p.i++ // a literal brace (Annex B)
				canRepeat = true
			case !ok || !canRepeat:
				return false
			default:
				p.i += n
				p.lazy()
				canRepeat = false
			}
		case '^', '$':
			p.i++
			canRepeat = false
		case '[':
			if !p.class() {
				return false
			}
			canRepeat = true
		case '\\':
			assertion, ok := p.escape()
			if !ok {
				return false
			}
			canRepeat = !assertion
		default:
			p.i++
			canRepeat = true
		}
	}
	return depth == 0
}

// lazy skips the ? that makes a quantifier lazy.
func (p *regexParser) lazy() {
	if p.i < len(p.src) && p.src[p.i] == '?' {
		p.i++
	}
}

// group reads the opening of a group at p.i: "(", "(?:", "(?=", "(?!",
// "(?<=", "(?<!" or "(?<name>". Annex B lets a lookahead take a quantifier
// and no engine lets a lookbehind; this check lets both, which only widens
// what passes by patterns no one writes.
func (p *regexParser) group() bool {
	s := p.src[p.i:]
	if len(s) < 2 || s[1] != '?' {
		p.i++
		return true
	}
	if len(s) < 3 {
		return false
	}
	switch s[2] {
	case ':', '=', '!':
		p.i += 3
		return true
	case '<':
		if len(s) >= 4 && (s[3] == '=' || s[3] == '!') {
			p.i += 4
			return true
		}
		n, ok := groupName(s[2:])
		if !ok {
			return false
		}
		p.i += 2 + n
		return true
	}
	return false
}

// quantifier reads {n}, {n,} or {n,m} at p.i and returns its length, 0 when
// the brace does not start one, and ok false when m < n.
func (p *regexParser) quantifier() (n int, ok bool) {
	s := p.src[p.i:]
	j := 1
	lo, digits := readInt(s, &j)
	if digits == 0 {
		return 0, false
	}
	hi := lo
	if j < len(s) && s[j] == ',' {
		j++
		var d int
		hi, d = readInt(s, &j)
		if d == 0 {
			hi = -1
		}
	}
	if j >= len(s) || s[j] != '}' {
		return 0, false
	}
	return j + 1, hi < 0 || lo <= hi
}

// readInt reads decimal digits at s[*j], saturating far above any
// meaningful count.
func readInt(s []byte, j *int) (v, digits int) {
	for *j < len(s) && s[*j] >= '0' && s[*j] <= '9' {
		if v < 1<<30 {
			v = v*10 + int(s[*j]-'0')
		}
		*j++
		digits++
	}
	return v, digits
}

// class reads a character class at p.i, checking that each range is in
// order. A class escape (\d) at either end of a range makes the dash a
// literal, as Annex B says.
func (p *regexParser) class() bool {
	p.i++ // [
	if p.i < len(p.src) && p.src[p.i] == '^' {
		p.i++
	}
	for p.i < len(p.src) {
		if p.src[p.i] == ']' {
			p.i++
			return true
		}
		lo, loSingle, ok := p.classAtom()
		if !ok {
			return false
		}
		if p.i+1 < len(p.src) && p.src[p.i] == '-' && p.src[p.i+1] != ']' {
			p.i++ // -
			hi, hiSingle, ok := p.classAtom()
			if !ok || loSingle && hiSingle && lo > hi {
				return false
			}
		}
	}
	return false
}

// classAtom reads one character or class escape inside a class. single is
// false for a class escape, which stands for a set.
func (p *regexParser) classAtom() (r rune, single, ok bool) {
	c := p.src[p.i]
	if c != '\\' {
		r, n := utf8.DecodeRune(p.src[p.i:])
		p.i += n
		return r, true, true
	}
	if p.i+1 >= len(p.src) {
		return 0, false, false
	}
	e := p.src[p.i+1]
	switch e {
	case 'd', 'D', 's', 'S', 'w', 'W':
		p.i += 2
		return 0, false, true
	case 'p', 'P':
		if n := propertyEscape(p.src[p.i+2:]); n > 0 {
			p.i += 2 + n
			return 0, false, true
		}
	case 'b':
		p.i += 2
		return '\b', true, true
	}
	return p.charEscape()
}

// escape reads an escape outside a class. assertion is true for \b and \B.
func (p *regexParser) escape() (assertion, ok bool) {
	if p.i+1 >= len(p.src) {
		return false, false // a trailing backslash
	}
	switch e := p.src[p.i+1]; e {
	case 'b', 'B':
		p.i += 2
		return true, true
	case 'd', 'D', 's', 'S', 'w', 'W':
		p.i += 2
		return false, true
	case 'p', 'P':
		if n := propertyEscape(p.src[p.i+2:]); n > 0 {
			p.i += 2 + n
			return false, true
		}
	case 'k':
		if p.names != nil {
			// With named groups, \k must name one (Annex B.3.2).
			n, ok := groupName(p.src[p.i+2:])
			if !ok || !p.names[string(p.src[p.i+3:p.i+1+n])] {
				return false, false
			}
			p.i += 2 + n
			return false, true
		}
	}
	_, _, ok = p.charEscape()
	return false, ok
}

// charEscape reads an escape that stands for one character: \t, \x41,
// \u0041, \u{41}, \cA, \0, a backreference or octal escape, or any other
// escaped character, which stands for itself.
func (p *regexParser) charEscape() (r rune, single, ok bool) {
	s := p.src[p.i+1:]
	switch s[0] {
	case 't':
		p.i += 2
		return '\t', true, true
	case 'n':
		p.i += 2
		return '\n', true, true
	case 'v':
		p.i += 2
		return '\v', true, true
	case 'f':
		p.i += 2
		return '\f', true, true
	case 'r':
		p.i += 2
		return '\r', true, true
	case 'x':
		if len(s) >= 3 && allHex(s[1:3]) {
			p.i += 4
			return rune(hexVal(s[1:3])), true, true
		}
	case 'u':
		if len(s) >= 5 && allHex(s[1:5]) {
			p.i += 6
			return rune(hexVal(s[1:5])), true, true
		}
		if len(s) >= 3 && s[1] == '{' {
			j := 2
			for j < len(s) && j < 9 && allHex(s[j:j+1]) {
				j++
			}
			if j > 2 && j < len(s) && s[j] == '}' && hexVal(s[2:j]) <= utf8.MaxRune {
				p.i += 2 + j
				return rune(hexVal(s[2:j])), true, true
			}
		}
	case 'c':
		if len(s) >= 2 && (s[1]|0x20 >= 'a' && s[1]|0x20 <= 'z') {
			p.i += 3
			return rune(s[1] & 31), true, true
		}
	}
	if s[0] >= '0' && s[0] <= '9' {
		// A backreference or, in Annex B, an octal escape: either is one
		// unit of the pattern.
		j := 1
		for j < len(s) && j < 3 && s[j] >= '0' && s[j] <= '7' {
			j++
		}
		p.i += 1 + j
		return -1, false, true
	}
	r, n := utf8.DecodeRune(s)
	p.i += 1 + n
	return r, true, true
}

// propertyEscape returns the length of "{Name}" or "{Name=Value}" after \p,
// or 0. The names are not checked against Unicode's list: without the u flag
// \p is a literal p, so any text is a valid pattern either way.
func propertyEscape(s []byte) int {
	if len(s) < 3 || s[0] != '{' {
		return 0
	}
	for j := 1; j < len(s) && j < 64; j++ {
		c := s[j]
		switch {
		case c == '}':
			if j == 1 {
				return 0
			}
			return j + 1
		case c == '_' || c == '=' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
		default:
			return 0
		}
	}
	return 0
}

// groupName returns the length of "<name>" at s, the name an identifier.
func groupName(s []byte) (int, bool) {
	if len(s) < 3 || s[0] != '<' {
		return 0, false
	}
	j := 1
	for j < len(s) && s[j] != '>' {
		r, n := utf8.DecodeRune(s[j:])
		if !(r == '$' || r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= 0x80 || (j > 1 && r >= '0' && r <= '9')) {
			return 0, false
		}
		j += n
	}
	if j >= len(s) || j == 1 {
		return 0, false
	}
	return j + 1, true
}

// groupNames returns the set of the pattern's group names, nil when it has
// none, and false when a name is malformed or given twice.
func groupNames(b []byte) (map[string]bool, bool) {
	var names map[string]bool
	inClass := false
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '[':
			inClass = true
		case ']':
			inClass = false
		case '(':
			if inClass || i+3 >= len(b) || b[i+1] != '?' || b[i+2] != '<' || b[i+3] == '=' || b[i+3] == '!' {
				continue
			}
			n, ok := groupName(b[i+2:])
			if !ok {
				return nil, false
			}
			name := string(b[i+3 : i+1+n])
			if names == nil {
				names = map[string]bool{}
			}
			if names[name] {
				return nil, false
			}
			names[name] = true
		}
	}
	return names, true
}

func allHex(s []byte) bool {
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return len(s) > 0
}

func hexVal(s []byte) int {
	v := 0
	for _, c := range s {
		if v > utf8.MaxRune {
			return v
		}
		switch {
		case c <= '9':
			v = v*16 + int(c-'0')
		default:
			v = v*16 + int(c|0x20-'a'+10)
		}
	}
	return v
}

package pattern

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
)

// The pattern dialect of OpenAPI and JSON Schema is ECMA-262's, with Unicode
// semantics. Go's RE2 reads most such patterns with the same meaning, except
// for a few escapes and the dot. toRE2 rewrites those into RE2 syntax that
// means what ECMA-262 says, so the pattern can run on RE2 (and the DFA built
// from it) instead of falling back to backtracking:
//
//   - \s and \S: ECMA-262 white space is WhiteSpace and LineTerminator
//     (§22.2.2.9, §12.2, §12.3), which adds \v, U+00A0, U+FEFF, the Unicode
//     space separators and U+2028/U+2029 to RE2's [\t\n\f\r ];
//   - . matches any code point but the four line terminators (\n, \r,
//     U+2028, U+2029), where RE2's matches anything but \n;
//   - \uXXXX and \u{X…} are code points, which RE2 writes \x{…}.
//
// Anything else is passed through, and a pattern RE2 then refuses still
// goes to regexp2 in ECMAScript mode, unrewritten.

const (
	ecmaSpace    = `\t\n\x0B\f\r \x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}`
	ecmaNonSpace = `\x00-\x08\x0E-\x1F\x21-\x{9F}\x{A1}-\x{167F}\x{1681}-\x{1FFF}\x{200B}-\x{2027}\x{202A}-\x{202E}\x{2030}-\x{205E}\x{2060}-\x{2FFF}\x{3001}-\x{FEFE}\x{FF00}-\x{10FFFF}`
	ecmaDot      = `[^\n\r\x{2028}\x{2029}]`
)

func toRE2(expr string) string {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		switch {
		case c == '\\' && i+1 < len(expr):
			e := expr[i+1]
			switch {
			case e == 's' && inClass:
				b.WriteString(ecmaSpace)
			case e == 'S' && inClass:
				b.WriteString(ecmaNonSpace)
			case e == 's':
				b.WriteString("[" + ecmaSpace + "]")
			case e == 'S':
				b.WriteString("[" + ecmaNonSpace + "]")
			case e == 'u':
				if r, n := unicodeEscape(expr[i+2:]); n > 0 {
					b.WriteString(`\x{` + strconv.FormatInt(int64(r), 16) + `}`)
					i += 1 + n
					continue
				}
				b.WriteString(`\u`) // RE2 refuses it: regexp2 decides
			default:
				b.WriteByte('\\')
				b.WriteByte(e)
			}
			i++
		case c == '[' && !inClass:
			inClass = true
			b.WriteByte(c)
			if i+1 < len(expr) && expr[i+1] == '^' {
				b.WriteByte('^')
				i++
			}
		case c == ']' && inClass:
			inClass = false
			b.WriteByte(c)
		case c == '.' && !inClass:
			b.WriteString(ecmaDot)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// unicodeEscape reads the part of a \u escape after the u: four hex digits,
// a surrogate pair of two such escapes, or one to six digits in braces. It
// returns the code point and how many bytes it read, or 0 bytes when s
// holds none of these, or a lone surrogate.
func unicodeEscape(s string) (rune, int) {
	if strings.HasPrefix(s, "{") {
		end := strings.IndexByte(s, '}')
		if end < 2 || end > 7 || !isHex(s[1:end]) {
			return 0, 0
		}
		r, _ := strconv.ParseInt(s[1:end], 16, 32)
		if r > unicode.MaxRune || utf16.IsSurrogate(rune(r)) {
			return 0, 0
		}
		return rune(r), end + 1
	}
	if len(s) < 4 || !isHex(s[:4]) {
		return 0, 0
	}
	hi, _ := strconv.ParseInt(s[:4], 16, 32)
	if !utf16.IsSurrogate(rune(hi)) {
		return rune(hi), 4
	}
	if len(s) >= 10 && s[4] == '\\' && s[5] == 'u' && isHex(s[6:10]) {
		lo, _ := strconv.ParseInt(s[6:10], 16, 32)
		if r := utf16.DecodeRune(rune(hi), rune(lo)); r != unicode.ReplacementChar {
			return r, 10
		}
	}
	return 0, 0
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

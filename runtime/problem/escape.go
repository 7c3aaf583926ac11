package problem

import (
	"unicode/utf8"

	"github.com/gatewaygen/gatewaygen/runtime/jsonv"
)

const hexDigits = "0123456789abcdef"

// AppendString appends s to dst as a JSON string literal, quotes included.
// Control characters are escaped, invalid UTF-8 becomes U+FFFD (one per bad
// byte, as encoding/json does), and U+2028/U+2029 are escaped so the body
// is also a valid JavaScript expression (they end a line in JavaScript
// before ES2019). '<', '>' and '&' are not escaped, as encoding/json's
// HTML escaping would: the body is not made to be pasted inside an HTML
// <script> element, and nothing in the gateway or its portal does so. It
// never allocates beyond growing dst.
func AppendString[T string | []byte](dst []byte, s T) []byte {
	return append(appendEscaped(append(dst, '"'), s), '"')
}

// appendEscaped is AppendString without the quotes. Most strings have
// nothing to escape: they are found so in one PlainRun and appended whole.
func appendEscaped[T string | []byte](dst []byte, s T) []byte {
	if n := jsonv.PlainRun(s); n < len(s) {
		return appendEscapedFrom(dst, s, n)
	}
	return append(dst, s...)
}

// appendEscapedFrom is appendEscaped for s, whose bytes before i need no
// escaping.
func appendEscapedFrom[T string | []byte](dst []byte, s T, i int) []byte {
	start := 0
	for i < len(s) {
		i += jsonv.PlainRun(s[i:])
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := decodeRune(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, "\ufffd"...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(dst, s[start:]...)
}

// decodeRune picks the utf8 decoder for T without converting (which would
// allocate for a []byte to string conversion the compiler cannot elide).
func decodeRune[T string | []byte](s T) (rune, int) {
	switch v := any(s).(type) {
	case string:
		return utf8.DecodeRuneInString(v)
	case []byte:
		return utf8.DecodeRune(v)
	}
	return utf8.RuneError, 1
}

// Package format checks the string formats of JSON Schema and OpenAPI
// ("date-time", "email", "uri", ...) for generated request validation.
//
// Every checker takes the raw bytes of a decoded JSON string and reports
// whether they are a valid instance of the format. The checkers must never
// allocate or panic on any input: they are plain byte loops over the grammar
// of the RFC named in each doc comment, they read nothing past len(b), and
// they reject any byte outside US-ASCII (the non-IDN formats are ASCII-only,
// so non-UTF-8 input is rejected too). Regex reads a pattern's syntax
// without compiling it, and allocates only for a pattern with named groups.
//
// All functions are safe for concurrent use; none keeps a reference to b.
package format

import (
	"math"
)

// Known lists the format names this package checks. "float" and "double"
// accept any JSON number and need no checker; every other name maps to the
// function of the same name (date-time → DateTime, uri-reference →
// URIReference, ...). Formats not listed are annotations only and accept
// every value.
var Known = map[string]bool{
	"date-time":     true,
	"date":          true,
	"time":          true,
	"duration":      true,
	"email":         true,
	"hostname":      true,
	"ipv4":          true,
	"ipv6":          true,
	"uri":           true,
	"uri-reference": true,
	"uuid":          true,
	"byte":          true,
	"regex":         true,
	"int32":         true,
	"int64":         true,
	"float":         true,
	"double":        true,
}

// UUID reports whether b is an RFC 4122 §3 UUID in its string form:
// 8-4-4-4-12 hexadecimal digits of either case. As the JSON Schema suite
// expects, any version and variant nibble is accepted; URN prefixes and
// braces are not.
func UUID(b []byte) bool {
	if len(b) != 36 {
		return false
	}
	for i, c := range b {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	return true
}

// Byte reports whether b is RFC 4648 §4 standard base64 with padding, the
// OpenAPI "byte" format. The empty string is valid. The length must be a
// multiple of four, '=' may only end the last quantum (at most two), and
// line breaks or other whitespace are rejected. Non-zero pad bits in the last
// character are accepted, as encoding/base64.StdEncoding does (RFC 4648
// §3.5 lets decoders choose).
func Byte(b []byte) bool {
	if len(b)%4 != 0 {
		return false
	}
	n := len(b)
	pad := 0
	if n > 0 && b[n-1] == '=' {
		pad++
		if b[n-2] == '=' {
			pad++
		}
	}
	for _, c := range b[:n-pad] {
		if !isBase64(c) {
			return false
		}
	}
	return true
}

func isBase64(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/'
}

// Int32Number is Int32 for the JSON number b as sent: the decimal it
// spells, not the float64 nearest it, so that 2147483647.0000000001 is no
// integer at all. b must be a JSON number (RFC 8259 §6).
func Int32Number(b []byte) bool {
	return integerWithin(b, "2147483647", "2147483648")
}

// Int64Number is Int64 for the JSON number b as sent. A float64 has 53
// bits of mantissa, so near 2^63 it cannot tell the int64 range's ends
// from the numbers past them: 9223372036854775807, the largest int64,
// rounds to 2^63 and would be refused, and -9223372036854775809, one past
// the smallest, rounds to -2^63 and would pass. Read as the decimal it
// spells, each is judged exactly. b must be a JSON number.
func Int64Number(b []byte) bool {
	return integerWithin(b, "9223372036854775807", "9223372036854775808")
}

// integerWithin reports whether the JSON number b is a whole number from
// -maxNeg to maxPos, both written as decimal digits of one length.
func integerWithin(b []byte, maxPos, maxNeg string) bool {
	if len(b) == 0 {
		return false
	}
	neg := b[0] == '-'
	if neg {
		b = b[1:]
	}
	mant, exp := b, 0
	for i, c := range b {
		if c == 'e' || c == 'E' {
			mant = b[:i]
			e := b[i+1:]
			eneg := len(e) > 0 && e[0] == '-'
			if len(e) > 0 && (e[0] == '-' || e[0] == '+') {
				e = e[1:]
			}
			for _, d := range e {
				if d < '0' || d > '9' {
					return false
				}
				if exp < 1<<20 { // past any digit count a body can hold
					exp = exp*10 + int(d-'0')
				}
			}
			if eneg {
				exp = -exp
			}
			break
		}
	}
	// The significant digits run from the first non-zero digit to the
	// last; the number is those digits times 10^scale.
	first, last, frac, point, digits := -1, -1, 0, false, 0
	for i, c := range mant {
		switch {
		case c == '.':
			point = true
		case c >= '0' && c <= '9':
			digits++
			if point {
				frac++
			}
			if c != '0' {
				if first < 0 {
					first = i
				}
				last = i
			}
		default:
			return false
		}
	}
	if first < 0 {
		return digits > 0 // zero, or no number
	}
	sig, zeros := 0, 0 // significant digits; zero digits after the last one
	for i := first; i <= last; i++ {
		if mant[i] != '.' {
			sig++
		}
	}
	for i := last + 1; i < len(mant); i++ {
		if mant[i] != '.' {
			zeros++
		}
	}
	scale := exp - frac + zeros
	switch {
	case scale < 0:
		return false // a fraction remains
	case sig+scale != len(maxPos):
		return sig+scale < len(maxPos)
	}
	// As many digits as the bound: compare them in order, the
	// significant ones first, then the zeros scale appends.
	limit := maxPos
	if neg {
		limit = maxNeg
	}
	k := 0
	for i := first; i <= last; i++ {
		if mant[i] == '.' {
			continue
		}
		if mant[i] != limit[k] {
			return mant[i] < limit[k]
		}
		k++
	}
	for ; k < len(limit); k++ {
		if limit[k] != '0' {
			return true
		}
	}
	return true
}

// Int32 reports whether f is an integer within the int32 range.
func Int32(f float64) bool {
	return f >= math.MinInt32 && f <= math.MaxInt32 && f == math.Trunc(f)
}

// Int64 reports whether f is an integer within the int64 range. With float64
// semantics that is -2^63 ≤ f < 2^63: 2^63 itself is representable as a
// float64 but not as an int64. NaN and infinities are rejected.
func Int64(f float64) bool {
	return f >= -(1<<63) && f < 1<<63 && f == math.Trunc(f)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// Package param holds the small, allocation-free helpers that generated
// parameter decoders and body validators call: number and boolean parsing
// from raw bytes, OpenAPI's simple/form array splitting, percent-decoding and
// re-escaping of path segments (patterns are runtime/pattern's). It never interprets a
// schema: each check is decided at generation time.
package param

import (
	"bytes"
	"math"
	"strconv"
	"unsafe"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/jsonv"
)

// Opt is an optional parameter value; Set is false when the parameter was
// absent and has no default.
type Opt[T any] struct {
	V   T
	Set bool
}

// S views b as a string without copying. The string aliases b and is valid
// only while b is: generated decoders use it for values that live no longer
// than the request.
func S(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// ParseInt parses a base-10 integer as OpenAPI writes it in parameters: an
// optional minus sign and digits, nothing else.
func ParseInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	neg := b[0] == '-'
	i := 0
	if neg {
		i = 1
		if len(b) == 1 {
			return 0, false
		}
	}
	var n uint64
	for ; i < len(b); i++ {
		c := b[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if n > (math.MaxUint64-9)/10 {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	if neg {
		if n > 1<<63 {
			return 0, false
		}
		return -int64(n), true
	}
	if n > math.MaxInt64 {
		return 0, false
	}
	return int64(n), true
}

// ParseFloat parses a JSON-style number (no hex, no Inf/NaN, no leading +).
func ParseFloat(b []byte) (float64, bool) {
	if f, ok := parseDecimal(b); ok {
		return f, true
	}
	if !IsNumber(b) {
		return 0, false
	}
	f, err := strconv.ParseFloat(S(b), 64)
	if err != nil && !isRange(err) {
		return 0, false
	}
	return f, true
}

// pow10 holds the powers of ten a float64 represents exactly.
var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// parseDecimal is ParseFloat's fast path, for the numbers requests mostly
// carry: an integer or a decimal fraction, without exponent, of at most 15
// digits. Its digits as an integer and the power of ten that scales them
// are both exact in a float64, so one division gives the correctly rounded
// result (Clinger's fast path, which strconv takes as well). Anything
// else, including what is not a number, is left to ParseFloat: ok false.
func parseDecimal(b []byte) (float64, bool) {
	if len(b) == 0 || len(b) > 17 {
		return 0, false
	}
	i, neg := 0, b[0] == '-'
	if neg {
		i = 1
	}
	start := i
	var v uint64
	for ; i < len(b) && b[i]-'0' <= 9; i++ {
		v = v*10 + uint64(b[i]-'0')
	}
	ints := i - start
	if ints == 0 || (ints > 1 && b[start] == '0') {
		return 0, false
	}
	frac := 0
	if i < len(b) && b[i] == '.' {
		i++
		f := i
		for ; i < len(b) && b[i]-'0' <= 9; i++ {
			v = v*10 + uint64(b[i]-'0')
		}
		if frac = i - f; frac == 0 {
			return 0, false
		}
	}
	if i != len(b) || ints+frac > 15 {
		return 0, false
	}
	x := float64(v) / pow10[frac]
	if neg {
		x = -x
	}
	return x, true
}

func isRange(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// IsNumber reports whether b is a number in JSON's grammar.
func IsNumber(b []byte) bool {
	end, msg := jsonv.ScanNumber(b, 0)
	return msg == "" && end == len(b)
}

// IsInteger reports whether the JSON number b has no fractional part
// (1.0 and 1e2 are integers, as JSON Schema counts them since draft 6).
// The digits decide, not b's nearest float64: 60.00000000000000000001
// rounds to 60, but an upstream reading decimals exactly sees a fraction.
// A number too large for a float64 is refused, as it was.
func IsInteger(b []byte) bool {
	for _, c := range b {
		if c == '.' || c == 'e' || c == 'E' {
			f, ok := ParseFloat(b)
			return ok && !math.IsInf(f, 0) && wholeDecimal(b)
		}
	}
	return len(b) > 0
}

// wholeDecimal reports whether the JSON number b, read as the decimal it
// spells, is whole: its last non-zero digit is not to the right of the
// point once the exponent has moved it.
func wholeDecimal(b []byte) bool {
	mant, exp := b, 0
	if i := bytes.IndexAny(b, "eE"); i >= 0 {
		mant = b[:i]
		e := b[i+1:]
		neg := len(e) > 0 && e[0] == '-'
		if len(e) > 0 && (e[0] == '-' || e[0] == '+') {
			e = e[1:]
		}
		for _, c := range e {
			if exp < 1<<20 { // past any digit count a body can hold
				exp = exp*10 + int(c-'0')
			}
		}
		if neg {
			exp = -exp
		}
	}
	frac := 0
	if i := bytes.IndexByte(mant, '.'); i >= 0 {
		frac = len(mant) - i - 1
	}
	zeros := 0 // trailing zero digits, across the point
	for j := len(mant) - 1; j >= 0; j-- {
		switch c := mant[j]; {
		case c == '.':
			continue
		case c == '0':
			zeros++
			continue
		case c >= '1' && c <= '9':
			return exp-frac+zeros >= 0
		}
		break
	}
	return true // only zeros: 0
}

// ParseBool accepts exactly "true" and "false", as OpenAPI serializes them.
func ParseBool(b []byte) (bool, bool) {
	switch string(b) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// Next splits b at the first sep: it returns the part before it and the
// rest, with more false when there was no sep. Generated decoders loop over
// array values with it instead of allocating a [][]byte.
func Next(b []byte, sep byte) (part, rest []byte, more bool) {
	for i, c := range b {
		if c == sep {
			return b[:i], b[i+1:], true
		}
	}
	return b, nil, false
}

// Unescape percent-decodes b. It returns b itself when there is nothing to
// decode, so the common case allocates nothing; ok is false on a malformed
// escape.
func Unescape(b []byte, plusIsSpace bool) (out []byte, ok bool) {
	n := 0
	for i := 0; i < len(b); i++ {
		if b[i] == '%' || (plusIsSpace && b[i] == '+') {
			n++
		}
	}
	if n == 0 {
		return b, true
	}
	out = make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '%':
			if i+2 >= len(b) || Unhex(b[i+1]) < 0 || Unhex(b[i+2]) < 0 {
				return nil, false
			}
			out = append(out, byte(Unhex(b[i+1])<<4|Unhex(b[i+2])))
			i += 2
		case c == '+' && plusIsSpace:
			out = append(out, ' ')
		default:
			out = append(out, c)
		}
	}
	return out, true
}

// Unhex is the value of the hex digit c, or -1.
func Unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// AppendSegment appends v to dst as one escaped path segment (RFC 3986
// pchar). A segment of only dots is escaped whole, so a parameter value can
// never become "." or ".." and walk the upstream's path.
func AppendSegment(dst, v []byte) []byte {
	dots := len(v) > 0
	for _, c := range v {
		if c != '.' {
			dots = false
			break
		}
	}
	const hexdigits = "0123456789ABCDEF"
	for _, c := range v {
		if !dots && isPchar(c) {
			dst = append(dst, c)
			continue
		}
		dst = append(dst, '%', hexdigits[c>>4], hexdigits[c&15])
	}
	return dst
}

func isPchar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	switch c {
	case '-', '.', '_', '~', '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', ':', '@':
		return true
	}
	return false
}

// Quote renders a raw value for an error detail: quoted, escaped and cut at
// 64 bytes so a hostile value cannot blow up the problem document.
func Quote(b []byte) string { return string(AppendQuote(nil, b)) }

// AppendQuote appends Quote's text to dst, allocating nothing beyond
// growing dst.
func AppendQuote(dst, b []byte) []byte {
	const max = 64
	if len(b) > max {
		// The text is only read: it is copied, escaped, into dst.
		return append(strconv.AppendQuote(dst, unsafe.String(&b[0], max)), "…"...)
	}
	if len(b) == 0 {
		return append(dst, `""`...)
	}
	return strconv.AppendQuote(dst, unsafe.String(&b[0], len(b)))
}

// FormatFloat renders a schema bound for an error detail.
func FormatFloat(f float64) string {
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// MultipleOf reports whether x is a multiple of m. Floating-point division
// is inexact (0.3 / 0.1 is 2.9999999999999996), so a quotient within 1e-9
// of an integer counts. Where the quotient has no fraction bits left (beyond
// 2^53) or overflows (1e308 / 0.5), the remainder decides instead, which
// math.Mod computes exactly.
func MultipleOf(x, m float64) bool {
	q := x / m
	switch {
	case math.IsNaN(q) || math.IsInf(x, 0):
		return false
	case math.IsInf(q, 0), math.Abs(q) >= 1<<53 && m == math.Trunc(m):
		return math.Mod(x, m) == 0
	}
	return math.Abs(q-math.Round(q)) < 1e-9
}

// Query returns the value of the single-valued query parameter name and
// whether it is present. A parameter given more than once is reported as
// repeated rather than resolved: the gateway would check one value while the
// upstream might use another (HTTP parameter pollution).
//
// It takes the concrete *fasthttp.Args so that the iteration inlines and
// allocates nothing; through an interface its closure would escape.
func Query(q *fasthttp.Args, name string) (v []byte, present, repeated bool) {
	for k, val := range q.All() {
		if string(k) != name {
			continue
		}
		if present {
			return v, true, true
		}
		v, present = val, true
	}
	return v, present, false
}

// TrimOWS removes the optional white space (spaces and tabs, RFC 9110 §5.6.3)
// around an item of a header list.
func TrimOWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// Cookie is Query for a cookie of the request: its value, whether it is
// present, and whether it was sent more than once.
func Cookie(h *fasthttp.RequestHeader, name string) (v []byte, present, repeated bool) {
	for k, val := range h.Cookies() {
		if string(k) != name {
			continue
		}
		if present {
			return v, true, true
		}
		v, present = val, true
	}
	return v, present, false
}

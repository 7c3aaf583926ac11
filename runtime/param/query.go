package param

import (
	"bytes"
	"math/bits"
	"slices"
	"unicode/utf8"
)

// Query strings are read raw, as the client sent them, so that a decoder
// can tell a reserved character the client percent-encoded from one it did
// not (OpenAPI's allowReserved) and can match a parameter name whatever
// the client chose to escape in it. Nothing here allocates: names are
// compared while decoding, and values are decoded into a caller's buffer.

// NextPair cuts the first name=value pair off a raw query string: it
// returns the still-encoded name and value and the rest after the "&". A
// pair without "=" has an empty value; eq reports whether "=" was there.
// Generated decoders loop with it:
//
//	for rest := qs; len(rest) > 0; {
//		var k, v []byte
//		k, v, _, rest = param.NextPair(rest)
//		...
//	}
func NextPair(qs []byte) (name, value []byte, eq bool, rest []byte) {
	pair := qs
	if i := bytes.IndexByte(qs, '&'); i >= 0 {
		pair, rest = qs[:i], qs[i+1:]
	}
	if i := bytes.IndexByte(pair, '='); i >= 0 {
		return pair[:i], pair[i+1:], true, rest
	}
	return pair, nil, false, rest
}

// decodeAt returns the byte that raw[i:] starts with once decoded ("%41" is
// 'A', "+" is ' ') and the index after it. A malformed escape stands for
// itself.
func decodeAt(raw []byte, i int) (byte, int) {
	switch c := raw[i]; c {
	case '%':
		if i+2 < len(raw) {
			if h, l := Unhex(raw[i+1]), Unhex(raw[i+2]); h >= 0 && l >= 0 {
				return byte(h<<4 | l), i + 3
			}
		}
		return c, i + 1
	case '+':
		return ' ', i + 1
	default:
		return c, i + 1
	}
}

// KeyIs reports whether the raw query name decodes to name.
func KeyIs(raw []byte, name string) bool {
	if len(raw) < len(name) {
		return false // escapes only ever make the raw form longer
	}
	if bytes.IndexByte(raw, '%') < 0 && bytes.IndexByte(raw, '+') < 0 {
		return string(raw) == name // nothing to decode: the common case
	}
	j := 0
	for i := 0; i < len(raw); {
		var c byte
		c, i = decodeAt(raw, i)
		if j >= len(name) || name[j] != c {
			return false
		}
		j++
	}
	return j == len(name)
}

// DeepMalformed reports whether the raw query name starts as name's
// deepObject keys do, "name[", but is not one: a nested key
// name[prop][...] (prop returned still encoded, for KeyIs) or a broken one
// (name[prop, name[prop]x; prop nil). The parameter's decoder would pass such
// a key by unread, while an upstream that reads nested keys (Rails, qs, PHP)
// takes name[prop][x] as a value of prop: the generated decoder refuses it
// where prop's schema cannot be an object (or, for a broken key, always).
func DeepMalformed(raw []byte, name string) (prop []byte, malformed bool) {
	i, ok := deepOpen(raw, name)
	if !ok {
		return nil, false
	}
	end, next, closed := deepClose(raw, i)
	switch {
	case !closed:
		return nil, true // name[prop
	case next == len(raw):
		return nil, false // name[prop]: a key of the parameter
	}
	if c, _ := decodeAt(raw, next); c == '[' {
		return raw[i:end], true
	}
	return nil, true // name[prop]x
}

// deepOpen returns the index in raw just after "name[" when the raw query
// name decodes to begin so.
func deepOpen(raw []byte, name string) (int, bool) {
	i := 0
	for j := 0; j < len(name); j++ {
		if i >= len(raw) {
			return 0, false
		}
		var c byte
		if c, i = decodeAt(raw, i); c != name[j] {
			return 0, false
		}
	}
	if i >= len(raw) {
		return 0, false
	}
	c, next := decodeAt(raw, i)
	return next, c == '['
}

// DeepKey reports whether the raw query name is name[prop], OpenAPI's
// deepObject form, with the brackets sent plain or percent-encoded; prop is
// returned still encoded, for KeyIs.
func DeepKey(raw []byte, name string) (prop []byte, ok bool) {
	i, ok := deepOpen(raw, name)
	if !ok {
		return nil, false
	}
	if end, next, closed := deepClose(raw, i); closed && next == len(raw) {
		return raw[i:end], true
	}
	return nil, false
}

// deepClose finds the first "]" (plain or %5D) in raw from i on: its index
// and the index after it.
func deepClose(raw []byte, i int) (end, next int, found bool) {
	for i < len(raw) {
		c, n := decodeAt(raw, i)
		if c == ']' {
			return i, n, true
		}
		i = n
	}
	return 0, 0, false
}

// Pair is one name=value pair of a raw query string, both still encoded.
type Pair struct {
	Key, Value []byte
	plain      bool // Key has no escape: it is compared as it is
	clean      bool // Value has nothing to decode and no reserved character
}

// Split appends the pairs of the raw query string qs to dst and returns it.
// A decoder splits the query once and then looks parameters up among the
// pairs, instead of scanning the string again for each parameter. Empty
// pieces ("a=1&&b=2") are dropped.
func Split(dst []Pair, qs []byte) []Pair {
	for i := 0; i < len(qs); {
		// Grown, then filled in place: a Pair built apart and copied in
		// is read back in 16-byte loads from 8-byte stores, which stalls.
		dst = slices.Grow(dst, 1)
		dst = dst[:len(dst)+1]
		p := &dst[len(dst)-1]
		if i = ScanPair(qs, i, p); len(p.Key) == 0 && len(p.Value) == 0 {
			dst = dst[:len(dst)-1] // only empty pieces were left
		}
	}
	return dst
}

// ScanPair reads into p the pair of the raw query string qs that starts at
// or after i, skipping empty pieces, and returns the index after it. When
// only empty pieces are left, p is empty and the index is len(qs).
// Decoders whose parameters are all single-valued loop with it and keep
// nothing but what they look for:
//
//	var p param.Pair
//	for i := 0; i < len(qs); {
//		i = param.ScanPair(qs, i, &p)
//		switch string(p.Name(scratch)) { ... }
//	}
func ScanPair(qs []byte, i int, p *Pair) int {
	for i < len(qs) && qs[i] == '&' {
		i++
	}
	// The name runs to the first '=' or '&'; a '%' or '+' in it means it
	// needs decoding to be compared. Names are short: a byte loop beats
	// reading words (measured: 100 against 123 ns for BenchmarkScanPair).
	start, plain := i, true
	for ; i < len(qs); i++ {
		if c := queryByte[qs[i]]; c != 0 {
			if c != qEscape {
				break
			}
			plain = false
		}
	}
	key := qs[start:i]
	var value []byte
	clean := true
	if i < len(qs) && qs[i] == '=' {
		// The value runs to the next '&'; a byte Decode or Reserved
		// would stop at makes it not clean.
		start = i + 1
		i, clean = valueEnd(qs, start)
		value = qs[start:i]
	}
	p.Key, p.Value, p.plain, p.clean = key, value, plain, clean
	return i + 1 // past the '&', or len(qs)+1 at the end
}

// queryByte marks the bytes that end a query name (qEnd) and those that
// make it need decoding (qEscape).
const (
	qEnd = 1 + iota
	qEscape
)

var queryByte = [256]uint8{'=': qEnd, '&': qEnd, '%': qEscape, '+': qEscape}

// valueEnd returns the index of the first '&' in qs from i on (or len(qs))
// and whether the bytes before it are clean: none of Decode's '%' and '+',
// a byte above 0x7F it checks, or the '[' and ']' Reserved rejects. It reads eight bytes at a time, so
// that a value costs a step or two, not a branch per byte (the
// has-zero-byte trick, whose lowest mark is exact).
func valueEnd(qs []byte, i int) (end int, clean bool) {
	for ; i+8 <= len(qs); i += 8 {
		x := load8(qs[i:])
		amp := eq8(x, '&')
		dirty := eq8(x, '%') | eq8(x, '+') | eq8(x, '[') | eq8(x, ']') | x&highs
		if amp != 0 {
			n := bits.TrailingZeros64(amp)
			if dirty != 0 && bits.TrailingZeros64(dirty) < n {
				return valueEndSlow(qs, i, false)
			}
			return i + n>>3, true
		}
		if dirty != 0 {
			return valueEndSlow(qs, i, false)
		}
	}
	return valueEndSlow(qs, i, true)
}

// valueEndSlow is valueEnd a byte at a time, from i on, for a value that is
// clean up to i.
func valueEndSlow(qs []byte, i int, clean bool) (end int, _ bool) {
	for ; i < len(qs); i++ {
		if c := valueByte[qs[i]]; c != 0 {
			if c != qEscape {
				break
			}
			clean = false
		}
	}
	return i, clean
}

const ones, highs = 0x0101010101010101, 0x8080808080808080

// eq8 marks the bytes of x equal to c.
func eq8(x uint64, c byte) uint64 {
	y := x ^ (ones * uint64(c))
	return (y - ones) &^ y & highs
}

func load8(b []byte) uint64 {
	_ = b[7]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// valueByte marks the byte that ends a query value (qEnd) and those that
// make it need decoding or checking (qEscape): Decode's '%' and '+', and
// the '[' and ']' Reserved rejects.
var valueByte = func() (t [256]uint8) {
	t['&'], t['%'], t['+'], t['['], t[']'] = qEnd, qEscape, qEscape, qEscape, qEscape
	// A byte above 0x7F is left for Decode's UTF-8 check.
	for c := utf8.RuneSelf; c < len(t); c++ {
		t[c] = qEscape
	}
	return t
}()

// Found is what one pass over a query's pairs found of one single-valued
// parameter: its first raw value and how many times it was given.
type Found struct {
	V     []byte
	N     int
	clean bool // V has nothing to decode and no reserved character
}

// Add records the value of one more pair.
func (f *Found) Add(p *Pair) {
	if f.N == 0 {
		f.V, f.clean = p.Value, p.clean
	}
	f.N++
}

// Reserved is Reserved(f.V, 0), answered without reading V again when
// Split saw it has no reserved character.
func (f *Found) Reserved() (c byte, found bool) {
	if f.clean {
		return 0, false
	}
	return Reserved(f.V, 0)
}

// Decode is Decode(buf, f.V, true), answered without reading V again when
// Split saw it has nothing to decode.
func (f *Found) Decode(buf []byte) (out, grown []byte, ok bool) {
	if f.clean {
		return f.V, buf, true
	}
	return Decode(buf, f.V, true)
}

// Get is QueryRaw's answer: the value, whether it is present and whether
// it was given more than once.
func (f *Found) Get() (v []byte, present, repeated bool) { return f.V, f.N > 0, f.N > 1 }

// Name returns the decoded name of the pair, appending to scratch only when
// the name has an escape; generated decoders switch on it once per pair.
func (p *Pair) Name(scratch []byte) []byte {
	if p.plain {
		return p.Key
	}
	return p.decodeName(scratch)
}

func (p *Pair) decodeName(scratch []byte) []byte {
	out := scratch[:0]
	for i := 0; i < len(p.Key); {
		var c byte
		c, i = decodeAt(p.Key, i)
		out = append(out, c)
	}
	return out
}

// QueryRaw is the raw-query counterpart of Query: the still-encoded value
// of the single-valued parameter name among the query's pairs, whether it
// is present and whether it was given more than once.
func QueryRaw(pairs []Pair, name string) (v []byte, present, repeated bool) {
	for i := range pairs {
		if pairs[i].plain {
			if string(pairs[i].Key) != name {
				continue
			}
		} else if !KeyIs(pairs[i].Key, name) {
			continue
		}
		if present {
			return v, true, true
		}
		v, present = pairs[i].Value, true
	}
	return v, present, false
}

// Reserved returns the first character of the raw query value v that RFC
// 3986 §3.4 does not allow unencoded in a query ("[", "]"; "#" ends the
// query before it gets here). OpenAPI's allowReserved says how a client
// should serialize; a gateway checking traffic accepts what the URI grammar
// accepts, since curl and browsers send ":/?@" and the sub-delimiters
// plain. Values are split on their style's delimiter before they are
// percent-decoded, so an encoded delimiter stays data either way. sep, when
// not 0, is the style's own delimiter.
func Reserved(v []byte, sep byte) (c byte, found bool) {
	for _, c := range v {
		if c == sep && sep != 0 {
			continue
		}
		if c == '[' || c == ']' {
			return c, true
		}
	}
	return 0, false
}

// Decode percent-decodes the raw value v ("+" is a space when plus is
// set). When v has nothing to decode it is returned as is; otherwise the
// decoded bytes are appended to buf, which is returned grown, and out is a
// window of it. Generated decoders pass a request.State arena as buf, so a
// valid request allocates nothing once the arena has grown. ok is false on
// a malformed escape, and when the value is not UTF-8: a parameter is text,
// and percent-encoding writes a character as the octets of its UTF-8 form
// (RFC 3986 §2.5, as RFC 6570 expands OpenAPI's styles); "%FF", or a raw
// byte above 0x7F that fasthttp lets into a request target, is no
// character, and its checks (minLength counting runes, pattern, enum)
// would each read it another way than the upstream.
func Decode(buf, v []byte, plus bool) (out, grown []byte, ok bool) {
	clean := true
	for _, c := range v {
		if c == '%' || (plus && c == '+') || c >= utf8.RuneSelf {
			clean = false
			break
		}
	}
	if clean {
		return v, buf, true
	}
	start := len(buf)
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '%':
			if i+2 >= len(v) || Unhex(v[i+1]) < 0 || Unhex(v[i+2]) < 0 {
				return nil, buf[:start], false
			}
			buf = append(buf, byte(Unhex(v[i+1])<<4|Unhex(v[i+2])))
			i += 2
		case c == '+' && plus:
			buf = append(buf, ' ')
		default:
			buf = append(buf, c)
		}
	}
	if !utf8.Valid(buf[start:]) {
		return nil, buf[:start], false
	}
	return buf[start:len(buf):len(buf)], buf, true
}

// Assigned returns the value of a matrix-style "name=value" (or a bare
// "name", whose value is empty) and whether piece has that form.
func Assigned(piece []byte, name string) (value []byte, ok bool) {
	if len(piece) < len(name) || string(piece[:len(name)]) != name {
		return nil, false
	}
	rest := piece[len(name):]
	if len(rest) == 0 {
		return rest, true
	}
	if rest[0] != '=' {
		return nil, false
	}
	return rest[1:], true
}

// NextDelim is Next for the delimiters of spaceDelimited and
// pipeDelimited query values, which clients send plain or
// percent-encoded: it splits the raw b at sep, at its %XX form, and, for a
// space, at "+".
func NextDelim(b []byte, sep byte) (part, rest []byte, more bool) {
	const hexdigits = "0123456789ABCDEF"
	hi, lo := hexdigits[sep>>4], hexdigits[sep&15]
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == sep, sep == ' ' && c == '+':
			return b[:i], b[i+1:], true
		case c == '%' && i+2 < len(b) && b[i+1] == hi && (b[i+2] == lo || b[i+2] == lo+'a'-'A'):
			return b[:i], b[i+3:], true
		}
	}
	return b, nil, false
}

// NameIs reports whether the raw query at qs[i] starts with name, given
// with its '=' ("page="): generated decoders find a parameter whose name is
// sent as it is without reading it into a Pair. (Comparing the bytes in
// place measured the same as this call to memequal.)
func NameIs(qs []byte, i int, name string) bool {
	return len(qs)-i >= len(name) && string(qs[i:i+len(name)]) == name
}

// AddValue records the raw value that starts at qs[i] and runs to the next
// '&', and returns the index after that '&'.
func (f *Found) AddValue(qs []byte, i int) int {
	end, clean := valueEnd(qs, i)
	if f.N == 0 {
		f.V, f.clean = qs[i:end], clean
	}
	f.N++
	return end + 1
}

// AddRaw is AddValue for a value that its decoder first checks as it was
// sent (an integer, a boolean, an enum member): it finds the value's end
// and nothing else, leaving Reserved and Decode to read V if that check
// fails.
func (f *Found) AddRaw(qs []byte, i int) int {
	end := ampersand(qs, i)
	if f.N == 0 {
		f.V, f.clean = qs[i:end], false
	}
	f.N++
	return end + 1
}

// ampersand returns the index of the first '&' in qs from i on, or
// len(qs).
func ampersand(qs []byte, i int) int {
	for ; i+8 <= len(qs); i += 8 {
		if amp := eq8(load8(qs[i:]), '&'); amp != 0 {
			return i + bits.TrailingZeros64(amp)>>3
		}
	}
	for i < len(qs) && qs[i] != '&' {
		i++
	}
	return i
}

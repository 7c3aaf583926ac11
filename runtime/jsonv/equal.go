package jsonv

import (
	"bytes"
	"math/big"
	"slices"
)

// Equal reports whether two complete JSON texts are equal as JSON Schema
// 2020-12 §4.2.2 defines it, for const, enum and uniqueItems:
//
//   - null, true and false each equal only themselves (true is not 1);
//   - numbers are equal when their mathematical values are. They are compared
//     exactly, never through float64: each is reduced to a sign, its
//     significant decimal digits (leading and trailing zeros dropped) and the
//     power of ten those digits are scaled by, so 1, 1.0, 1e0, 10e-1 and
//     0.1e1 all become (+, "1", 0), and -0 equals 0. Integers that float64
//     would round together stay apart;
//   - strings are equal when their unescaped bytes are ("\u0061" is "a");
//   - arrays are equal element by element;
//   - objects are equal when they have the same set of keys (compared
//     unescaped) with equal values, whatever the order. A key written twice
//     counts with its last value, as encoding/json and JavaScript read it.
//
// Both texts must already be valid JSON (Iter checked them): Equal does not
// check syntax, and on invalid input its answer is unspecified, though it
// does not panic. White space around the values is ignored.
//
// Cost: arrays and scalars take one pass. Objects collect each side's
// members, sort them by a hash of the key (exact comparison on hash ties,
// stable so the last duplicate wins) and walk both lists together: O(n log
// n) per object of n members, never O(n·m). Finding where each member's value
// ends rescans it, so the total is O(size × nesting depth), and nesting is
// bounded by MaxDepth for anything Iter accepted.
//
// Allocation: none, as long as every object has at most 16 members; a larger
// object costs a heap buffer for its member list. A number whose exponent
// has more than 18 significant digits is compared with math/big.
func Equal(a, b []byte) bool {
	ok, ea, eb := equalValue(a, 0, b, 0)
	return ok && skipWS(a, ea) == len(a) && skipWS(b, eb) == len(b)
}

func skipWS(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns where the string starting at b[i] (its opening quote)
// ends, after the closing quote.
func skipString(b []byte, i int) int {
	for i++; i < len(b); {
		switch b[i] {
		case '\\':
			i += 2
		case '"':
			return i + 1
		default:
			i++
		}
	}
	return len(b)
}

// skipValue returns where the valid JSON value starting at b[i] ends. It
// always moves past i when i < len(b), even on invalid input.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = skipString(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	case 't', 'n':
		return min(i+4, len(b))
	case 'f':
		return min(i+5, len(b))
	}
	end, _ := ScanNumber(b, i)
	return max(end, i+1)
}

// equalValue compares the values at a[i] and b[j] (white space first
// skipped) and, when they are equal, says where each ends.
func equalValue(a []byte, i int, b []byte, j int) (bool, int, int) {
	i, j = skipWS(a, i), skipWS(b, j)
	if i >= len(a) || j >= len(b) {
		return false, i, j
	}
	ca, cb := a[i], b[j]
	switch {
	case ca == '"':
		if cb != '"' {
			return false, i, j
		}
		ea, eb := skipString(a, i), skipString(b, j)
		if ea-i < 2 || eb-j < 2 {
			return false, ea, eb
		}
		return compareContent(a[i+1:ea-1], b[j+1:eb-1]) == 0, ea, eb
	case ca == '[':
		if cb != '[' {
			return false, i, j
		}
		return equalArray(a, i, b, j)
	case ca == '{':
		if cb != '{' {
			return false, i, j
		}
		return equalObject(a, i, b, j)
	case ca == 't' || ca == 'f' || ca == 'n':
		ea, eb := skipValue(a, i), skipValue(b, j)
		return ca == cb, ea, eb
	case ca == '-' || ca >= '0' && ca <= '9':
		if cb != '-' && (cb < '0' || cb > '9') {
			return false, i, j
		}
		ea, _ := ScanNumber(a, i)
		eb, _ := ScanNumber(b, j)
		var x, y decimal
		x.parse(a[i:ea])
		y.parse(b[j:eb])
		return x.equal(&y), ea, eb
	}
	return false, i, j
}

func equalArray(a []byte, i int, b []byte, j int) (bool, int, int) {
	i, j = skipWS(a, i+1), skipWS(b, j+1)
	if i >= len(a) || j >= len(b) {
		return false, i, j
	}
	if a[i] == ']' || b[j] == ']' {
		return a[i] == b[j], i + 1, j + 1
	}
	for {
		var ok bool
		if ok, i, j = equalValue(a, i, b, j); !ok {
			return false, i, j
		}
		i, j = skipWS(a, i), skipWS(b, j)
		if i >= len(a) || j >= len(b) || a[i] != b[j] {
			return false, i, j
		}
		if a[i] == ']' {
			return true, i + 1, j + 1
		}
		if a[i] != ',' {
			return false, i, j
		}
		i, j = i+1, j+1
	}
}

// member is one object member: the hash of its unescaped key, the raw span
// of the key's content (between the quotes) and either the raw span of its
// value (Equal) or the hash of its value (Duplicates).
type member struct {
	key       uint64
	ks, ke    int
	vs, ve    int
	valueHash uint64
}

// smallObject is how many members an object may have before Equal needs a
// heap buffer to sort them.
const smallObject = 16

func equalObject(a []byte, i int, b []byte, j int) (bool, int, int) {
	var sa, sb [smallObject]member
	ma, ea, ok := collectMembers(sa[:0], a, i)
	if !ok {
		return false, ea, j
	}
	mb, eb, ok := collectMembers(sb[:0], b, j)
	if !ok {
		return false, ea, eb
	}
	ma = sortMembers(ma, a)
	mb = sortMembers(mb, b)
	if len(ma) != len(mb) {
		return false, ea, eb
	}
	for k := range ma {
		x, y := &ma[k], &mb[k]
		if x.key != y.key || compareContent(a[x.ks:x.ke], b[y.ks:y.ke]) != 0 {
			return false, ea, eb
		}
		if ok, _, _ := equalValue(a[:x.ve], x.vs, b[:y.ve], y.vs); !ok {
			return false, ea, eb
		}
	}
	return true, ea, eb
}

// collectMembers appends the members of the object at b[i] (its opening
// brace) to dst, and says where the object ends.
func collectMembers(dst []member, b []byte, i int) ([]member, int, bool) {
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == '}' {
		return dst, i + 1, true
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return dst, i, false
		}
		ke := skipString(b, i)
		if ke-i < 2 {
			return dst, ke, false
		}
		m := member{ks: i + 1, ke: ke - 1}
		m.key = hashKey(b[m.ks:m.ke])
		i = skipWS(b, ke)
		if i >= len(b) || b[i] != ':' {
			return dst, i, false
		}
		m.vs = skipWS(b, i+1)
		m.ve = skipValue(b, m.vs)
		dst = append(dst, m)
		i = skipWS(b, m.ve)
		if i >= len(b) {
			return dst, i, false
		}
		switch b[i] {
		case ',':
			i = skipWS(b, i+1)
		case '}':
			return dst, i + 1, true
		default:
			return dst, i, false
		}
	}
}

// sortMembers orders members by key (hash first, then the unescaped bytes),
// keeping document order among equal keys, and drops all but the last of
// each run of equal keys.
func sortMembers(ms []member, b []byte) []member {
	if len(ms) < 2 {
		return ms
	}
	slices.SortStableFunc(ms, func(x, y member) int {
		switch {
		case x.key < y.key:
			return -1
		case x.key > y.key:
			return 1
		}
		return compareContent(b[x.ks:x.ke], b[y.ks:y.ke])
	})
	out := ms[:0]
	for k := range ms {
		if k+1 < len(ms) && ms[k].key == ms[k+1].key && compareContent(b[ms[k].ks:ms[k].ke], b[ms[k+1].ks:ms[k+1].ke]) == 0 {
			continue
		}
		out = append(out, ms[k])
	}
	return out
}

// decimal is a JSON number reduced to sign × digits × 10^exp, where digits
// (hi followed by lo, which stand for the number's integer and fraction
// digits) have no leading or trailing zero. Zero has no digits, no sign and
// exponent 0.
type decimal struct {
	neg    bool
	hi, lo []byte
	exp    int64
	// When the written exponent has more than 18 significant digits, the
	// exponent is written (bigNeg, bigExp) plus exp.
	bigExp []byte
	bigNeg bool
}

func (d *decimal) parse(n []byte) {
	*d = decimal{}
	i := 0
	if i < len(n) && n[i] == '-' {
		d.neg = true
		i++
	}
	s := i
	for i < len(n) && n[i] >= '0' && n[i] <= '9' {
		i++
	}
	hi := n[s:i]
	var lo []byte
	if i < len(n) && n[i] == '.' {
		i++
		s = i
		for i < len(n) && n[i] >= '0' && n[i] <= '9' {
			i++
		}
		lo = n[s:i]
	}
	var exp int64
	if i < len(n) && (n[i] == 'e' || n[i] == 'E') {
		i++
		neg := false
		if i < len(n) && (n[i] == '+' || n[i] == '-') {
			neg = n[i] == '-'
			i++
		}
		for i < len(n) && n[i] == '0' {
			i++
		}
		s = i
		for i < len(n) && n[i] >= '0' && n[i] <= '9' {
			i++
		}
		if i-s > 18 {
			d.bigExp, d.bigNeg = n[s:i], neg
		} else {
			for _, c := range n[s:i] {
				exp = exp*10 + int64(c-'0')
			}
			if neg {
				exp = -exp
			}
		}
	}
	exp -= int64(len(lo))
	// Drop leading zeros, then trailing ones (each raising the exponent).
	for len(hi) > 0 && hi[0] == '0' {
		hi = hi[1:]
	}
	if len(hi) == 0 {
		for len(lo) > 0 && lo[0] == '0' {
			lo = lo[1:]
		}
	}
	for len(lo) > 0 && lo[len(lo)-1] == '0' {
		lo = lo[:len(lo)-1]
		exp++
	}
	if len(lo) == 0 {
		for len(hi) > 0 && hi[len(hi)-1] == '0' {
			hi = hi[:len(hi)-1]
			exp++
		}
	}
	if len(hi)+len(lo) == 0 {
		*d = decimal{}
		return
	}
	d.hi, d.lo, d.exp = hi, lo, exp
}

func (d *decimal) digits() int { return len(d.hi) + len(d.lo) }

func (d *decimal) digit(k int) byte {
	if k < len(d.hi) {
		return d.hi[k]
	}
	return d.lo[k-len(d.hi)]
}

func (d *decimal) equal(e *decimal) bool {
	if d.neg != e.neg || d.digits() != e.digits() {
		return false
	}
	if len(d.hi) == len(e.hi) {
		if !bytes.Equal(d.hi, e.hi) || !bytes.Equal(d.lo, e.lo) {
			return false
		}
	} else {
		for k := range d.digits() {
			if d.digit(k) != e.digit(k) {
				return false
			}
		}
	}
	if d.bigExp == nil && e.bigExp == nil {
		return d.exp == e.exp
	}
	return d.bigExponent().Cmp(e.bigExponent()) == 0
}

// bigExponent is the exact exponent when it may not fit an int64.
func (d *decimal) bigExponent() *big.Int {
	x := new(big.Int)
	if d.bigExp != nil {
		x.SetString(string(d.bigExp), 10)
		if d.bigNeg {
			x.Neg(x)
		}
	}
	return x.Add(x, big.NewInt(d.exp))
}

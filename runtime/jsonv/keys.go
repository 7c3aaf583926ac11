package jsonv

import (
	"bytes"
	"unicode/utf8"
)

// KeyIter returns an iterator over the key FirstKey or NextKey last
// returned, as the JSON string it is, for a validator to check it against
// propertyNames. Its locations are those of the iterator's current value,
// spelled out only when asked, so a validator pushes the key first:
//
//	m := it.PushKeyBytes(k)
//	validateTagsPropertyName(it.KeyIter(), errs)
//	it.Pop(m)
//
// The iterator belongs to it, made on the first call and reused: it is valid
// until the next call, and reading a key costs no allocation.
func (it *Iter) KeyIter() *Iter {
	if it.keyIt == nil {
		it.keyIt = new(Iter)
	}
	k := it.keyIt
	k.ResetAt(it.KeyRaw(), "")
	k.parent = it
	return k
}

// KeyRaw returns the raw bytes of the key FirstKey or NextKey last returned:
// the quoted string token as written, escapes and all, aliasing the input.
//
// It returns nil after a syntax error or before any key was read.
func (it *Iter) KeyRaw() []byte {
	if it.failed || it.keyEnd <= it.keyStart {
		return nil
	}
	return it.buf[it.keyStart:it.keyEnd]
}

// HasKey reports whether the value at the iterator is an object with a
// member whose unescaped key is name. It consumes nothing: the position, the
// pointer, the key KeyRaw returns and slices earlier calls returned are left
// as they were, whatever the value is. A syntax error met in the object is
// recorded as usual.
func (it *Iter) HasKey(name string) bool {
	_, _, ok := it.member(name)
	return ok
}

// Member is HasKey that also returns the member's value: its raw bytes
// (aliasing the input, as Raw would return them) and its kind. With
// duplicate keys the last one counts, as in Equal. Discriminator dispatch
// reads a string member with Unquote:
//
//	if raw, kind, ok := it.Member("petType"); ok && kind == jsonv.String {
//		switch string(jsonv.Unquote(raw, buf[:0])) { ... }
//	}
func (it *Iter) Member(name string) (raw []byte, kind Kind, ok bool) {
	return it.member(name)
}

func (it *Iter) member(name string) (raw []byte, kind Kind, ok bool) {
	if it.failed {
		return nil, Invalid, false
	}
	pos, depth, ks, ke := it.pos, it.depth, it.keyStart, it.keyEnd
	if it.Peek() != Object {
		if !it.failed { // a failed iterator stays at the end
			it.pos = pos
		}
		return nil, Invalid, false
	}
	// Keys are read into aux so that the caller's slices into scratch stay
	// valid.
	it.scratch, it.aux = it.aux[:0], it.scratch
	for k := it.FirstKey(); k != nil; k = it.NextKey() {
		if string(k) != name {
			it.Skip()
			continue
		}
		it.skipSpace()
		start := it.pos
		kind = it.Peek()
		it.Skip()
		if it.failed {
			break
		}
		raw, ok = it.buf[start:it.pos], true
	}
	it.scratch, it.aux = it.aux, it.scratch
	if it.failed {
		return nil, Invalid, false
	}
	it.pos, it.depth, it.keyStart, it.keyEnd = pos, depth, ks, ke
	return raw, kind, ok
}

// Unquote returns the content of the raw JSON string token raw (quotes
// included, as Member and KeyRaw return it) with its escapes decoded as
// Iter.String decodes them. Without escapes it returns a subslice of raw and
// allocates nothing; otherwise it appends to scratch[:0] and returns that,
// allocating only if scratch is too small. It does not check the syntax:
// given anything but a valid string token the result is unspecified (but it
// does not panic); nil if raw is not quoted.
func Unquote(raw []byte, scratch []byte) []byte {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return nil
	}
	s := raw[1 : len(raw)-1]
	if bytes.IndexByte(s, '\\') < 0 {
		return s
	}
	out := scratch[:0]
	u := unescaper{s: s}
	for {
		c, ok := u.next()
		if !ok {
			return out
		}
		out = append(out, c)
	}
}

// unescaper yields the bytes of a JSON string's content (what lies between
// the quotes) after decoding its escapes, one at a time, so that strings can
// be compared and hashed without a buffer. Decoding matches Iter.str: a
// surrogate pair makes one code point, a lone surrogate becomes U+FFFD. On
// malformed input it stops or passes bytes through; it never panics.
type unescaper struct {
	s      []byte
	i      int
	buf    [utf8.UTFMax]byte
	bi, bn int
}

func (u *unescaper) next() (byte, bool) {
	if u.bi < u.bn {
		c := u.buf[u.bi]
		u.bi++
		return c, true
	}
	if u.i >= len(u.s) {
		return 0, false
	}
	c := u.s[u.i]
	if c != '\\' {
		u.i++
		return c, true
	}
	if u.i+1 >= len(u.s) {
		u.i = len(u.s)
		return 0, false
	}
	e := u.s[u.i+1]
	if simpleEscape[e] != 0 {
		u.i += 2
		return simpleEscape[e], true
	}
	if e != 'u' {
		u.i++
		return c, true
	}
	r, ok := Hex4(u.s, u.i+2)
	if !ok {
		u.i = len(u.s)
		return 0, false
	}
	i := u.i + 6
	if r >= 0xD800 && r < 0xDC00 && i+5 < len(u.s) && u.s[i] == '\\' && u.s[i+1] == 'u' {
		if lo, ok := Hex4(u.s, i+2); ok && lo >= 0xDC00 && lo <= 0xDFFF {
			i += 6
			r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
		}
	}
	if r >= 0xD800 && r <= 0xDFFF {
		r = utf8.RuneError
	}
	u.i = i
	u.bn = utf8.EncodeRune(u.buf[:], r)
	u.bi = 1
	return u.buf[0], true
}

// compareContent orders two raw string contents by their unescaped bytes,
// like bytes.Compare.
func compareContent(a, b []byte) int {
	if bytes.IndexByte(a, '\\') < 0 && bytes.IndexByte(b, '\\') < 0 {
		return bytes.Compare(a, b)
	}
	ua, ub := unescaper{s: a}, unescaper{s: b}
	for {
		ca, oka := ua.next()
		cb, okb := ub.next()
		switch {
		case !oka && !okb:
			return 0
		case !oka:
			return -1
		case !okb:
			return 1
		case ca != cb:
			if ca < cb {
				return -1
			}
			return 1
		}
	}
}

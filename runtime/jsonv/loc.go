package jsonv

import "strconv"

// Loc is the location of a value for a violation report, kept as the pieces
// Pointer, PointerKey or PointerIndex would spell out: the iterator, and a
// key or an index of the current value. Making one costs nothing; String
// builds the text, so a report that is only counted (a probe's, see
// problem.Errors.Keep) never does. A Loc is valid until the iterator moves.
type Loc struct {
	it    *Iter
	key   string
	index int
	of    locOf
}

// locOf says what a Loc names.
type locOf uint8

const (
	locHere  locOf = iota // the current value: Pointer
	locKey                // its member key: PointerKey
	locIndex              // its item index: PointerIndex
)

// Loc is the location of the current value, as Pointer spells it out.
func (it *Iter) Loc() Loc { return Loc{it: it} }

// LocKey is the location of the member k of the current object, as
// PointerKey spells it out: for a member checked in place, without a push.
func (it *Iter) LocKey(k string) Loc { return Loc{it: it, key: k, of: locKey} }

// LocIndex is the location of the item i of the current array, as
// PointerIndex spells it out.
func (it *Iter) LocIndex(i int) Loc { return Loc{it: it, index: i, of: locIndex} }

// String spells the location out, as a new string.
func (l Loc) String() string {
	switch l.of {
	case locKey:
		return l.it.PointerKey(l.key)
	case locIndex:
		return l.it.PointerIndex(l.index)
	}
	return l.it.Pointer()
}

// AppendTo appends the location's text to b, as String spells it.
func (l Loc) AppendTo(b []byte) []byte {
	switch l.of {
	case locKey:
		return appendToken(append(l.it.AppendPointer(b), '/'), l.key)
	case locIndex:
		return strconv.AppendInt(append(l.it.AppendPointer(b), '/'), int64(l.index), 10)
	}
	return l.it.AppendPointer(b)
}

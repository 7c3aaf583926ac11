package problem

import (
	"strconv"

	"github.com/gatewaygen/gatewaygen/runtime/jsonv"
	"github.com/gatewaygen/gatewaygen/runtime/param"
)

// The reports below are Add for a violation found by a JSON validator, which
// may run inside a probe (anyOf, oneOf, not, if, contains): they take the
// location as a jsonv.Loc and the detail as its text and the value found, and
// spell out and join them only when Keep says the violation is kept. A value
// that passes an anyOf on its second branch, or any oneOf, not or if, thus
// costs no allocation for the violations its failed branches counted.

// AddAt is Add with the location spelled out only when the violation is
// kept; detail is written out at generation time.
func (e *Errors) AddAt(at jsonv.Loc, rule, detail string) {
	if e.Keep() {
		e.Add(at.String(), rule, detail)
	}
}

// AddFloat reports text followed by the number x found, as
// param.DetailFloat writes them ("must be >= 1, found 0.5").
func (e *Errors) AddFloat(at jsonv.Loc, rule, text string, x float64) {
	if e.Keep() {
		e.Add(at.String(), rule, param.DetailFloat(text, x))
	}
}

// AddInt reports text followed by the count n found ("must have at most 3
// items, found 4").
func (e *Errors) AddInt(at jsonv.Loc, rule, text string, n int) {
	if e.Keep() {
		e.Add(at.String(), rule, text+strconv.Itoa(n))
	}
}

// AddQuoted reports text followed by the string b found, quoted and cut by
// param.Quote (`must match "^[a-z]+$", found "A"`).
func (e *Errors) AddQuoted(at jsonv.Loc, rule, text string, b []byte) {
	if e.Keep() {
		e.Add(at.String(), rule, text+param.Quote(b))
	}
}

// AddBytes reports text followed by b as it is, for a token that needs no
// quoting: a number as sent ("expected integer, found 2.5").
func (e *Errors) AddBytes(at jsonv.Loc, rule, text string, b []byte) {
	if e.Keep() {
		e.Add(at.String(), rule, text+string(b))
	}
}

// AddString reports text followed by found, a string that costs nothing to
// make (a jsonv.Kind's name, strconv.FormatBool's): only the joining waits
// for Keep.
func (e *Errors) AddString(at jsonv.Loc, rule, text, found string) {
	if e.Keep() {
		e.Add(at.String(), rule, text+found)
	}
}

package problem

import (
	"strconv"
	"unsafe"

	"github.com/gatewaygen/gatewaygen/runtime/jsonv"
	"github.com/gatewaygen/gatewaygen/runtime/param"
)

// The reports below are Add for a violation whose location or detail is
// built at run time: they take the location as a jsonv.Loc (jsonv.At for a
// location known in advance) and the detail as its text and the value
// found. Nothing is built for a violation that is only counted (a probe's,
// or one past MaxViolations), and a kept one is written into the Errors'
// own text buffer, so neither costs an allocation: a value that passes an
// anyOf on its second branch costs nothing for the first, and a hostile
// request with ten bad values costs ten appends.

// AddAt is Add with the location spelled out only when the violation is
// kept; detail is written out at generation time.
func (e *Errors) AddAt(at jsonv.Loc, rule, detail string) {
	if e.Keep() {
		e.Add(e.loc(at), rule, detail)
	}
}

// AddFloat reports text followed by the number x found, as
// param.DetailFloat writes them ("must be >= 1, found 0.5").
func (e *Errors) AddFloat(at jsonv.Loc, rule, text string, x float64) {
	if e.Keep() {
		loc, start := e.loc(at), e.begin(text)
		e.text = strconv.AppendFloat(e.text, x, 'g', -1, 64)
		e.Add(loc, rule, e.since(start))
	}
}

// AddInt64 reports text followed by the integer x found, as
// param.DetailInt writes them ("must be <= 100, found 500").
func (e *Errors) AddInt64(at jsonv.Loc, rule, text string, x int64) {
	if e.Keep() {
		loc, start := e.loc(at), e.begin(text)
		e.text = strconv.AppendInt(e.text, x, 10)
		e.Add(loc, rule, e.since(start))
	}
}

// AddInt reports text followed by the count n found ("must have at most 3
// items, found 4").
func (e *Errors) AddInt(at jsonv.Loc, rule, text string, n int) {
	e.AddInt64(at, rule, text, int64(n))
}

// AddQuoted reports text followed by the string b found, quoted and cut by
// param.Quote (`must match "^[a-z]+$", found "A"`).
func (e *Errors) AddQuoted(at jsonv.Loc, rule, text string, b []byte) {
	if e.Keep() {
		loc, start := e.loc(at), e.begin(text)
		e.text = param.AppendQuote(e.text, b)
		e.Add(loc, rule, e.since(start))
	}
}

// AddBytes reports text followed by b as it is, for a token that needs no
// quoting: a number as sent ("expected integer, found 2.5").
func (e *Errors) AddBytes(at jsonv.Loc, rule, text string, b []byte) {
	if e.Keep() {
		loc, start := e.loc(at), e.begin(text)
		e.text = append(e.text, b...)
		e.Add(loc, rule, e.since(start))
	}
}

// AddString reports text followed by found, a string that costs nothing to
// make (a jsonv.Kind's name, strconv.FormatBool's): only the joining waits
// for Keep.
func (e *Errors) AddString(at jsonv.Loc, rule, text, found string) {
	if e.Keep() {
		loc, start := e.loc(at), e.begin(text)
		e.text = append(e.text, found...)
		e.Add(loc, rule, e.since(start))
	}
}

// loc returns the text of at: At's own, or spelled out into e.text.
func (e *Errors) loc(at jsonv.Loc) string {
	if s, ok := at.Text(); ok {
		return s
	}
	start := len(e.text)
	e.text = at.AppendTo(e.text)
	return e.since(start)
}

// begin starts a detail with text and returns where it starts.
func (e *Errors) begin(text string) int {
	start := len(e.text)
	e.text = append(e.text, text...)
	return start
}

// since returns what was appended to e.text from start on, as a string
// that aliases it. Such strings stay valid until Reset: e.text is only
// appended to before then, and growing it moves later bytes to a new
// array while the old one, which the strings keep alive, stays as it was.
func (e *Errors) since(start int) string {
	if start == len(e.text) {
		return ""
	}
	return unsafe.String(&e.text[start], len(e.text)-start)
}

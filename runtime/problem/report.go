package problem

import (
	"strconv"
	"unicode/utf8"
	"unsafe"

	"github.com/gatewaygen/gatewaygen/runtime/jsonv"
	"github.com/gatewaygen/gatewaygen/runtime/param"
)

// Violations whose location or detail is built at run time are written into
// the Errors' own text buffer, and only when they are kept: nothing is built
// for a violation that is only counted (a probe's, or one past
// MaxViolations), and a kept one costs no allocation. So a value that passes
// an anyOf on its second branch costs nothing for the first, and a hostile
// request with ten bad values costs ten appends.
//
// A parameter decoder, whose locations are known in advance, builds a detail
// with the Detail family and hands it to Add:
//
//	st.Errs.Add("query.limit", "maximum", st.Errs.DetailInt64("must be <= 100, found ", x))
//
// A JSON validator, which may run inside a probe, hands the location as a
// jsonv.Loc to the Add family below, which spells it out too only when the
// violation is kept:
//
//	errs.AddFloat(it.LocKey("age"), "minimum", "must be >= 1, found ", x)

// DetailInt64 returns text followed by the integer x found, as
// strconv writes it ("must be <= 100, found 500"), or "" when the
// violation it is for will not be kept.
func (e *Errors) DetailInt64(text string, x int64) string {
	if !e.keeps() {
		return ""
	}
	start := e.begin(text)
	e.text = strconv.AppendInt(e.text, x, 10)
	return e.since(start)
}

// DetailInt is DetailInt64 for a count (a length, a number of items).
func (e *Errors) DetailInt(text string, n int) string { return e.DetailInt64(text, int64(n)) }

// DetailFloat is DetailInt64 for a number, as param.FormatFloat writes it.
func (e *Errors) DetailFloat(text string, x float64) string {
	if !e.keeps() {
		return ""
	}
	start := e.begin(text)
	e.text = strconv.AppendFloat(e.text, x, 'g', -1, 64)
	return e.since(start)
}

// DetailQuoted returns text followed by the string b found, quoted and cut
// by param.Quote (`must match "^[a-z]+$", found "A"`).
func (e *Errors) DetailQuoted(text string, b []byte) string {
	if !e.keeps() {
		return ""
	}
	start := e.begin(text)
	e.text = param.AppendQuote(e.text, b)
	return e.since(start)
}

// DetailBytes returns text followed by b as it is, for a token that needs
// no quoting: a number as sent ("expected integer, found 2.5"). Past
// MaxFound bytes it is cut and "…" says so: a number may be as long as the
// body, and the detail is written twice.
func (e *Errors) DetailBytes(text string, b []byte) string {
	if !e.keeps() {
		return ""
	}
	start := e.begin(text)
	if len(b) > MaxFound {
		e.text = append(append(e.text, b[:MaxFound]...), "…"...)
	} else {
		e.text = append(e.text, b...)
	}
	return e.since(start)
}

// MaxFound is how many bytes of a value found a detail shows, as
// param.Quote cuts a string.
const MaxFound = 64

// MaxLocation is how many bytes of a location a violation shows: a key
// may be as long as the body, and a location is written twice. A longer
// one is cut at a character's start, and "…" says so.
const MaxLocation = 256

// DetailString returns text followed by found, a string that costs nothing
// to make (a jsonv.Kind's name, strconv.FormatBool's).
func (e *Errors) DetailString(text, found string) string {
	if !e.keeps() {
		return ""
	}
	start := e.begin(text)
	e.text = append(e.text, found...)
	return e.since(start)
}

// AddAt is Add with the location spelled out only when the violation is
// kept; detail is written out at generation time.
func (e *Errors) AddAt(at jsonv.Loc, rule, detail string) {
	if e.Keep() {
		e.Add(e.loc(at), rule, detail)
	}
}

// AddFloat reports at text followed by the number x found.
func (e *Errors) AddFloat(at jsonv.Loc, rule, text string, x float64) {
	if e.Keep() {
		e.Add(e.loc(at), rule, e.DetailFloat(text, x))
	}
}

// AddInt64 reports at text followed by the integer x found.
func (e *Errors) AddInt64(at jsonv.Loc, rule, text string, x int64) {
	if e.Keep() {
		e.Add(e.loc(at), rule, e.DetailInt64(text, x))
	}
}

// AddInt reports at text followed by the count n found ("must have at most
// 3 items, found 4").
func (e *Errors) AddInt(at jsonv.Loc, rule, text string, n int) {
	e.AddInt64(at, rule, text, int64(n))
}

// AddQuoted reports at text followed by the string b found, quoted and cut
// by param.Quote.
func (e *Errors) AddQuoted(at jsonv.Loc, rule, text string, b []byte) {
	if e.Keep() {
		e.Add(e.loc(at), rule, e.DetailQuoted(text, b))
	}
}

// AddNamed reports at a detail that names the string b found between two
// texts, b quoted and cut as param.Quote does (`property "x" is not
// allowed`).
func (e *Errors) AddNamed(at jsonv.Loc, rule, before string, b []byte, after string) {
	if e.Keep() {
		loc, start := e.loc(at), e.begin(before)
		e.text = append(param.AppendQuote(e.text, b), after...)
		e.Add(loc, rule, e.since(start))
	}
}

// AddBytes reports at text followed by b as it is.
func (e *Errors) AddBytes(at jsonv.Loc, rule, text string, b []byte) {
	if e.Keep() {
		e.Add(e.loc(at), rule, e.DetailBytes(text, b))
	}
}

// AddString reports at text followed by found; only the joining waits for
// Keep.
func (e *Errors) AddString(at jsonv.Loc, rule, text, found string) {
	if e.Keep() {
		e.Add(e.loc(at), rule, e.DetailString(text, found))
	}
}

// KeyLocation returns the location of the property key of an object
// parameter, prefix ("query.filter/") followed by key as a JSON pointer
// reference token ("~" as "~0", "/" as "~1", RFC 6901 §3), as a body's
// locations spell theirs; "" when the violation it is for will not be
// kept. A key read from a query or a path is percent-decoded first (and
// in a query "+" is a space), so that the location names the property
// the client meant, not its escapes. It is cut as the AddAt family cuts
// a location.
func (e *Errors) KeyLocation(prefix string, key []byte, percent, plus bool) string {
	if !e.keeps() {
		return ""
	}
	start := e.begin(prefix)
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c == '%' && percent && i+2 < len(key) && param.Unhex(key[i+1]) >= 0 && param.Unhex(key[i+2]) >= 0:
			c = byte(param.Unhex(key[i+1])<<4 | param.Unhex(key[i+2]))
			i += 2
		case c == '+' && plus:
			c = ' '
		}
		switch c {
		case '~':
			e.text = append(e.text, '~', '0')
		case '/':
			e.text = append(e.text, '~', '1')
		default:
			e.text = append(e.text, c)
		}
	}
	e.cut(start)
	return e.since(start)
}

// keeps reports whether a violation added next would be kept, without
// counting it (Keep counts the ones it turns away; Add counts the others).
func (e *Errors) keeps() bool { return e.probing == 0 && len(e.List) < MaxViolations }

// loc spells at out into e.text, cut at MaxLocation bytes.
func (e *Errors) loc(at jsonv.Loc) string {
	start := len(e.text)
	e.text = at.AppendTo(e.text)
	e.cut(start)
	return e.since(start)
}

// cut cuts the location written from start on at MaxLocation bytes, at a
// character's start, and adds "…".
func (e *Errors) cut(start int) {
	if len(e.text)-start > MaxLocation {
		end := start + MaxLocation
		for end > start && !utf8.RuneStart(e.text[end]) {
			end--
		}
		e.text = append(e.text[:end], "…"...)
	}
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

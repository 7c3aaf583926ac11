// Package jsonv reads JSON for validation: a pull iterator over the bytes of
// a request body that the generated validators walk as they check a schema.
// It never builds an interface{} tree and allocates nothing on valid input
// beyond what the caller's scratch buffers already hold.
//
// It is strict RFC 8259: no comments, no trailing commas, no leading zeros,
// no invalid escapes, no control characters in
// strings, no bytes after the top-level value, and no invalid UTF-8 (RFC 8259
// §8.1; encoding/json lets it through, which this package deliberately does not). It bounds
// nesting depth so that hostile input cannot exhaust the stack. Once it meets
// a syntax error it records the first one and every later call returns
// quickly, so validators need not check for errors after each step.
package jsonv

import (
	"bytes"
	"math/bits"
	"strconv"
	"unicode/utf8"
)

// Kind is the type of a JSON value.
type Kind uint8

const (
	Invalid Kind = iota // a syntax error, or no value
	Null
	Bool
	Number
	String
	Array
	Object
)

var kindNames = [...]string{"invalid JSON", "null", "boolean", "number", "string", "array", "object"}

func (k Kind) String() string { return kindNames[k] }

// MaxDepth is how deeply arrays and objects may nest.
const MaxDepth = 128

// SyntaxError says where the input stopped being JSON: the byte offset,
// and the line and column (in characters) an editor shows, both from 1.
// Deep is set when the input may well be JSON but nests deeper than
// MaxDepth, the gateway's limit rather than the grammar's.
type SyntaxError struct {
	Offset       int
	Line, Column int
	Msg          string
	Deep         bool
}

func (e *SyntaxError) Error() string {
	what := "invalid JSON"
	if e.Deep {
		what = "JSON too deep"
	}
	return what + " at line " + strconv.Itoa(e.Line) + ", column " + strconv.Itoa(e.Column) +
		" (offset " + strconv.Itoa(e.Offset) + "): " + e.Msg
}

// Rule is the rule a violation reports this error under: "json", or
// "maxDepth" for nesting past MaxDepth.
func (e *SyntaxError) Rule() string {
	if e.Deep {
		return "maxDepth"
	}
	return "json"
}

// position is the line and column of offset in b, counted from 1; a column
// counts characters (an invalid byte as one), a line ends at "\n".
func position(b []byte, offset int) (line, column int) {
	if offset > len(b) {
		offset = len(b)
	}
	start := bytes.LastIndexByte(b[:offset], '\n') + 1
	return 1 + bytes.Count(b[:start], []byte{'\n'}), 1 + utf8.RuneCount(b[start:offset])
}

// Iter walks one JSON document. The zero value is not ready: call Reset.
// Slices it returns alias the input or its scratch buffer and are valid only
// until the next call. An Iter is not safe for concurrent use.
type Iter struct {
	buf     []byte
	pos     int
	end     int // len(buf): one node cheaper for the inliner, which Peek needs
	depth   int
	err     SyntaxError
	failed  bool
	scratch []byte
	ptr     []segment // the path to the current value; Pointer spells it out only when asked
	keys    []byte    // copies of the keys PushKeyBytes was given
	base    string    // what Pointer puts before ptr: "/body", "query.filter"
	item    int       // 1 + the index Pointer puts after base in brackets ("query.ids[2]"); 0 for none
	parent  *Iter     // for the iterator KeyIter returns: whose location stands for base
	keyIt   *Iter     // the iterator KeyIter returns, kept for the next key

	keyStart, keyEnd int // raw span of the last key FirstKey/NextKey read, quotes included

	// A second scratch for HasKey/Member, so that they leave slices the
	// caller holds intact.
	aux []byte

	// Reused by Duplicates: a hash and a span (start, end) per element, the
	// elements' order sorted by hash, and a stack of object members.
	dupHash  []uint64
	dupSpan  []int
	dupOrder []int
	members  []member
}

// Idle reports whether the iterator holds no input, as after Reset(nil):
// an owner that pools it may skip resetting it then.
func (it *Iter) Idle() bool { return it.buf == nil }

// Reset makes the iterator read b from the start, naming locations "/body"
// followed by the JSON pointer of the value.
func (it *Iter) Reset(b []byte) { it.ResetAt(b, "/body") }

// ResetAt makes the iterator read b from the start, naming locations base
// followed by the JSON pointer of the value ("query.filter/min").
func (it *Iter) ResetAt(b []byte, base string) {
	it.base = base
	it.item = 0
	it.parent = nil
	it.buf = b
	it.end = len(b)
	it.pos = 0
	it.depth = 0
	it.failed = false
	it.err = SyntaxError{}
	it.scratch = it.scratch[:0]
	it.ptr = it.ptr[:0]
	it.keys = it.keys[:0]
	it.keyStart, it.keyEnd = 0, 0
}

// ResetItem is ResetAt for the item i of an array parameter named base:
// locations are base[i] followed by the JSON pointer ("query.ids[2]"), and
// are spelled out only when Pointer is asked.
func (it *Iter) ResetItem(b []byte, base string, i int) {
	it.ResetAt(b, base)
	it.item = i + 1
}

// Err returns the first syntax error, or nil.
func (it *Iter) Err() *SyntaxError {
	if it.failed {
		return &it.err
	}
	return nil
}

// Failed reports whether a syntax error was met.
func (it *Iter) Failed() bool { return it.failed }

// fail records the first syntax error and moves to the end of the input,
// where the iterator stays until it is reset: a failed iterator has nothing
// left to read, which is what lets the fast paths of Peek and String test
// the position alone.
func (it *Iter) fail(msg string) {
	if !it.failed {
		it.failed = true
		// Once per document, on the way to a 400: the scan for the line
		// costs a valid body nothing.
		line, col := position(it.buf, it.pos)
		it.err = SyntaxError{Offset: it.pos, Line: line, Column: col, Msg: msg}
	}
	it.pos = len(it.buf)
}

// skipSpace steps over white space. Most documents have none between
// tokens, so the first byte decides: anything above ' ' ends it at once.
func (it *Iter) skipSpace() {
	for it.pos < len(it.buf) && it.buf[it.pos] <= ' ' {
		switch it.buf[it.pos] {
		case ' ', '\t', '\n', '\r':
			it.pos++
		default:
			return
		}
	}
}

// kindOf is the kind of value each byte starts, Invalid for white space and
// the bytes that start none.
var kindOf = func() (t [256]Kind) {
	t['{'], t['['], t['"'], t['t'], t['f'], t['n'], t['-'] = Object, Array, String, Bool, Bool, Null, Number
	for c := '0'; c <= '9'; c++ {
		t[c] = Number
	}
	return t
}()

// Peek returns the kind of the next value without consuming it. When the
// value starts right at the iterator, as it does in documents without
// white space, a table answers inline; peek does the rest.
//
// It is kept small enough for the compiler to inline: it runs once per value.
func (it *Iter) Peek() (k Kind) {
	// Written node by node for the inliner's budget of 80: it costs 80.
	if it.pos < it.end { // so not failed
		if k = kindOf[it.buf[it.pos]]; k != Invalid {
			return
		}
	}
	return it.peek()
}

// peek is Peek's slow path: white space, the end of the input, a byte that
// starts no value, or an iterator that has failed.
func (it *Iter) peek() Kind {
	if it.failed {
		return Invalid
	}
	it.skipSpace()
	if it.pos >= len(it.buf) {
		it.fail("unexpected end of input, expected a value")
		return Invalid
	}
	switch c := it.buf[it.pos]; {
	case c == '{':
		return Object
	case c == '[':
		return Array
	case c == '"':
		return String
	case c == 't' || c == 'f':
		return Bool
	case c == 'n':
		return Null
	case c == '-' || (c >= '0' && c <= '9'):
		return Number
	case c >= utf8.RuneSelf:
		// A byte of a multi-byte sequence is not the character its value
		// names in Latin-1: 0xEF, the first of a byte order mark, is not
		// 'ï'.
		it.fail("unexpected byte 0x" + strconv.FormatUint(uint64(c), 16) + ", expected a value")
		return Invalid
	default:
		it.fail("unexpected character " + strconv.QuoteRune(rune(c)) + ", expected a value")
		return Invalid
	}
}

// End checks that nothing but white space follows the top-level value.
func (it *Iter) End() {
	if it.failed {
		return
	}
	it.skipSpace()
	if it.pos != len(it.buf) {
		it.fail("unexpected data after the top-level value")
	}
}

// Skip consumes the next value whatever it is, checking its syntax.
func (it *Iter) Skip() {
	switch it.Peek() {
	case Null:
		it.Null()
	case Bool:
		it.Bool()
	case Number:
		it.Number()
	case String:
		it.String()
	case Array:
		for ok := it.FirstElem(); ok; ok = it.NextElem() {
			it.Skip()
		}
	case Object:
		for k := it.FirstKey(); k != nil; k = it.NextKey() {
			it.Skip()
		}
	}
}

func (it *Iter) literal(word string) bool {
	if len(it.buf)-it.pos < len(word) || string(it.buf[it.pos:it.pos+len(word)]) != word {
		it.fail("invalid literal, expected " + word)
		return false
	}
	it.pos += len(word)
	return true
}

// Null consumes null.
func (it *Iter) Null() {
	if p := it.pos; p+4 <= len(it.buf) && load4(it.buf[p:]) == word4("null") {
		it.pos = p + 4
		return
	}
	if it.Peek() == Null {
		it.literal("null")
	}
}

// Bool consumes true or false. The literal is compared as one 32-bit word
// first: a byte-string comparison costs a call.
func (it *Iter) Bool() bool {
	if p := it.pos; p+5 <= len(it.buf) {
		switch load4(it.buf[p:]) {
		case word4("true"):
			it.pos = p + 4
			return true
		case word4("fals"):
			if it.buf[p+4] == 'e' {
				it.pos = p + 5
				return false
			}
		}
	}
	return it.boolSlow()
}

func (it *Iter) boolSlow() bool {
	if it.Peek() != Bool {
		return false
	}
	if it.buf[it.pos] == 't' {
		return it.literal("true")
	}
	it.literal("false")
	return false
}

// load4 reads four bytes as a little-endian word.
func load4(b []byte) uint32 {
	_ = b[3]
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

// word4 is load4 of a four-byte constant, folded at compile time.
func word4(s string) uint32 {
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// Number consumes a number and returns its bytes as written.
func (it *Iter) Number() []byte {
	if it.Peek() != Number {
		return nil
	}
	start := it.pos
	end, msg := ScanNumber(it.buf, start)
	it.pos = end
	if msg != "" {
		it.fail(msg)
		return nil
	}
	return it.buf[start:end]
}

// ScanNumber reads a number in JSON's grammar starting at b[i] and returns
// where it ends, or the offset of the first wrong byte and what was expected
// there. Parameter decoders share it, so "a number" means one thing.
func ScanNumber(b []byte, i int) (end int, msg string) {
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = digits(b, i)
	default:
		return i, "invalid number: expected a digit"
	}
	if i < len(b) && b[i] == '.' {
		d := i + 1
		if i = digits(b, d); i == d {
			return i, "invalid number: expected a digit after the decimal point"
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		if i = digits(b, d); i == d {
			return i, "invalid number: expected a digit in the exponent"
		}
	}
	return i, ""
}

func digits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

// String consumes a string and returns its unescaped bytes.
//
// It reads a plain string eight bytes at a time up to the first byte that
// is not plain, which is most often the closing quote; strSlow does the
// rest.
func (it *Iter) String() []byte {
	b := it.buf
	if it.pos >= len(b) || b[it.pos] != '"' { // else not failed
		if it.peek() != String {
			return nil
		}
	}
	start := it.pos + 1
	i := start
	for ; i+8 <= len(b); i += 8 {
		if m := special8(load8(b[i:])); m != 0 {
			i += bits.TrailingZeros64(m) >> 3
			if b[i] == '"' {
				it.pos = i + 1
				return b[start:i]
			}
			break
		}
	}
	return it.strSlow(start, i)
}

// PlainRun returns the length of the run of bytes at the start of b that a
// JSON string holds as they are: ASCII from 0x20 up, except '"' and '\\'.
// It reads eight bytes at a time and finds the first byte that ends the run
// from the word's mask, so a short string costs one step, not one per
// byte. The problem writer uses it too, for the same question asked the
// other way round.
func PlainRun[T string | []byte](b T) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if m := special8(load8(b[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for i < len(b) && plainByte[b[i]] {
		i++
	}
	return i
}

// load8 reads eight bytes as a little-endian word.
func load8[T string | []byte](b T) uint64 {
	_ = b[7]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// plainByte marks the bytes a string holds as they are: ASCII from 0x20
// up, except '"' and '\\'.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// special8 returns the high bit of each of the eight bytes packed in x that
// a string does not hold as it is: below 0x20, '"', '\\' or non-ASCII (the
// usual has-zero-byte bit tricks). A borrow can mark a byte above a marked
// one, never below it, so the lowest mark is exact: it is the first byte
// that ends the run.
//
// The usual trick clears the marks of bytes from 0x80 up (the "&^ v" of
// (v-ones)&^v); this one keeps them, because such a byte is non-ASCII and
// so ends the run anyway. Without a borrow from below, v-1 has its high bit
// set only when v is 0 or above 0x80, and v-0x20 only when v is below 0x20
// or above 0x9f; '"' and '\\' have no high bit, so v = x^c is above 0x80
// only when x is.
func special8(x uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	less := x - ones*0x20                   // a byte below 0x20
	quote := (x ^ (ones * '"')) - ones      // a '"'
	backslash := (x ^ (ones * '\\')) - ones // a '\\'
	return (less | quote | backslash | x) & highs
}

// strSlow finishes reading the string that starts at b[start] (after its
// opening quote), whose bytes before b[i] are plain: it reads non-ASCII
// UTF-8, the end of short input, and escapes, which it decodes into the
// scratch buffer.
func (it *Iter) strSlow(start, i int) []byte {
	b := it.buf
	for i < len(b) {
		i += PlainRun(b[i:])
		if i >= len(b) {
			break
		}
		c := b[i]
		if c == '"' {
			it.pos = i + 1
			return b[start:i]
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			it.pos = i
			it.fail("control character in string")
			return nil
		}
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			it.pos = i
			it.fail("invalid UTF-8 in string")
			return nil
		}
		i += n
	}
	if i >= len(b) {
		it.pos = i
		it.fail("unterminated string")
		return nil
	}
	it.scratch = append(it.scratch[:0], b[start:i]...)
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			it.pos = i + 1
			return it.scratch
		case c == '\\':
			if i+1 >= len(b) {
				it.pos = i
				it.fail("unterminated escape")
				return nil
			}
			i++
			switch e := b[i]; {
			case simpleEscape[e] != 0:
				it.scratch = append(it.scratch, simpleEscape[e])
				i++
			case e == 'u':
				r, ok := Hex4(b, i+1)
				if !ok {
					it.pos = i
					it.fail("invalid \\u escape")
					return nil
				}
				i += 5
				// RFC 8259's grammar allows any \uXXXX; a lone surrogate
				// decodes to U+FFFD, as encoding/json and JavaScript do.
				if r >= 0xD800 && r < 0xDC00 && i+5 < len(b) && b[i] == '\\' && b[i+1] == 'u' {
					if lo, ok := Hex4(b, i+2); ok && lo >= 0xDC00 && lo <= 0xDFFF {
						i += 6
						r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
					}
				}
				if r >= 0xD800 && r <= 0xDFFF {
					r = utf8.RuneError
				}
				it.scratch = utf8.AppendRune(it.scratch, r)
			default:
				it.pos = i
				it.fail("invalid escape character " + strconv.QuoteRune(rune(e)))
				return nil
			}
		case c < 0x20:
			it.pos = i
			it.fail("control character in string")
			return nil
		case c < utf8.RuneSelf:
			it.scratch = append(it.scratch, c)
			i++
		default:
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n <= 1 {
				it.pos = i
				it.fail("invalid UTF-8 in string")
				return nil
			}
			it.scratch = append(it.scratch, b[i:i+n]...)
			i += n
		}
	}
	it.pos = i
	it.fail("unterminated string")
	return nil
}

// simpleEscape maps the character after a backslash to what it stands for;
// zero marks the ones that are not single-character escapes.
var simpleEscape = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// Hex4 reads the four hex digits of a \u escape at b[i:]; false when
// they are not four hex digits. The generator's JSON reading uses it too.
func Hex4(b []byte, i int) (rune, bool) {
	if i < 0 || i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// FirstKey enters the object at the iterator and returns its first key
// (unescaped) with the iterator placed at that key's value, or nil for an
// empty object. Loop with NextKey:
//
//	for k := it.FirstKey(); k != nil; k = it.NextKey() { ...consume the value... }
//
// The caller must consume each value (or Skip it) before the next call. An
// empty key is a non-nil empty slice.
func (it *Iter) FirstKey() []byte {
	if it.failed {
		return nil
	}
	if !it.open('{', '}', "expected an object") {
		return nil
	}
	return it.key()
}

// NextKey returns the next key of the object being read, or nil after its
// closing brace.
func (it *Iter) NextKey() []byte {
	// The usual case, a comma right before the next key's quote, goes
	// straight to key; the rest, white space included, to nextKey.
	if p := it.pos; p+1 < it.end && it.buf[p] == ',' && it.buf[p+1] == '"' {
		it.pos = p + 1
		return it.key()
	}
	return it.nextKey()
}

func (it *Iter) nextKey() []byte {
	if it.failed {
		return nil
	}
	it.skipSpace()
	if it.pos >= len(it.buf) {
		it.fail("unexpected end of input in object")
		return nil
	}
	switch it.buf[it.pos] {
	case ',':
		it.pos++
		it.skipSpace()
		return it.key()
	case '}':
		it.pos++
		it.depth--
		return nil
	default:
		it.fail("expected ',' or '}' in object")
		return nil
	}
}

// key reads the key at pos and the colon after it. A key without escapes
// or non-ASCII, followed right away by its colon, is read here a word at a
// time, the way str reads a string; keySlow does the rest.
func (it *Iter) key() []byte {
	b, start := it.buf, it.pos
	if start >= len(b) || b[start] != '"' {
		it.fail("expected a string key in object")
		return nil
	}
	for i := start + 1; i+8 <= len(b); i += 8 {
		if m := special8(load8(b[i:])); m != 0 {
			i += bits.TrailingZeros64(m) >> 3
			if b[i] == '"' && i+1 < len(b) && b[i+1] == ':' {
				it.keyStart, it.keyEnd = start, i+1
				it.pos = i + 2
				return b[start+1 : i]
			}
			break
		}
	}
	return it.keySlow(start)
}

func (it *Iter) keySlow(start int) []byte {
	k := it.String()
	if it.failed {
		return nil
	}
	it.keyStart, it.keyEnd = start, it.pos
	it.skipSpace()
	if it.pos >= len(it.buf) || it.buf[it.pos] != ':' {
		it.fail("expected ':' after object key")
		return nil
	}
	it.pos++
	return k
}

// FirstElem enters the array at the iterator and reports whether it has an
// element, with the iterator placed at it. Loop with NextElem:
//
//	for ok := it.FirstElem(); ok; ok = it.NextElem() { ...consume the element... }
func (it *Iter) FirstElem() bool {
	if it.failed {
		return false
	}
	return it.open('[', ']', "expected an array")
}

// NextElem reports whether another element of the array follows.
func (it *Iter) NextElem() bool {
	if it.pos < it.end && it.buf[it.pos] == ',' { // so not failed
		it.pos++
		return true
	}
	return it.nextElem()
}

func (it *Iter) nextElem() bool {
	if it.failed {
		return false
	}
	it.skipSpace()
	if it.pos >= len(it.buf) {
		it.fail("unexpected end of input in array")
		return false
	}
	switch it.buf[it.pos] {
	case ',':
		it.pos++
		return true
	case ']':
		it.pos++
		it.depth--
		return false
	default:
		it.fail("expected ',' or ']' in array")
		return false
	}
}

// open consumes the opening bracket of a container and reports whether it
// has a first member, consuming the closing bracket when it is empty.
func (it *Iter) open(start, end byte, want string) bool {
	it.skipSpace()
	if it.pos >= len(it.buf) || it.buf[it.pos] != start {
		it.fail(want)
		return false
	}
	if !it.enter() {
		return false
	}
	it.pos++
	it.skipSpace()
	if it.pos < len(it.buf) && it.buf[it.pos] == end {
		it.pos++
		it.depth--
		return false
	}
	return true
}

// tooDeep fails the document for nesting past MaxDepth, marked Deep.
func (it *Iter) tooDeep() {
	first := !it.failed
	it.fail("nested deeper than " + strconv.Itoa(MaxDepth) + " levels")
	if first {
		it.err.Deep = true
	}
}

func (it *Iter) enter() bool {
	if it.depth >= MaxDepth {
		it.tooDeep()
		return false
	}
	it.depth++
	return true
}

// segment is one step of the path to the current value: an object key
// (a string the generated code holds, or a window of keys) or an array
// index. Validators push and pop a step per member they look at, and report
// a location only when a value is wrong, so a step costs a struct append and
// the pointer is spelled out, escaped, only then.
type segment struct {
	key        string
	start, end int32 // window of Iter.keys when key came from the input
	index      int32 // -1 for a key
}

// PushKey extends the current path with an object key.
func (it *Iter) PushKey(k string) int {
	n := len(it.ptr)
	it.ptr = append(it.ptr, segment{key: k, index: -1})
	return n
}

// PushKeyBytes is PushKey for a key read from the input, which is copied:
// the input's scratch buffer is reused by the next string read.
func (it *Iter) PushKeyBytes(k []byte) int {
	n := len(it.ptr)
	start := len(it.keys)
	it.keys = append(it.keys, k...)
	it.ptr = append(it.ptr, segment{start: int32(start), end: int32(len(it.keys)), index: -1})
	return n
}

// PushIndex extends the current path with an array index.
func (it *Iter) PushIndex(i int) int {
	n := len(it.ptr)
	it.ptr = append(it.ptr, segment{index: int32(i)})
	return n
}

// Pop restores the path to the length a Push returned.
func (it *Iter) Pop(n int) {
	if n < len(it.ptr) && it.ptr[n].index < 0 && it.ptr[n].key == "" && it.ptr[n].end > 0 {
		it.keys = it.keys[:it.ptr[n].start]
	}
	it.ptr = it.ptr[:n]
}

// Pointer returns the location of the current value: the base given to
// ResetAt followed by its JSON pointer (RFC 6901, "~" and "/" escaped), as a
// new string; it is meant for error reports only.
func (it *Iter) Pointer() string {
	return string(it.AppendPointer(make([]byte, 0, len(it.base)+8+16*len(it.ptr))))
}

// AppendPointer appends Pointer's text to b.
func (it *Iter) AppendPointer(b []byte) []byte {
	if it.parent != nil {
		b = it.parent.AppendPointer(b)
	} else {
		b = append(b, it.base...)
	}
	if it.item > 0 {
		b = append(b, '[')
		b = strconv.AppendInt(b, int64(it.item-1), 10)
		b = append(b, ']')
	}
	for _, sg := range it.ptr {
		b = append(b, '/')
		switch {
		case sg.index >= 0:
			b = strconv.AppendInt(b, int64(sg.index), 10)
		case sg.key == "" && sg.end > sg.start:
			b = appendToken(b, it.keys[sg.start:sg.end])
		default:
			b = appendToken(b, sg.key)
		}
	}
	return b
}

// appendToken appends k as a JSON pointer reference token: "~" and "/"
// escaped as "~0" and "~1".
func appendToken[T string | []byte](b []byte, k T) []byte {
	for i := 0; i < len(k); i++ {
		switch k[i] {
		case '~':
			b = append(b, '~', '0')
		case '/':
			b = append(b, '~', '1')
		default:
			b = append(b, k[i])
		}
	}
	return b
}

// PointerKey is the location of the member k of the current object: what
// Pointer would return after PushKey(k). Validators that check a scalar
// member in place use it on the error path only, so the valid path pushes
// nothing.
func (it *Iter) PointerKey(k string) string {
	n := it.PushKey(k)
	p := it.Pointer()
	it.Pop(n)
	return p
}

// PointerIndex is PointerKey for the item i of the current array.
func (it *Iter) PointerIndex(i int) string {
	n := it.PushIndex(i)
	p := it.Pointer()
	it.Pop(n)
	return p
}

// Mark is a saved position of an Iter.
type Mark struct{ pos, depth, ptr int }

// Mark saves the position before the value at the iterator, so that
// validators can read the same value again for each subschema that applies
// to it (allOf, anyOf, oneOf, not, if).
func (it *Iter) Mark() Mark {
	it.skipSpace()
	return Mark{it.pos, it.depth, len(it.ptr)}
}

// Rewind returns to a position Mark saved. A syntax error is not undone: the
// input is not JSON whichever way it is read.
func (it *Iter) Rewind(m Mark) {
	if it.failed {
		return
	}
	it.pos, it.depth = m.pos, m.depth
	it.Pop(m.ptr)
}

// Raw returns the bytes of the value at the iterator and consumes it. The
// slice aliases the input; it is what uniqueItems and const compare.
func (it *Iter) Raw() []byte {
	it.skipSpace()
	start := it.pos
	it.Skip()
	if it.failed {
		return nil
	}
	return it.buf[start:it.pos]
}

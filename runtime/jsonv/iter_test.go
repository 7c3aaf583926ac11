package jsonv

import (
	"encoding/json"
	"math/bits"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func walk(b []byte) *SyntaxError {
	var it Iter
	it.Reset(b)
	it.Skip()
	it.End()
	return it.Err()
}

func TestValidity(t *testing.T) {
	cases := []struct {
		in string
		ok bool
	}{
		{`{}`, true},
		{` {"a":1,"b":[true,false,null,"x",-0.5e+3]} `, true},
		{`[]`, true},
		{`""`, true},
		{`"\u00e9\ud83d\ude00\n\/"`, true},
		{`0`, true},
		{`-0`, true},
		{`1.5E-2`, true},
		{``, false},
		{`{`, false},
		{`{"a"}`, false},
		{`{"a":1,}`, false},
		{`[1,]`, false},
		{`[1 2]`, false},
		{`01`, false},
		{`1.`, false},
		{`.5`, false},
		{`-`, false},
		{`1e`, false},
		{`+1`, false},
		{`tru`, false},
		{`nul`, false},
		{`"a`, false},
		{"\"a\x01\"", false},
		{`"\x"`, false},
		{`"\ud800"`, true},
		{`"\udc00x"`, true},
		{`{} x`, false},
		{`{1:2}`, false},
		{`[}`, false},
		{`{]`, false},
		{`/* c */ 1`, false},
		{`[[][]`, false},
		{`{"a":{}{}`, false},
	}
	// Raw bytes that are not UTF-8 break RFC 8259 §8.1; encoding/json lets
	// them through, so they are checked apart from the table.
	if walk([]byte("\"\xff\"")) == nil {
		t.Error("accepted invalid UTF-8")
	}
	// A byte order mark (RFC 8259 §8.1: not to be sent) is refused, and the
	// message names the byte, not the Latin-1 character of its value.
	if err := walk([]byte("\xef\xbb\xbf{}")); err == nil || !strings.Contains(err.Error(), "unexpected byte 0xef") {
		t.Errorf("byte order mark: err = %v, want one naming byte 0xef", err)
	}
	for _, c := range cases {
		err := walk([]byte(c.in))
		if (err == nil) != c.ok {
			t.Errorf("%q: err = %v, want ok=%v", c.in, err, c.ok)
		}
		if c.ok != json.Valid([]byte(c.in)) {
			t.Errorf("%q: table disagrees with encoding/json", c.in)
		}
	}
}

func TestDepthLimit(t *testing.T) {
	deep := strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1)
	if err := walk([]byte(deep)); err == nil || !err.Deep || !strings.Contains(err.Msg, "nested deeper") {
		t.Fatalf("err = %v, want a nesting error", err)
	}
	ok := strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth)
	if err := walk([]byte(ok)); err != nil {
		t.Fatalf("depth %d: %v", MaxDepth, err)
	}
}

func TestStringsAndPointer(t *testing.T) {
	var it Iter
	it.Reset([]byte(`{"a/b~c":["x","y\"z"],"":"\u00e9"}`))
	var got []string
	for k := it.FirstKey(); k != nil; k = it.NextKey() {
		n := it.PushKeyBytes(k)
		if it.Peek() == Array {
			i := 0
			for ok := it.FirstElem(); ok; ok = it.NextElem() {
				m := it.PushIndex(i)
				got = append(got, it.Pointer()+"="+string(it.String()))
				it.Pop(m)
				i++
			}
		} else {
			got = append(got, it.Pointer()+"="+string(it.String()))
		}
		it.Pop(n)
	}
	it.End()
	if it.Err() != nil {
		t.Fatal(it.Err())
	}
	want := []string{"/body/a~1b~0c/0=x", `/body/a~1b~0c/1=y"z`, "/body/=é"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestResetItem(t *testing.T) {
	var it Iter
	it.ResetItem([]byte(`{"a":1}`), "query.ids", 2)
	it.FirstKey()
	n := it.PushKey("a")
	if got := it.Pointer(); got != "query.ids[2]/a" {
		t.Fatalf("got %q, want query.ids[2]/a", got)
	}
	it.Pop(n)
	it.ResetAt([]byte(`1`), "query.ids")
	if got := it.Pointer(); got != "query.ids" {
		t.Fatalf("after ResetAt: got %q, want query.ids", got)
	}
	x := []byte(`"x"`)
	allocs := testing.AllocsPerRun(100, func() {
		it.ResetItem(x, "query.ids", 7)
		it.String()
		it.End()
	})
	if allocs != 0 {
		t.Fatalf("allocs = %v, want 0", allocs)
	}
}

func TestSkipAllocs(t *testing.T) {
	b := []byte(`{"name":"Rex","status":"available","age":3,"tags":["dog","good"],"owner":{"name":"Ann","phone":"+44 1234"}}`)
	var it Iter
	allocs := testing.AllocsPerRun(100, func() {
		it.Reset(b)
		it.Skip()
		it.End()
	})
	if allocs != 0 {
		t.Fatalf("allocs = %v, want 0", allocs)
	}
}

// FuzzIter checks the iterator against encoding/json: it accepts exactly the
// documents encoding/json accepts (within the depth bound), and unescapes
// strings the same way.
func FuzzIter(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}]}`, `"\ud83d\ude00"`, `[1e5,-0.1,true]`, `{"name":"Rex","status":"available"}`, `01`, `"\u0000"`,
		// Keys and strings long enough for the word-at-a-time paths, with and
		// without white space around the colon and comma, and literals at the end.
		`{"a_long_key_name":"a value longer than a word","another_key":[true,false,null]}`,
		`{ "key_of_nine" : 1 ,"second_key_x":"v\"q", "k\u00e9y_with_escape":fals}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		err := walk(b)
		valid := json.Valid(b)
		if err == nil && !valid {
			t.Fatalf("accepted invalid JSON %q", b)
		}
		if err != nil && valid && utf8.Valid(b) && !strings.Contains(err.Msg, "nesting") {
			t.Fatalf("rejected valid JSON %q: %v", b, err)
		}
		if valid && len(b) > 0 {
			var s string
			if json.Unmarshal(b, &s) == nil {
				var it Iter
				it.Reset(b)
				if got := string(it.String()); got != s && utf8.Valid(b) {
					t.Fatalf("unescaped %q as %q, want %q", b, got, s)
				}
			}
		}
	})
}

func BenchmarkSkip(b *testing.B) {
	body := []byte(`{"name":"Rex","status":"available","age":3,"weight":12.5,"tags":["dog","good"],"owner":{"name":"Ann","phone":"+44 1234 5678"},"vaccinated":true,"notes":"likes \"walks\" and naps"}`)
	var it Iter
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for i := 0; i < b.N; i++ {
		it.Reset(body)
		it.Skip()
		it.End()
	}
}

// TestPlainRun checks the word-at-a-time PlainRun against the byte table:
// every byte value at every offset of a run long enough for several words,
// with plain and non-plain bytes after it (a borrow must not hide the
// first non-plain byte, nor mark a plain one before it).
func TestPlainRun(t *testing.T) {
	naive := func(b []byte) int {
		i := 0
		for i < len(b) && plainByte[b[i]] {
			i++
		}
		return i
	}
	for c := 0; c < 256; c++ {
		for at := 0; at < 20; at++ {
			for _, after := range []byte{'a', 0, 0x1f, '"', '\\', 0x80, 0xff, 0x21} {
				b := []byte(strings.Repeat("x", 24))
				b[at] = byte(c)
				for j := at + 1; j < len(b); j++ {
					b[j] = after
				}
				for n := at; n <= len(b); n++ {
					if got, want := PlainRun(b[:n]), naive(b[:n]); got != want {
						t.Fatalf("PlainRun(%q) = %d, want %d", b[:n], got, want)
					}
					if got, want := PlainRun(string(b[:n])), naive(b[:n]); got != want {
						t.Fatalf("PlainRun(string %q) = %d, want %d", b[:n], got, want)
					}
				}
			}
		}
	}
}

// TestSpecial8 checks that the lowest mark of special8 is the first byte
// plainByte rejects, for every pair of bytes at every pair of places in a
// word and for random words: the cases where a borrow or a high byte could
// mark the wrong one.
func TestSpecial8(t *testing.T) {
	check := func(w [8]byte) {
		t.Helper()
		want := 8
		for i, c := range w {
			if !plainByte[c] {
				want = i
				break
			}
		}
		got := 8
		if m := special8(load8(w[:])); m != 0 {
			got = bits.TrailingZeros64(m) >> 3
		}
		if got != want {
			t.Fatalf("special8(%q): first special byte %d, want %d", w[:], got, want)
		}
	}
	for i := 0; i < 8; i++ {
		for j := i + 1; j < 8; j++ {
			for a := 0; a < 256; a++ {
				for b := 0; b < 256; b += 3 {
					w := [8]byte{'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'}
					w[i], w[j] = byte(a), byte(b)
					check(w)
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		var w [8]byte
		for k := range w {
			w[k] = byte(r.Uint32())
		}
		check(w)
	}
}

// TestSyntaxErrorPosition: a syntax error says its line and column (in
// characters) beside the offset, so that a client finds it in a body it
// wrote over several lines.
func TestSyntaxErrorPosition(t *testing.T) {
	for _, c := range []struct {
		in                   string
		offset, line, column int
	}{
		{`{"a":1,`, 7, 1, 8},
		{"{\n \"name\": \"a\",\n \"status\": \"sold\" x}", 34, 3, 19},
		{"[\n\"é✓\" x]", 10, 2, 6},
		{"\n\n", 2, 3, 1},
	} {
		err := walk([]byte(c.in))
		if err == nil || err.Offset != c.offset || err.Line != c.line || err.Column != c.column {
			t.Errorf("%q: %+v, want offset %d, line %d, column %d", c.in, err, c.offset, c.line, c.column)
			continue
		}
		want := "invalid JSON at line " + strconv.Itoa(c.line) + ", column " + strconv.Itoa(c.column) + " (offset " + strconv.Itoa(c.offset) + "): "
		if !strings.HasPrefix(err.Error(), want) || err.Deep || err.Rule() != "json" {
			t.Errorf("%q: %q (rule %s), want it to start %q", c.in, err.Error(), err.Rule(), want)
		}
	}
	// Nesting past MaxDepth may well be JSON: it is the gateway's limit,
	// said as such, under its own rule.
	err := walk([]byte(strings.Repeat("[", 10000) + strings.Repeat("]", 10000)))
	if err == nil || !err.Deep || err.Rule() != "maxDepth" || err.Offset != MaxDepth ||
		err.Error() != "JSON too deep at line 1, column 129 (offset 128): nested deeper than 128 levels" {
		t.Errorf("10000 [: %+v (rule %s)", err, err.Rule())
	}
	// A syntax error found before the depth is the one kept, and it is not Deep.
	if err := walk([]byte("[x" + strings.Repeat("[", 200))); err == nil || err.Deep {
		t.Errorf("[x[[[…: %+v, want a syntax error", err)
	}
}

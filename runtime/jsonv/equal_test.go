package jsonv

import (
	"bytes"
	"encoding/json"
	"math/big"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEqual(t *testing.T) {
	cases := []struct {
		a, b string
		eq   bool
	}{
		{`null`, `null`, true},
		{`true`, `true`, true},
		{`false`, `false`, true},
		{`true`, `false`, false},
		{`true`, `1`, false},
		{`0`, `false`, false},
		{`null`, `0`, false},
		{`null`, `""`, false},
		{`null`, `false`, false},
		{`[]`, `{}`, false},
		{`"1"`, `1`, false},

		{`1`, `1.0`, true},
		{`1`, `1e0`, true},
		{`1`, `10e-1`, true},
		{`1`, `0.1e1`, true},
		{`1`, `1E+0`, true},
		{`100`, `1e2`, true},
		{`100`, `1.00e2`, true},
		{`0.001`, `1e-3`, true},
		{`120.5000`, `1205e-1`, true},
		{`0`, `-0`, true},
		{`0`, `0.000e99`, true},
		{`-0.0`, `0e-5`, true},
		{`-1`, `1`, false},
		{`-1.5`, `-15e-1`, true},
		{`1`, `1.000000000000000000000000001`, false},
		{`9007199254740993`, `9007199254740992`, false},
		{`9007199254740993`, `9007199254740993.0`, true},
		{`12345678901234567890123`, `1.2345678901234567890123e22`, true},
		{`12345678901234567890123`, `12345678901234567890124`, false},
		{`1e400`, `10e399`, true},
		{`1e400`, `1e401`, false},
		{`1e-400`, `0`, false},
		{`12`, `21`, false},
		{`1.2`, `12e-1`, true},
		{`1.2`, `0.12e1`, true},
		{`1e1000000000000000000000`, `10e999999999999999999999`, true},
		{`1e1000000000000000000000`, `1e1000000000000000000001`, false},
		{`1e1000000000000000000`, `100e999999999999999998`, true},
		{`1e-1000000000000000000000`, `0.1e-999999999999999999999`, true},
		{`5e0000000000000000000000000001`, `50`, true},

		{`""`, `""`, true},
		{`"a"`, `"\u0061"`, true},
		{`"é"`, `"\u00e9"`, true},
		{`"é"`, `"\u00E9"`, true},
		{`"😀"`, `"\ud83d\ude00"`, true},
		{`"\ud800"`, `"\ufffd"`, true},
		{`"a/b"`, `"a\/b"`, true},
		{`"a\"b"`, `"a\u0022b"`, true},
		{`"a"`, `"ab"`, false},
		{`"ab"`, `"a"`, false},
		{`"a"`, `"A"`, false},

		{`[]`, `[ ]`, true},
		{`[1,2]`, `[1.0, 2e0]`, true},
		{`[1,2]`, `[2,1]`, false},
		{`[1,2]`, `[1,2,3]`, false},
		{`[1,2,3]`, `[1,2]`, false},
		{`[]`, `[[]]`, false},
		{`[[1],{"a":[true]}]`, `[[1.0],{"a":[true]}]`, true},

		{`{}`, ` { } `, true},
		{`{}`, `{"a":1}`, false},
		{`{"a":1}`, `{}`, false},
		{`{"a":1,"b":2}`, `{"b":2,"a":1}`, true},
		{`{"a":1,"b":2}`, `{"b":2,"a":1,"c":3}`, false},
		{`{"a":1,"b":2}`, `{"a":1,"c":2}`, false},
		{`{"a":1,"b":2}`, `{"a":1,"b":3}`, false},
		{`{"a":1}`, `{"\u0061":1.0}`, true},
		{`{"a":{"x":[1,{"y":null}]}}`, `{"a":{"x":[1e0,{"y":null}]}}`, true},
		{`{"a":1,"a":2}`, `{"a":2}`, true},
		{`{"a":1,"a":2}`, `{"a":1}`, false},
		{`{"a":1,"\u0061":2}`, `{"a":2}`, true},
		{`{"a":1,"b":2,"a":1}`, `{"b":2,"a":1}`, true},
		{`{"a":1,"b":2}`, `{"a":1,"a":1,"b":2}`, true},
		{`{"":0}`, `{"":0}`, true},
		{`{"":0}`, `{" ":0}`, false},
	}
	for _, c := range cases {
		for _, swap := range []bool{false, true} {
			a, b := c.a, c.b
			if swap {
				a, b = b, a
			}
			if got := Equal([]byte(a), []byte(b)); got != c.eq {
				t.Errorf("Equal(%s, %s) = %v, want %v", a, b, got, c.eq)
			}
		}
		if !Equal([]byte(c.a), []byte(c.a)) || !Equal([]byte(c.b), []byte(c.b)) {
			t.Errorf("Equal not reflexive on %s / %s", c.a, c.b)
		}
	}
}

// Objects beyond the stack buffer take the same path, in any order.
func TestEqualLargeObjects(t *testing.T) {
	var a, b, c strings.Builder
	a.WriteString("{")
	b.WriteString("{")
	c.WriteString("{")
	const n = 1000
	for i := 0; i < n; i++ {
		if i > 0 {
			a.WriteString(",")
			b.WriteString(",")
			c.WriteString(",")
		}
		a.WriteString(`"k` + strconv.Itoa(i) + `":` + strconv.Itoa(i))
		b.WriteString(`"k` + strconv.Itoa(n-1-i) + `":` + strconv.Itoa(n-1-i) + ".0")
		v := i
		if i == n/2 {
			v++
		}
		c.WriteString(`"k` + strconv.Itoa(i) + `":` + strconv.Itoa(v))
	}
	a.WriteString("}")
	b.WriteString("}")
	c.WriteString("}")
	if !Equal([]byte(a.String()), []byte(b.String())) {
		t.Error("reordered large objects not equal")
	}
	if Equal([]byte(a.String()), []byte(c.String())) {
		t.Error("large objects differing in one value equal")
	}
}

func TestEqualAllocs(t *testing.T) {
	pairs := [][2]string{
		{`{"name":"Rex","tags":["dog","good"],"age":3,"owner":{"name":"Ann","phone":"+44"}}`,
			`{"owner":{"phone":"+44","name":"Ann"},"age":3.0,"tags":["dog","good"],"name":"Rex"}`},
		{`["a\u00e9",1e2,null,true]`, `["aé",100,null,true]`},
		{`{"k\u0031":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16}`,
			`{"k16":16,"k15":15,"k14":14,"k13":13,"k12":12,"k11":11,"k10":10,"k9":9,"k8":8,"k7":7,"k6":6,"k5":5,"k4":4,"k3":3,"k2":2,"k1":1}`},
	}
	for _, p := range pairs {
		a, b := []byte(p[0]), []byte(p[1])
		allocs := testing.AllocsPerRun(100, func() {
			if !Equal(a, b) {
				t.Fatalf("not equal: %s %s", a, b)
			}
		})
		if allocs != 0 {
			t.Errorf("Equal(%s, ...) allocs = %v, want 0", a, allocs)
		}
	}
}

// refEqual is the reference: both texts decoded by encoding/json with
// UseNumber (so objects are maps, last duplicate winning) and numbers
// compared as exact rationals. ok is false when the reference cannot decide
// (an exponent too large to expand into a rational).
func refEqual(a, b []byte) (eq, ok bool) {
	x, okx := decodeRef(a)
	y, oky := decodeRef(b)
	if !okx || !oky {
		return false, false
	}
	return refEqualValues(x, y)
}

func decodeRef(b []byte) (any, bool) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if d.Decode(&v) != nil {
		return nil, false
	}
	return v, true
}

func refEqualValues(x, y any) (eq, ok bool) {
	switch x := x.(type) {
	case nil:
		return y == nil, true
	case bool:
		yb, isBool := y.(bool)
		return isBool && x == yb, true
	case string:
		ys, isString := y.(string)
		return isString && x == ys, true
	case json.Number:
		yn, isNumber := y.(json.Number)
		if !isNumber {
			return false, true
		}
		rx, okx := exactRat(string(x))
		ry, oky := exactRat(string(yn))
		if !okx || !oky {
			return false, false
		}
		return rx.Cmp(ry) == 0, true
	case []any:
		ya, isArray := y.([]any)
		if !isArray || len(x) != len(ya) {
			return false, true
		}
		for i := range x {
			if eq, ok := refEqualValues(x[i], ya[i]); !ok || !eq {
				return eq, ok
			}
		}
		return true, true
	case map[string]any:
		ym, isObject := y.(map[string]any)
		if !isObject || len(x) != len(ym) {
			return false, true
		}
		for k, v := range x {
			w, found := ym[k]
			if !found {
				return false, true
			}
			if eq, ok := refEqualValues(v, w); !ok || !eq {
				return eq, ok
			}
		}
		return true, true
	}
	panic("unexpected type")
}

func exactRat(s string) (*big.Rat, bool) {
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil || e > 2000 || e < -2000 {
			return nil, false
		}
	}
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}

func validDoc(b []byte) bool {
	return utf8.Valid(b) && walk(b) == nil
}

// FuzzEqual checks Equal against the encoding/json reference, that it is
// reflexive and symmetric, and that a document equals its re-encoding by
// encoding/json (keys sorted, strings escaped differently).
func FuzzEqual(f *testing.F) {
	seeds := [][2]string{
		{`1`, `1.0`}, {`10e-1`, `1e0`}, {`-0`, `0`}, {`"\u0061"`, `"a"`}, {`true`, `1`},
		{`{"a":1,"b":[1,2]}`, `{"b":[1,2.0],"a":1}`}, {`{"a":1,"a":2}`, `{"a":2}`},
		{`[null,false]`, `[null,0]`}, {`9007199254740993`, `9007199254740992`},
		{`{"x":{"y":"\ud83d\ude00"}}`, `{"x":{"y":"😀"}}`}, {`[]`, `{}`}, {`0.5e1`, `5`},
		{`1e1000000000000000000`, `10e999999999999999999`}, {`{"\u0061":[1e-400]}`, `{"a":[0.1e-399]}`},
	}
	for _, s := range seeds {
		f.Add([]byte(s[0]), []byte(s[1]))
	}
	f.Fuzz(func(t *testing.T, a, b []byte) {
		if !validDoc(a) {
			return
		}
		if !Equal(a, a) {
			t.Fatalf("Equal(%s, itself) = false", a)
		}
		if x, ok := decodeRef(a); ok {
			if re, err := json.Marshal(x); err == nil {
				if _, ok := refEqual(a, re); ok {
					if !Equal(a, re) {
						t.Fatalf("Equal(%s, re-encoded %s) = false", a, re)
					}
					checkPairDup(t, a, re, true)
				}
			}
		}
		if r := rewriteNumbers(a); !Equal(a, r) {
			t.Fatalf("Equal(%s, %s) = false", a, r)
		} else {
			checkPairDup(t, a, r, true)
		}
		if !validDoc(b) {
			return
		}
		got := Equal(a, b)
		if got != Equal(b, a) {
			t.Fatalf("Equal not symmetric on %s, %s", a, b)
		}
		if want, ok := refEqual(a, b); ok && got != want {
			t.Fatalf("Equal(%s, %s) = %v, reference says %v", a, b, got, want)
		}
		checkPairDup(t, a, b, got)
	})
}

// checkPairDup checks that Duplicates on [a, b] agrees with Equal(a, b): the
// canonical hash must not tell apart values Equal finds equal.
func checkPairDup(t *testing.T, a, b []byte, eq bool) {
	t.Helper()
	arr := append(append(append(append([]byte("["), a...), ','), b...), ']')
	var it Iter
	it.Reset(arr)
	_, _, dup := it.Duplicates()
	if it.Failed() {
		return // nested one level too deep
	}
	if dup != eq {
		t.Fatalf("Duplicates(%s) = %v, Equal says %v", arr, dup, eq)
	}
}

// rewriteNumbers writes every number of a valid document differently but
// with the same value: 15 as 150e-1, 0 as 0.0e7, 1.5 as 1.500, 1e5 as
// 1.0e5, 1.5e5 as 1.500e5.
func rewriteNumbers(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); {
		c := b[i]
		if c == '"' {
			end := skipString(b, i)
			out = append(out, b[i:end]...)
			i = end
			continue
		}
		if c != '-' && (c < '0' || c > '9') {
			out = append(out, c)
			i++
			continue
		}
		end, _ := ScanNumber(b, i)
		n := b[i:end]
		i = end
		e := bytes.IndexAny(n, "eE")
		switch {
		case e >= 0 && bytes.IndexByte(n, '.') < 0:
			out = append(out, n[:e]...)
			out = append(out, ".0"...)
			out = append(out, n[e:]...)
		case e >= 0:
			out = append(out, n[:e]...)
			out = append(out, "00"...)
			out = append(out, n[e:]...)
		case bytes.IndexByte(n, '.') >= 0:
			out = append(out, n...)
			out = append(out, "00"...)
		case string(n) == "0" || string(n) == "-0":
			out = append(out, n...)
			out = append(out, ".0e7"...)
		default:
			out = append(out, n...)
			out = append(out, "0e-1"...)
		}
	}
	return out
}

package jsonv

import (
	"strconv"
	"strings"
	"testing"
)

// refDuplicates is the O(n²) reference: the smallest j equal to an earlier
// element, with the smallest such i.
func refDuplicates(b []byte) (i, j int, dup, ok bool) {
	var it Iter
	it.Reset(b)
	if it.Peek() != Array {
		return 0, 0, false, false
	}
	var elems [][]byte
	for more := it.FirstElem(); more; more = it.NextElem() {
		elems = append(elems, it.Raw())
	}
	if it.Failed() {
		return 0, 0, false, false
	}
	for j := range elems {
		for i := 0; i < j; i++ {
			if Equal(elems[i], elems[j]) {
				return i, j, true, true
			}
		}
	}
	return 0, 0, false, true
}

func TestDuplicates(t *testing.T) {
	cases := []struct {
		in   string
		i, j int
		dup  bool
	}{
		{`[]`, 0, 0, false},
		{`[1]`, 0, 0, false},
		{`[1,2,3]`, 0, 0, false},
		{`[1,2,1]`, 0, 2, true},
		{`[1, 1.0]`, 0, 1, true},
		{`[10e-1, 2, 1]`, 0, 2, true},
		{`[0, -0]`, 0, 1, true},
		{`[0, false, null, "0", [], {}]`, 0, 0, false},
		{`[true, 1]`, 0, 0, false},
		{`["a", "\u0061"]`, 0, 1, true},
		{`[{"a":1,"b":2}, {"b":2,"a":1}]`, 0, 1, true},
		{`[{"a":1,"b":2}, {"b":2,"a":1,"c":3}]`, 0, 0, false},
		{`[{"a":1,"a":2}, {"a":2}]`, 0, 1, true},
		{`[{"a":1,"a":2}, {"a":1}]`, 0, 0, false},
		{`[[1,2],[2,1]]`, 0, 0, false},
		{`[[1,2],[1,2.0]]`, 0, 1, true},
		{`[3, 5, 5, 3]`, 1, 2, true},
		{`[3, 5, 7, 5, 3]`, 1, 3, true},
		{`[9007199254740993, 9007199254740992]`, 0, 0, false},
		{`[{"x":[{"y":1}]}, {"x":[{"y":1.0}]}]`, 0, 1, true},
		{`[{"a":{"b":1,"c":2}}, {"a":{"c":2,"b":1}}]`, 0, 1, true},
		{`[1e1000000000000000000000, 10e999999999999999999999]`, 0, 1, true},
		{`[1e1000000000000000000000, 1e1000000000000000000001]`, 0, 0, false},
		{`[1e1000000000000000000, 10e999999999999999999]`, 0, 1, true},
		{`[-1e-1000000000000000000000, -0.1e-999999999999999999999]`, 0, 1, true},
		{`[{"a\u0062":1,"c":[]}, {"c":[],"ab":1e0}]`, 0, 1, true},
	}
	var it Iter
	for _, c := range cases {
		it.Reset([]byte(c.in))
		i, j, dup := it.Duplicates()
		it.End()
		if i != c.i || j != c.j || dup != c.dup || it.Err() != nil {
			t.Errorf("%s: got %d, %d, %v (err %v); want %d, %d, %v", c.in, i, j, dup, it.Err(), c.i, c.j, c.dup)
		}
		ri, rj, rdup, _ := refDuplicates([]byte(c.in))
		if ri != i || rj != j || rdup != dup {
			t.Errorf("%s: reference says %d, %d, %v", c.in, ri, rj, rdup)
		}
	}

	// Not an array: skipped.
	for _, s := range []string{`{"a":[1,1]}`, `1`, `"x"`, `null`} {
		it.Reset([]byte(s))
		if _, _, dup := it.Duplicates(); dup {
			t.Errorf("%s: dup", s)
		}
		it.End()
		if it.Err() != nil {
			t.Errorf("%s: %v", s, it.Err())
		}
	}
	// Syntax errors are recorded.
	for _, s := range []string{`[1,1,]`, `[1,1`, `[{"a":1},{"a":}]`} {
		it.Reset([]byte(s))
		if _, _, dup := it.Duplicates(); dup || !it.Failed() {
			t.Errorf("%s: dup %v, err %v", s, dup, it.Err())
		}
	}
	// Inside a document, the iterator moves on past the array.
	it.Reset([]byte(`{"tags":["a","b","a"],"n":1}`))
	it.FirstKey()
	if i, j, dup := it.Duplicates(); !dup || i != 0 || j != 2 {
		t.Errorf("nested: %d %d %v", i, j, dup)
	}
	if k := it.NextKey(); string(k) != "n" {
		t.Errorf("next key %q", k)
	}
}

func bigArray(n int, dupAt int) []byte {
	var b strings.Builder
	b.WriteString("[")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		v := i
		if i == dupAt {
			v = 3
		}
		switch i % 4 {
		case 0:
			b.WriteString(strconv.Itoa(v))
		case 1:
			b.WriteString(`"s` + strconv.Itoa(v) + `"`)
		case 2:
			b.WriteString(`{"id":` + strconv.Itoa(v) + `,"name":"n\u00e9","tags":["x","y"]}`)
		case 3:
			b.WriteString(`[` + strconv.Itoa(v) + `,true,null]`)
		}
	}
	b.WriteString("]")
	return []byte(b.String())
}

func TestDuplicatesLarge(t *testing.T) {
	b := bigArray(5000, -1)
	var it Iter
	it.Reset(b)
	if _, _, dup := it.Duplicates(); dup || it.Failed() {
		t.Fatalf("dup in distinct array (err %v)", it.Err())
	}
	b = bigArray(5000, 4003) // [3,true,null] again at 4003
	it.Reset(b)
	if i, j, dup := it.Duplicates(); !dup || i != 3 || j != 4003 {
		t.Fatalf("got %d %d %v, want 3 4003 true", i, j, dup)
	}
}

func TestDuplicatesAllocs(t *testing.T) {
	for _, b := range [][]byte{
		bigArray(1000, -1),
		bigArray(1000, 999),
		[]byte(`[{"a":1,"b":[1,2]},{"b":[1,2.0],"a":1},"x","\u0078"]`),
	} {
		var it Iter
		it.Reset(b)
		it.Duplicates()
		allocs := testing.AllocsPerRun(50, func() {
			it.Reset(b)
			it.Duplicates()
			it.End()
		})
		if allocs != 0 || it.Failed() {
			t.Errorf("allocs = %v, want 0 (err %v)", allocs, it.Err())
		}
	}
}

// FuzzDuplicates checks Duplicates against the O(n²) reference.
func FuzzDuplicates(f *testing.F) {
	for _, s := range []string{
		`[1,1.0]`, `[1,2,3,2]`, `["a","\u0061"]`, `[{"a":1,"b":2},{"b":2,"a":1}]`,
		`[[1],[1,2],[1]]`, `[{"a":1,"a":2},{"a":2}]`, `[0,-0,false,null]`, `[]`, `{"a":1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ri, rj, rdup, ok := refDuplicates(b)
		var it Iter
		it.Reset(b)
		i, j, dup := it.Duplicates()
		if !ok {
			if dup {
				t.Fatalf("%s: dup reported for no array or invalid JSON", b)
			}
			return
		}
		if i != ri || j != rj || dup != rdup {
			t.Fatalf("%s: got %d, %d, %v; reference %d, %d, %v", b, i, j, dup, ri, rj, rdup)
		}
	})
}

func BenchmarkDuplicates(b *testing.B) {
	for _, c := range []struct {
		name string
		body []byte
	}{
		{"distinct1000", bigArray(1000, -1)},
		{"lastrepeats1000", bigArray(1000, 999)},
	} {
		b.Run(c.name, func(b *testing.B) {
			var it Iter
			b.ReportAllocs()
			b.SetBytes(int64(len(c.body)))
			for b.Loop() {
				it.Reset(c.body)
				it.Duplicates()
			}
		})
	}
	// For scale: only reading and checking the same array.
	body := bigArray(1000, -1)
	b.Run("skip1000", func(b *testing.B) {
		var it Iter
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			it.Reset(body)
			it.Skip()
		}
	})
}

func BenchmarkEqual(b *testing.B) {
	x := []byte(`{"name":"Rex","tags":["dog","good"],"age":3,"owner":{"name":"Ann","phone":"+44"}}`)
	y := []byte(`{"owner":{"phone":"+44","name":"Ann"},"age":3.0,"tags":["dog","good"],"name":"Rex"}`)
	b.ReportAllocs()
	for b.Loop() {
		Equal(x, y)
	}
}

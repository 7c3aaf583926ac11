package param

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplitFields(t *testing.T) {
	for _, c := range []struct {
		mid  string
		seps []string
		want []string // nil: no division
	}{
		{"pkg-1.0.zip", []string{"-", "."}, []string{"pkg", "1.0", "zip"}},
		{"my-pkg-1.0.tar", []string{"-", "."}, []string{"my-pkg", "1.0", "tar"}},
		{"a.b", []string{"."}, []string{"a", "b"}},
		{"a.b.c", []string{"."}, []string{"a.b", "c"}},
		{"a--", []string{"-"}, []string{"a", "-"}},
		{"--a", []string{"-"}, []string{"-", "a"}},
		{"a-", []string{"-"}, nil},
		{"-a", []string{"-"}, nil},
		{"-", []string{"-"}, nil},
		{"ab", []string{"-"}, nil},
		{"", []string{"-"}, nil},
		{"x-issues-7", []string{"-issues-"}, []string{"x", "7"}},
		{"a-issues-b-issues-c", []string{"-issues-"}, []string{"a-issues-b", "c"}},
		{"-issues-", []string{"-issues-"}, nil},
		{"a.b-c", []string{"-", "."}, nil}, // the "." must follow the "-"
		{"a-b.c-d.e", []string{"-", "."}, []string{"a-b.c", "d", "e"}},
		{"aaa", nil, []string{"aaa"}},
		{"", nil, nil},
		{"1::2", []string{":", ":"}, nil},
		{"1:x:2", []string{":", ":"}, []string{"1", "x", "2"}},
	} {
		vals := make([][]byte, len(c.seps)+1)
		ok := SplitFields([]byte(c.mid), c.seps, vals)
		if ok != (c.want != nil) {
			t.Errorf("%q by %q: ok %v, want %v", c.mid, c.seps, ok, c.want != nil)
			continue
		}
		for i := range c.want {
			if string(vals[i]) != c.want[i] {
				t.Errorf("%q by %q: value %d is %q, want %q", c.mid, c.seps, i, vals[i], c.want[i])
			}
		}
	}
}

func TestSplitFieldsAllocs(t *testing.T) {
	mid := []byte("my-pkg-1.0.tar")
	seps := []string{"-", "."}
	var vals [3][]byte
	if n := testing.AllocsPerRun(100, func() { SplitFields(mid, seps, vals[:]) }); n != 0 {
		t.Errorf("%v allocations, want 0", n)
	}
}

// FuzzSplitFields holds SplitFields to the regular expression a template
// router compiles the segment into, ^([^/]+)SEP([^/]+)…$, run by Go's
// leftmost-first engine: the same verdict and the same values.
func FuzzSplitFields(f *testing.F) {
	f.Add("my-pkg-1.0.tar", "-", ".")
	f.Add("a--b..c", "-", ".")
	f.Add("x-issues-y-issues-z", "-issues-", "")
	f.Add("::", ":", ":")
	f.Fuzz(func(t *testing.T, mid, sep1, sep2 string) {
		if strings.Contains(mid, "/") || sep1 == "" || len(mid) > 64 ||
			!utf8.ValidString(mid) || !utf8.ValidString(sep1) || !utf8.ValidString(sep2) {
			// A segment holds no "/", a separator is not empty, and the
			// expression reads text, not bytes.
			return
		}
		seps := []string{sep1}
		if sep2 != "" {
			seps = append(seps, sep2)
		}
		expr := "^([^/]+)"
		for _, s := range seps {
			expr += regexp.QuoteMeta(s) + "([^/]+)"
		}
		want := regexp.MustCompile(expr + "$").FindStringSubmatch(mid)
		vals := make([][]byte, len(seps)+1)
		ok := SplitFields([]byte(mid), seps, vals)
		if ok != (want != nil) {
			t.Fatalf("%q by %q: ok %v, the expression says %v", mid, seps, ok, want != nil)
		}
		for i := 1; i < len(want); i++ {
			if string(vals[i-1]) != want[i] {
				t.Fatalf("%q by %q: value %d is %q, the expression says %q", mid, seps, i-1, vals[i-1], want[i])
			}
		}
	})
}

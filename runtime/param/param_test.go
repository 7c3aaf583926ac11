package param

import (
	"math"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

func TestParseInt(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true}, {"42", 42, true}, {"-7", -7, true},
		{"9223372036854775807", math.MaxInt64, true},
		{"-9223372036854775808", math.MinInt64, true},
		{"9223372036854775808", 0, false},
		{"", 0, false}, {"-", 0, false}, {"+1", 0, false}, {"1.0", 0, false},
		{"1e3", 0, false}, {" 1", 0, false}, {"0x10", 0, false},
		{"99999999999999999999", 0, false},
	}
	for _, c := range cases {
		got, ok := ParseInt([]byte(c.in))
		if ok != c.ok || got != c.want {
			t.Errorf("ParseInt(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestParseFloatAndInteger(t *testing.T) {
	for _, c := range []struct {
		in      string
		ok, int bool
	}{
		{"1", true, true}, {"1.0", true, true}, {"1e2", true, true}, {"1.5", true, false},
		{"-0.25e-1", true, false}, {"NaN", false, false}, {"Inf", false, false},
		{"+1", false, false}, {".5", false, false}, {"1.", false, false}, {"01", false, false},
		// Decided by the digits, not the nearest float64 (which is whole
		// for the first three).
		{"60.00000000000000000001", true, false}, {"59.99999999999999999999", true, false}, {"1e-400", true, false},
		{"100e-2", true, true}, {"150e-2", true, false}, {"1.5e1", true, true}, {"-0.0", true, true},
		{"0e-5", true, true}, {"1.2300e2", true, true}, {"1.2301e2", true, false}, {"1e400", true, false},
	} {
		_, ok := ParseFloat([]byte(c.in))
		if ok != c.ok {
			t.Errorf("ParseFloat(%q) ok = %v, want %v", c.in, ok, c.ok)
		}
		if c.ok && IsInteger([]byte(c.in)) != c.int {
			t.Errorf("IsInteger(%q) = %v, want %v", c.in, !c.int, c.int)
		}
	}
}

func TestMultipleOf(t *testing.T) {
	for _, c := range []struct {
		x, m float64
		want bool
	}{
		{10, 2, true}, {7, 2, false}, {0.3, 0.1, true}, {1e308, 0.5, true}, {-1e308, 0.5, true}, {1e308, 3, false}, {0.0075, 0.0001, true}, {4.5, 1.5, true}, {1, 0.3, false},
	} {
		if got := MultipleOf(c.x, c.m); got != c.want {
			t.Errorf("MultipleOf(%v, %v) = %v, want %v", c.x, c.m, got, c.want)
		}
	}
}

func TestAppendSegment(t *testing.T) {
	for in, want := range map[string]string{
		"abc":     "abc",
		"a b/c":   "a%20b%2Fc",
		"..":      "%2E%2E",
		".":       "%2E",
		"a.b":     "a.b",
		"x?y#z%":  "x%3Fy%23z%25",
		"ü":       "%C3%BC",
		"a:b@c=d": "a:b@c=d",
	} {
		if got := string(AppendSegment(nil, []byte(in))); got != want {
			t.Errorf("AppendSegment(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNext(t *testing.T) {
	var parts []string
	for rest, more := []byte("a,,b"), true; more; {
		var p []byte
		p, rest, more = Next(rest, ',')
		parts = append(parts, string(p))
	}
	if strings.Join(parts, "|") != "a||b" {
		t.Fatalf("parts = %q", parts)
	}
}

// FuzzParse checks the parameter parsers against the standard library.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"0", "-12", "1.5e3", "31.5", "-0.0", "01.5", "0.123456789012345", "1.", "9223372036854775808", "%41%zz", "a+b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := []byte(s)
		if n, ok := ParseInt(b); ok {
			if m, err := strconv.ParseInt(s, 10, 64); err != nil || m != n || strings.HasPrefix(s, "+") {
				t.Fatalf("ParseInt(%q) = %d; strconv says %d, %v", s, n, m, err)
			}
		}
		if x, ok := ParseFloat(b); ok {
			if y, err := strconv.ParseFloat(s, 64); (err != nil && !isRange(err)) || x != y || math.Signbit(x) != math.Signbit(y) {
				t.Fatalf("ParseFloat(%q) = %v; strconv says %v, %v", s, x, y, err)
			}
			if !IsNumber(b) {
				t.Fatalf("ParseFloat(%q) accepted what is not a JSON number", s)
			}
		}
		if x, ok := parseDecimal(b); ok {
			if y, err := strconv.ParseFloat(s, 64); err != nil || x != y || math.Signbit(x) != math.Signbit(y) || !IsNumber(b) {
				t.Fatalf("parseDecimal(%q) = %v; strconv says %v, %v", s, x, y, err)
			}
		}
		if out, ok := Unescape(b, false); ok {
			want, err := url.PathUnescape(s)
			if err != nil || want != string(out) {
				t.Fatalf("Unescape(%q) = %q; url.PathUnescape says %q, %v", s, out, want, err)
			}
		}
		seg := AppendSegment(nil, b)
		if back, err := url.PathUnescape(string(seg)); err != nil || back != s || strings.ContainsAny(string(seg), "/?#") {
			t.Fatalf("AppendSegment(%q) = %q does not round-trip", s, seg)
		}
	})
}

func BenchmarkParseInt(b *testing.B) {
	v := []byte("123456")
	b.ReportAllocs()
	for b.Loop() {
		ParseInt(v)
	}
}

func TestQueryRepeated(t *testing.T) {
	var q fasthttp.Args
	q.Parse("a=1&b=2&a=3&c")
	for _, c := range []struct {
		name              string
		v                 string
		present, repeated bool
	}{
		{"a", "1", true, true}, {"b", "2", true, false}, {"c", "", true, false}, {"d", "", false, false},
	} {
		v, present, repeated := Query(&q, c.name)
		if string(v) != c.v || present != c.present || repeated != c.repeated {
			t.Errorf("Query(%q) = %q, %v, %v; want %q, %v, %v", c.name, v, present, repeated, c.v, c.present, c.repeated)
		}
	}
}

func TestTrimOWS(t *testing.T) {
	for in, want := range map[string]string{" a ": "a", "\ta\t": "a", "a b": "a b", "  ": "", "": ""} {
		if got := string(TrimOWS([]byte(in))); got != want {
			t.Errorf("TrimOWS(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCookieRepeated(t *testing.T) {
	var h fasthttp.RequestHeader
	h.Set("Cookie", "a=1; b=2; a=3")
	for _, c := range []struct {
		name              string
		v                 string
		present, repeated bool
	}{
		{"a", "1", true, true}, {"b", "2", true, false}, {"c", "", false, false},
	} {
		v, present, repeated := Cookie(&h, c.name)
		if string(v) != c.v || present != c.present || repeated != c.repeated {
			t.Errorf("Cookie(%q) = %q, %v, %v; want %q, %v, %v", c.name, v, present, repeated, c.v, c.present, c.repeated)
		}
	}
}

// BenchmarkParseFloat parses a decimal fraction (the fast path) and a
// number with an exponent (strconv).
func BenchmarkParseFloat(b *testing.B) {
	for _, s := range []string{"31.5", "1.5e3"} {
		v := []byte(s)
		b.Run(s, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ParseFloat(v)
			}
		})
	}
}

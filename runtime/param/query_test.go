package param

import (
	"bytes"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNextPair(t *testing.T) {
	var got []string
	for rest := []byte("a=1&b&&c=x=y&=z"); len(rest) > 0; {
		var k, v []byte
		var eq bool
		k, v, eq, rest = NextPair(rest)
		s := string(k) + "|" + string(v)
		if eq {
			s += "|="
		}
		got = append(got, s)
	}
	want := []string{"a|1|=", "b|", "|", "c|x=y|=", "|z|="}
	if len(got) != len(want) {
		t.Fatalf("pairs = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("pair %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestKeyIs(t *testing.T) {
	for _, c := range []struct {
		raw, name string
		want      bool
	}{
		{"color", "color", true}, {"colo", "color", false}, {"colors", "color", false},
		{"c%6Flor", "color", true}, {"a+b", "a b", true}, {"a%20b", "a b", true},
		{"%zz", "%zz", true}, {"", "", true}, {"", "x", false}, {"%", "%", true},
	} {
		if got := KeyIs([]byte(c.raw), c.name); got != c.want {
			t.Errorf("KeyIs(%q, %q) = %v, want %v", c.raw, c.name, got, c.want)
		}
	}
}

func TestDeepKey(t *testing.T) {
	for _, c := range []struct {
		raw, name, prop string
		ok              bool
	}{
		{"color[R]", "color", "R", true},
		{"color%5BR%5D", "color", "R", true},
		{"color%5bG%5d", "color", "G", true},
		{"color[a%20b]", "color", "a%20b", true},
		{"color[]", "color", "", true},
		{"color[R]x", "color", "", false},
		{"color[R", "color", "", false},
		{"colour[R]", "color", "", false},
		{"color", "color", "", false},
		{"col", "color", "", false},
		{"colorR]", "color", "", false},
	} {
		prop, ok := DeepKey([]byte(c.raw), c.name)
		if ok != c.ok || string(prop) != c.prop {
			t.Errorf("DeepKey(%q, %q) = %q, %v; want %q, %v", c.raw, c.name, prop, ok, c.prop, c.ok)
		}
	}
}

func TestQueryRaw(t *testing.T) {
	qs := []byte("a=1&b=x%2Cy&a%62=2&c=3&c=4&d")
	for _, c := range []struct {
		name, v           string
		present, repeated bool
	}{
		{"a", "1", true, false}, {"b", "x%2Cy", true, false}, {"ab", "2", true, false},
		{"c", "3", true, true}, {"d", "", true, false}, {"e", "", false, false},
	} {
		v, present, repeated := QueryRaw(Split(nil, qs), c.name)
		if string(v) != c.v || present != c.present || repeated != c.repeated {
			t.Errorf("QueryRaw(%q) = %q, %v, %v; want %q, %v, %v", c.name, v, present, repeated, c.v, c.present, c.repeated)
		}
	}
}

func TestFound(t *testing.T) {
	var f Found
	if _, ok, _ := f.Get(); ok {
		t.Fatal("empty Found is present")
	}
	f.Add(&Pair{Value: []byte("1")})
	f.Add(&Pair{Value: []byte("2")})
	if v, ok, rep := f.Get(); string(v) != "1" || !ok || !rep {
		t.Fatalf("Get = %q, %v, %v; want the first value, present, repeated", v, ok, rep)
	}
	// Found's Reserved and Decode answer as the functions do on its value,
	// whether Split marked it clean or not.
	for _, qs := range []string{"a=x", "a=x%41", "a=x+y", "a=[x]", "a=%zz", "a=", "a", "a=%5B",
		"a=%FF", "a=abcdefgh\xff", "a=\xff", "a=ü", "a=abcdefghü&b=1"} {
		var f Found
		f.Add(&Split(nil, []byte(qs))[0])
		c, bad := f.Reserved()
		wc, wbad := Reserved(f.V, 0)
		d, _, ok := f.Decode(nil)
		wd, _, wok := Decode(nil, f.V, true)
		if c != wc || bad != wbad || string(d) != string(wd) || ok != wok {
			t.Errorf("%q: Found says %q %v %q %v, the functions %q %v %q %v", qs, c, bad, d, ok, wc, wbad, wd, wok)
		}
	}
	pairs := Split(nil, []byte("a%62=1&c+d=2&e=3"))
	for i, want := range []string{"ab", "c d", "e"} {
		if got := pairs[i].Name(nil); string(got) != want {
			t.Errorf("Name of %q = %q, want %q", pairs[i].Key, got, want)
		}
	}
}

func TestReserved(t *testing.T) {
	for _, c := range []struct {
		v     string
		sep   byte
		c     byte
		found bool
	}{
		{"abc", 0, 0, false}, {"a%2Fb", 0, 0, false}, {"a/b:c?d@e", 0, 0, false},
		{"a,b", ',', 0, false}, {"a[0]", 0, '[', true}, {"a|b]", '|', ']', true},
		{"it's(fine)*!", 0, 0, false}, {"a+b", 0, 0, false}, {"x=y", 0, 0, false},
	} {
		got, found := Reserved([]byte(c.v), c.sep)
		if got != c.c || found != c.found {
			t.Errorf("Reserved(%q, %q) = %q, %v; want %q, %v", c.v, c.sep, got, found, c.c, c.found)
		}
	}
}

func TestDecode(t *testing.T) {
	buf := make([]byte, 0, 64)
	for _, c := range []struct {
		in   string
		plus bool
		want string
		ok   bool
	}{
		{"plain", true, "plain", true}, {"a+b", true, "a b", true}, {"a+b", false, "a+b", true},
		{"a%2Cb", false, "a,b", true}, {"%C3%BC", true, "ü", true}, {"%zz", true, "", false}, {"%4", true, "", false},
		// Not UTF-8, escaped or raw: no character (was accepted, and
		// minLength counted %FF as one).
		{"%FF", true, "", false}, {"a%C3", false, "", false}, {"%ED%A0%80", true, "", false},
		{"\xff\xfe", false, "", false}, {"a\xc3", true, "", false}, {"ü", false, "ü", true},
	} {
		out, grown, ok := Decode(buf, []byte(c.in), c.plus)
		if ok != c.ok || (ok && string(out) != c.want) {
			t.Errorf("Decode(%q, %v) = %q, %v; want %q, %v", c.in, c.plus, out, ok, c.want, c.ok)
		}
		buf = grown
	}
	// Earlier results stay intact while the buffer grows.
	a, buf, _ := Decode(buf[:0], []byte("x%41"), false)
	b, _, _ := Decode(buf, []byte("y%42"), false)
	if string(a) != "xA" || string(b) != "yB" {
		t.Errorf("windows overlap: %q %q", a, b)
	}
}

func TestDecodeAllocs(t *testing.T) {
	buf := make([]byte, 0, 64)
	v := []byte("a%20b+c")
	if n := testing.AllocsPerRun(100, func() { _, _, _ = Decode(buf[:0], v, true) }); n != 0 {
		t.Errorf("Decode allocates %v times with room in buf", n)
	}
}

func TestAssigned(t *testing.T) {
	for _, c := range []struct {
		piece, name, v string
		ok             bool
	}{
		{"color=blue", "color", "blue", true}, {"color", "color", "", true}, {"color=", "color", "", true},
		{"colors=1", "color", "", false}, {"col", "color", "", false}, {"x=1", "color", "", false},
	} {
		v, ok := Assigned([]byte(c.piece), c.name)
		if string(v) != c.v || ok != c.ok {
			t.Errorf("Assigned(%q, %q) = %q, %v; want %q, %v", c.piece, c.name, v, ok, c.v, c.ok)
		}
	}
}

// FuzzQuery checks the raw query helpers against net/url on any input: a
// name KeyIs matches decodes to it, and Decode agrees with url.QueryUnescape
// where that gives UTF-8 and refuses where it does not.
func FuzzQuery(f *testing.F) {
	for _, s := range []string{"a=1&b=2", "color%5BR%5D=100&color[G]=200", "x=%zz&y=+", "a&&=&b=c=d", "%C3%BC=%E2%82%AC"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, qs []byte) {
		var buf []byte
		for rest := qs; len(rest) > 0; {
			var k, v []byte
			k, v, _, rest = NextPair(rest)
			if name, err := url.QueryUnescape(string(k)); err == nil && !KeyIs(k, name) {
				t.Fatalf("KeyIs(%q, %q) = false", k, name)
			}
			if prop, ok := DeepKey(k, "p"); ok && len(prop) > len(k) {
				t.Fatalf("DeepKey(%q) returned %q", k, prop)
			}
			var out []byte
			var ok bool
			out, buf, ok = Decode(buf, v, true)
			// Decode refuses, beside a malformed escape, what is not UTF-8
			// once decoded; net/url takes any bytes.
			want, err := url.QueryUnescape(string(v))
			if err == nil && !utf8.ValidString(want) {
				err = errors.New("not UTF-8")
			}
			if ok != (err == nil) || (ok && string(out) != want) {
				t.Fatalf("Decode(%q) = %q, %v; url.QueryUnescape = %q, %v", v, out, ok, want, err)
			}
			Reserved(v, ',')
		}
		// Split keeps every non-empty pair, in order, as NextPair cuts them.
		var want []Pair
		for rest := qs; len(rest) > 0; {
			var k, v []byte
			k, v, _, rest = NextPair(rest)
			if len(k) > 0 || len(v) > 0 {
				want = append(want, Pair{Key: k, Value: v})
			}
		}
		// The fast path of generated decoders (NameIs, AddValue) records
		// what ScanPair and Add record, wherever a plain name with '=' starts.
		for i := 0; i < len(qs); {
			start := i
			for start < len(qs) && qs[start] == '&' {
				start++
			}
			var p Pair
			next := ScanPair(qs, i, &p)
			if eq := start + len(p.Key); p.plain && len(p.Key) > 0 && eq < len(qs) && qs[eq] == '=' {
				var slow, fast Found
				slow.Add(&p)
				if n := fast.AddValue(qs, eq+1); n != next || string(fast.V) != string(slow.V) || fast.clean != slow.clean {
					t.Fatalf("AddValue(%q, %d) = %d %q clean=%v; ScanPair and Add: %d %q clean=%v", qs, eq+1, n, fast.V, fast.clean, next, slow.V, slow.clean)
				}
				// AddRaw records the same value without learning whether it
				// is clean, so Reserved and Decode read it and agree.
				var raw Found
				if n := raw.AddRaw(qs, eq+1); n != next || string(raw.V) != string(slow.V) || raw.clean {
					t.Fatalf("AddRaw(%q, %d) = %d %q clean=%v; ScanPair and Add: %d %q", qs, eq+1, n, raw.V, raw.clean, next, slow.V)
				}
				c1, bad1 := raw.Reserved()
				c2, bad2 := slow.Reserved()
				d1, _, ok1 := raw.Decode(nil)
				d2, _, ok2 := slow.Decode(nil)
				if c1 != c2 || bad1 != bad2 || ok1 != ok2 || string(d1) != string(d2) {
					t.Fatalf("%q: AddRaw's Reserved %q %v, Decode %q %v; Add's %q %v, %q %v", qs, c1, bad1, d1, ok1, c2, bad2, d2, ok2)
				}
			}
			i = next
		}
		got := Split(nil, qs)
		if len(got) != len(want) {
			t.Fatalf("Split(%q) has %d pairs, want %d", qs, len(got), len(want))
		}
		for i := range got {
			if name := got[i].Name(nil); !KeyIs(got[i].Key, string(name)) {
				t.Fatalf("Split(%q)[%d].Name() = %q, which KeyIs does not match", qs, i, name)
			}
			if plain := !bytes.ContainsAny(got[i].Key, "%+"); got[i].plain != plain {
				t.Fatalf("Split(%q)[%d]: plain = %v for key %q", qs, i, got[i].plain, got[i].Key)
			}
			// A byte above 0x7F needs Decode's UTF-8 check: not clean.
			if clean := !bytes.ContainsAny(got[i].Value, "%+[]") && !slices.ContainsFunc(got[i].Value, func(c byte) bool { return c >= utf8.RuneSelf }); got[i].clean != clean {
				t.Fatalf("Split(%q)[%d]: clean = %v for value %q", qs, i, got[i].clean, got[i].Value)
			}
			if string(got[i].Key) != string(want[i].Key) || string(got[i].Value) != string(want[i].Value) {
				t.Fatalf("Split(%q)[%d] = %q=%q, want %q=%q", qs, i, got[i].Key, got[i].Value, want[i].Key, want[i].Value)
			}
		}
	})
}

func TestNextDelim(t *testing.T) {
	for _, c := range []struct {
		in   string
		sep  byte
		want []string
	}{
		{"a%20b+c d", ' ', []string{"a", "b", "c", "d"}},
		{"a|b%7Cc%7cd%7", '|', []string{"a", "b", "c", "d%7"}},
		{"x", '|', []string{"x"}},
		{"a%2Cb", ' ', []string{"a%2Cb"}},
	} {
		var got []string
		for rest, more := []byte(c.in), true; more; {
			var part []byte
			part, rest, more = NextDelim(rest, c.sep)
			got = append(got, string(part))
		}
		if strings.Join(got, "/") != strings.Join(c.want, "/") {
			t.Errorf("NextDelim(%q, %q) = %q, want %q", c.in, c.sep, got, c.want)
		}
	}
}

func FuzzNextDelim(f *testing.F) {
	f.Add([]byte("a%20b+c"), byte(' '))
	f.Add([]byte("a|b%7Cc"), byte('|'))
	f.Fuzz(func(t *testing.T, b []byte, sep byte) {
		n := 0
		for rest, more := b, true; more; n++ {
			var part []byte
			part, rest, more = NextDelim(rest, sep)
			if len(part) > len(b) || n > len(b) {
				t.Fatalf("NextDelim(%q, %q) does not shrink", b, sep)
			}
		}
	})
}

// TestDeepMalformed: a key that begins as name's deepObject keys do but is
// not one is told apart from other parameters' keys and from good ones, and
// a nested one gives its first property.
func TestDeepMalformed(t *testing.T) {
	const broken = "\x00"
	for raw, want := range map[string]string{ // "" not malformed, broken: no property
		"deep[R]": "", "deep%5BR%5D": "", "deep[]": "", "deep": "", "deeper[R]": "", "other[R][x]": "", "dee": "",
		"deep[R][x]": "R", "deep%5BR%5D%5Bx%5D": "R", "deep[R%20S][x][y]": "R%20S", "deep[][x]": "",
		"deep[R": broken, "deep[R]x": broken, "deep[": broken, "deep[R]]": broken,
	} {
		prop, bad := DeepMalformed([]byte(raw), "deep")
		got := ""
		switch {
		case bad && prop == nil:
			got = broken
		case bad:
			got = string(prop)
		}
		if got != want || (raw == "deep[][x]") != (bad && prop != nil && len(prop) == 0) {
			t.Errorf("DeepMalformed(%q) = %q, %v; want %q", raw, prop, bad, want)
		}
	}
}

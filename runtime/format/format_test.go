package format

import (
	"math"
	"strings"
	"testing"
	"unicode"
)

type strCase struct {
	in   string
	want bool
}

func runStr(t *testing.T, name string, f func([]byte) bool, cases []strCase) {
	t.Helper()
	for _, c := range cases {
		if got := f([]byte(c.in)); got != c.want {
			t.Errorf("%s(%q) = %v, want %v", name, c.in, got, c.want)
		}
	}
}

// notUTF8 is appended to valid inputs to check that stray bytes are rejected.
const notUTF8 = "\xff"

func TestDateTime(t *testing.T) {
	runStr(t, "DateTime", DateTime, []strCase{
		{"2024-02-29T12:00:00Z", true},
		{"2024-02-29t12:00:00z", true},
		{"2023-02-29T12:00:00Z", false},
		{"2016-12-31T23:59:60Z", true},
		{"2017-01-01T00:59:60+01:00", true},
		{"2016-12-31T23:59:60+00:01", false},
		{"2024-01-01T00:00:00.1+14:00", true},
		{"2024-01-01T00:00:00.+14:00", false},
		{"2024-01-01T00:00:00", false},
		{"2024-01-01 00:00:00Z", false},
		{"2024-01-01T00:00:00Z" + notUTF8, false},
		{"2024-01-01T", false},
		{"", false},
	})
}

func TestDate(t *testing.T) {
	runStr(t, "Date", Date, []strCase{
		{"2000-02-29", true},
		{"1900-02-29", false},
		{"2024-12-31", true},
		{"2024-11-31", false},
		{"0000-01-01", true},
		{"9999-12-31", true},
		{"2024-1-01", false},
		{"2024-01-01\xff", false},
		{"2024\xff01-01", false},
	})
}

func TestTime(t *testing.T) {
	runStr(t, "Time", Time, []strCase{
		{"00:00:00Z", true},
		{"23:59:59.999999999-23:59", true},
		{"23:59:60Z", true},
		{"23:59:60z", true},
		{"00:59:60+01:00", true},
		{"12:00:60Z", false},
		{"12:00:00+2400", false},
		{"12:00:00+24:00", false},
		{"12:00:00Zz", false},
		{"12:00:00.Z", false},
		{"12:00:00.5", false},
		{"12:00:00", false},
		{"12:00:00+", false},
		{"1:00:00Z", false},
	})
}

func TestDuration(t *testing.T) {
	runStr(t, "Duration", Duration, []strCase{
		{"P1Y", true},
		{"P1Y2M3DT4H5M6S", true},
		{"P1M", true},
		{"PT1M", true},
		{"P1W", true},
		{"P1DT1S", true},
		{"PT1H1M", true},
		{"PT1S", true},
		{"P1Y2M3D", true},
		{"P", false},
		{"PT", false},
		{"P1", false},
		{"PT1", false},
		{"P1YT", false},
		{"P1Y1Y", false},
		{"P1M1Y", false},
		{"P1W1D", false},
		{"P1DT1H1H", false},
		{"PT1S1M", false},
		{"P1DT", false},
		{"P1DTT1H", false},
		{"p1D", false},
		{"P1d", false},
		{"PT1.5S", false},
		{"P1D\xff", false},
	})
}

func TestEmail(t *testing.T) {
	runStr(t, "Email", Email, []strCase{
		{"a@b", true},
		{"first.last+tag@sub.example.org", true},
		{"!#$%&'*+-/=?^_`{|}~@example.com", true},
		{`"quoted\"pair"@example.com`, true},
		{`"a\ b"@example.com`, true},
		{`""@example.com`, true},
		{`"unterminated@example.com`, false},
		{`"ctl` + "\x01" + `"@example.com`, false},
		{`"bad\` + "\x7f" + `"@example.com`, false},
		{"a@[IPv6:2001:db8::1]", true},
		{"a@[ipv6:::1]", true},
		{"a@[IPv6:1.2.3.4]", false},
		{"a@[1.2.3.4", false},
		{"a@[tag:xyz]", false},
		{"a@-example.com", false},
		{"a@example..com", false},
		{"a@xn--X.com", false},
		{"a@b@c", false},
		{"a.@b", false},
		{strings.Repeat("a", 64) + "@b", true},
		{strings.Repeat("a", 65) + "@b", false},
		{"a@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 63) + "." + strings.Repeat("e", 60), true},
		{"a@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 63) + "." + strings.Repeat("e", 61), false},
		{"é@example.com", false},
		{"a@example.com" + notUTF8, false},
	})
}

func TestHostname(t *testing.T) {
	label63 := strings.Repeat("a", 63)
	name253 := label63 + "." + label63 + "." + label63 + "." + strings.Repeat("a", 61)
	runStr(t, "Hostname", Hostname, []strCase{
		{"a", true},
		{"A-1.example", true},
		{"1.2.3.4", true},
		{name253, true},
		{name253 + "a", false},
		{label63, true},
		{label63 + "a", false},
		{"a..b", false},
		{"a.", false},
		{"a.-b", false},
		{"r3---sn-abc.example", true},
		{"ab--cd", true},
		{"xn--", false},
		{"xn--ls8h", false},               // U+1F4A9 is So: not a letter or digit
		{"xn--bcher-kva.example", true},   // bücher
		{"XN--BCHER-KVA.example", true},   // case-insensitive A-label
		{"xn--bcher-kva-", false},         // trailing hyphen
		{"xn--abc-", false},               // trailing hyphen
		{"xn--abc", false},                // decodes to nothing sensible
		{"xn--bcher-99999999999a", false}, // overflow
		{"xn--mnchen-3ya", true},          // münchen
		{"xn--Mnchen-3ya", true},          // basic code points compare case-insensitively
		{"xn--zz", false},
		{"xn---9ca", false}, // delimiter with no basic code points before it
		{"xn--ab", false},
		{"xn--n3h", false}, // U+2603 SNOWMAN: a symbol
		{"xn--wgv71a", true},
		{"example\xff.com", false},
	})
}

func TestIPv4(t *testing.T) {
	runStr(t, "IPv4", IPv4, []strCase{
		{"1.2.3.4", true},
		{"255.255.255.255", true},
		{"0.0.0.0", true},
		{"1.2.3.04", false},
		{"1.2.3.1000", false},
		{"1.2.3.", false},
		{"1.2.3.4.", false},
		{"1.2.3", false},
		{"1.2.3.4\xff", false},
		{"", false},
	})
}

func TestIPv6(t *testing.T) {
	runStr(t, "IPv6", IPv6, []strCase{
		{"::", true},
		{"::1", true},
		{"1::", true},
		{"1:2:3:4:5:6:7:8", true},
		{"1:2:3:4:5:6:7::", true},
		{"::2:3:4:5:6:7:8", true},
		{"1:2:3:4:5:6::8", true},
		{"ABCD:ef01::", true},
		{"::1.2.3.4", true},
		{"1:2:3:4:5:6:1.2.3.4", true},
		{"1:2:3:4:5::1.2.3.4", true},
		{"1:2:3:4:5:6:7:1.2.3.4", false},
		{"1:2:3:4:5:6:7:8:9", false},
		{"1:2:3:4:5:6:7:8::", false},
		{"::1:2:3:4:5:6:7:8", false},
		{"1::2::3", false},
		{":::", false},
		{":", false},
		{"1:", false},
		{"1.2.3.4::", false},
		{"::1.2.3.4:1", false},
		{"00000::", false},
		{"", false},
		{"::1\xff", false},
	})
}

func TestURI(t *testing.T) {
	runStr(t, "URI", URI, []strCase{
		{"http://example.com", true},
		{"http://u:p@example.com:8080/p/a/t/h?q=1&r=2#frag/?", true},
		{"http://example.com:", true},
		{"http://[v1.fe:80]/", true},
		{"http://[vz.x]/", false},
		{"http://[v1.]/", false},
		{"http://[::1]:80/", true},
		{"http://[::1]x/", false},
		{"http://[::1/", false},
		{"http://%41bc/", true},
		{"http://a b/", false},
		{"http://a/%zz", false},
		{"http://a/?%", false},
		{"http://a/#%4", false},
		{"http://a/##", false},
		{"http://a/?q#f?/:@", true},
		{"a+b-c.d:", true},
		{"urn:x", true},
		{"file:///etc", true},
		{"x:/a//b", true},
		{"x://", true},
		{"", false},
		{":", false},
		{"a", false},
		{"http://a/é", false},
		{"http://a/\xff", false},
	})
}

func TestURIReference(t *testing.T) {
	runStr(t, "URIReference", URIReference, []strCase{
		{"", true},
		{"a", true},
		{"a/b:c", true},
		{"a:b", true},
		{"1:b", false},
		{"./1:b", true},
		{"/a:b", true},
		{"?", true},
		{"#", true},
		{"//a", true},
		{"//a:1", true},
		{"//a:1x", false},
		{"//[::1]", true},
		{"/[", false},
		{"%", false},
		{"%41", true},
		{"a b", false},
		{"\xff", false},
	})
}

func TestUUID(t *testing.T) {
	runStr(t, "UUID", UUID, []strCase{
		{"123e4567-e89b-12d3-a456-426614174000", true},
		{"123E4567-E89B-12D3-A456-426614174000", true},
		{"123e4567e89b-12d3-a456-4266141740000", false},
		{"123e4567-e89b-12d3-a456-42661417400g", false},
		{"{123e4567-e89b-12d3-a456-426614174000}", false},
		{"123e4567-e89b-12d3-a456-42661417400\xff", false},
		{"", false},
	})
}

func TestByte(t *testing.T) {
	runStr(t, "Byte", Byte, []strCase{
		{"", true},
		{"Zg==", true},
		{"Zm8=", true},
		{"Zm9v", true},
		{"Zm9vYmFy+/==", true},
		{"Zg=", false},
		{"Zg", false},
		{"Z===", false},
		{"====", false},
		{"Zg==Zg==", false},
		{"Zm9v\n", false},
		{"Zm-_", false},
		{"Zm9\xff", false},
	})
}

func TestRegex(t *testing.T) {
	runStr(t, "Regex", Regex, []strCase{
		{"", true},
		{`^[a-z]+\d{2,3}$`, true},
		{`(?<year>\d{4})`, true},
		{`a{2,1}`, false},
		{`(`, false},
		{`[`, false},
		{`\`, false},
		{"a\xff", false},
		// The JSON Schema suite's cases.
		{`([abc])+\s+$`, true},
		{`^(abc]`, false},
		// Annex B: braces that quantify nothing, lone ], escaped letters.
		{`a{`, true},
		{`{foo}`, true},
		{`a{1,x}`, true},
		{`]`, true},
		{`\a\-\q`, true},
		{`\cA\x41\u0041\u{1F600}\0\1`, true},
		{`[\d-z]`, true},
		{`[a-]`, true},
		{`[-a]`, true},
		{`[^]`, true},
		{`[]`, true},
		{`\p{Letter}\P{Script=Greek}`, true},
		{`(?=a)*b`, true},
		{`(?<!a)b|(?<=c)d`, true},
		{`(?:a|b)+?c??d*?e{2}?`, true},
		{`(?<a>x)\k<a>`, true},
		{`\k<a>`, true}, // no named groups: \k is a literal k
		// Rejected by every engine.
		{`*a`, false},
		{`a**`, false},
		{`a|*`, false},
		{`(*)`, false},
		{`^*`, false},
		{`\b+`, false},
		{`a{1}{2}`, false},
		{`a)`, false},
		{`(a`, false},
		{`(?i)a`, false},
		{`(?P<n>a)`, false},
		{`(?<1a>x)`, false},
		{`(?<>x)`, false},
		{`(?<a>x)(?<a>y)`, false},
		{`(?<a>x)\k<b>`, false},
		{`(?<a>x)\k`, false},
		{`[z-a]`, false},
		{`[\u0062-\u0061]`, false},
		{`[a`, false},
		{`[\]`, false},
	})
}

func TestInts(t *testing.T) {
	for _, c := range []struct {
		f        float64
		i32, i64 bool
	}{
		{0, true, true},
		{-0.0, true, true},
		{1.5, false, false},
		{math.MaxInt32, true, true},
		{math.MaxInt32 + 1, false, true},
		{math.MinInt32, true, true},
		{math.MinInt32 - 1, false, true},
		{1 << 53, false, true},
		{-(1 << 63), false, true},
		{1 << 63, false, false},
		{math.Nextafter(1<<63, 0), false, true},
		{math.Nextafter(-(1 << 63), math.Inf(-1)), false, false},
		{math.NaN(), false, false},
		{math.Inf(1), false, false},
		{math.Inf(-1), false, false},
	} {
		if got := Int32(c.f); got != c.i32 {
			t.Errorf("Int32(%v) = %v, want %v", c.f, got, c.i32)
		}
		if got := Int64(c.f); got != c.i64 {
			t.Errorf("Int64(%v) = %v, want %v", c.f, got, c.i64)
		}
	}
}

func TestKnown(t *testing.T) {
	for name := range checkers {
		if !Known[name] {
			t.Errorf("checker %q not in Known", name)
		}
	}
	for _, name := range []string{"int32", "int64", "float", "double"} {
		if !Known[name] {
			t.Errorf("%q not in Known", name)
		}
	}
	if len(Known) != len(checkers)+4 {
		t.Errorf("Known has %d names, want %d", len(Known), len(checkers)+4)
	}
}

func TestIDNATablesCurrent(t *testing.T) {
	if idnaUnicodeVersion != unicode.Version {
		t.Errorf("idnaPValid is from Unicode %s but package unicode is %s: run go generate ./runtime/format/", idnaUnicodeVersion, unicode.Version)
	}
	// Spot checks of the derivation (RFC 5892 §3).
	for r, want := range map[rune]bool{
		0x00E9:  true,  // é
		0x00C9:  false, // É: not stable under case folding
		0x017F:  false, // ſ: NFKC gives s
		0x00AA:  false, // ª: NFKC gives a
		0x02B0:  false, // ʰ: NFKC gives h
		0xFB01:  false, // ﬁ ligature
		0x0915:  true,  // क
		0x094D:  true,  // virama, Mn
		0x1100:  false, // old Hangul jamo
		0xAC00:  true,  // 가
		0x2603:  false, // ☃ symbol
		0xFE0F:  false, // variation selector
		0x20DD:  false, // combining enclosing circle (ignorable block)
		0x1F4A9: false,
		0x20000: true, // CJK extension B
	} {
		if got := unicode.Is(idnaPValid, r); got != want {
			t.Errorf("idnaPValid(%U) = %v, want %v", r, got, want)
		}
	}
}

func TestHostnameBidi(t *testing.T) {
	runStr(t, "Hostname", Hostname, []strCase{
		{"xn--4gbwdl.xn--wgbh1c", true}, // Arabic labels
		{"xn--4dbc5h", true},            // Hebrew
		{"xn--0-zhc", true},             // U+05D0 "0": R then EN
		{"xn--ngb6i", true},             // U+0628 U+0660: AL then AN
		{"xn--a-0hc", false},            // "a" U+05D0: R in an LTR label
		{"xn--0-0hc", false},            // "0" U+05D0: an RTL label must start with R or AL
		{"xn--a-zhc", false},            // U+05D0 "a": L in an RTL label
		{"xn--ngb6iyr", false},          // U+0628 U+0660 U+06F0: AN with EN
	})
}

func TestHostnameNFC(t *testing.T) {
	runStr(t, "Hostname", Hostname, []strCase{
		{"xn--9ca", true},      // é
		{"xn--e-xbb", false},   // e U+0301: NFC composes it to é
		{"xn--yda61i", false},  // ā U+0328: NFC gives ą U+0304
		{"xn--8ca27y", true},   // è U+064B: reordered and recomposed unchanged
		{"xn--a-xbb5h", false}, // a U+0323 U+0301: composes
		{"xn--a-xbb6h", false}, // a U+0301 U+0323: marks out of canonical order
		{"xn--9ca035v", true},  // é U+3099: nothing composes
	})
}

func TestTables(t *testing.T) {
	for name, tab := range map[string]*unicode.RangeTable{
		"rightJoining": rightJoining, "idnaPValid": idnaPValid, "bidiRTL": bidiRTL,
		"bidiAN": bidiAN, "bidiEN": bidiEN, "bidiNSM": bidiNSM, "bidiNeutral": bidiNeutral, "nfcMaybe": nfcMaybe,
	} {
		last := rune(-1)
		for _, r := range tab.R16 {
			if rune(r.Lo) <= last || r.Hi < r.Lo || r.Stride == 0 || (r.Hi-r.Lo)%r.Stride != 0 {
				t.Errorf("%s: bad or unsorted range %+v", name, r)
			}
			last = rune(r.Hi)
		}
		for _, r := range tab.R32 {
			if rune(r.Lo) <= last || r.Hi < r.Lo || r.Stride == 0 || (r.Hi-r.Lo)%r.Stride != 0 {
				t.Errorf("%s: bad or unsorted range %+v", name, r)
			}
			last = rune(r.Hi)
		}
	}
	for i := 1; i < len(nfcCCC); i++ {
		if nfcCCC[i].lo <= nfcCCC[i-1].hi {
			t.Errorf("nfcCCC unsorted at %d", i)
		}
	}
	for i := 1; i < len(nfcPairs); i++ {
		if nfcPairs[i] <= nfcPairs[i-1] {
			t.Errorf("nfcPairs unsorted at %d", i)
		}
	}
	// The joiner rules find viramas by combining class.
	for _, r := range []rune{0x094D, 0x0D4D, 0x11046, 0x11F41} {
		if combiningClass(r) != cccVirama {
			t.Errorf("%U: class %d, want %d", r, combiningClass(r), cccVirama)
		}
	}
}

// TestIntNumbers: the int32 and int64 formats of a JSON number, judged on
// the decimal it spells. The float64 path (Int64) refused the largest
// int64, which rounds to 2^63, and passed one below the smallest, which
// rounds to -2^63.
func TestIntNumbers(t *testing.T) {
	for _, c := range []struct {
		n        string
		i32, i64 bool
	}{
		{"0", true, true},
		{"-0", true, true},
		{"0.0e5", true, true},
		{"1.5", false, false},
		{"1.50e1", true, true},
		{"15e-1", false, false},
		{"2147483647", true, true},
		{"2147483648", false, true},
		{"-2147483648", true, true},
		{"-2147483649", false, true},
		{"2147483647.0000000001", false, false},
		{"2.147483647e9", true, true},
		{"2.147483648e9", false, true},
		{"9223372036854775807", false, true},
		{"9223372036854775808", false, false},
		{"-9223372036854775808", false, true},
		{"-9223372036854775809", false, false},
		{"9223372036854775800", false, true},
		{"922337203685477580.7e1", false, true},
		{"922337203685477580.8e1", false, false},
		{"9.22337203685477e18", false, true},
		{"9.3e18", false, false},
		{"1e18", false, true},
		{"1e19", false, false},
		{"1e400", false, false},
		{"-1e400", false, false},
		{"1e-400", false, false},
		{"00012", true, true},
		{"", false, false},
		{"-", false, false},
		{"1x", false, false},
	} {
		if got := Int32Number([]byte(c.n)); got != c.i32 {
			t.Errorf("Int32Number(%s) = %v, want %v", c.n, got, c.i32)
		}
		if got := Int64Number([]byte(c.n)); got != c.i64 {
			t.Errorf("Int64Number(%s) = %v, want %v", c.n, got, c.i64)
		}
	}
}

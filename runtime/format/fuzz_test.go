package format

import (
	"bytes"
	"encoding/base64"
	"net/netip"
	"os"
	"testing"
	"unicode/utf8"
)

// FuzzFormats feeds arbitrary bytes to every checker: none may panic, and
// the ASCII-only checkers must reject anything that is not ASCII (in
// particular, anything that is not UTF-8). The corpus is seeded with the
// strings of the JSON Schema Test Suite when it is checked out.
func FuzzFormats(f *testing.F) {
	if _, err := os.Stat(suiteDir); err == nil {
		for _, c := range loadSuite(f) {
			f.Add([]byte(c.data))
		}
	}
	for _, s := range []string{"", "xn--", "P1W", "::", "a@b", "http://[::1]:80/", "Zg==", "("} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ascii := true
		for _, c := range b {
			if c >= 0x80 {
				ascii = false
			}
		}
		for name, check := range checkers {
			ok := check(b)
			if ok && !ascii && name != "regex" {
				t.Errorf("%s accepted non-ASCII %q", name, b)
			}
			if ok && name == "regex" && !utf8.Valid(b) {
				t.Errorf("regex accepted non-UTF-8 %q", b)
			}
		}
		// Differential checks against the standard library where it
		// implements the same grammar: net/netip (minus its zones) and
		// encoding/base64 (minus its skipping of CR and LF).
		addr, err := netip.ParseAddr(string(b))
		if want := err == nil && addr.Is4(); IPv4(b) != want {
			t.Errorf("IPv4(%q) = %v, netip says %v", b, !want, want)
		}
		if want := err == nil && !addr.Is4() && addr.Zone() == ""; IPv6(b) != want && !bytes.Contains(b, []byte("%")) {
			t.Errorf("IPv6(%q) = %v, netip says %v", b, !want, want)
		}
		if !bytes.ContainsAny(b, "\r\n") {
			_, err := base64.StdEncoding.DecodeString(string(b))
			if want := err == nil; Byte(b) != want {
				t.Errorf("Byte(%q) = %v, encoding/base64 says %v", b, !want, want)
			}
		}
		// Cross-checks between formats.
		if DateTime(b) && !Date(b[:10]) {
			t.Errorf("DateTime(%q) without a Date", b)
		}
		if URI(b) && !URIReference(b) {
			t.Errorf("URI(%q) but not URIReference", b)
		}
	})
}

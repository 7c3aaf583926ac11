package format

import (
	"encoding/base64"
	"math/rand/v2"
	"net/netip"
	"testing"
)

// TestIPDifferential compares IPv4 and IPv6 with net/netip on random
// sequences of address tokens, which uniform fuzzing rarely turns into
// addresses.
func TestIPDifferential(t *testing.T) {
	tokens := []string{
		"0", "1", "9", "00", "01", "010", "7f", "ffff", "FFFF", "abcd", "12345", "g",
		"25", "99", "192", "255", "256", "300", "1.2.3.4", "0.0.0.0", "255.255.255.255", "1.2.3",
		":", ":", ":", "::", ".", ".", ".", " ", "%",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 0, 64)
	n := 200000
	if testing.Short() {
		n = 20000
	}
	var valid4, valid6 int
	for range n {
		buf = buf[:0]
		for range 1 + rng.IntN(16) {
			buf = append(buf, tokens[rng.IntN(len(tokens))]...)
		}
		addr, err := netip.ParseAddr(string(buf))
		want4 := err == nil && addr.Is4()
		want6 := err == nil && !addr.Is4() && addr.Zone() == ""
		if got := IPv4(buf); got != want4 {
			t.Errorf("IPv4(%q) = %v, netip says %v", buf, got, want4)
		}
		if got := IPv6(buf); got != want6 {
			t.Errorf("IPv6(%q) = %v, netip says %v", buf, got, want6)
		}
		if want4 {
			valid4++
		}
		if want6 {
			valid6++
		}
	}
	t.Logf("%d strings, %d IPv4 and %d IPv6 addresses among them", n, valid4, valid6)
}

// TestByteDifferential compares Byte with encoding/base64 on random strings
// over the base64 alphabet, padding and a few strays.
func TestByteDifferential(t *testing.T) {
	const alphabet = "ABCXYZabcxyz0189+/====-_ "
	rng := rand.New(rand.NewPCG(3, 4))
	buf := make([]byte, 0, 16)
	for range 100000 {
		buf = buf[:0]
		for range rng.IntN(13) {
			buf = append(buf, alphabet[rng.IntN(len(alphabet))])
		}
		_, err := base64.StdEncoding.DecodeString(string(buf))
		if got, want := Byte(buf), err == nil; got != want {
			t.Errorf("Byte(%q) = %v, encoding/base64 says %v", buf, got, want)
		}
	}
}

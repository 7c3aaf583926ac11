package format

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// abnfURI and abnfURIRef transcribe the ABNF of RFC 3986 Appendix A into
// regular expressions, as an independent oracle for URI and URIReference.
var abnfURI, abnfURIRef = func() (*regexp.Regexp, *regexp.Regexp) {
	const (
		unreserved   = `[A-Za-z0-9\-._~]`
		pct          = `%[0-9A-Fa-f]{2}`
		subDelims    = `[!$&'()*+,;=]`
		pchar        = `(?:` + unreserved + `|` + pct + `|` + subDelims + `|[:@])`
		segment      = pchar + `*`
		segmentNZ    = pchar + `+`
		segNZNC      = `(?:` + unreserved + `|` + pct + `|` + subDelims + `|@)+`
		pathAbempty  = `(?:/` + segment + `)*`
		pathAbsolute = `/(?:` + segmentNZ + `(?:/` + segment + `)*)?`
		pathNoscheme = segNZNC + `(?:/` + segment + `)*`
		pathRootless = segmentNZ + `(?:/` + segment + `)*`
		decOctet     = `(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9][0-9]|[0-9])`
		ipv4         = decOctet + `\.` + decOctet + `\.` + decOctet + `\.` + decOctet
		h16          = `[0-9A-Fa-f]{1,4}`
		ls32         = `(?:` + h16 + `:` + h16 + `|` + ipv4 + `)`
	)
	rep := func(n int) string { return fmt.Sprintf(`(?:%s:){%d}`, h16, n) }
	upto := func(n int) string { return fmt.Sprintf(`(?:(?:%s:){0,%d}%s)?`, h16, n, h16) }
	ipv6 := `(?:` + strings.Join([]string{
		rep(6) + ls32,
		`::` + rep(5) + ls32,
		`(?:` + h16 + `)?::` + rep(4) + ls32,
		upto(1) + `::` + rep(3) + ls32,
		upto(2) + `::` + rep(2) + ls32,
		upto(3) + `::` + h16 + `:` + ls32,
		upto(4) + `::` + ls32,
		upto(5) + `::` + h16,
		upto(6) + `::`,
	}, `|`) + `)`
	ipvFuture := `[vV][0-9A-Fa-f]+\.(?:` + unreserved + `|` + subDelims + `|:)+`
	host := `(?:\[(?:` + ipv6 + `|` + ipvFuture + `)\]|` + ipv4 + `|(?:` + unreserved + `|` + pct + `|` + subDelims + `)*)`
	authority := `(?:(?:` + unreserved + `|` + pct + `|` + subDelims + `|:)*@)?` + host + `(?::[0-9]*)?`
	query := `(?:` + pchar + `|[/?])*`
	tail := `(?:\?` + query + `)?(?:#` + query + `)?`
	uri := `[A-Za-z][A-Za-z0-9+\-.]*:(?://` + authority + pathAbempty + `|` + pathAbsolute + `|` + pathRootless + `|)` + tail
	rel := `(?://` + authority + pathAbempty + `|` + pathAbsolute + `|` + pathNoscheme + `|)` + tail
	return regexp.MustCompile(`^` + uri + `$`), regexp.MustCompile(`^(?:` + uri + `|` + rel + `)$`)
}()

// TestURIAgainstABNF compares URI and URIReference with the ABNF oracle on
// random sequences of URI tokens.
func TestURIAgainstABNF(t *testing.T) {
	tokens := []string{
		"http", ":", "//", "/", "?", "#", "@", "[", "]", "::1", "::", "v1.x", "vF.:", "v.x",
		"%41", "%4", "%", "%zz", ".", "-", "+", " ", `\`, "1.2.3.4", "01.2.3.4", "example.com",
		":80", ":8a", "!", "'", "[::ffff:1.2.3.4]", "[::ffff:01.2.3.4]", "a", "1", "x:y", "..",
		"~", "_", "é", `"`, "{", "|", "1:2:3:4:5:6:7:8", "fe80::1%25eth0",
	}
	rng := rand.New(rand.NewPCG(5, 6))
	n := 50000
	if testing.Short() {
		n = 5000
	}
	var uris, refs int
	var sb strings.Builder
	for range n {
		sb.Reset()
		for range rng.IntN(9) {
			sb.WriteString(tokens[rng.IntN(len(tokens))])
		}
		s := sb.String()
		wantURI, wantRef := abnfURI.MatchString(s), abnfURIRef.MatchString(s)
		if got := URI([]byte(s)); got != wantURI {
			t.Errorf("URI(%q) = %v, ABNF says %v", s, got, wantURI)
		}
		if got := URIReference([]byte(s)); got != wantRef {
			t.Errorf("URIReference(%q) = %v, ABNF says %v", s, got, wantRef)
		}
		if wantURI {
			uris++
		}
		if wantRef {
			refs++
		}
	}
	t.Logf("%d strings: %d URIs, %d URI references", n, uris, refs)
}

// FuzzURI compares URI and URIReference with the ABNF oracle on arbitrary
// bytes.
func FuzzURI(f *testing.F) {
	for _, s := range []string{"http://a/b?c#d", "//u@[::1]:80/p", "a:%4", "./1:b", "?#", "x:/%41?%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := URI([]byte(s)), abnfURI.MatchString(s); got != want {
			t.Errorf("URI(%q) = %v, ABNF says %v", s, got, want)
		}
		if got, want := URIReference([]byte(s)), abnfURIRef.MatchString(s); got != want {
			t.Errorf("URIReference(%q) = %v, ABNF says %v", s, got, want)
		}
	})
}

package format

import (
	"strings"
	"testing"
)

func benchFormat(b *testing.B, f func([]byte) bool, in string) {
	buf := []byte(in)
	b.ReportAllocs()
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		if !f(buf) {
			b.Fatalf("%q rejected", in)
		}
	}
}

func BenchmarkDateTime(b *testing.B) {
	benchFormat(b, DateTime, "1998-12-31T15:59:60.123-08:00")
}

func BenchmarkEmail(b *testing.B) {
	benchFormat(b, Email, "first.last+tag@mail.sub.example.org")
}

func BenchmarkURI(b *testing.B) {
	benchFormat(b, URI, "https://user@api.example.com:8443/v1/pets/42?fields=name,tag&limit=10#top")
}

func BenchmarkUUID(b *testing.B) {
	benchFormat(b, UUID, "2eb8aa08-aa98-11ea-b4aa-73b441d16380")
}

func BenchmarkHostnameALabel(b *testing.B) {
	benchFormat(b, Hostname, "xn--bcher-kva.xn--9n2bp8q.example")
}

// BenchmarkRegex checks a pattern's syntax; a named group costs a map.
func BenchmarkRegex(b *testing.B) {
	benchFormat(b, Regex, `^([a-z0-9._%+-]+)@([a-z0-9-]+\.)+[a-z]{2,}$`)
}

// BenchmarkRegexNested is a pattern nested a million deep, which a regexp
// compiler takes seconds over: the check stays linear.
func BenchmarkRegexNested(b *testing.B) {
	benchFormat(b, Regex, strings.Repeat("(", 1<<20)+strings.Repeat(")", 1<<20))
}

// BenchmarkURIHostPath is the common shape of URLs in API payloads: a
// bare host name and a path.
func BenchmarkURIHostPath(b *testing.B) {
	benchFormat(b, URI, "https://api.github.com/repos/octo-org/hello-world/issues/1347/comments")
}

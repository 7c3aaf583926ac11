package jsonv

import (
	"bytes"
	"os"
	"testing"
)

// benchWalk reads body with Skip, which checks every string, number and
// bracket the way a validator walking the document does.
func benchWalk(b *testing.B, body []byte) {
	var it Iter
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		it.Reset(body)
		it.Skip()
		it.End()
		if it.Failed() {
			b.Fatal(it.Err())
		}
	}
}

// BenchmarkSkipIssue walks a 10 KB GitHub-style issue: many short keys and
// URLs, a few long strings.
func BenchmarkSkipIssue(b *testing.B) {
	body, err := os.ReadFile("testdata/issue.json")
	if err != nil {
		b.Fatal(err)
	}
	benchWalk(b, bytes.TrimSpace(body))
}

// BenchmarkStringShort reads strings of a few bytes, the common case of
// keys and enum values.
func BenchmarkStringShort(b *testing.B) {
	benchWalk(b, []byte(`["dog","good","brown","medium","friendly","house","a","available"]`))
}

// BenchmarkStringLong reads one long plain string.
func BenchmarkStringLong(b *testing.B) {
	benchWalk(b, []byte(`"`+string(bytes.Repeat([]byte("Likes long walks on the heath. "), 32))+`"`))
}

package param

import (
	"math/rand/v2"
	"testing"
)

// benchQuery is a typical list query: nine short typed parameters.
var benchQuery = []byte("filter=assigned&state=open&labels=bug,area:router&sort=updated&direction=asc&since=2024-01-02T03:04:05Z&per_page=50&page=2&pulls=true")

func BenchmarkSplit(b *testing.B) {
	var pairs []Pair
	b.ReportAllocs()
	b.SetBytes(int64(len(benchQuery)))
	for b.Loop() {
		pairs = Split(pairs[:0], benchQuery)
	}
	if len(pairs) != 9 {
		b.Fatalf("%d pairs", len(pairs))
	}
}

// BenchmarkDecodeValues runs what a generated decoder does to each value
// of benchQuery before its type's checks: the reserved-character check and
// percent-decoding.
func BenchmarkDecodeValues(b *testing.B) {
	pairs := Split(nil, benchQuery)
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = buf[:0]
		for i := range pairs {
			if _, bad := Reserved(pairs[i].Value, 0); bad {
				b.Fatal("reserved")
			}
			var ok bool
			if _, buf, ok = Decode(buf, pairs[i].Value, true); !ok {
				b.Fatal("decode")
			}
		}
	}
}

// BenchmarkSplitVaried splits a different query each time, so that the
// branch predictor cannot learn where the pieces of one query end.
func BenchmarkSplitVaried(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	var queries [][]byte
	total := 0
	for range 64 {
		var q []byte
		for j := range 2 + r.IntN(9) {
			if j > 0 {
				q = append(q, '&')
			}
			for range 2 + r.IntN(8) {
				q = append(q, byte('a'+r.IntN(26)))
			}
			q = append(q, '=')
			for range r.IntN(24) {
				q = append(q, "abcdefghij0123456789-:,."[r.IntN(24)])
			}
		}
		queries = append(queries, q)
		total += len(q)
	}
	var pairs []Pair
	b.ReportAllocs()
	b.SetBytes(int64(total / len(queries)))
	i := 0
	for b.Loop() {
		pairs = Split(pairs[:0], queries[i%len(queries)])
		i++
	}
}

// BenchmarkScanPair is the pass of a decoder whose query parameters are
// all single-valued: the pairs are read and not kept.
func BenchmarkScanPair(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchQuery)))
	n := 0
	for b.Loop() {
		var p Pair
		for i := 0; i < len(benchQuery); {
			i = ScanPair(benchQuery, i, &p)
			n += len(p.Value)
		}
	}
	_ = n
}

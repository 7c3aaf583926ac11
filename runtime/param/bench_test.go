package param

import "testing"

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

package ratelimit

import (
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkMemoryTake is one check of one key in the memory store, over
// 10,000 client keys.
func BenchmarkMemoryTake(b *testing.B) {
	m := NewMemory(0)
	l := Limit{Count: 1 << 30, Period: time.Second}
	keys := make([][]byte, 10_000)
	for i := range keys {
		keys[i] = []byte("gatewaygen:rl:petstore:listPets:burst:ip=10.0." + strconv.Itoa(i))
	}
	b.Run("serial", func(b *testing.B) {
		cs := []Check{check(l, "")}
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			cs[0].Key = keys[i%len(keys)]
			_ = m.Take(cs, int64(i))
		}
	})
	b.Run("parallel", func(b *testing.B) {
		var seq atomic.Int64
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			cs := []Check{check(l, "")}
			i := int(seq.Add(1)) * 7919
			for pb.Next() {
				i++
				cs[0].Key = keys[i%len(keys)]
				_ = m.Take(cs, int64(i))
			}
		})
	})
}

// BenchmarkAdmit is the whole stage for one request: client address, key,
// memory check, RateLimit headers.
func BenchmarkAdmit(b *testing.B) {
	op, err := NewOp(Policy{Gateway: "petstore", Op: "listPets", Limits: []Limit{
		{Name: "burst", Count: 1 << 30, Period: time.Second, Key: []KeyPart{{Kind: ClientIP}}},
	}}, &Stores{Memory: NewMemory(0)})
	if err != nil {
		b.Fatal(err)
	}
	ctx := newCtx("203.0.113.5:1000")
	b.ReportAllocs()
	for b.Loop() {
		if !op.Admit(ctx, "") {
			b.Fatal("refused")
		}
	}
}

//go:build !race

package contract

import "testing"

// The race detector allocates on its own, so allocation counts are only
// asserted in normal builds.
func TestAllocs(t *testing.T) {
	rare := New(Config{Sample: 0.001})
	if n := testing.AllocsPerRun(1000, func() { _ = rare.Sample() }); n != 0 {
		t.Errorf("Sample: %v allocs, want 0", n)
	}
	op := New(Config{Sample: 1, Log: &syncBuffer{}})
	ctx := newCtx("GET", 200, "application/json", `{"name":"Rex","age":3}`)
	if n := testing.AllocsPerRun(1000, func() {
		if op.Sample() {
			checkGetPet(ctx, op)
		}
	}); n != 0 {
		t.Errorf("sampled valid response: %v allocs, want 0", n)
	}
	big := newCtx("GET", 200, "application/json", `{"name":"`+string(make([]byte, 2<<20))+`"}`)
	if n := testing.AllocsPerRun(100, func() { checkGetPet(big, op) }); n != 0 {
		t.Errorf("too large: %v allocs, want 0", n)
	}
}

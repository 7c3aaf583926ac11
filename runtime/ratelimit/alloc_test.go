//go:build !race

// The race detector makes sync.Pool drop items at random, so allocation
// counts are asserted only without it.

package ratelimit

import (
	"testing"
	"time"

	"github.com/gatewaygen/gatewaygen/runtime/request"
)

// TestAdmitAllocatesNothing: a checked request costs no allocation with
// the memory store, admitted or refused, keyed by address, consumer or a
// header, behind a trusted proxy.
func TestAdmitAllocatesNothing(t *testing.T) {
	proxies, err := ParseProxies([]string{"10.0.0.0/8"}, "")
	if err != nil {
		t.Fatal(err)
	}
	op, err := NewOp(Policy{Gateway: "petstore", Op: "listPets", Limits: []Limit{
		{Name: "burst", Count: 10, Period: time.Second, Key: []KeyPart{{Kind: ClientIP}}},
		{Name: "daily", Count: 1000, Period: 24 * time.Hour, Key: []KeyPart{{Kind: Consumer}, {Kind: Header, Name: "X-Tenant"}}},
	}}, &Stores{Memory: NewMemory(0), Proxies: proxies})
	if err != nil {
		t.Fatal(err)
	}
	ctx := newCtx("10.1.2.3:1000", "X-Forwarded-For", "198.51.100.9, 10.0.0.1", "X-Tenant", "acme")
	op.Admit(ctx, "alice") // warm the pools and the response's header buffers
	allocs := testing.AllocsPerRun(200, func() {
		op.Admit(ctx, "alice") // admitted ten times, then refused with 429
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per check, want 0", allocs)
	}
	if ctx.Response.StatusCode() != 429 {
		t.Fatalf("status %d after 200 requests over 10/s, want 429", ctx.Response.StatusCode())
	}
}

// TestAdmitClaimsAllocatesNothing: keyed by a claim, a check costs no
// allocation either.
func TestAdmitClaimsAllocatesNothing(t *testing.T) {
	op, err := NewOp(Policy{Gateway: "petstore", Op: "listPets", Limits: []Limit{
		{Name: "tenant", Count: 10, Period: time.Second, Key: []KeyPart{{Kind: Claim, Name: "tenant"}, {Kind: Consumer}}},
	}}, &Stores{Memory: NewMemory(0)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := newCtx("10.1.2.3:1000")
	claims := []request.Claim{{Name: "sub", Value: "alice"}, {Name: "tenant", Value: "acme"}}
	op.AdmitClaims(ctx, "alice", claims)
	if allocs := testing.AllocsPerRun(200, func() { op.AdmitClaims(ctx, "alice", claims) }); allocs != 0 {
		t.Fatalf("%v allocations per check, want 0", allocs)
	}
}

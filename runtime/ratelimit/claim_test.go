package ratelimit

import (
	"strings"
	"testing"
	"time"

	"github.com/gatewaygen/gatewaygen/runtime/request"
)

// TestClaimKey: a limit keyed by a claim counts every caller whose token
// holds the same value together, whatever its address; a caller without
// the claim is keyed by its client address, apart from any claim value.
func TestClaimKey(t *testing.T) {
	clock := newClock()
	op, err := NewOp(Policy{Gateway: "petstore", Op: "listPets", Limits: []Limit{
		{Name: "tenant", Count: 1, Period: time.Minute, Burst: 2, Key: []KeyPart{{Kind: Claim, Name: "tenant"}}},
	}}, &Stores{Memory: NewMemory(0)})
	if err != nil {
		t.Fatal(err)
	}
	op.now = clock.now
	acme := []request.Claim{{Name: "sub", Value: "carol"}, {Name: "tenant", Value: "acme"}}
	for i, c := range []struct {
		peer   string
		claims []request.Claim
		want   bool
	}{
		{"203.0.113.1:1", acme, true},
		{"203.0.113.2:1", acme, true},
		{"203.0.113.3:1", acme, false}, // the tenant's burst of 2 is spent, from a third address
		{"203.0.113.3:1", []request.Claim{{Name: "tenant", Value: "globex"}}, true},
		{"203.0.113.3:1", nil, true}, // no claim: its own address's allowance
		{"203.0.113.3:1", []request.Claim{{Name: "sub", Value: "dave"}}, true},
		{"203.0.113.3:1", nil, false},
	} {
		if got := op.AdmitClaims(newCtx(c.peer), "", c.claims); got != c.want {
			t.Errorf("request %d from %s with %v: admitted %v, want %v", i, c.peer, c.claims, got, c.want)
		}
	}
	for _, c := range []struct {
		claims []request.Claim
		want   string
	}{
		{acme, "gatewaygen:rl:petstore:listPets:tenant:k=4:acme"},
		{nil, "gatewaygen:rl:petstore:listPets:tenant:ip=203.0.113.5"},
		{[]request.Claim{{Name: "tenant", Value: "ip=203.0.113.5"}}, "gatewaygen:rl:petstore:listPets:tenant:k=14:ip=203.0.113.5"},
		{[]request.Claim{{Name: "tenant", Value: strings.Repeat("t", 65)}}, "gatewaygen:rl:petstore:listPets:tenant:k=sha256:"},
	} {
		ctx := newCtx("203.0.113.5:1000")
		if got := string(op.appendKey(nil, 0, ctx, Peer(ctx), "", c.claims)); !strings.HasPrefix(got, c.want) {
			t.Errorf("key of %v: %s, want %s", c.claims, got, c.want)
		}
	}
}

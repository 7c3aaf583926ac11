package auth

import (
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/gatewaygen/gatewaygen/runtime/request"
)

// TestForwardClaims: a passed token's selected claims go upstream in their
// headers and into the request's state; the client's copies never do.
func TestForwardClaims(t *testing.T) {
	f := newFixture(t)
	f.jwt.cfg.ConsumerHeader = "X-User"
	f.jwt.cfg.Claims = []ClaimHeader{{"sub", "X-Claim-Sub"}, {"tenant", "X-Tenant"}, {"n", "X-N"}, {"obj", "X-Obj"}, {"bad", "X-Bad"}}
	id := Identity{"X-User", "X-Claim-Sub", "X-Tenant", "X-N", "X-Obj", "X-Bad"}
	tok := f.token(t, jwt.SigningMethodES256, "ec1", f.ec, jwt.MapClaims{"tenant": "acme", "n": 42.5, "obj": map[string]any{}, "bad": "a\nb"})
	for _, round := range []string{"verified", "cached"} {
		ctx := reqWith("Authorization", "Bearer "+tok, "X-Obj", "forged", "X-Bad", "forged", "X-Consumer", "forged")
		st := request.Acquire()
		id.Strip(ctx)
		var v Verdict
		if !(v.Begin(ctx) && v.Alt() && f.jwt.Check(&v, nil)) {
			t.Fatalf("%s: refused", round)
		}
		v.Pass(st)
		for h, want := range map[string]string{"X-User": "carol", "X-Claim-Sub": "carol", "X-Tenant": "acme", "X-N": "42.5", "X-Obj": "", "X-Bad": "", "X-Consumer": ""} {
			if got := string(ctx.Request.Header.Peek(h)); got != want {
				t.Errorf("%s: %s %q, want %q", round, h, got, want)
			}
		}
		if len(st.Claims) != 3 || st.Claims[1] != (request.Claim{Name: "tenant", Value: "acme"}) {
			t.Errorf("%s: state claims %v", round, st.Claims)
		}
		request.Release(st)
	}
}

// TestKeptClaim: a claim selected with no header (for a rate-limit key)
// goes into the request's state and nowhere upstream, including an empty
// header name.
func TestKeptClaim(t *testing.T) {
	f := newFixture(t)
	f.jwt.cfg.Claims = []ClaimHeader{{Claim: "tenant"}}
	tok := f.token(t, jwt.SigningMethodES256, "ec1", f.ec, jwt.MapClaims{"tenant": "acme"})
	ctx := reqWith("Authorization", "Bearer "+tok)
	n := ctx.Request.Header.Len()
	st := request.Acquire()
	defer request.Release(st)
	var v Verdict
	if !(v.Begin(ctx) && v.Alt() && f.jwt.Check(&v, nil)) {
		t.Fatal("refused")
	}
	v.Pass(st)
	if len(st.Claims) != 1 || st.Claims[0] != (request.Claim{Name: "tenant", Value: "acme"}) {
		t.Errorf("state claims %v", st.Claims)
	}
	if got := ctx.Request.Header.Len(); got != n-1 { // Authorization removed, nothing added
		t.Errorf("%d headers upstream, want %d:\n%s", got, n-1, ctx.Request.Header.String())
	}
}

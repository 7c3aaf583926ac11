package ratelimit

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"
)

// countingStore is a shared store held in a Memory, counting the round
// trips it is asked for; down makes it fail.
type countingStore struct {
	m     *Memory
	calls int
	down  bool
}

func (c *countingStore) Take(cs []Check, now int64) error {
	c.calls++
	if c.down {
		return errors.New("down")
	}
	return c.m.Take(cs, now)
}

// TestPrecheckSparesRoundTrips: once this instance alone has spent a
// shared limit, its further requests are refused without asking the
// shared store, with the wait this instance knows; within the margin, or
// when the allowance is back, the shared store is asked again.
func TestPrecheckSparesRoundTrips(t *testing.T) {
	shared := &countingStore{m: NewMemory(0)}
	op, err := NewOp(Policy{Gateway: "g", Op: "op", Limits: []Limit{
		{Name: "shared", Count: 1, Period: time.Minute, Burst: 2, Key: []KeyPart{{Kind: ClientIP}}, Shared: true},
	}}, &Stores{Memory: NewMemory(0), Shared: shared})
	if err != nil {
		t.Fatal(err)
	}
	clock := newClock()
	op.now = clock.now
	for i, want := range []struct {
		admitted bool
		calls    int
	}{{true, 1}, {true, 2}, {false, 2}, {false, 2}} {
		ctx := newCtx("203.0.113.5:1000")
		if got := op.Admit(ctx, ""); got != want.admitted || shared.calls != want.calls {
			t.Fatalf("request %d: admitted %v after %d round trips, want %v after %d", i+1, got, shared.calls, want.admitted, want.calls)
		}
		if !want.admitted {
			if ctx.Response.StatusCode() != 429 || string(ctx.Response.Header.Peek("Retry-After")) != "60" {
				t.Fatalf("request %d: %d Retry-After %q, want 429 and 60", i+1, ctx.Response.StatusCode(), ctx.Response.Header.Peek("Retry-After"))
			}
		}
	}
	// 30 ms before the allowance is back: within the margin, so the
	// shared store decides (and refuses).
	clock.add(time.Minute - 30*time.Millisecond)
	if op.Admit(newCtx("203.0.113.5:1000"), "") || shared.calls != 3 {
		t.Fatalf("within the margin: round trips %d, want 3 and a refusal", shared.calls)
	}
	clock.add(30 * time.Millisecond)
	if !op.Admit(newCtx("203.0.113.5:1000"), "") || shared.calls != 4 {
		t.Fatalf("allowance back: round trips %d, want 4 and admitted", shared.calls)
	}
	// A store that is down is not counted locally.
	shared.down = true
	clock.add(10 * time.Minute)
	for range 5 {
		op.Admit(newCtx("203.0.113.5:1000"), "") // admitted: on-store-error allow
	}
	if shared.calls != 9 {
		t.Fatalf("store down: %d round trips, want every request asked (9)", shared.calls)
	}
}

// TestPrecheckNeverRefusesWhatTheStoreAdmits: two instances share two
// limits under random traffic; whenever an instance refuses without a
// round trip, the shared store would have refused that request too. (A
// pre-check refusal needs a wait over the margin, which a limit's TAT
// allows only when its interval is longer: hence the slow rates.)
func TestPrecheckNeverRefusesWhatTheStoreAdmits(t *testing.T) {
	shared := &countingStore{m: NewMemory(0)}
	limits := []Limit{
		{Name: "fast", Count: 2, Period: time.Second, Burst: 3, Key: []KeyPart{{Kind: ClientIP}}, Shared: true},
		{Name: "slow", Count: 30, Period: time.Minute, Key: []KeyPart{{Kind: ClientIP}}, Shared: true},
	}
	var ops [2]*Op
	clock := newClock()
	for i := range ops {
		op, err := NewOp(Policy{Gateway: "g", Op: "op", Limits: limits}, &Stores{Memory: NewMemory(0), Shared: shared})
		if err != nil {
			t.Fatal(err)
		}
		op.now = clock.now
		ops[i] = op
	}
	rng := rand.New(rand.NewPCG(1, 2))
	spared := 0
	for step := range 5000 {
		clock.add(time.Duration(rng.IntN(int(40 * time.Millisecond))))
		// Phases where one instance spends the limit alone (the
		// pre-check's case) alternate with phases where both do.
		op := ops[0]
		if (step/500)%2 == 1 && rng.IntN(2) == 0 {
			op = ops[1]
		}
		before := shared.calls
		ctx := newCtx("203.0.113.5:1000")
		if op.Admit(ctx, "") || shared.calls != before {
			continue
		}
		spared++
		// Ask the store the same question without counting it.
		cs := make([]Check, len(limits))
		for i := range limits {
			cs[i] = Check{Key: op.appendKey(nil, i, ctx, Peer(ctx), "", nil), Interval: limits[i].interval(), Tolerance: limits[i].tolerance()}
			shared.m.take(&cs[i], clock.now(), false)
		}
		if cs[0].Allowed && cs[1].Allowed {
			t.Fatalf("step %d: refused locally a request the shared store would admit", step)
		}
	}
	if spared == 0 {
		t.Fatal("the pre-check never spared a round trip: the traffic did not test it")
	}
	t.Logf("%d of 5000 requests refused without a round trip", spared)
}

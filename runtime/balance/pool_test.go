package balance

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func targets(n int) []Target {
	out := make([]Target, n)
	for i := range out {
		out[i] = Target{URL: "http://127.0.0.1:" + strconv.Itoa(9000+i)}
	}
	return out
}

func newPool(t testing.TB, n int, cfg Config) *Pool {
	t.Helper()
	p, err := NewPool(targets(n), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestNewPoolRefuses(t *testing.T) {
	for _, tt := range []struct {
		n    int
		cfg  Config
		want string
	}{
		{2, Config{Policy: "random"}, `unknown policy "random"`},
		{MaxTargets + 1, Config{}, "at most 256"},
		{2, Config{Passive: Passive{ConsecutiveFailures: -1}}, "must not be negative"},
	} {
		_, err := NewPool(targets(tt.n), tt.cfg)
		if err == nil || !contains(err.Error(), tt.want) {
			t.Errorf("NewPool(%d, %+v) = %v, want an error with %q", tt.n, tt.cfg, err, tt.want)
		}
	}
	if p := newPool(t, 2, Config{}); p.Policy() != P2CEWMA {
		t.Errorf("default policy %q, want %q", p.Policy(), P2CEWMA)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// Every policy skips targets that are tried, ejected or down, and answers
// -1 once none is left.
func TestPickSkipsUnavailable(t *testing.T) {
	for _, policy := range Policies {
		t.Run(policy, func(t *testing.T) {
			ts := targets(4)
			ts[1].Weight = 3 // unequal weights: the smooth variant of round-robin
			p, err := NewPool(ts, Config{Policy: policy})
			if err != nil {
				t.Fatal(err)
			}
			p.SetDown(2, true)
			var tried Tried
			tried.Add(0)
			seen := map[int]int{}
			for range 200 {
				i := p.Pick(&tried, []byte("k"))
				seen[i]++
			}
			if seen[0]+seen[2]+seen[-1] != 0 || seen[1]+seen[3] != 200 {
				t.Fatalf("picks %v, want only 1 and 3", seen)
			}
			tried.Add(1)
			tried.Add(3)
			if i := p.Pick(&tried, nil); i != -1 {
				t.Fatalf("all tried or down: picked %d, want -1", i)
			}
		})
	}
}

func TestEjection(t *testing.T) {
	p := newPool(t, 4, Config{Policy: RoundRobin, Passive: Passive{ConsecutiveFailures: 3, Eject: 40 * time.Millisecond, MaxEjected: 0.5}})
	fail := func(i int) { p.Done(i, p.Start(i), true) }
	fail(0)
	fail(0)
	p.Done(0, p.Start(0), false) // a success clears the count
	fail(0)
	fail(0)
	if p.Ejected(0) {
		t.Fatal("ejected after 2 consecutive failures, want 3")
	}
	fail(0)
	if !p.Ejected(0) {
		t.Fatal("not ejected after 3 consecutive failures")
	}
	// At most half of the pool: 1 more, then no third.
	for range 3 {
		fail(1)
		fail(2)
	}
	if !p.Ejected(1) || p.Ejected(2) {
		t.Fatalf("ejected 1: %v, 2: %v; want true, false (max-ejected 50%% of 4)", p.Ejected(1), p.Ejected(2))
	}
	time.Sleep(50 * time.Millisecond)
	if p.Ejected(0) {
		t.Fatal("still ejected after its period")
	}
	// On return one failure ejects again, for twice as long.
	fail(0)
	if !p.Ejected(0) {
		t.Fatal("a returning target's first failure did not eject it again")
	}
	time.Sleep(50 * time.Millisecond)
	if !p.Ejected(0) {
		t.Fatal("the second ejection did not last twice as long")
	}
	time.Sleep(40 * time.Millisecond)
	p.Done(0, p.Start(0), false)
	fail(0)
	if p.Ejected(0) {
		t.Fatal("after a success, one failure ejected again")
	}
}

func TestLeastConn(t *testing.T) {
	p := newPool(t, 3, Config{Policy: LeastConn})
	var tried Tried
	p.Start(0)
	p.Start(0)
	p.Start(1)
	for range 20 {
		if i := p.Pick(&tried, nil); i != 2 {
			t.Fatalf("picked %d, want 2 (no call in flight)", i)
		}
	}
}

// A slow target loses its share under p2c-ewma.
func TestP2CAvoidsSlow(t *testing.T) {
	p := newPool(t, 3, Config{Policy: P2CEWMA})
	var tried Tried
	// Prime: target 1 answered in 200ms, the others in 1ms.
	for i := range 3 {
		rtt := int64(time.Millisecond)
		if i == 1 {
			rtt = int64(200 * time.Millisecond)
		}
		p.observe(&p.slots[i], p.now(), rtt)
	}
	counts := make([]int, 3)
	for range 3000 {
		counts[p.Pick(&tried, nil)]++
	}
	if counts[1] > 30 {
		t.Fatalf("slow target picked %d of 3000 times: %v", counts[1], counts)
	}
	if counts[0] < 500 || counts[2] < 500 {
		t.Fatalf("fast targets not shared: %v", counts)
	}
}

func TestHashSticksAndBounds(t *testing.T) {
	p := newPool(t, 5, Config{Policy: Hash})
	var tried Tried
	where := map[string]int{}
	for k := range 100 {
		key := []byte(fmt.Sprint("user-", k))
		where[string(key)] = p.Pick(&tried, key)
	}
	// Same key, same target; and a second pool (another gateway instance)
	// agrees.
	q := newPool(t, 5, Config{Policy: Hash})
	spread := map[int]int{}
	for key, i := range where {
		if j := p.Pick(&tried, []byte(key)); j != i {
			t.Fatalf("%s: %d then %d", key, i, j)
		}
		if j := q.Pick(&tried, []byte(key)); j != i {
			t.Fatalf("%s: instance 1 says %d, instance 2 %d", key, i, j)
		}
		spread[i]++
	}
	if len(spread) != 5 {
		t.Fatalf("100 keys landed on %d of 5 targets: %v", len(spread), spread)
	}
	// One hot key holding calls open: once its target is past the bound the
	// key spills over, and no target holds more than 1.25× the mean + 1.
	hot := []byte("hot")
	for range 100 {
		p.Start(p.Pick(&tried, hot))
	}
	limit := int64(boundedLoad*100/5) + 1
	for i := range 5 {
		if n := p.InFlight(i); n > limit {
			t.Fatalf("target %d holds %d calls in flight, bound %d", i, n, limit)
		}
	}
}

// With weights 1 and 3, rendezvous hashing gives the heavier target about
// three quarters of the keys.
func TestHashWeights(t *testing.T) {
	ts := targets(2)
	ts[1].Weight = 3
	p, err := NewPool(ts, Config{Policy: Hash})
	if err != nil {
		t.Fatal(err)
	}
	var tried Tried
	counts := [2]int{}
	for k := range 4000 {
		counts[p.Pick(&tried, []byte(fmt.Sprint("key-", k)))]++
	}
	if share := float64(counts[1]) / 4000; share < 0.70 || share > 0.80 {
		t.Fatalf("weight 3 of 4 got %.2f of the keys: %v", share, counts)
	}
}

func TestPoolConcurrent(t *testing.T) {
	for _, policy := range Policies {
		p := newPool(t, 3, Config{Policy: policy, Passive: Passive{ConsecutiveFailures: 2}})
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Go(func() {
				var tried Tried
				for k := range 2000 {
					i := p.Pick(&tried, []byte{byte(k)})
					if i < 0 {
						continue
					}
					p.Done(i, p.Start(i), (k+g)%7 == 0)
				}
			})
		}
		wg.Wait()
		for i := range 3 {
			if n := p.InFlight(i); n != 0 {
				t.Fatalf("%s: target %d has %d calls in flight after all ended", policy, i, n)
			}
		}
	}
}

func BenchmarkPick(b *testing.B) {
	for _, policy := range Policies {
		b.Run(policy, func(b *testing.B) {
			p := newPool(b, 8, Config{Policy: policy})
			key := []byte("user-42")
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				var tried Tried
				for pb.Next() {
					p.Pick(&tried, key)
				}
			})
		})
	}
}

func BenchmarkCall(b *testing.B) {
	p := newPool(b, 8, Config{Policy: P2CEWMA})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		var tried Tried
		for pb.Next() {
			i := p.Pick(&tried, nil)
			p.Done(i, p.Start(i), false)
		}
	})
}

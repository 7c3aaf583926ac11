package balance

import (
	"testing"
	"time"
)

// TestStartAt checks that a call begun with the caller's clock reading
// counts in flight as Start's does and dates the call from that reading:
// Done's latency is measured from it.
func TestStartAt(t *testing.T) {
	p, err := NewPool([]Target{{URL: "http://a"}, {URL: "http://b"}}, Config{Policy: P2CEWMA})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(-50 * time.Millisecond)
	start := p.StartAt(1, at)
	if got := p.InFlight(1); got != 1 {
		t.Fatalf("in flight after StartAt: %d, want 1", got)
	}
	if got, want := start, int64(at.Sub(p.epoch)); got != want {
		t.Fatalf("start %d, want %d", got, want)
	}
	if d := p.now() - start; d < int64(50*time.Millisecond) {
		t.Fatalf("call dated %v ago, want at least 50ms", time.Duration(d))
	}
	p.Done(1, start, false)
	if got := p.InFlight(1); got != 0 {
		t.Fatalf("in flight after Done: %d, want 0", got)
	}
	if ewma := p.slots[1].ewma.Load(); ewma < int64(50*time.Millisecond) {
		t.Fatalf("latency average %v, want the 50ms since at", time.Duration(ewma))
	}
}

// TestLatencyKeptOnlyWhenRead checks that only a pool whose picks read the
// latency averages (P2CEWMA over several targets) keeps them, and that a
// pool which does not still ejects a failing target: its Done reads the
// clock for a failure only.
func TestLatencyKeptOnlyWhenRead(t *testing.T) {
	for _, tt := range []struct {
		policy  string
		targets int
		kept    bool
	}{
		{P2CEWMA, 2, true},
		{P2CEWMA, 1, false},
		{RoundRobin, 2, false},
		{LeastConn, 2, false},
		{Hash, 2, false},
	} {
		targets := make([]Target, tt.targets)
		for i := range targets {
			targets[i].URL = "http://t" + string(rune('a'+i))
		}
		p, err := NewPool(targets, Config{Policy: tt.policy, Passive: Passive{ConsecutiveFailures: 2, MaxEjected: 1}})
		if err != nil {
			t.Fatal(err)
		}
		start := p.Start(0)
		time.Sleep(time.Millisecond)
		p.Done(0, start, false)
		if kept := p.slots[0].ewma.Load() > 0; kept != tt.kept {
			t.Errorf("%s over %d: latency average kept %v, want %v", tt.policy, tt.targets, kept, tt.kept)
		}
		p.Done(0, p.Start(0), true)
		p.Done(0, p.Start(0), true)
		if !p.Ejected(0) {
			t.Errorf("%s over %d: not ejected after 2 failures", tt.policy, tt.targets)
		}
	}
}

// BenchmarkStartDone is a call's bookkeeping with the pool reading the
// clock for its start (Start) and with the caller's reading (StartAt), for
// a pool that keeps latency averages (p2c over two targets) and one that
// does not (a single target).
func BenchmarkStartDone(b *testing.B) {
	for _, n := range []int{2, 1} {
		targets := []Target{{URL: "http://a"}, {URL: "http://b"}}[:n]
		p, err := NewPool(targets, Config{})
		if err != nil {
			b.Fatal(err)
		}
		at := time.Now()
		name := "p2c"
		if n == 1 {
			name = "single"
		}
		b.Run(name+"/Start", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p.Done(0, p.Start(0), false)
			}
		})
		b.Run(name+"/StartAt", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p.Done(0, p.StartAt(0, at), false)
			}
		})
	}
}

package balance

import (
	"testing"
	"time"
)

// TestStartAt checks that a call begun with the caller's clock reading
// counts in flight as Start's does and dates the call from that reading:
// Done's latency is measured from it.
func TestStartAt(t *testing.T) {
	p, err := NewPool([]Target{{URL: "http://a"}, {URL: "http://b"}}, Config{Policy: LeastConn})
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

// BenchmarkStartDone is a call's bookkeeping with the pool reading the
// clock for its start (Start) and with the caller's reading (StartAt).
func BenchmarkStartDone(b *testing.B) {
	p, err := NewPool([]Target{{URL: "http://a"}}, Config{})
	if err != nil {
		b.Fatal(err)
	}
	at := time.Now()
	b.Run("Start", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p.Done(0, p.Start(0), false)
		}
	})
	b.Run("StartAt", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p.Done(0, p.StartAt(0, at), false)
		}
	})
}

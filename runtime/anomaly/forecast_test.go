package anomaly

import (
	"math"
	"testing"
	"time"
)

func TestForecasterFollowsASeasonalSeries(t *testing.T) {
	const period = 24
	series := func(i int) float64 { return 100 + 0.5*float64(i) + 40*math.Sin(2*math.Pi*float64(i)/period) }
	f := NewForecaster(period)
	if _, ok := f.Forecast(1); ok {
		t.Fatal("a forecast before any data")
	}
	for i := range 10 * period {
		f.Add(series(i))
		if i == period-2 {
			if _, ok := f.Forecast(1); ok {
				t.Fatal("a forecast before one full season")
			}
		}
	}
	n := 10 * period
	for _, h := range []int{1, 3, 12} {
		got, ok := f.Forecast(h)
		want := series(n + h - 1)
		if !ok || math.Abs(got-want)/want > 0.03 {
			t.Errorf("h=%d: forecast %.1f (ok %v), want %.1f within 3%%", h, got, ok, want)
		}
	}
}

func TestReplicas(t *testing.T) {
	for _, c := range []struct {
		rate, capacity, headroom float64
		lo, hi, want             int
	}{
		{0, 100, 0.2, 1, 10, 1},
		{100, 100, 0, 1, 10, 1},
		{101, 100, 0, 1, 10, 2},
		{250, 100, 0.2, 1, 10, 3},
		{5000, 100, 0.2, 1, 10, 10},
		{50, 0, 0.2, 2, 10, 2},
		{math.NaN(), 100, 0.2, 2, 10, 2},
	} {
		if got := Replicas(c.rate, c.capacity, c.headroom, c.lo, c.hi); got != c.want {
			t.Errorf("Replicas(%v, %v, %v, %d, %d) = %d, want %d", c.rate, c.capacity, c.headroom, c.lo, c.hi, got, c.want)
		}
	}
}

func TestBlockList(t *testing.T) {
	b := NewBlockList(16)
	if b.Active(t0) {
		t.Error("an empty list is active")
	}
	b.Block(0, t0.Add(1e12))
	if b.Blocked(0, t0) || b.Active(t0) {
		t.Error("key 0 (unknown) blocked")
	}
	b.Block(7, t0.Add(60e9))
	if !b.Blocked(7, t0) || b.Blocked(8, t0) || !b.Active(t0) {
		t.Error("block does not hold, or spills to another key")
	}
	if b.Blocked(7, t0.Add(60e9)) || b.Active(t0.Add(60e9)) {
		t.Error("block outlives its TTL")
	}
	// A flood of blocks keeps the table's size and the newest entries.
	for k := uint64(100); k < 10100; k++ {
		b.Block(k, t0.Add(time.Minute+time.Duration(k)))
	}
	if len(b.slots) != 16 || !b.Blocked(10099, t0) {
		t.Errorf("table grew to %d, or lost the newest key", len(b.slots))
	}
}

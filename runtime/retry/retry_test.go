package retry

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Under a steady stream of calls that all fail, the retries the budget
// allows stay within ratio of the calls (plus the floor it starts with).
func TestBudgetBoundsRetries(t *testing.T) {
	for _, ratio := range []float64{0.1, 0.2, 0.5} {
		b := NewBudget(ratio, 0)
		retries := 0
		const calls = 10000
		for range calls {
			b.Deposit()
			if b.Withdraw() {
				retries++
			}
		}
		if want := int(ratio * calls); retries < want-1 || retries > want+1 {
			t.Errorf("ratio %v: %d retries for %d calls, want %d", ratio, retries, calls, want)
		}
	}
}

func TestBudgetFloor(t *testing.T) {
	b := NewBudget(0.2, 100)
	got := 0
	for b.Withdraw() {
		got++
	}
	if got != 100 {
		t.Fatalf("started with %d retries, want the floor's 100", got)
	}
	time.Sleep(100 * time.Millisecond)
	got = 0
	for b.Withdraw() {
		got++
	}
	if got < 5 || got > 20 {
		t.Fatalf("after 100ms at 100/s the floor gave %d retries, want about 10", got)
	}
}

func TestBudgetConcurrent(t *testing.T) {
	b := NewBudget(0.25, 0)
	var retries atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 4000 {
				b.Deposit()
				if b.Withdraw() {
					retries.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if n := retries.Load(); n > 8000+1 {
		t.Fatalf("%d retries for 32000 calls at 25%%", n)
	}
}

func TestBackoff(t *testing.T) {
	if Backoff(0, 1) != 0 || Backoff(time.Second, 0) != 0 {
		t.Fatal("no base or no retry: want no pause")
	}
	for n := 1; n <= 3; n++ {
		mean := 10 * time.Millisecond << (n - 1)
		for range 100 {
			if d := Backoff(10*time.Millisecond, n); d < mean/2 || d >= mean*3/2 {
				t.Fatalf("retry %d: pause %v outside [%v, %v)", n, d, mean/2, mean*3/2)
			}
		}
	}
}

func BenchmarkBudget(b *testing.B) {
	bu := NewBudget(0.2, 10)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			bu.Deposit()
			bu.Withdraw()
		}
	})
}

package anomaly

import (
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

// feeder drives a detector second by second with a steady background of
// clients 1..200 spread over two operations, plus whatever extra adds.
type feeder struct {
	d      *Detector
	now    time.Time
	events []Event
	seq    uint64
}

func newFeeder(cfg Config) *feeder {
	f := &feeder{now: t0}
	cfg.Ops = 2
	cfg.OnEvent = func(e Event) { f.events = append(f.events, e) }
	f.d = New(cfg)
	return f
}

func (f *feeder) run(seconds int, extra func(now time.Time, obs func(Obs))) {
	obs := func(o Obs) { f.d.Observe(o) }
	for range seconds {
		f.d.Tick(f.now)
		for i := range 20 { // 20 requests a second, 1% 401, 1% 404, 1% invalid
			f.seq++
			o := Obs{Time: f.now.Add(time.Duration(i) * 50 * time.Millisecond), Op: i & 1, Key: f.seq%200 + 1,
				Path: f.seq, Status: 200, Latency: 20 * time.Millisecond, Size: 200}
			switch f.seq % 100 {
			case 7:
				o.Status = 401
			case 13:
				o.Status = 404
			case 29:
				o.Status, o.ValidationFailed = 400, true
			}
			if f.seq%53 == 0 {
				o.Latency = 60 * time.Millisecond // some spread, so the baseline has a variance
			}
			obs(o)
		}
		if extra != nil {
			extra(f.now, obs)
		}
		f.now = f.now.Add(time.Second)
	}
}

func (f *feeder) signals() map[Signal]int {
	m := map[Signal]int{}
	for _, e := range f.events {
		m[e.Signal]++
	}
	return m
}

func TestSignals(t *testing.T) {
	const attacker = 0xbad
	cases := []struct {
		name  string
		extra func(now time.Time, obs func(Obs))
		want  Signal
		quiet []Signal // must not fire
	}{
		{"nothing unusual", nil, 0, []Signal{RateSurge, KeyRate, AuthFailureSpread, LatencyShift}},
		{"one key's 401s", func(now time.Time, obs func(Obs)) {
			for range 5 {
				obs(Obs{Time: now, Op: 0, Key: attacker, Status: 401, Latency: 20 * time.Millisecond, Size: 200})
			}
		}, KeyAuthFailures, nil},
		{"401s spread over many keys", func(now time.Time, obs func(Obs)) {
			for i := range 10 {
				obs(Obs{Time: now, Op: 0, Key: uint64(now.Unix())*16 + uint64(i), Status: 401, Latency: 20 * time.Millisecond, Size: 200})
			}
		}, AuthFailureSpread, []Signal{KeyAuthFailures}},
		{"404s on distinct paths", func(now time.Time, obs func(Obs)) {
			obs(Obs{Time: now, Op: 1, Key: attacker, Path: uint64(now.Unix()), Status: 404, Latency: 20 * time.Millisecond, Size: 200})
		}, KeyNotFoundPaths, nil},
		{"404s on one path", func(now time.Time, obs func(Obs)) {
			obs(Obs{Time: now, Op: 1, Key: attacker, Path: 42, Status: 404, Latency: 20 * time.Millisecond, Size: 200})
		}, 0, []Signal{KeyNotFoundPaths}},
		{"one key's validation failures", func(now time.Time, obs func(Obs)) {
			for range 3 {
				obs(Obs{Time: now, Op: 1, Key: attacker, Status: 400, ValidationFailed: true, Size: 200})
			}
		}, KeyValidation, nil},
		{"one key's 429s", func(now time.Time, obs func(Obs)) {
			for range 5 {
				obs(Obs{Time: now, Op: 1, Key: attacker, Status: 429, Size: 200})
			}
		}, KeyThrottled, nil},
		{"one key's request rate", func(now time.Time, obs func(Obs)) {
			for range 15 {
				obs(Obs{Time: now, Op: 1, Key: attacker, Status: 200, Latency: 20 * time.Millisecond, Size: 200})
			}
		}, KeyRate, nil},
		{"many clients at once", func(now time.Time, obs func(Obs)) {
			for i := range 60 {
				obs(Obs{Time: now, Op: 1, Key: uint64(now.Unix())*64 + uint64(i), Path: uint64(i), Status: 200, Latency: 20 * time.Millisecond, Size: 200})
			}
		}, RateSurge, []Signal{KeyRate, AuthFailureSpread}},
		{"upstream 5xx", func(now time.Time, obs func(Obs)) {
			obs(Obs{Time: now, Op: 0, Key: uint64(now.Unix()), Status: 502, Latency: 20 * time.Millisecond, Size: 200})
		}, UpstreamErrors, nil},
		{"slow upstream", func(now time.Time, obs func(Obs)) {
			for i := range 20 {
				obs(Obs{Time: now, Op: 1, Key: uint64(i + 1), Status: 200, Latency: 90 * time.Millisecond, Size: 200})
			}
		}, LatencyShift, nil},
		{"large bodies", func(now time.Time, obs func(Obs)) {
			for i := range 20 {
				obs(Obs{Time: now, Op: 1, Key: uint64(i + 1), Status: 200, Latency: 20 * time.Millisecond, Size: 5000})
			}
		}, SizeShift, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFeeder(Config{WarmUp: 10 * time.Minute})
			f.run(20*60, nil)
			if len(f.events) != 0 {
				t.Fatalf("steady traffic raised %v", f.events)
			}
			f.run(120, c.extra)
			got := f.signals()
			if c.want != 0 && got[c.want] != 1 {
				t.Errorf("want one %s event in two minutes, got %d (all: %v)", c.want, got[c.want], f.events)
			}
			for _, q := range c.quiet {
				if got[q] != 0 {
					t.Errorf("%s fired: %v", q, f.events)
				}
			}
			for _, e := range f.events {
				if e.Signal == c.want && (e.Observed < e.Threshold || e.Window <= 0 || e.Time.IsZero()) {
					t.Errorf("event does not explain itself: %+v", e)
				}
			}
		})
	}
}

func TestWarmUpAndRateDrop(t *testing.T) {
	f := newFeeder(Config{WarmUp: 10 * time.Minute})
	// Nothing is reported while the baselines are young, however odd.
	f.run(60, func(now time.Time, obs func(Obs)) {
		obs(Obs{Time: now, Op: 0, Key: 9, Status: 401})
		obs(Obs{Time: now, Op: 0, Key: 9, Status: 401})
	})
	if len(f.events) != 0 {
		t.Fatalf("events during warm-up: %v", f.events)
	}
	f.run(20*60, nil)
	// Then the traffic stops.
	f.d.Tick(f.now)
	for range 60 {
		f.now = f.now.Add(time.Second)
		f.d.Tick(f.now)
	}
	if got := f.signals(); got[RateDrop] != 2 { // both operations
		t.Errorf("want a rate drop per operation, got %v", f.events)
	}
}

func TestCooldownMakesOneEvent(t *testing.T) {
	f := newFeeder(Config{WarmUp: time.Minute, Cooldown: 5 * time.Minute})
	f.run(120, nil)
	attack := func(now time.Time, obs func(Obs)) {
		for range 5 {
			obs(Obs{Time: now, Op: 0, Key: 77, Status: 401})
		}
	}
	f.run(20*60, attack) // twenty minutes of one source: one event
	if got := f.signals()[KeyAuthFailures]; got != 1 {
		t.Fatalf("a continuing incident gave %d events, want 1", got)
	}
	f.run(6*60, nil) // quiet longer than the cooldown: a new burst is a new event
	f.run(60, attack)
	if got := f.signals()[KeyAuthFailures]; got != 2 {
		t.Fatalf("a second incident after the cooldown gave %d events in all, want 2", got)
	}
	if ev := f.d.Events(); len(ev) != len(f.events) {
		t.Fatalf("Events() lists %d, OnEvent saw %d", len(ev), len(f.events))
	}
}

func TestLog2q(t *testing.T) {
	for _, c := range []struct{ x, want uint64 }{
		{0, 0},      // log2(1) = 0
		{1, 1 << 4}, // log2(2) = 1
		{3, 2 << 4}, // log2(4) = 2
		{1023, 10 << 4},
		{1535, 10<<4 | 8}, // 1536 = 1.5 · 2^10
	} {
		if got := log2q(c.x); got != c.want {
			t.Errorf("log2q(%d) = %d, want %d", c.x, got, c.want)
		}
	}
}

func TestEventJSON(t *testing.T) {
	e := Event{Signal: KeyAuthFailures, Op: -1, Key: 0xab, Time: t0, Observed: 21, Threshold: 20, Window: 30 * time.Second}
	want := `{"signal":"key_auth_failures","op":-1,"key":"ab","time":"2026-03-02T12:00:00Z","observed":21,"baseline":0,"threshold":20,"window_ms":30000}`
	if got := string(e.AppendJSON(nil)); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := Signal(99).String(); got != "signal(99)" {
		t.Errorf("unknown signal prints %q", got)
	}
}

func benchObs(i uint64) Obs {
	return Obs{Time: t0.Add(time.Duration(i) * time.Microsecond), Op: int(i & 3), Key: i*0x9e3779b97f4a7c15 | 1,
		Path: i, Status: []int{200, 200, 200, 401, 404, 200, 429, 502}[i&7], Latency: 15 * time.Millisecond, Size: 300}
}

func BenchmarkObserve(b *testing.B) {
	d := New(Config{Ops: 4})
	b.ReportAllocs()
	var i uint64
	for b.Loop() {
		i++
		d.Observe(benchObs(i))
	}
}

func BenchmarkObserveParallel(b *testing.B) {
	d := New(Config{Ops: 4})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		var i uint64 = uint64(time.Now().UnixNano())
		for pb.Next() {
			i++
			d.Observe(benchObs(i))
		}
	})
}

// A flood of clean requests must not teach the share baselines a lower share
// of 401/404/validation failures, or ordinary traffic after it reads as a
// burst. The feeder's shares are exact, so a lax test shows the dilution.
func TestSharesDoNotLearnFromASurge(t *testing.T) {
	f := newFeeder(Config{WarmUp: 10 * time.Minute, Z: 2, MinCount: 3})
	f.run(20*60, nil)
	var k uint64 = 1 << 40
	f.run(30*60, func(now time.Time, obs func(Obs)) {
		for range 200 {
			k++
			obs(Obs{Time: now, Op: 0, Key: k, Path: k, Status: 200, Latency: 20 * time.Millisecond, Size: 200})
		}
	})
	f.run(10*60, nil)
	for _, e := range f.events {
		if e.Signal != RateSurge {
			t.Errorf("after a clean surge: %+v", e)
		}
	}
}

// Observe from several goroutines while Tick, Events and Forecast run: under
// -race this shows the request path shares nothing unsynchronized with them.
func TestObserveConcurrentWithTick(t *testing.T) {
	d := New(Config{Ops: 4, WarmUp: time.Second})
	done := make(chan struct{})
	for g := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 20000 {
				o := benchObs(uint64(g*100000 + i))
				o.Time = t0.Add(time.Duration(i) * time.Millisecond)
				d.Observe(o)
			}
		}()
	}
	for s := range 25 {
		d.Tick(t0.Add(time.Duration(s) * time.Second))
		d.Events()
		d.Forecast(-1, 5*time.Minute)
	}
	for range 4 {
		<-done
	}
}

func TestCooldownTableIsBounded(t *testing.T) {
	d := New(Config{Ops: 1})
	for k := range uint64(3 * maxCooldowns) {
		d.emit(Event{Signal: KeyAuthFailures, Op: -1, Key: k + 1, Time: t0})
	}
	if n := len(d.cooldown); n > maxCooldowns+1 {
		t.Fatalf("%d quiet periods remembered, want at most %d", n, maxCooldowns)
	}
	if n := len(d.Events()); n != 256 {
		t.Fatalf("%d recent events kept, want 256", n)
	}
}

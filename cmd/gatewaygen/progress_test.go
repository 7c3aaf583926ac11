package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a progress clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// lockedBuffer is the terminal: the ticker draws from its own goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

func TestProgressQuietOffTerminal(t *testing.T) {
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	file, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	for _, tc := range []struct {
		name string
		w    interface{ Write([]byte) (int, error) }
		on   bool
	}{
		{"buffer", &bytes.Buffer{}, false},
		{"regular file", file, false},
		{"character device", devnull, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("TERM", "xterm")
			if got := isTerminal(tc.w); got != tc.on {
				t.Errorf("isTerminal = %v, want %v", got, tc.on)
			}
		})
	}
	t.Run("dumb terminal", func(t *testing.T) {
		t.Setenv("TERM", "dumb")
		if isTerminal(devnull) {
			t.Error("isTerminal is true for TERM=dumb")
		}
	})

	var buf bytes.Buffer
	p := newProgress(&buf)
	p.Stage("load")
	p.Stage("go build")
	p.Done()
	if p.Writer() != nil {
		t.Error("Writer is not nil off a terminal")
	}
	if buf.Len() != 0 {
		t.Errorf("wrote %q off a terminal", buf.String())
	}
	var none *progress // what generate passes
	none.Stage("load")
	none.Done()
}

func TestProgressLine(t *testing.T) {
	clock := &fakeClock{t: time.Unix(0, 0)}
	term := &lockedBuffer{}
	p := &progress{w: term, now: clock.now}
	p.Stage("load")
	clock.add(400 * time.Millisecond)
	p.Stage("lower")
	clock.add(1100 * time.Millisecond)
	fmt.Fprintln(p.Writer(), "spec.yaml:3:1: warning: something")
	p.Stage("emit")
	clock.add(2 * time.Second)
	p.Stage("go build")
	clock.add(38 * time.Second)
	p.Done()

	out := term.String()
	const want = "load 0.4s · lower 1.1s · emit 2.0s · go build 38s\n"
	if !strings.HasSuffix(out, "\r\x1b[K"+want) {
		t.Errorf("the last line is not %q after clearing the status line:\n%q", want, out)
	}
	// The diagnostic starts a clean line: the status line was taken off.
	if !strings.Contains(out, "lower 0.0s\r\x1b[Kspec.yaml:3:1: warning: something\n") {
		t.Errorf("the diagnostic was not written on a cleared line:\n%q", out)
	}
	if !strings.HasPrefix(out, "\r\x1b[Kload 0.0s") {
		t.Errorf("the first stage was not drawn at once:\n%q", out)
	}
}

func TestProgressSeconds(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0.0s"},
		{449 * time.Millisecond, "0.4s"},
		{9940 * time.Millisecond, "9.9s"},
		{10 * time.Second, "10s"},
		{54600 * time.Millisecond, "55s"},
	} {
		if got := seconds(tc.d); got != tc.want {
			t.Errorf("seconds(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

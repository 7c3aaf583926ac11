package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// progress shows, on one line of a terminal rewritten in place, the stages
// of a build and how long each took, the current one counting up:
//
//	load 0.4s · lower 1.1s · emit 2.0s · write 0.3s · go build 38s
//
// A large document takes seconds to generate and tens of seconds to compile,
// which looks like a hang without it. When stderr is not a terminal (a pipe,
// a file, a test's buffer) it writes nothing, so logs and tests see only
// what they saw before.
type progress struct {
	mu     sync.Mutex
	w      io.Writer // nil when off
	now    func() time.Time
	done   []string  // "name 1.2s" of each finished stage
	stage  string    // the current stage, "" before the first
	since  time.Time // when the current stage began
	shown  bool      // a status line is on screen
	stop   chan struct{}
	ticker sync.WaitGroup
}

// tick is how often the current stage's time is redrawn.
const tick = 200 * time.Millisecond

// newProgress returns a progress that draws on stderr when stderr is a
// terminal, and does nothing otherwise.
func newProgress(stderr io.Writer) *progress {
	p := &progress{now: time.Now}
	if isTerminal(stderr) {
		p.w = stderr
	}
	return p
}

// isTerminal reports whether w is a character device other than a dumb
// terminal. golang.org/x/term would ask the terminal driver; a character
// device is close enough here and needs no dependency (/dev/null is one too,
// where the status line is harmlessly discarded).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("TERM") == "dumb" {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// A nil *progress does nothing: generate passes none.

// Stage ends the current stage, if any, and starts the one called name.
func (p *progress) Stage(name string) {
	if p == nil || p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if p.stage != "" {
		p.done = append(p.done, p.stage+" "+seconds(now.Sub(p.since)))
	} else {
		p.stop = make(chan struct{})
		p.ticker.Add(1)
		go p.redraw()
	}
	p.stage, p.since = name, now
	p.draw(now)
}

// Done ends the last stage and leaves the finished line on the terminal.
func (p *progress) Done() {
	if p == nil || p.w == nil || p.stage == "" {
		return
	}
	close(p.stop)
	p.ticker.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done = append(p.done, p.stage+" "+seconds(p.now().Sub(p.since)))
	p.stage = ""
	p.clear()
	fmt.Fprintln(p.w, p.line())
}

// Writer returns a writer for other output to the same terminal (the
// diagnostics, the go command's messages): it takes the status line off
// before each write, and the next tick draws it again below.
func (p *progress) Writer() io.Writer {
	if p == nil || p.w == nil {
		return nil
	}
	return progressWriter{p}
}

type progressWriter struct{ p *progress }

func (pw progressWriter) Write(b []byte) (int, error) {
	pw.p.mu.Lock()
	defer pw.p.mu.Unlock()
	pw.p.clear()
	return pw.p.w.Write(b)
}

func (p *progress) redraw() {
	defer p.ticker.Done()
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.mu.Lock()
			p.draw(p.now())
			p.mu.Unlock()
		}
	}
}

// draw rewrites the status line; p.mu is held.
func (p *progress) draw(now time.Time) {
	fmt.Fprint(p.w, "\r\x1b[K"+p.line(p.stage+" "+seconds(now.Sub(p.since))))
	p.shown = true
}

// clear takes the status line off the screen; p.mu is held.
func (p *progress) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
}

func (p *progress) line(more ...string) string {
	parts := append(p.done[:len(p.done):len(p.done)], more...)
	return strings.Join(parts, " · ")
}

// seconds prints d as the status line does: tenths below ten seconds,
// whole seconds above.
func seconds(d time.Duration) string {
	if d < 10*time.Second {
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	return fmt.Sprintf("%.0fs", d.Seconds())
}

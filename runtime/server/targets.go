package server

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"sort"
	"strings"
	"sync"
	"syscall"

	"github.com/gatewaygen/gatewaygen/runtime/balance"
)

// EnvUpstreamsFile names the file of upstream targets (--upstreams-file).
const EnvUpstreamsFile = "GATEWAY_UPSTREAMS_FILE"

// TargetSetter is an upstream whose targets a reload replaces
// (*proxy.Upstream).
type TargetSetter interface {
	SetTargets([]balance.Target) error
}

// Reloads is what SIGHUP reloads without a restart: the upstream targets of
// --upstreams-file. The generated New registers each upstream; a nil
// *Reloads (a Config built by hand) registers nothing.
type Reloads struct {
	file      string
	mu        sync.Mutex
	upstreams map[string]TargetSetter
}

// Upstream registers upstream name for reloads.
func (r *Reloads) Upstream(name string, u TargetSetter) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.upstreams == nil {
		r.upstreams = map[string]TargetSetter{}
	}
	r.upstreams[name] = u
}

// ReloadTargets reads the targets file again and gives each upstream it
// names its new targets. A file that cannot be read, names an upstream the
// gateway does not have or holds a URL that is not one changes nothing;
// upstreams the file does not name keep their targets.
func (r *Reloads) ReloadTargets() (names []string, err error) {
	if r == nil || r.file == "" {
		return nil, errors.New("no --upstreams-file to reload")
	}
	m, err := readTargetsFile(r.file)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for name := range m {
		if r.upstreams[name] == nil {
			return nil, fmt.Errorf("%s: no upstream named %q", r.file, name)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		ts := make([]balance.Target, len(m[name]))
		for i, u := range m[name] {
			ts[i] = balance.Target{URL: u, Weight: 1}
		}
		if err := r.upstreams[name].SetTargets(ts); err != nil {
			return nil, err
		}
	}
	return names, nil
}

// readTargetsFile reads lines of NAME=URL (several lines for one name make
// a pool); blank lines and lines starting with # are skipped. Each URL must
// be http or https with a host, so that a reload fails as a whole before
// any upstream changes.
func readTargetsFile(path string) (map[string][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m := map[string][]string{}
	sc := bufio.NewScanner(io.LimitReader(f, 1<<20))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, raw, err := splitUpstream(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		if u, err := url.Parse(raw); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("%s:%d: %q: want an http or https URL", path, n, raw)
		}
		m[name] = append(m[name], raw)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("%s: no NAME=URL line", path)
	}
	return m, nil
}

// watchReloads reloads the targets file on every SIGHUP until done closes,
// saying on stderr what changed or why nothing did. Without a file it does
// not catch SIGHUP at all.
func watchReloads(r *Reloads, prog string, stderr io.Writer, done <-chan struct{}) {
	if r == nil || r.file == "" {
		return
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		defer signal.Stop(hup)
		for {
			select {
			case <-done:
				return
			case <-hup:
				names, err := r.ReloadTargets()
				if err != nil {
					fmt.Fprintf(stderr, "%s: reload refused, targets unchanged: %v\n", prog, err)
					continue
				}
				fmt.Fprintf(stderr, "%s: reloaded targets of %s from %s\n", prog, strings.Join(names, ", "), r.file)
			}
		}
	}()
}

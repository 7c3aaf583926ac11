package auth

import (
	"log"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"weak"
)

// Reloader is a scheme whose material can be read again while requests
// are served: the new material replaces the old in one atomic store, so a
// request checks against one or the other, never a mix and never none.
type Reloader interface {
	Name() string
	// Reload reads the material again; on an error the old one stays.
	Reload() error
}

var (
	_ Reloader = (*APIKey)(nil)
	_ Reloader = (*Basic)(nil)
	_ Reloader = (*JWT)(nil)
)

// hangup holds the schemes SIGHUP reloads. A signal is the process's, not
// a gateway's, so one watcher serves every gateway built in the process;
// it holds them weakly, so a gateway dropped (as tests drop theirs) is not
// kept alive by it.
var hangup struct {
	once sync.Once
	mu   sync.Mutex
	list []func() Reloader // nil once the scheme is gone
}

// ReloadOnHangup has SIGHUP reload the material of r: keys and users from
// their file or variable, a JWKS from its file, variable or URL. A reload
// that fails (a file missing or malformed) is logged with its reason and
// the material loaded before stays in force.
func ReloadOnHangup[T any, P interface {
	*T
	Reloader
}](r P) {
	w := weak.Make((*T)(r))
	hangup.mu.Lock()
	hangup.list = append(hangup.list, func() Reloader {
		if p := w.Value(); p != nil {
			return P(p)
		}
		return nil
	})
	hangup.mu.Unlock()
	hangup.once.Do(func() {
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, syscall.SIGHUP)
		go func() {
			for range ch {
				ReloadAll()
			}
		}()
	})
}

// ReloadAll reloads every scheme registered with ReloadOnHangup, as SIGHUP
// does, logging each outcome, and forgets those whose gateway is gone. It
// returns how many reloads failed.
func ReloadAll() int {
	hangup.mu.Lock()
	defer hangup.mu.Unlock()
	failed := 0
	live := hangup.list[:0]
	for _, get := range hangup.list {
		r := get()
		if r == nil {
			continue
		}
		live = append(live, get)
		if err := r.Reload(); err != nil {
			failed++
			log.Printf("%v; keeping the material loaded before", err)
		} else {
			log.Printf("auth: scheme %s: material reloaded", r.Name())
		}
	}
	clear(hangup.list[len(live):])
	hangup.list = live
	return failed
}

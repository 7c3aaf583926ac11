// Package accesslog writes one structured JSON line per request through
// log/slog: request id, trace id, operation, consumer, method, path, the
// query with sensitive values redacted, status, body sizes, the gateway's
// own and the upstream's latency, and why the gateway refused it.
//
// The request path only copies the line's fields into a fixed-size Entry
// and offers it to a buffered channel without waiting; one goroutine
// formats and writes. When the channel is full the line is dropped and
// counted (Dropped), so a slow log sink never slows requests down.
//
// Nothing that carries a credential is read: no header is logged apart
// from the request id and the trace id, so Authorization, API keys in a
// header, and cookies never reach a line; in the query, the value of every
// parameter named sensitive (API keys sent in the query, and names the
// operator adds) is written as REDACTED. The path is written as sent.
package accesslog

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// Redacted replaces the value of a sensitive query parameter.
const Redacted = "REDACTED"

// Capacities of an Entry's fields; longer values are cut (the line says so
// with a trailing "…").
const (
	maxID    = 128
	maxPath  = 512
	maxQuery = 512
	maxName  = 128
)

// Config says whether and how requests are logged.
type Config struct {
	Out io.Writer // nil: no access log
	// Sample is the share of successful requests (status below 400) that
	// are logged, 0 to 1; every refusal and error is logged.
	Sample float64
	// Sensitive are query parameter names whose values are redacted,
	// compared without regard to case.
	Sensitive []string
	// Buffer is how many lines may wait for the writer; 0: 1024.
	Buffer int
	// Off starts the logger turned off, for a process whose reloads may
	// turn it on (Reconfigure).
	Off bool
}

// Logger is the access log of one gateway. A nil *Logger logs nothing.
type Logger struct {
	// mu guards ch against Close: Log sends under the read lock, so a
	// line of a request still running at exit is dropped, never sent on
	// a closed channel.
	mu        sync.RWMutex
	closed    bool
	ch        chan Entry
	sample    atomic.Uint64 // threshold on a uniform uint64: below it, log (reload.go)
	off       atomic.Bool   // turned off by a reload (reload.go)
	sensitive [][]byte
	dropped   atomic.Int64
	done      chan struct{}
}

// Entry is one request's line before formatting: plain values and
// fixed-size arrays, so that filling one and sending it allocates nothing.
type Entry struct {
	Time                           time.Time
	Status, ReqBytes, RespBytes    int
	Own, Upstream                  time.Duration
	Operation, Reason              string // constants of the generated code
	Method                         [16]byte
	id, trace, consumer            [maxName]byte
	path                           [maxPath]byte
	query                          [maxQuery]byte
	nMethod, nID, nTrace, nCons    uint8
	nPath, nQuery                  uint16
	cutPath, cutQuery, cutConsumer bool
}

// New starts the writer of cfg's log; nil when cfg.Out is nil.
func New(cfg Config) *Logger {
	if cfg.Out == nil {
		return nil
	}
	n := cfg.Buffer
	if n <= 0 {
		n = 1024
	}
	l := &Logger{ch: make(chan Entry, n), done: make(chan struct{})}
	l.SetSample(cfg.Sample)
	l.off.Store(cfg.Off)
	for _, s := range cfg.Sensitive {
		l.sensitive = append(l.sensitive, []byte(strings.ToLower(s)))
	}
	out := slog.New(slog.NewJSONHandler(cfg.Out, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.MessageKey {
			return slog.Attr{} // every line is "access"; the key is noise
		}
		return a
	}}))
	go l.write(out)
	liveMu.Lock()
	live[l] = true
	liveMu.Unlock()
	return l
}

var (
	liveMu sync.Mutex
	live   = map[*Logger]bool{}
)

// CloseAll closes every open Logger, writing the lines still waiting: the
// server calls it once requests have drained, before the process exits.
func CloseAll() {
	liveMu.Lock()
	ls := make([]*Logger, 0, len(live))
	for l := range live {
		ls = append(ls, l)
	}
	liveMu.Unlock()
	for _, l := range ls {
		l.Close()
	}
}

// Dropped is how many lines were dropped because the writer fell behind.
func (l *Logger) Dropped() int64 { return l.dropped.Load() }

// Close stops taking lines and waits until those waiting are written.
func (l *Logger) Close() {
	if l == nil {
		return
	}
	l.mu.Lock()
	if !l.closed {
		l.closed = true
		close(l.ch)
	}
	l.mu.Unlock()
	<-l.done
	liveMu.Lock()
	delete(live, l)
	liveMu.Unlock()
}

// Log records one finished request of operation op: ctx holds its answer,
// consumer is who auth verified, own and upstream the gateway's and the
// upstream's time, reason why the gateway refused it ("" when it did not).
// A success is logged with the configured probability; the rest always.
func (l *Logger) Log(ctx *fasthttp.RequestCtx, op, consumer, reason string, own, upstream time.Duration, respBytes int) {
	if l == nil {
		return
	}
	if l.off.Load() {
		return
	}
	status := ctx.Response.StatusCode()
	if sample := l.sample.Load(); status < 400 && reason == "" && (sample == 0 || rand.Uint64() > sample) {
		return
	}
	var e Entry
	e.Time = time.Now()
	e.Status, e.Operation, e.Reason = status, op, reason
	e.Own, e.Upstream = own, upstream
	e.ReqBytes, e.RespBytes = len(ctx.Request.Body()), respBytes
	e.nMethod = uint8(copy(e.Method[:], ctx.Method()))
	e.nID = uint8(copy(e.id[:], ctx.Response.Header.Peek("X-Request-Id")))
	e.nTrace = uint8(copy(e.trace[:], TraceID(ctx.Request.Header.Peek("Traceparent"))))
	e.nCons = uint8(copy(e.consumer[:], consumer))
	e.cutConsumer = len(consumer) > maxName
	path := ctx.URI().PathOriginal()
	e.nPath = uint16(copy(e.path[:], path))
	e.cutPath = len(path) > maxPath
	n, cut := l.redact(e.query[:], ctx.URI().QueryString())
	e.nQuery, e.cutQuery = uint16(n), cut
	l.send(&e)
}

// send offers e to the writer without waiting.
func (l *Logger) send(e *Entry) {
	l.mu.RLock()
	if l.closed {
		l.mu.RUnlock()
		return
	}
	select {
	case l.ch <- *e:
	default:
		l.dropped.Add(1)
	}
	l.mu.RUnlock()
}

// redact copies the query q into dst with the value of every sensitive
// parameter replaced by Redacted; it returns the length written and
// whether q did not fit. A name is compared as sent, percent-encoded or
// not, so a sensitive name must be listed as clients write it.
func (l *Logger) redact(dst, q []byte) (int, bool) {
	n := 0
	put := func(b []byte) bool {
		if n+len(b) > len(dst) {
			n += copy(dst[n:], b)
			return false
		}
		n += copy(dst[n:], b)
		return true
	}
	for i := 0; len(q) > 0; i++ {
		pair := q
		if j := bytes.IndexByte(q, '&'); j >= 0 {
			pair, q = q[:j], q[j+1:]
		} else {
			q = nil
		}
		if i > 0 && !put([]byte{'&'}) {
			return n, true
		}
		name, _, hasValue := bytes.Cut(pair, []byte{'='})
		if hasValue && l.isSensitive(name) {
			if !put(name) || !put([]byte("="+Redacted)) {
				return n, true
			}
			continue
		}
		if !put(pair) {
			return n, true
		}
	}
	return n, false
}

func (l *Logger) isSensitive(name []byte) bool {
	for _, s := range l.sensitive {
		if len(s) == len(name) && bytes.EqualFold(s, name) {
			return true
		}
	}
	return false
}

// TraceID returns the trace id of a W3C traceparent header value
// (version-traceid-parentid-flags, lower-case hex), or nil when the value
// is not one.
func TraceID(tp []byte) []byte {
	if len(tp) < 55 || tp[2] != '-' || tp[35] != '-' || tp[52] != '-' {
		return nil
	}
	id := tp[3:35]
	zero := true
	for _, c := range id {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return nil
		}
		zero = zero && c == '0'
	}
	if zero {
		return nil
	}
	return id
}

func (l *Logger) write(out *slog.Logger) {
	defer close(l.done)
	ctx := context.Background()
	for e := range l.ch {
		attrs := []slog.Attr{
			slog.String("request_id", string(e.id[:e.nID])),
			slog.String("operation", e.Operation),
			slog.String("method", string(e.Method[:e.nMethod])),
			slog.String("path", cutString(e.path[:e.nPath], e.cutPath)),
			slog.Int("status", e.Status),
			slog.Int("req_bytes", e.ReqBytes),
			slog.Int("resp_bytes", e.RespBytes),
			slog.Float64("gateway_ms", float64(e.Own)/float64(time.Millisecond)),
			slog.Float64("upstream_ms", float64(e.Upstream)/float64(time.Millisecond)),
		}
		if e.nQuery > 0 {
			attrs = append(attrs, slog.String("query", cutString(e.query[:e.nQuery], e.cutQuery)))
		}
		if e.nTrace > 0 {
			attrs = append(attrs, slog.String("trace_id", string(e.trace[:e.nTrace])))
		}
		if e.nCons > 0 {
			attrs = append(attrs, slog.String("consumer", cutString(e.consumer[:e.nCons], e.cutConsumer)))
		}
		if e.Reason != "" {
			attrs = append(attrs, slog.String("rejected", e.Reason))
		}
		r := slog.NewRecord(e.Time, slog.LevelInfo, "access", 0)
		r.AddAttrs(attrs...)
		_ = out.Handler().Handle(ctx, r)
	}
}

func cutString(b []byte, cut bool) string {
	if cut {
		return string(b) + "…"
	}
	return string(b)
}

package server

import (
	"errors"
	"io"
	"reflect"
	"sync"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/accesslog"
	"github.com/gatewaygen/gatewaygen/runtime/metrics"
	"github.com/gatewaygen/gatewaygen/runtime/requestid"
)

// refusals records the requests the server refuses before routing (408,
// 431, the 413 cut of a body, 400 for what fasthttp cannot parse) as a
// routed request is recorded: an X-Request-Id on the answer, a count in
// gateway_server_refusals_total, and an access-log line. Without it these
// are the refusals an operator cannot see, though a slow-header attack or
// an oversized upload shows up nowhere else.
type refusals struct {
	access *accesslog.Logger // nil when the access log is off
}

func newRefusals(cfg Config) *refusals {
	return &refusals{access: accesslog.New(cfg.AccessLogConfig())}
}

// record counts the refusal why of the request in ctx, whose answer the
// error handler has written; headerRead says whether its header was parsed.
func (r *refusals) record(ctx *fasthttp.RequestCtx, why metrics.Refusal, headerRead bool) {
	requestid.Ensure(ctx)
	metrics.Refused(why)
	if r == nil || r.access == nil {
		return
	}
	var took time.Duration
	if t := ctx.Time(); !t.IsZero() {
		took = time.Since(t)
	}
	r.access.Refused(ctx, why.String(), took, headerRead)
}

// refusalOf says which refusal fasthttp's err is, and whether the request's
// header was parsed before it: fasthttp keeps the header of a
// Content-Length it refuses but resets the request when it cuts a chunked
// body.
func refusalOf(ctx *fasthttp.RequestCtx, err error) (metrics.Refusal, bool) {
	var small *fasthttp.ErrSmallBuffer
	var netErr interface{ Timeout() bool }
	switch {
	case errors.Is(err, fasthttp.ErrBodyTooLarge):
		return metrics.BodyTooLarge, ctx.Request.Header.ContentLength() > 0
	case errors.As(err, &small) || errors.Is(err, fasthttp.ErrSmallReadBuffer):
		return metrics.HeadersTooLarge, false
	case errors.As(err, &netErr) && netErr.Timeout():
		return metrics.HeaderTimeout, false
	}
	return metrics.Malformed, false
}

// sharedWriters gives every logger of a process that writes to one sink
// the same lockedWriter: the server's refusals and the generated gateway's
// requests have a logger each, and their lines must not interleave.
var sharedWriters sync.Map // io.Writer -> *lockedWriter

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// shared is w behind the lock every logger of w uses; a writer that cannot
// be a map key is returned as it is.
func shared(w io.Writer) io.Writer {
	if w == nil || !reflect.TypeOf(w).Comparable() {
		return w
	}
	if _, ok := w.(*lockedWriter); ok {
		return w
	}
	lw, _ := sharedWriters.LoadOrStore(w, &lockedWriter{w: w})
	return lw.(*lockedWriter)
}

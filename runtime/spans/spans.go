// Package spans records a span per request, and one for its upstream call,
// and exports them over OTLP/HTTP (protobuf) to a collector.
//
// The request path only copies what it knows into a record taken from a
// pool and, when the request is done, into a fixed-size ring (a bounded
// multi-producer queue: one compare-and-swap, no lock, no allocation). A
// full ring drops the span and counts it; a request never waits for the
// exporter. One goroutine drains the ring, builds the OTLP messages with
// the official wire types (go.opentelemetry.io/proto/otlp) and posts them.
// The OpenTelemetry SDK is not used: its spans are objects allocated and
// locked per request, which is what the request path of this gateway
// avoids; the protocol and its types are what matter to a collector.
//
// Sampling is parent-based: a request whose traceparent is sampled is
// recorded, one whose traceparent is not sampled is not, and a request that
// starts a trace is sampled with the configured ratio, its traceparent then
// marked sampled for the upstream.
package spans

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/traceparent"
)

// Sizes of a record's copied fields; longer values are cut.
const (
	maxPath   = 256
	maxMethod = 16
)

// record is one request's server span and, when the request went upstream,
// its client span: plain values and arrays, so that filling and queueing it
// allocates nothing.
type record struct {
	trace      [16]byte
	id, parent [8]byte // the server span's; parent zero for a root
	client     [8]byte // the client span's id: the parent id the upstream received
	start, end int64   // unix nanoseconds
	status     int32
	upStart    int64
	upEnd      int64
	upStatus   int32
	upFailed   bool
	upstream   bool
	hasParent  bool
	upName     string // the upstream's name, held by the upstream
	target     []byte // scheme://host:port of the target, held by its target set
	method     [maxMethod]byte
	path       [maxPath]byte
	nMethod    uint8
	nPath      uint16
}

// handlers counts the handlers built by Handler in this process: while
// there is none (span export off, the default), Upstream returns at once.
// It never goes down, since a handler may serve as long as the process runs.
var handlers atomic.Int32

var records = sync.Pool{New: func() any { return new(record) }}

// key finds a request's record among its user values; a zero-size key
// boxes without allocating.
type key struct{}

// Upstream records the upstream call of the request in ctx, when it is
// traced: name is the upstream's, target the URL prefix of the target
// that answered last, start when the call began, status the upstream's
// answer (0 when none came) and failed whether the gateway gave up on it.
// With no tracer in the process it costs one atomic load; traced or not
// under one, a look-up among the request's user values.
func Upstream(ctx *fasthttp.RequestCtx, name string, target []byte, start time.Time, status int, failed bool) {
	if handlers.Load() == 0 {
		return
	}
	r, ok := ctx.UserValue(key{}).(*record)
	if !ok {
		return
	}
	r.upstream = true
	r.upName, r.target = name, target
	r.upStart, r.upEnd = start.UnixNano(), time.Now().UnixNano()
	r.upStatus, r.upFailed = int32(status), failed
}

// Tracer samples requests, records their spans and exports them.
type Tracer struct {
	ring      *ring
	sample    uint64 // threshold on a uniform uint64 for a new trace
	exp       *exporter
	queued    atomic.Int64
	dropped   atomic.Int64 // the ring was full
	exported  atomic.Int64
	failed    atomic.Int64 // spans of batches the collector did not take
	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

// Handler records a span for every sampled request h serves. It runs
// before the generated handler, so that it sees the client's traceparent
// before the gateway replaces its parent id.
func (t *Tracer) Handler(h fasthttp.RequestHandler) fasthttp.RequestHandler {
	handlers.Add(1)
	return func(ctx *fasthttp.RequestCtx) {
		r := t.begin(ctx)
		if r == nil {
			h(ctx)
			return
		}
		ctx.SetUserValue(key{}, r)
		h(ctx)
		ctx.RemoveUserValue(key{})
		t.finish(ctx, r)
	}
}

var (
	hTraceparent = []byte("Traceparent")
	hTracestate  = []byte("Tracestate")
)

// begin decides whether ctx is sampled and, when it is, returns its record
// with the trace, its own id and its parent filled; nil when it is not.
func (t *Tracer) begin(ctx *fasthttp.RequestCtx) *record {
	h := &ctx.Request.Header
	in := h.PeekBytes(hTraceparent)
	valid := traceparent.Valid(in)
	if valid && !sampled(in) {
		return nil
	}
	if !valid && (t.sample == 0 || rand.Uint64() > t.sample) {
		return nil
	}
	r := records.Get().(*record)
	*r = record{}
	putID(r.id[:], traceparent.RandomID())
	if valid {
		unhex(r.trace[:], in[3:35])
		unhex(r.parent[:], in[36:52])
		r.hasParent = true
	} else {
		// Start the trace here, sampled, so that the gateway's
		// propagation continues it and the upstream records its part.
		// A malformed traceparent's tracestate goes, as the W3C
		// recommendation says.
		if len(in) > 0 {
			h.DelBytes(hTracestate)
		}
		putID(r.trace[:8], traceparent.RandomID())
		putID(r.trace[8:], rand.Uint64())
		var out [traceparent.Len]byte
		out[0], out[1], out[2] = '0', '0', '-'
		hexTo(out[3:35], r.trace[:])
		out[35] = '-'
		hexTo(out[36:52], r.id[:])
		out[52], out[53], out[54] = '-', '0', '1'
		h.SetCanonical(hTraceparent, out[:])
	}
	if st := ctx.Time(); !st.IsZero() {
		r.start = st.UnixNano() // when the header was read, as the metrics count
	} else {
		r.start = time.Now().UnixNano()
	}
	r.nMethod = uint8(copy(r.method[:], h.Method()))
	path := ctx.URI().PathOriginal()
	r.nPath = uint16(copy(r.path[:], path))
	return r
}

// finish completes r from the answer in ctx and queues it.
func (t *Tracer) finish(ctx *fasthttp.RequestCtx, r *record) {
	r.end = time.Now().UnixNano()
	r.status = int32(ctx.Response.StatusCode())
	if r.upstream {
		// The parent id the upstream received is the client span's.
		if out := ctx.Request.Header.PeekBytes(hTraceparent); traceparent.Valid(out) {
			unhex(r.client[:], out[36:52])
		} else {
			r.upstream = false
		}
	}
	if t.ring.put(r) {
		t.queued.Add(1)
	} else {
		t.dropped.Add(1)
	}
	records.Put(r)
}

// sampled reads the sampled bit of a valid traceparent's flags.
func sampled(tp []byte) bool {
	c := tp[54]
	var v byte
	switch {
	case c >= '0' && c <= '9':
		v = c - '0'
	default:
		v = c - 'a' + 10
	}
	return v&1 == 1
}

func putID(dst []byte, x uint64) {
	for i := 7; i >= 0; i-- {
		dst[i] = byte(x)
		x >>= 8
	}
}

const hexDigits = "0123456789abcdef"

func hexTo(dst, src []byte) {
	for i, b := range src {
		dst[2*i], dst[2*i+1] = hexDigits[b>>4], hexDigits[b&15]
	}
}

// unhex decodes lower-case hex that traceparent.Valid has checked.
func unhex(dst, src []byte) {
	for i := range dst {
		dst[i] = nibble(src[2*i])<<4 | nibble(src[2*i+1])
	}
}

func nibble(c byte) byte {
	if c <= '9' {
		return c - '0'
	}
	return c - 'a' + 10
}

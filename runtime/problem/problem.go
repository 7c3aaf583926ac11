// Package problem writes RFC 9457 application/problem+json error responses
// for the generated gateway: one shape for every rejection, naming the failing
// location and rule so a client can fix its request without reading logs.
//
// It must never allocate on the request path beyond fasthttp's own buffers
// and the text of a violation it keeps (a probe's violations are counted,
// their text never built), never leak internal addresses or Go error strings
// chosen by someone else (callers pass the detail text, or its text and the
// value found), and never touch headers other than
// Content-Type and, for 405, Allow: headers set earlier (CORS, rate limits,
// request id) stay on the response.
package problem

import (
	"strconv"
	"sync"

	"github.com/valyala/fasthttp"
)

// MaxViolations bounds how many violations one request reports. Validators
// stop early once it is reached, so a hostile body with a million bad items
// costs at most this much work and response size.
const MaxViolations = 10

// TypeInvalidRequest is the problem type of a request that failed validation.
const TypeInvalidRequest = "urn:gatewaygen:problem:invalid-request"

// TypeBlank is RFC 9457's default type: the status code says it all.
const TypeBlank = "about:blank"

// ContentType is the media type of every body this package writes.
const ContentType = "application/problem+json"

// Violation is one broken rule.
//
// Location is where: "query.limit", "path.petId", "header.X-Client-Version",
// "cookie.session", or a JSON pointer into the body such as "/body/tags/2".
// Rule is the keyword that failed ("maximum", "required", "type", "pattern",
// "enum", ...). Detail is human text saying expected vs found
// ("must be <= 100, found 500").
type Violation struct {
	Location, Rule, Detail string
}

// Errors collects the violations of one request. The zero value is ready to
// use; Reset keeps the capacity so a caller can pool it. Not safe for
// concurrent use: one request, one goroutine.
type Errors struct {
	List    []Violation
	Dropped int // violations seen after List was full
	probing int // > 0 while a subschema is tried: violations are counted, not kept
	count   int // every violation added, kept or not
}

// Add records a violation, or counts it in Dropped once MaxViolations are held.
func (e *Errors) Add(location, rule, detail string) {
	e.count++
	if e.probing > 0 {
		return
	}
	if len(e.List) >= MaxViolations {
		e.Dropped++
		return
	}
	e.List = append(e.List, Violation{Location: location, Rule: rule, Detail: detail})
}

// Keep reports whether a violation about to be reported will be kept, so
// that the caller builds its location and detail only then:
//
//	if errs.Keep() {
//		errs.Add(it.Pointer(), "type", "expected "+want+", found "+it.Peek().String())
//	}
//
// While probing, or once MaxViolations are held, Keep counts the violation
// itself (in Dropped for the latter, as Add would) and reports false;
// otherwise it reports true and leaves the counting to Add. The AddAt family
// below does this for the common shapes of a report.
func (e *Errors) Keep() bool {
	if e.probing == 0 && len(e.List) < MaxViolations {
		return true
	}
	e.count++
	if e.probing == 0 {
		e.Dropped++
	}
	return false
}

// Fail counts a violation without describing it, for probes that only need
// to know whether a value passes.
func (e *Errors) Fail() { e.count++ }

// Probing reports whether violations are only being counted, so that a
// validator may skip building their text (Keep does both at once).
func (e *Errors) Probing() bool { return e.probing > 0 }

// Count is the number of violations added so far, kept, dropped or probed.
// A validator compares two counts to learn whether a value passed.
func (e *Errors) Count() int { return e.count }

// Probe starts trying a subschema (anyOf, oneOf, not, if, contains): until
// the matching EndProbe, violations are counted but not kept. It returns the
// count to compare against.
func (e *Errors) Probe() int {
	e.probing++
	return e.count
}

// EndProbe ends a probe begun with Probe and reports whether the value
// passed, i.e. no violation was added since start. The probe's violations
// are then forgotten, so a probe nested in another (an if inside a contains)
// does not count against the outer one.
func (e *Errors) EndProbe(start int) bool {
	e.probing--
	passed := e.count == start
	e.count = start
	return passed
}

// Len is the number of violations held (not counting Dropped).
func (e *Errors) Len() int { return len(e.List) }

// Full reports that MaxViolations are held, so validators can stop early.
func (e *Errors) Full() bool { return len(e.List) >= MaxViolations }

// Reset empties e for reuse, keeping List's capacity.
func (e *Errors) Reset() {
	clear(e.List) // drop string references so pooled Errors don't pin request memory
	e.List = e.List[:0]
	e.Dropped = 0
	e.probing = 0
	e.count = 0
}

// Write answers 400 with every violation in "errors" and the first one, plus
// how many more there were, in "detail".
func (e *Errors) Write(ctx *fasthttp.RequestCtx) {
	b := acquireBuf()
	d := b.scratch[:0]
	if len(e.List) > 0 {
		first := e.List[0]
		d = append(d, first.Location...)
		d = append(d, ": "...)
		d = append(d, first.Detail...)
		if more := len(e.List) - 1 + e.Dropped; more > 0 {
			d = append(d, " (and "...)
			d = strconv.AppendInt(d, int64(more), 10)
			d = append(d, " more)"...)
		}
	} else {
		d = append(d, "the request is invalid"...)
	}
	b.scratch = d
	write(ctx, b, fasthttp.StatusBadRequest, TypeInvalidRequest, titleInvalid, d, e.List)
	releaseBuf(b)
}

// titleInvalid is the title of a request that failed validation.
const titleInvalid = "Request validation failed"

// invalidHead is the start of its document, escaped once.
var invalidHead = append(append(append(append(append(append([]byte(nil), keyType...), `"`+TypeInvalidRequest+`"`...),
	keyTitle...), `"`+titleInvalid+`"`...), keyStatus...), "400"...)

// Write sends status with a problem+json body. instance is the request's raw
// path (without query); "request_id" is included when the request carries an
// X-Request-Id header (requestid.Ensure sets one). vs may be nil.
func Write(ctx *fasthttp.RequestCtx, status int, typ, title, detail string, vs []Violation) {
	b := acquireBuf()
	write(ctx, b, status, typ, title, detail, vs)
	releaseBuf(b)
}

// writeBlank writes an about:blank problem, whose title must be the status
// phrase (RFC 9457 §4.2.1).
func writeBlank[T string | []byte](ctx *fasthttp.RequestCtx, status int, detail T) {
	b := acquireBuf()
	write(ctx, b, status, TypeBlank, fasthttp.StatusMessage(status), detail, nil)
	releaseBuf(b)
}

// NotFound answers 404: no route matches the path.
func NotFound(ctx *fasthttp.RequestCtx) {
	writeBlank(ctx, fasthttp.StatusNotFound, "no operation matches this path")
}

// MethodNotAllowed answers 405 with the Allow header listing the methods the
// path supports (e.g. "GET, POST").
func MethodNotAllowed(ctx *fasthttp.RequestCtx, allow string) {
	ctx.Response.Header.Set(fasthttp.HeaderAllow, allow)
	b := acquireBuf()
	d := append(b.scratch[:0], "method "...)
	d = append(d, ctx.Method()...)
	d = append(d, " is not allowed here; allowed: "...)
	d = append(d, allow...)
	b.scratch = d
	write(ctx, b, fasthttp.StatusMethodNotAllowed, TypeBlank, fasthttp.StatusMessage(fasthttp.StatusMethodNotAllowed), d, nil)
	releaseBuf(b)
}

// PayloadTooLarge answers 413, saying the limit in bytes.
func PayloadTooLarge(ctx *fasthttp.RequestCtx, limit int64) {
	b := acquireBuf()
	d := append(b.scratch[:0], "request body exceeds the limit of "...)
	d = strconv.AppendInt(d, limit, 10)
	d = append(d, " bytes"...)
	b.scratch = d
	write(ctx, b, fasthttp.StatusRequestEntityTooLarge, TypeBlank, fasthttp.StatusMessage(fasthttp.StatusRequestEntityTooLarge), d, nil)
	releaseBuf(b)
}

// UnsupportedMediaType answers 415: got is the request's Content-Type,
// allowed the media types the operation accepts (e.g. "application/json").
func UnsupportedMediaType(ctx *fasthttp.RequestCtx, got, allowed string) {
	b := acquireBuf()
	d := append(b.scratch[:0], "content type "...)
	if got == "" {
		d = append(d, "(none)"...)
	} else {
		d = append(d, '"')
		d = append(d, got...)
		d = append(d, '"')
	}
	d = append(d, " is not supported; expected "...)
	d = append(d, allowed...)
	b.scratch = d
	write(ctx, b, fasthttp.StatusUnsupportedMediaType, TypeBlank, fasthttp.StatusMessage(fasthttp.StatusUnsupportedMediaType), d, nil)
	releaseBuf(b)
}

// BadGateway answers 502: the upstream failed or answered garbage.
func BadGateway(ctx *fasthttp.RequestCtx, detail string) {
	writeBlank(ctx, fasthttp.StatusBadGateway, detail)
}

// ServiceUnavailable answers 503: no upstream can take the request now.
func ServiceUnavailable(ctx *fasthttp.RequestCtx, detail string) {
	writeBlank(ctx, fasthttp.StatusServiceUnavailable, detail)
}

// GatewayTimeout answers 504: the upstream did not answer in time.
func GatewayTimeout(ctx *fasthttp.RequestCtx, detail string) {
	writeBlank(ctx, fasthttp.StatusGatewayTimeout, detail)
}

var (
	keyType      = []byte(`{"type":`)
	keyTitle     = []byte(`,"title":`)
	keyStatus    = []byte(`,"status":`)
	keyDetail    = []byte(`,"detail":`)
	keyInstance  = []byte(`,"instance":`)
	keyErrors    = []byte(`,"errors":[`)
	keyLocation  = []byte(`{"location":`)
	keyRule      = []byte(`,"rule":`)
	keyRequestID = []byte(`,"request_id":`)
	headerReqID  = []byte("X-Request-Id")
)

// buf is the scratch space of one Write: out is the body, scratch holds a
// composed detail. Pooled so that error storms do not turn into GC storms.
type buf struct {
	out, scratch []byte
}

var bufPool = sync.Pool{New: func() any { return &buf{out: make([]byte, 0, 512), scratch: make([]byte, 0, 128)} }}

func acquireBuf() *buf { return bufPool.Get().(*buf) }

func releaseBuf(b *buf) {
	// A huge body (thousands of escaped bytes) is not worth keeping around.
	if cap(b.out) > 64<<10 || cap(b.scratch) > 64<<10 {
		return
	}
	b.out, b.scratch = b.out[:0], b.scratch[:0]
	bufPool.Put(b)
}

func write[T string | []byte](ctx *fasthttp.RequestCtx, b *buf, status int, typ, title string, detail T, vs []Violation) {
	o := b.out[:0]
	if status == fasthttp.StatusBadRequest && typ == TypeInvalidRequest && title == titleInvalid {
		o = append(o, invalidHead...) // the one document every rejected request starts with
	} else {
		o = append(o, keyType...)
		o = AppendString(o, typ)
		o = append(o, keyTitle...)
		o = AppendString(o, title)
		o = append(o, keyStatus...)
		o = strconv.AppendInt(o, int64(status), 10)
	}
	o = append(o, keyDetail...)
	o = AppendString(o, detail)
	o = append(o, keyInstance...)
	o = AppendString(o, ctx.URI().PathOriginal())
	if len(vs) > 0 {
		o = append(o, keyErrors...)
		for i := range vs {
			if i > 0 {
				o = append(o, ',')
			}
			o = append(o, keyLocation...)
			o = AppendString(o, vs[i].Location)
			o = append(o, keyRule...)
			o = AppendString(o, vs[i].Rule)
			o = append(o, keyDetail...)
			o = AppendString(o, vs[i].Detail)
			o = append(o, '}')
		}
		o = append(o, ']')
	}
	if id := ctx.Request.Header.PeekBytes(headerReqID); len(id) > 0 {
		o = append(o, keyRequestID...)
		o = AppendString(o, id)
	}
	o = append(o, '}')

	ctx.Response.SetStatusCode(status)
	ctx.Response.Header.SetContentType(ContentType)
	// A previous attempt (a failed proxy call) may have left an encoding.
	if len(ctx.Response.Header.ContentEncoding()) > 0 {
		ctx.Response.Header.Del(fasthttp.HeaderContentEncoding)
	}
	// The document becomes the body without a copy; the body's old buffer
	// goes back to the pool in its place.
	b.out = ctx.Response.SwapBody(o)[:0]
}

// Package problem writes RFC 9457 application/problem+json error responses
// for the generated gateway: one shape for every rejection, naming the failing
// location and rule so a client can fix its request without reading logs.
//
// It must never allocate on the request path beyond fasthttp's own buffers
// and the growth of its own (a violation's text is written into the Errors'
// buffer, and only when it is kept: a probe's violations are counted, their
// text never built; a document is written into the response's body buffer),
// never leak internal addresses or Go error strings chosen by someone else
// (callers pass the detail text, or its text and the value found), and never
// touch headers other than
// Content-Type and, for 405 and 501, Allow, for 415 Accept (or
// Accept-Encoding): headers set earlier (CORS, rate limits, request id)
// stay on the response.
package problem

import (
	"strconv"
	"strings"
	"unicode/utf8"

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
//
// The strings that the Detail and Add families of report.go build live in
// the Errors' own buffer: they are valid until Reset, which the owner calls
// once the response is written. Copy a violation to keep it longer.
type Errors struct {
	List    []Violation
	Dropped int    // violations seen after List was full
	probing int    // > 0 while a subschema is tried: violations are counted, not kept
	count   int    // every violation added, kept or not
	text    []byte // the locations and details the reports built
}

// AnyAt reports whether a violation kept has a location starting with
// prefix ("path.").
func (e *Errors) AnyAt(prefix string) bool {
	for _, v := range e.List {
		if strings.HasPrefix(v.Location, prefix) {
			return true
		}
	}
	return false
}

// Add records a violation, or counts it in Dropped once MaxViolations are
// held. A location over MaxLocation bytes is cut, as every report's is.
func (e *Errors) Add(location, rule, detail string) {
	e.count++
	if e.probing > 0 {
		return
	}
	if len(e.List) >= MaxViolations {
		e.Dropped++
		return
	}
	if len(location) > MaxLocation {
		start := len(e.text)
		e.text = append(e.text, location[:MaxLocation+1]...)
		e.cut(start)
		location = e.since(start)
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
	if e.keeps() {
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
	if len(e.List) > 0 {
		clear(e.List) // drop string references so pooled Errors don't pin request memory
		e.List = e.List[:0]
	}
	e.Dropped = 0
	e.probing = 0
	e.count = 0
	if cap(e.text) > 64<<10 {
		e.text = nil // do not keep one huge report's buffer alive
	}
	e.text = e.text[:0]
}

// Write answers 400 with every violation in "errors" and the first one, plus
// how many more there were, in "detail".
func (e *Errors) Write(ctx *fasthttp.RequestCtx) {
	o := open(ctx, fasthttp.StatusBadRequest, TypeInvalidRequest, titleInvalid)
	if len(e.List) > 0 {
		first := e.List[0]
		o = appendEscaped(o, first.Location)
		o = append(o, ": "...)
		o = appendEscaped(o, first.Detail)
		if more := len(e.List) - 1 + e.Dropped; more > 0 {
			o = append(o, " (and "...)
			o = strconv.AppendInt(o, int64(more), 10)
			o = append(o, " more)"...)
		}
	} else {
		o = append(o, "the request is invalid"...)
	}
	finish(ctx, o, fasthttp.StatusBadRequest, e.List)
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
	finish(ctx, appendEscaped(open(ctx, status, typ, title), detail), status, vs)
}

// WriteUnread is Write, without violations, for a request the server
// refused before it had read the request line and header whole (a header
// block too large, a header timeout, a malformed one): its document has
// no "instance", as no target is known, rather than the "/" an unread
// request's URI defaults to.
func WriteUnread(ctx *fasthttp.RequestCtx, status int, typ, title, detail string) {
	end(ctx, append(appendEscaped(open(ctx, status, typ, title), detail), '"'), status)
}

// writeBlank writes an about:blank problem, whose title must be the status
// phrase (RFC 9457 §4.2.1).
func writeBlank(ctx *fasthttp.RequestCtx, status int, detail string) {
	Write(ctx, status, TypeBlank, Title(status), detail, nil)
}

// openBlank starts an about:blank problem, up to its detail.
func openBlank(ctx *fasthttp.RequestCtx, status int) []byte {
	return open(ctx, status, TypeBlank, Title(status))
}

// NotFound answers 404: no route matches the path.
func NotFound(ctx *fasthttp.RequestCtx) {
	writeBlank(ctx, fasthttp.StatusNotFound, "no operation matches this path")
}

// MethodNotAllowed answers 405 with the Allow header listing the methods the
// path supports (e.g. "GET, POST"). A method HTTP does not define (FOO) is
// not one the gateway knows at all: 501, as RFC 9110 §9.1 asks of an
// unrecognized method, with the same Allow.
func MethodNotAllowed(ctx *fasthttp.RequestCtx, allow string) {
	ctx.Response.Header.Set(fasthttp.HeaderAllow, allow)
	status, text := fasthttp.StatusMethodNotAllowed, " is not allowed here; allowed: "
	if !knownMethod(ctx.Method()) {
		status, text = fasthttp.StatusNotImplemented, " is not implemented; allowed here: "
	}
	o := openBlank(ctx, status)
	o = append(o, "method "...)
	o = appendCut(o, ctx.Method())
	o = append(o, text...)
	o = appendEscaped(o, allow)
	finish(ctx, o, status, nil)
}

// knownMethod reports whether m is a method of RFC 9110 §9 or PATCH (RFC
// 5789): the ones an OpenAPI document can give an operation.
func knownMethod(m []byte) bool {
	switch string(m) {
	case fasthttp.MethodGet, fasthttp.MethodHead, fasthttp.MethodPost, fasthttp.MethodPut, fasthttp.MethodDelete,
		fasthttp.MethodConnect, fasthttp.MethodOptions, fasthttp.MethodTrace, fasthttp.MethodPatch:
		return true
	}
	return false
}

// appendCut is appendEscaped for a value the client chose, cut at MaxFound
// bytes (at a character's start) with "…".
func appendCut[T string | []byte](o []byte, b T) []byte {
	if len(b) <= MaxFound {
		return appendEscaped(o, b)
	}
	cut := MaxFound
	for cut > 0 && !utf8.RuneStart(b[cut]) {
		cut--
	}
	return append(appendEscaped(o, b[:cut]), "…"...)
}

// JoinAllow is the Allow value of a path that two templates match, each
// without the request's method: a's methods, then those of b that a lacks.
// The router calls it only on that miss, so its allocation never reaches a
// request that is served.
func JoinAllow(a, b string) string {
	if a == "" || a == b {
		return b
	}
	out := a
	for rest := b; rest != ""; {
		m, tail, _ := strings.Cut(rest, ", ")
		rest = tail
		if !hasMethod(a, m) {
			out += ", " + m
		}
	}
	return out
}

func hasMethod(list, m string) bool {
	for list != "" {
		x, tail, _ := strings.Cut(list, ", ")
		if x == m {
			return true
		}
		list = tail
	}
	return false
}

// PayloadTooLarge answers 413, saying the limit in bytes.
func PayloadTooLarge(ctx *fasthttp.RequestCtx, limit int64) {
	o := openBlank(ctx, fasthttp.StatusRequestEntityTooLarge)
	o = append(o, "request body exceeds the limit of "...)
	o = strconv.AppendInt(o, limit, 10)
	o = append(o, " bytes"...)
	finish(ctx, o, fasthttp.StatusRequestEntityTooLarge, nil)
}

// UnsupportedMediaType answers 415: got is the request's Content-Type
// (shown up to MaxFound bytes), allowed the media types the operation
// accepts (e.g. "application/json, text/plain"), which the detail names
// and an Accept header lists, as RFC 9110 §15.5.16 has a 415 say them.
func UnsupportedMediaType(ctx *fasthttp.RequestCtx, got, allowed string) {
	ctx.Response.Header.Set(fasthttp.HeaderAccept, allowed)
	o := openBlank(ctx, fasthttp.StatusUnsupportedMediaType)
	o = append(o, "content type "...)
	if got == "" {
		o = append(o, "(none)"...)
	} else {
		o = append(o, `\"`...)
		o = appendCut(o, got)
		o = append(o, `\"`...)
	}
	o = append(o, " is not supported; expected "...)
	o = appendEscaped(o, allowed)
	finish(ctx, o, fasthttp.StatusUnsupportedMediaType, nil)
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

// The member names of a document, as constants: appending one costs a
// few moves, not a call.
const (
	keyType      = `{"type":`
	keyTitle     = `,"title":`
	keyStatus    = `,"status":`
	keyErrors    = `,"errors":[`
	keyRequestID = `,"request_id":`
)

var headerReqID = []byte("X-Request-Id")

// open starts a problem document in the response's own body buffer and
// returns it, written up to the opening quote of "detail": the caller
// appends the detail's text, escaped, and hands the document to finish.
// Writing in place costs no buffer of this package's and no copy.
func open(ctx *fasthttp.RequestCtx, status int, typ, title string) []byte {
	// Whatever an earlier attempt left in the body (a failed proxy call's
	// bytes) is overwritten; a stream is dropped, not read.
	if ctx.Response.IsBodyStream() {
		ctx.Response.ResetBody()
	}
	o := ctx.Response.SwapBody(nil)[:0]
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
	return append(o, `,"detail":"`...)
}

// finish closes the detail that open began in o, adds the instance, the
// violations and the request id, and makes o the response's body.
func finish(ctx *fasthttp.RequestCtx, o []byte, status int, vs []Violation) {
	o = closeDetail(ctx, o)
	if len(vs) > 0 {
		o = append(o, keyErrors...)
		for i := range vs {
			if i > 0 {
				o = append(o, ',')
			}
			o = appendViolation(o, &vs[i])
		}
		o = append(o, ']')
	}
	end(ctx, o, status)
}

// closeDetail closes the detail that open began in o and adds the
// instance.
func closeDetail(ctx *fasthttp.RequestCtx, o []byte) []byte {
	o = append(o, `","instance":"`...)
	return append(appendInstance(o, ctx.URI().PathOriginal()), '"')
}

// appendInstance appends the request's path p as "instance", a URI
// reference (RFC 9457 §3.1.5): fasthttp takes a target with bytes no URI
// holds (a raw '"', '<', a byte past ASCII), and those are percent-encoded
// rather than written as JSON escapes or U+FFFD. What remains needs no
// JSON escaping.
func appendInstance(o, p []byte) []byte {
	for _, c := range p {
		if uriByte[c] {
			o = append(o, c)
		} else {
			o = append(o, '%', upperHex[c>>4], upperHex[c&0xf])
		}
	}
	return o
}

const upperHex = "0123456789ABCDEF"

// uriByte holds the bytes a URI's path and query may hold as they are
// (RFC 3986 §3.3, §3.4): unreserved, sub-delims, ':', '@', '/', '?' and
// '%' (a percent-encoding, left as sent).
var uriByte = func() (t [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for _, c := range "-._~!$&'()*+,;=:@/?%" {
		t[c] = true
	}
	return t
}()

// appendViolation appends v as a member of "errors".
func appendViolation(o []byte, v *Violation) []byte {
	o = append(o, `{"location":"`...)
	o = appendEscaped(o, v.Location)
	o = append(o, `","rule":"`...)
	o = appendEscaped(o, v.Rule)
	o = append(o, `","detail":"`...)
	o = appendEscaped(o, v.Detail)
	return append(o, `"}`...)
}

// end adds the request id, closes the document and makes o the response's
// body, with status and the problem media type.
func end(ctx *fasthttp.RequestCtx, o []byte, status int) {
	// PeekCanonical, because the name is written canonically already:
	// PeekBytes would copy and normalize it on every call. A server that
	// disables header normalization stores names as sent, and PeekBytes
	// does not normalize the key there either, so the two agree.
	if id := ctx.Request.Header.PeekCanonical(headerReqID); len(id) > 0 {
		o = append(o, keyRequestID...)
		o = AppendString(o, id)
	}
	o = append(o, '}')

	ctx.Response.SetStatusCode(status)
	// The status line's reason phrase agrees with the title: RFC 9110's
	// where it renamed a status, and never one an upstream's answer left
	// (a failed call's "200 OK" above a 502).
	if phrase := renamed(status); phrase != nil || len(ctx.Response.Header.StatusMessage()) > 0 {
		ctx.Response.Header.SetStatusMessage(phrase)
	}
	ctx.Response.Header.SetContentType(ContentType)
	// A previous attempt (a failed proxy call) may have left an encoding.
	if len(ctx.Response.Header.ContentEncoding()) > 0 {
		ctx.Response.Header.Del(fasthttp.HeaderContentEncoding)
	}
	ctx.Response.SwapBody(o)
}

// Package contract watches an upstream for its clients: for a sample of the
// responses an operation proxies, it checks the status, the Content-Type and
// the body against what the API document declares, logs one line per
// response that breaks the contract and counts checks and violations per
// operation.
//
// It must never change, delay beyond the check itself or fail a response:
// the client gets what the upstream sent. The path of a response that is not
// sampled is one atomic add and allocates nothing; a sampled, valid response
// allocates nothing either. The checks themselves are generated per
// operation; this package holds what they share: the sampler, the pooled
// scratch space, the counters and the log line.
package contract

import (
	"bytes"
	"io"
	"os"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/jsonv"
	"github.com/gatewaygen/gatewaygen/runtime/problem"
	"github.com/gatewaygen/gatewaygen/runtime/requestid"
)

// BodyBase is the location prefix of values in a response body.
const BodyBase = "/response/body"

// Locations of the violations that are not in the body.
const (
	LocStatus      = "response.status"
	LocContentType = "response.header.Content-Type"
)

// DefaultMaxBody bounds the bodies checked when Config.MaxBody is 0.
const DefaultMaxBody = 1 << 20

// Config describes the response checks of one operation.
type Config struct {
	Gateway string  // prefix of each log line, e.g. "petstore-gateway"
	Op      string  // the operation's name in logs and Stats: its operationId, else its Go name
	Method  string  // upper case
	Path    string  // path template, e.g. "/pets/{petId}"
	Sample  float64 // share of responses checked, in (0, 1]; above 1 counts as 1, 0 or less checks none
	MaxBody int     // larger bodies are counted as too large, not read; 0 means DefaultMaxBody
	// Log receives one line per violating response, written in a single
	// Write call; it must be safe for concurrent use. nil means os.Stderr.
	Log io.Writer
}

// Op samples, checks and counts the responses of one operation. Build it
// once with New; its methods are safe for concurrent use.
type Op struct {
	gateway, name, method, path string
	step                        uint64 // Sample × 2³²: how far the sampling phase advances per response
	maxBody                     int
	log                         io.Writer

	seen, checked, violations, tooLarge, encoded atomic.Uint64
}

// New returns the checker of one operation.
func New(cfg Config) *Op {
	o := &Op{
		gateway: cfg.Gateway,
		name:    cfg.Op,
		method:  cfg.Method,
		path:    cfg.Path,
		maxBody: cfg.MaxBody,
		log:     cfg.Log,
	}
	switch {
	case cfg.Sample >= 1:
		o.step = 1 << 32
	case cfg.Sample > 0:
		o.step = uint64(cfg.Sample*(1<<32) + 0.5)
		if o.step == 0 {
			o.step = 1
		}
	}
	if o.maxBody <= 0 {
		o.maxBody = DefaultMaxBody
	}
	if o.log == nil {
		o.log = os.Stderr
	}
	return o
}

// Sample counts one upstream response and reports whether to check it. The
// n-th response (from 0) is checked when the phase n×step mod 2³² has just
// wrapped, i.e. is below step: exactly Sample of the responses are checked,
// evenly spread, the first one always. It takes no lock and allocates
// nothing.
func (o *Op) Sample() bool {
	n := o.seen.Add(1) - 1
	return (n*o.step)&(1<<32-1) < o.step
}

// Stats are the counters of one operation since the gateway started.
type Stats struct {
	Op, Method, Path string
	Responses        uint64 // upstream responses seen, sampled or not
	Checked          uint64 // responses checked
	Violations       uint64 // checked responses with at least one violation
	TooLarge         uint64 // sampled but not checked: body over the limit
	Encoded          uint64 // sampled but not checked: compressed body
}

// Stats returns the operation's counters. Each is read atomically, the set
// is not a snapshot of one instant.
func (o *Op) Stats() Stats {
	return Stats{
		Op: o.name, Method: o.method, Path: o.path,
		Responses:  o.seen.Load(),
		Checked:    o.checked.Load(),
		Violations: o.violations.Load(),
		TooLarge:   o.tooLarge.Load(),
		Encoded:    o.encoded.Load(),
	}
}

// Check is the scratch space of one response check, pooled. A generated
// check calls Begin, then the methods below for what the document declares,
// then Done; it must not use the Check after Done.
type Check struct {
	Status int    // the response's status code
	Type   []byte // its media type: lower case, without parameters; empty when no Content-Type
	Body   []byte // its body, owned by the response

	op   *Op
	ctx  *fasthttp.RequestCtx
	head bool
	it   jsonv.Iter
	errs problem.Errors
	line []byte
}

var checkPool = sync.Pool{New: func() any { return new(Check) }}

// Begin starts checking the response in ctx, or returns nil when its body is
// not to be read: compressed (Content-Encoding other than identity) or
// larger than the operation's limit. Both are counted.
func (o *Op) Begin(ctx *fasthttp.RequestCtx) *Check {
	resp := &ctx.Response
	if ce := resp.Header.ContentEncoding(); len(ce) > 0 && !bytes.EqualFold(ce, identity) {
		o.encoded.Add(1)
		return nil
	}
	body := resp.Body()
	if len(body) > o.maxBody {
		o.tooLarge.Add(1)
		return nil
	}
	c := checkPool.Get().(*Check)
	c.op, c.ctx = o, ctx
	c.Status = resp.StatusCode()
	c.Type = AppendMediaType(c.Type[:0], resp.Header.ContentType())
	c.Body = body
	c.head = ctx.IsHead()
	c.errs.Reset()
	return c
}

var identity = []byte("identity")

// HasBody reports whether the response has a body to check: not empty, and
// not the answer to HEAD or a 1xx, 204 or 304, which have none by definition.
func (c *Check) HasBody() bool {
	if len(c.Body) == 0 || c.head {
		return false
	}
	switch {
	case c.Status < 200, c.Status == fasthttp.StatusNoContent, c.Status == fasthttp.StatusNotModified:
		return false
	}
	return true
}

// Undeclared reports a status the document does not declare; declared lists
// the ones it does, for the message.
func (c *Check) Undeclared(declared string) {
	c.errs.Add(LocStatus, "status", "status "+strconv.Itoa(c.Status)+" is not declared (declared: "+declared+")")
}

// WrongType reports a Content-Type that is none of the declared response's
// media types, listed in declared.
func (c *Check) WrongType(declared string) {
	if len(c.Type) == 0 {
		c.errs.Add(LocContentType, "content-type", "missing, expected "+declared)
		return
	}
	c.errs.Add(LocContentType, "content-type", "expected "+declared+", found "+string(c.Type))
}

// Validate checks the body as JSON with validate, a generated schema
// validator, or only for JSON syntax when validate is nil. Locations in the
// body start with BodyBase. A body that is not JSON at all is reported once,
// replacing whatever the validator found before the syntax error.
func (c *Check) Validate(validate func(*jsonv.Iter, *problem.Errors)) {
	c.it.ResetAt(c.Body, BodyBase)
	mark := c.errs.Len()
	if validate != nil {
		validate(&c.it, &c.errs)
	} else {
		c.it.Skip()
	}
	c.it.End()
	if err := c.it.Err(); err != nil {
		if mark < len(c.errs.List) {
			c.errs.List = c.errs.List[:mark]
		}
		c.errs.Add(BodyBase, "json", err.Error())
	}
}

// Done counts the check, logs the response when it broke the contract and
// returns c to the pool.
func (c *Check) Done() {
	o := c.op
	o.checked.Add(1)
	if len(c.errs.List) > 0 || c.errs.Dropped > 0 {
		n := o.violations.Add(1)
		c.line = o.appendLine(c.line[:0], c, n)
		_, _ = o.log.Write(c.line)
	}
	c.errs.Reset()
	c.it.ResetAt(nil, BodyBase)
	c.op, c.ctx, c.Body = nil, nil, nil
	if cap(c.line) > 64<<10 {
		c.line = nil
	}
	checkPool.Put(c)
}

// appendLine formats the log line of a violating response in key=value
// form: the first violation in full and how many more there were.
func (o *Op) appendLine(b []byte, c *Check, total uint64) []byte {
	b = append(b, o.gateway...)
	b = append(b, ": response contract violation"...)
	b = appendField(b, "op", o.name)
	b = appendField(b, "method", o.method)
	b = appendField(b, "path", o.path)
	b = append(b, " status="...)
	b = strconv.AppendInt(b, int64(c.Status), 10)
	if len(c.errs.List) > 0 {
		v := c.errs.List[0]
		b = appendField(b, "location", v.Location)
		b = appendField(b, "rule", v.Rule)
		b = appendField(b, "detail", v.Detail)
	}
	b = append(b, " more="...)
	more := len(c.errs.List) + c.errs.Dropped - 1
	b = strconv.AppendInt(b, int64(max(more, 0)), 10)
	b = appendField(b, "request_id", c.ctx.Request.Header.Peek(requestid.Header))
	b = append(b, " violations="...)
	b = strconv.AppendUint(b, total, 10)
	return append(b, '\n')
}

// appendField writes " key=value", quoting value when it is empty or holds a
// space, a quote, '=' or anything outside printable ASCII, so that one
// response is always one parseable line.
func appendField[T string | []byte](b []byte, key string, value T) []byte {
	b = append(b, ' ')
	b = append(b, key...)
	b = append(b, '=')
	if len(value) == 0 {
		return append(b, `""`...)
	}
	for i := 0; i < len(value); i++ {
		if c := value[i]; c <= ' ' || c >= 0x7f || c == '"' || c == '=' || c == '\\' {
			return strconv.AppendQuoteToASCII(b, string(value))
		}
	}
	return append(b, value...)
}

// AppendMediaType appends the media type of a Content-Type value to dst:
// lower case, parameters and surrounding white space removed
// ("Application/JSON; charset=utf-8" → "application/json").
func AppendMediaType(dst, ct []byte) []byte {
	if i := bytes.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	ct = bytes.TrimSpace(ct)
	for _, c := range ct {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

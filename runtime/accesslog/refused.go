package accesslog

import (
	"time"

	"github.com/valyala/fasthttp"
)

// Unrouted is the operation of a line whose request reached no operation.
const Unrouted = "(none)"

// Refused records a request the server refused before routing it (a
// header that did not arrive in time or did not fit, a body over its
// limit, a request fasthttp cannot parse): ctx holds what was read of it
// and the answer, reason says why, took how long it held the connection,
// headerRead whether the request's header was parsed (else its method and
// path would be fasthttp's defaults, not the client's, and are left out).
// Such a line is always written. Its query is not: which parameters carry
// secrets is known to operations only, and none was chosen.
func (l *Logger) Refused(ctx *fasthttp.RequestCtx, reason string, took time.Duration, headerRead bool) {
	if l == nil || l.off.Load() {
		return
	}
	var e Entry
	e.Time = time.Now()
	e.Status, e.Operation, e.Reason = ctx.Response.StatusCode(), Unrouted, reason
	e.Own = took
	e.ReqBytes, e.RespBytes = len(ctx.Request.Body()), len(ctx.Response.Body())
	e.nID = uint8(copy(e.id[:], ctx.Response.Header.Peek("X-Request-Id")))
	if headerRead {
		e.nMethod = uint8(copy(e.Method[:], ctx.Request.Header.Method()))
		e.nTrace = uint8(copy(e.trace[:], TraceID(ctx.Request.Header.Peek("Traceparent"))))
		path := requestPath(ctx.Request.Header.RequestURI())
		e.nPath = uint16(copy(e.path[:], path))
		e.cutPath = len(path) > maxPath
	}
	l.send(&e)
}

// requestPath is uri without its query or fragment: the request's URI is
// not parsed when the server refuses it, and parsing it would allocate.
func requestPath(uri []byte) []byte {
	for i, c := range uri {
		if c == '?' || c == '#' {
			return uri[:i]
		}
	}
	return uri
}

// Package cors answers cross-origin requests for a generated gateway
// (the Fetch standard's CORS protocol): preflight OPTIONS requests from
// what the operation declares, and the headers of an actual request from
// an allowed origin. A request from an origin not allowed is refused with
// 403 problem+json, preflight or not, so that a browser page of another
// origin cannot even trigger a simple request's side effects.
//
// Every header value is built in New; the request path compares bytes and
// sets prepared values, allocating nothing.
package cors

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/metrics"
	"github.com/gatewaygen/gatewaygen/runtime/problem"
)

// Config is one operation's CORS policy, decided at generation time.
type Config struct {
	// Origins are the allowed origins, scheme://host[:port] in lower case,
	// or "*" for any.
	Origins []string
	// Methods are the methods of the operation's path that allow CORS,
	// for Access-Control-Allow-Methods.
	Methods []string
	// Headers are the request headers a client may send: the operation's
	// declared header parameters, its credentials' headers, Content-Type
	// when it takes a body, and any the document adds.
	Headers []string
	// Expose are the response headers a page may read beyond the
	// CORS-safelisted ones.
	Expose      []string
	MaxAge      time.Duration
	Credentials bool
}

// Policy is a Config made ready for the request path.
type Policy struct {
	any         bool
	origins     [][]byte
	methods     []byte
	headers     []byte
	lowHeaders  [][]byte
	expose      []byte
	maxAge      []byte
	credentials bool
}

// New prepares c.
func New(c Config) *Policy {
	p := &Policy{credentials: c.Credentials}
	for _, o := range c.Origins {
		if o == "*" {
			p.any = true
			continue
		}
		p.origins = append(p.origins, []byte(strings.ToLower(o)))
	}
	p.methods = []byte(strings.Join(c.Methods, ", "))
	p.headers = []byte(strings.Join(c.Headers, ", "))
	for _, h := range c.Headers {
		p.lowHeaders = append(p.lowHeaders, []byte(strings.ToLower(h)))
	}
	p.expose = []byte(strings.Join(c.Expose, ", "))
	if c.MaxAge > 0 {
		p.maxAge = []byte(strconv.Itoa(int(c.MaxAge / time.Second)))
	}
	return p
}

var (
	hOrigin         = []byte(fasthttp.HeaderOrigin)
	hRequestMethod  = []byte(fasthttp.HeaderAccessControlRequestMethod)
	hRequestHeaders = []byte(fasthttp.HeaderAccessControlRequestHeaders)
	hAllowOrigin    = []byte(fasthttp.HeaderAccessControlAllowOrigin)
	hAllowMethods   = []byte(fasthttp.HeaderAccessControlAllowMethods)
	hAllowHeaders   = []byte(fasthttp.HeaderAccessControlAllowHeaders)
	hAllowCreds     = []byte(fasthttp.HeaderAccessControlAllowCredentials)
	hExpose         = []byte(fasthttp.HeaderAccessControlExposeHeaders)
	hMaxAge         = []byte(fasthttp.HeaderAccessControlMaxAge)
	hVary           = []byte(fasthttp.HeaderVary)
	star            = []byte("*")
	vTrue           = []byte("true")
	vOrigin         = []byte("Origin")
)

// IsPreflight reports whether ctx is a CORS preflight: OPTIONS with an
// Origin and an Access-Control-Request-Method.
func IsPreflight(ctx *fasthttp.RequestCtx) bool {
	return ctx.IsOptions() && len(ctx.Request.Header.PeekBytes(hOrigin)) > 0 &&
		len(ctx.Request.Header.PeekBytes(hRequestMethod)) > 0
}

// RequestedMethod is the method a preflight asks about.
func RequestedMethod(ctx *fasthttp.RequestCtx) []byte {
	return ctx.Request.Header.PeekBytes(hRequestMethod)
}

func (p *Policy) allowed(origin []byte) bool {
	if p.any {
		return true
	}
	for _, o := range p.origins {
		if len(o) == len(origin) && bytes.EqualFold(o, origin) {
			return true
		}
	}
	return false
}

// allowOrigin sets Access-Control-Allow-Origin (and -Credentials): "*"
// only when any origin is allowed without credentials, since a browser
// refuses "*" on a credentialed request; the origin itself otherwise.
func (p *Policy) allowOrigin(h *fasthttp.ResponseHeader, origin []byte) {
	if p.any && !p.credentials {
		h.SetCanonical(hAllowOrigin, star)
	} else {
		h.SetCanonical(hAllowOrigin, origin)
	}
	if p.credentials {
		h.SetCanonical(hAllowCreds, vTrue)
	}
}

// Preflight answers a preflight for the operation: 204 with what it
// allows, or 403 problem+json naming the origin or the request header it
// does not allow.
func (p *Policy) Preflight(ctx *fasthttp.RequestCtx) {
	h := &ctx.Response.Header
	h.SetCanonical(hVary, vOrigin)
	origin := ctx.Request.Header.PeekBytes(hOrigin)
	if !p.allowed(origin) {
		metrics.Preflight(false)
		refuse(ctx, "origin is not allowed to call this operation")
		return
	}
	for rest := ctx.Request.Header.PeekBytes(hRequestHeaders); len(rest) > 0; {
		var name []byte
		if i := bytes.IndexByte(rest, ','); i >= 0 {
			name, rest = rest[:i], rest[i+1:]
		} else {
			name, rest = rest, nil
		}
		name = bytes.TrimSpace(name)
		if len(name) > 0 && !p.allowsHeader(name) {
			metrics.Preflight(false)
			refuse(ctx, "request header is not allowed for this operation: "+safe(name))
			return
		}
	}
	p.allowOrigin(h, origin)
	h.SetCanonical(hAllowMethods, p.methods)
	if len(p.headers) > 0 {
		h.SetCanonical(hAllowHeaders, p.headers)
	}
	if len(p.maxAge) > 0 {
		h.SetCanonical(hMaxAge, p.maxAge)
	}
	ctx.SetStatusCode(fasthttp.StatusNoContent)
	metrics.Preflight(true)
}

func (p *Policy) allowsHeader(name []byte) bool {
	for _, h := range p.lowHeaders {
		if len(h) == len(name) && bytes.EqualFold(h, name) {
			return true
		}
	}
	return false
}

// Allow handles an actual request: with no Origin it passes untouched; from
// an allowed origin it sets the CORS response headers and passes; from
// another origin it answers 403 and returns false.
func (p *Policy) Allow(ctx *fasthttp.RequestCtx) bool {
	origin := ctx.Request.Header.PeekBytes(hOrigin)
	if len(origin) == 0 {
		return true
	}
	if !p.allowed(origin) {
		ctx.Response.Header.SetCanonical(hVary, vOrigin)
		refuse(ctx, "origin is not allowed to call this operation")
		return false
	}
	p.allowOrigin(&ctx.Response.Header, origin)
	if len(p.expose) > 0 {
		ctx.Response.Header.SetCanonical(hExpose, p.expose)
	}
	return true
}

// Vary adds Origin to the response's Vary, keeping what the upstream put
// there, so that a cache never serves one origin's answer to another. The
// handler defers it, so it runs on every answer.
func Vary(ctx *fasthttp.RequestCtx) {
	h := &ctx.Response.Header
	v := h.PeekBytes(hVary)
	for rest := v; len(rest) > 0; {
		var tok []byte
		if i := bytes.IndexByte(rest, ','); i >= 0 {
			tok, rest = rest[:i], rest[i+1:]
		} else {
			tok, rest = rest, nil
		}
		if tok = bytes.TrimSpace(tok); bytes.EqualFold(tok, vOrigin) || bytes.Equal(tok, star) {
			return
		}
	}
	if len(v) == 0 {
		h.SetCanonical(hVary, vOrigin)
		return
	}
	var buf [256]byte
	out := append(append(append(buf[:0], v...), ", "...), vOrigin...)
	h.SetCanonical(hVary, out)
}

func refuse(ctx *fasthttp.RequestCtx, detail string) {
	problem.Write(ctx, fasthttp.StatusForbidden, problem.TypeBlank, "Forbidden", detail, nil)
}

// safe keeps a header name quoted in a problem printable and short.
func safe(b []byte) string {
	if len(b) > 64 {
		b = b[:64]
	}
	out := make([]byte, 0, len(b))
	for _, c := range b {
		if c < 0x21 || c > 0x7e {
			c = '?'
		}
		out = append(out, c)
	}
	return string(out)
}

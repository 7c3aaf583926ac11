// Package auth enforces an operation's security requirement in the
// generated gateway: API keys (header, query or cookie) and JWT bearer
// tokens checked against a JWKS. The generated code calls it with the
// requirement compiled per operation: alternatives tried in order (OR),
// the schemes of one alternative all checked (AND), through a Verdict that
// collects what each scheme found so that a refusal names every scheme that
// could have satisfied the request.
//
// It must never let a request through whose credential it did not verify,
// never take a decision from the credential itself (a token's own alg, jku,
// x5u or jwk header, a kid naming a file), never hold an API key in memory
// other than as its SHA-256 hash (a presented key is hashed, then looked
// up by hash, so no comparison's timing depends on a stored key),
// never forward a credential it consumed (unless the scheme says to keep
// it) nor an identity header the client wrote, and never allocate on the
// path of a known API key or a cached token.
package auth

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/problem"
	"github.com/gatewaygen/gatewaygen/runtime/request"
)

// MaxCredential is the largest credential (header, cookie or query value)
// looked at; a larger one is refused without being parsed.
const MaxCredential = 8 << 10

// ConsumerHeader carries the verified consumer upstream when a scheme
// forwards it. An incoming copy is always removed first, so a client can
// never choose its own identity.
const ConsumerHeader = "X-Consumer"

// TypeUnauthorized and TypeForbidden are the problem types of a refusal.
const (
	TypeUnauthorized = "urn:gatewaygen:problem:unauthorized"
	TypeForbidden    = "urn:gatewaygen:problem:forbidden"
	TypeBadAuth      = "urn:gatewaygen:problem:bad-credentials"
)

// Source says where secret material comes from: an environment variable or
// a file (a relative path is taken from the gateway's working directory),
// or for a JWKS a URL or an OpenID provider's configuration (its
// jwks_uri). Exactly one is set.
type Source struct {
	Env  string
	File string
	// auth2: material fetched over HTTP (JWKS only)
	URL       string
	Discovery string
	// Locked stands for no material at all, which only a gateway in mock
	// mode starts with (Material): the scheme then refuses every
	// credential, so its operations answer 401 with its challenge.
	Locked bool
}

// ParseSource reads a source as the start-up override writes one:
// "env:NAME", "file:PATH" or "url:URL".
func ParseSource(s string) (Source, error) {
	switch {
	case strings.HasPrefix(s, "env:") && len(s) > 4:
		return Source{Env: s[4:]}, nil
	case strings.HasPrefix(s, "file:") && len(s) > 5:
		return Source{File: s[5:]}, nil
	case strings.HasPrefix(s, "url:"):
		if err := CheckURL(s[4:]); err != nil {
			return Source{}, fmt.Errorf("auth source %q: %w", s, err)
		}
		return Source{URL: s[4:]}, nil
	}
	return Source{}, fmt.Errorf("auth source %q: want env:NAME, file:PATH or url:URL", s)
}

// PickOptional is Pick for material a scheme may go without (a JWKS beside
// an HMAC secret): no source at all is no error.
func PickOptional(overrides map[string]string, scheme string, def Source) (Source, error) {
	if v, ok := overrides[scheme]; ok {
		return ParseSource(v)
	}
	return def, nil
}

// Pick is the source the operator gave for scheme at start-up, if any, else
// def, the document's.
func Pick(overrides map[string]string, scheme string, def Source) (Source, error) {
	if v, ok := overrides[scheme]; ok {
		return ParseSource(v)
	}
	if def.Env == "" && def.File == "" && def.URL == "" && def.Discovery == "" {
		return def, fmt.Errorf("auth: scheme %s has no verification material; give it in the document or at start-up (--auth %s=file:PATH)", scheme, scheme)
	}
	return def, nil
}

// Material is the source a gateway starting with overrides and mock uses
// for scheme: Pick's, except that in mock mode a scheme with no material
// anywhere is Locked instead of stopping the start. A mock gateway is for
// trying a document out; its secured operations stay refused (never served
// without a credential), while the public ones, and the portal, work.
// stderr hears which schemes are locked.
func Material(overrides map[string]string, mock bool, scheme string, def Source, stderr io.Writer) (Source, error) {
	src, err := Pick(overrides, scheme, def)
	if _, given := overrides[scheme]; err != nil && mock && !given && !def.set() {
		fmt.Fprintf(stderr, "auth: scheme %s has no verification material: in mock mode its operations refuse every credential (401); give it with --auth %s=file:PATH\n", scheme, scheme)
		return Source{Locked: true}, nil
	}
	return src, err
}

func (s Source) set() bool { return s != Source{} }

func (s Source) String() string {
	switch {
	case s.Env != "":
		return "environment variable " + s.Env
	case s.URL != "":
		return s.URL
	case s.Discovery != "":
		return "the jwks_uri of " + s.Discovery
	}
	return "file " + s.File
}

// read returns the material. An empty one is an error: a scheme with no
// keys would refuse everyone, which is never what was meant.
func (s Source) read() ([]byte, error) {
	var b []byte
	if s.URL != "" || s.Discovery != "" {
		return nil, errors.New("a URL gives a JWKS only; give keys or users with env:NAME or file:PATH")
	}
	if s.Env != "" {
		b = []byte(os.Getenv(s.Env))
	} else {
		var err error
		if b, err = os.ReadFile(s.File); err != nil {
			return nil, err
		}
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil, errors.New(s.String() + " is empty")
	}
	return b, nil
}

// Scheme is one configured security scheme.
type scheme interface {
	// challenge appends the scheme's WWW-Authenticate challenge for a
	// refusal in which it found f, needing scopes.
	challenge(dst []byte, f finding, scopes []string) []byte
	// strip removes the scheme's credential from the request unless the
	// scheme keeps it.
	strip(ctx *fasthttp.RequestCtx, st *request.State)
	// consumerHeader names the header that carries the consumer
	// upstream, "" for none.
	consumerHeader() string
	// forwardClaims sends the selected claims of a passed credential
	// upstream and into st; claims is what the scheme noted.
	forwardClaims(ctx *fasthttp.RequestCtx, st *request.State, claims []string)
}

// consumerHeader is the header a scheme configured with header and
// forward sends its consumer in: header when given, X-Consumer when
// forward alone.
func consumerHeader(header string, forward bool) string {
	if header == "" && forward {
		return ConsumerHeader
	}
	return header
}

// Identity lists the request headers only the gateway may set: every
// header some scheme forwards an identity in. The generated code strips
// them from every request, public operations included, so a client can
// never choose its own identity.
type Identity []string

// Strip removes the headers of id from the request.
func (id Identity) Strip(ctx *fasthttp.RequestCtx) {
	for _, h := range id {
		ctx.Request.Header.Del(h)
	}
}

// finding is what one scheme made of a request.
type finding uint8

const (
	absent       finding = iota // no credential of the scheme
	invalid                     // a credential that did not verify
	insufficient                // a valid identity without the scopes needed
	passed
)

// maxTried bounds the schemes one verdict remembers for its challenges;
// a requirement with more names is still enforced, only challenged less.
const maxTried = 8

type tried struct {
	s      scheme
	f      finding
	scopes []string
	claims []string // what a passed token's selected claims hold
}

// Verdict collects one request's checks. The generated code declares one
// per request on the stack, calls Begin, then for each alternative Alt and
// the schemes' Check, and ends with Pass or Refuse.
type Verdict struct {
	ctx       *fasthttp.RequestCtx
	authz     []byte // the one Authorization header Begin found, nil for none
	consumer  string
	n         int
	tried     [maxTried]tried
	malformed string
}

// Begin starts the verdict for ctx and removes any identity header the
// client sent. It refuses (and returns false) a request with more than one
// Authorization header: which one a later reader would take is not for the
// client to decide.
func (v *Verdict) Begin(ctx *fasthttp.RequestCtx) bool {
	v.ctx = ctx
	StripIdentity(ctx)
	// The bearer and basic schemes read the value kept here rather than
	// looking the header up again.
	all := peekAllCanon(&ctx.Request.Header, fasthttp.HeaderAuthorization)
	if len(all) > 1 {
		problem.Write(ctx, fasthttp.StatusBadRequest, TypeBadAuth, "Malformed credentials", "more than one Authorization header", nil)
		return false
	}
	v.authz = nil
	if len(all) == 1 {
		v.authz = all[0]
	}
	return true
}

// StripIdentity removes the headers the gateway alone may set.
func StripIdentity(ctx *fasthttp.RequestCtx) {
	delCanon(&ctx.Request.Header, ConsumerHeader)
}

// Alt starts an alternative: the consumer of an earlier one that failed is
// forgotten. It returns true so that it chains with &&.
func (v *Verdict) Alt() bool {
	v.consumer = ""
	return true
}

// note records what s found; the strongest finding of a scheme wins.
func (v *Verdict) note(s scheme, f finding, scopes []string) {
	for i := 0; i < v.n; i++ {
		if v.tried[i].s == s {
			if f > v.tried[i].f && f != passed {
				v.tried[i].f, v.tried[i].scopes = f, scopes
			}
			return
		}
	}
	if v.n < maxTried {
		v.tried[v.n] = tried{s: s, f: f, scopes: scopes}
		v.n++
	}
}

func (v *Verdict) accept(consumer string) {
	if v.consumer == "" {
		v.consumer = consumer
	}
}

// Pass ends a verdict that an alternative satisfied: the credentials the
// gateway read are removed from the request, the consumer goes into st
// and, when a scheme forwards it, upstream in its consumer header (with
// the token's selected claims in theirs). It returns true.
func (v *Verdict) Pass(st *request.State) bool {
	for i := 0; i < v.n; i++ {
		v.tried[i].s.strip(v.ctx, st)
	}
	st.Consumer = v.consumer
	for i := 0; i < v.n; i++ {
		t := &v.tried[i]
		if t.f != passed {
			continue
		}
		if h := t.s.consumerHeader(); h != "" && v.consumer != "" {
			v.ctx.Request.Header.Set(h, v.consumer)
		}
		if t.claims != nil {
			t.s.forwardClaims(v.ctx, st, t.claims)
		}
	}
	return true
}

// noteClaims keeps the selected claims of the scheme s that passed.
func (v *Verdict) noteClaims(s scheme, claims []string) {
	for i := 0; i < v.n; i++ {
		if v.tried[i].s == s {
			v.tried[i].claims = claims
		}
	}
}

// Refuse answers the request: 403 when a scheme found a valid identity that
// lacks a scope, else 401; with a WWW-Authenticate challenge for each scheme
// tried whose credential did not pass (RFC 9110 §11.6.1, RFC 6750 §3). It
// returns false.
func (v *Verdict) Refuse() bool {
	status := fasthttp.StatusUnauthorized
	for i := 0; i < v.n; i++ {
		if v.tried[i].f == insufficient {
			status = fasthttp.StatusForbidden
		}
	}
	var buf [256]byte
	for i := 0; i < v.n; i++ {
		t := v.tried[i]
		// A scheme whose credential passed needs nothing more (the key of
		// an AND whose token is missing): its challenge would tell the
		// client the key was wrong.
		if t.f == passed || status == fasthttp.StatusForbidden && t.f != insufficient {
			continue
		}
		// A scheme with no HTTP challenge (mutualTLS) adds none.
		if c := t.s.challenge(buf[:0], t.f, t.scopes); len(c) > 0 {
			v.ctx.Response.Header.AddBytesV(fasthttp.HeaderWWWAuthenticate, c)
		}
	}
	if status == fasthttp.StatusForbidden {
		problem.Write(v.ctx, status, TypeForbidden, "Insufficient scope", "the credential is valid but lacks a scope this operation requires", nil)
	} else {
		problem.Write(v.ctx, status, TypeUnauthorized, "Unauthorized", "this operation requires a valid credential; see WWW-Authenticate", nil)
	}
	return false
}

// appendParam appends `, name="value"` (or `name="value"` first), with the
// value's quotes and backslashes escaped as a quoted-string requires.
func appendParam(dst []byte, first bool, name, value string) []byte {
	if !first {
		dst = append(dst, ", "...)
	}
	dst = append(dst, name...)
	dst = append(dst, `="`...)
	for i := 0; i < len(value); i++ {
		c := value[i]
		if c == '"' || c == '\\' {
			dst = append(dst, '\\')
		}
		if c < 0x20 || c == 0x7f {
			continue
		}
		dst = append(dst, c)
	}
	return append(dst, '"')
}

func appendScopes(dst []byte, scopes []string) []byte {
	dst = append(dst, `, scope="`...)
	for i, s := range scopes {
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = append(dst, s...)
	}
	return append(dst, '"')
}

// validConsumer reports whether c may be a consumer name: it travels in a
// header and in logs, so only visible ASCII without quotes or separators.
func validConsumer(c string) bool {
	if c == "" || len(c) > 256 {
		return false
	}
	for i := 0; i < len(c); i++ {
		if b := c[i]; b <= ' ' || b >= 0x7f || b == '"' || b == ',' || b == ';' || b == '\\' {
			return false
		}
	}
	return true
}

// Package proxy forwards a request to one target of an upstream pool and
// copies the answer back, as RFC 9110 asks of an intermediary: hop-by-hop
// headers dropped both ways, X-Forwarded-*, Forwarded (RFC 7239) and
// X-Real-IP added, the request id forwarded and echoed.
//
// What the upstream learns about the client comes from the connection, not
// from the client's word: X-Real-IP is the peer's address, other claims of a
// client address are dropped, and a field the gateway sets survives the
// client naming it in Connection. A header field whose name is not an RFC
// 9110 token is refused, never forwarded, since the upstream's parser may
// split or read it differently from the gateway's.
//
// It must never hang (every call has a deadline), never follow redirects
// (the client decides), never rewrite the path the caller built (it is sent
// byte for byte after the target's base path), and never reveal internal
// addresses in error bodies: failures become problem+json naming only the
// upstream. A failed call is retried on another target only as Retries
// allows (never the same target twice in one request), and every call feeds
// the pool's latency, load and ejection (package balance).
package proxy

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/balance"
	"github.com/gatewaygen/gatewaygen/runtime/param"
	"github.com/gatewaygen/gatewaygen/runtime/problem"
	"github.com/gatewaygen/gatewaygen/runtime/requestid"
	"github.com/gatewaygen/gatewaygen/runtime/retry"
	"github.com/gatewaygen/gatewaygen/runtime/trailer"
)

// DefaultTimeout is an upstream's per-call deadline when its config says 0.
const DefaultTimeout = 30 * time.Second

// MaxConnsPerTarget bounds the connections kept open to one target. Past it,
// calls wait for a free connection until their own deadline.
const MaxConnsPerTarget = 1024

// UpstreamConfig describes one upstream pool. Timeout is the default
// deadline of a call; 0 means DefaultTimeout.
type UpstreamConfig struct {
	Name    string
	Targets []balance.Target
	Timeout time.Duration
	// Balance picks the policy ("" is balance.P2CEWMA for several
	// targets); HashKey says what balance.Hash hashes.
	Balance string
	HashKey KeySource
	Passive balance.Passive
	Retries Retries
	Health  Health
	// ClientHost sends the client's Host to the upstream instead of the
	// target's own host.
	ClientHost bool
	// MaxResponseBody bounds an answer's body; a larger one is cut off and
	// answered with 502. 0 is no limit.
	MaxResponseBody int64
	// TLS configures calls to https targets.
	TLS TLS
	// MaxInFlight caps the calls to the upstream being made at once, over
	// all its operations; past it a request is answered 503 with
	// Retry-After at once, never queued. 0 is no cap.
	MaxInFlight int64
}

// TLS is how the gateway calls https targets: the CA bundle that verifies
// them (the system's when empty), the name their certificate must carry
// (the target's host when empty), and a client certificate for upstreams
// that ask for one. Certificates are always verified.
type TLS struct {
	CAFile     string
	ServerName string
	CertFile   string
	KeyFile    string
}

// Retries says when a failed call is tried again, on another target.
// Attempts counts the retries after the first call (0: none).
//
// A call that failed to connect sent nothing, so it is retried whatever its
// method; a call that got an answer (a status in On) or broke off midway is
// retried only when its method is idempotent (RFC 9110 §9.2.2), since the
// upstream may have acted on it; a call that timed out is not retried, as
// it has spent the deadline. Each retry costs one from a budget that
// grows by Budget per call (retry.NewBudget), with a pause of Backoff on
// average, doubling per retry and jittered.
type Retries struct {
	Attempts     int
	Budget       float64
	MinPerSecond int   // 0: retry.DefaultMinPerSecond; negative: no floor
	On           []int // statuses that are retried; connect errors always are
	Backoff      time.Duration
}

// KeySource names the part of a request balance.Hash hashes.
type KeySource struct {
	Kind string // "header", "cookie", "query", "client-ip", "consumer" (see ForwardFor), or "" for none
	Name string
}

// Upstream is a pool of targets, each with its own fasthttp.HostClient,
// built once by NewUpstream and safe for concurrent use.
type Upstream struct {
	name    string
	set     atomic.Pointer[targetSet] // swapped whole by SetTargets
	cfg     UpstreamConfig            // what a new target set is built from
	tls     *tls.Config
	mu      sync.Mutex // serializes SetTargets and Close
	timeout time.Duration
	retries Retries
	budget  *retry.Budget
	hashKey KeySource
	key     []byte // HashKey.Name, for Peek
	// clientHost: see UpstreamConfig.ClientHost.
	clientHost bool
	// maxInFlight and inFlight: see UpstreamConfig.MaxInFlight.
	maxInFlight int64
	inFlight    atomic.Int64
	health      *checker
	ejections   atomic.Int64 // over every target set, for healthmetrics.go

	// Problem details, composed once so the failure path does not allocate
	// either: an outage is exactly when the gateway must stay cheap.
	msgNoTargets, msgAllDown, msgTimeout, msgBusy, msgRefused, msgClosed, msgDNS, msgConnect, msgInvalid, msgTooLarge, msgInFlight string
}

// targetSet is the targets of an upstream at one time, with their
// balancer and probes. A request works with the set it started with, so a
// reload never changes the targets under a call in flight.
type targetSet struct {
	targets []target
	pool    *balance.Pool
	health  *checker
}

type target struct {
	client *fasthttp.HostClient
	prefix []byte // scheme://host[:port][/base], the upstream URI minus path and query
	scheme []byte
	host   []byte // host[:port] as fasthttp's URI holds it once parsed
	base   []byte // the base path, without a trailing slash
}

// NewUpstream validates every target URL (scheme http or https, a host, an
// optional base path, no query, fragment or user info) and builds one
// client per target. An empty target list is allowed: Forward answers 503,
// so a gateway can start before its upstreams are configured. When Health
// has a path, probes start at once; Close stops them.
func NewUpstream(cfg UpstreamConfig) (*Upstream, error) {
	if cfg.Name == "" {
		return nil, errors.New("proxy: upstream has no name")
	}
	u := &Upstream{
		name:    cfg.Name,
		cfg:     cfg,
		timeout: cfg.Timeout,
		retries: cfg.Retries,
		hashKey: cfg.HashKey,
		key:     []byte(cfg.HashKey.Name),

		clientHost:  cfg.ClientHost,
		maxInFlight: cfg.MaxInFlight,
	}
	var err error
	if u.tls, err = cfg.TLS.config(); err != nil {
		return nil, fmt.Errorf("proxy: upstream %s: %w", cfg.Name, err)
	}
	if cfg.MaxResponseBody < 0 || cfg.MaxResponseBody > math.MaxInt32 {
		return nil, fmt.Errorf("proxy: upstream %s: response body limit %d out of range", cfg.Name, cfg.MaxResponseBody)
	}
	switch cfg.HashKey.Kind {
	case "", "client-ip", "consumer":
	case "header", "cookie", "query":
		if cfg.HashKey.Name == "" {
			return nil, fmt.Errorf("proxy: upstream %s: hash key %s has no name", cfg.Name, cfg.HashKey.Kind)
		}
	default:
		return nil, fmt.Errorf("proxy: upstream %s: unknown hash key kind %q (valid: header, cookie, query, client-ip, consumer)", cfg.Name, cfg.HashKey.Kind)
	}
	if u.retries.Attempts > 0 {
		floor := u.retries.MinPerSecond
		switch {
		case floor == 0:
			floor = retry.DefaultMinPerSecond
		case floor < 0:
			floor = 0
		}
		u.budget = retry.NewBudget(u.retries.Budget, floor)
	}
	if u.timeout <= 0 {
		u.timeout = DefaultTimeout
	}
	prefix := "upstream " + cfg.Name + ": "
	u.msgNoTargets = prefix + "no targets"
	u.msgAllDown = prefix + "no healthy target"
	u.msgTimeout = prefix + "timed out"
	u.msgBusy = prefix + "too many concurrent requests"
	u.msgRefused = prefix + "connection refused"
	u.msgClosed = prefix + "connection closed"
	u.msgDNS = prefix + "host not found"
	u.msgConnect = prefix + "cannot connect"
	u.msgInvalid = prefix + "invalid response"
	u.msgTooLarge = prefix + "response too large"
	u.msgInFlight = prefix + "serving its maximum of " + strconv.FormatInt(cfg.MaxInFlight, 10) + " requests at once; retry shortly"

	if cfg.Health.Path != "" && cfg.Health.Path[0] != '/' {
		return nil, fmt.Errorf("proxy: upstream %s: health path must start with /", cfg.Name)
	}
	set, err := u.newSet(cfg.Targets)
	if err != nil {
		return nil, err
	}
	u.set.Store(set)
	set.start(u)
	observed.add(u)
	return u, nil
}

// newSet validates targets and builds their clients and balancer.
func (u *Upstream) newSet(targets []balance.Target) (*targetSet, error) {
	pool, err := balance.NewPool(targets, balance.Config{Policy: u.cfg.Balance, Passive: u.cfg.Passive, Ejections: &u.ejections})
	if err != nil {
		return nil, fmt.Errorf("proxy: upstream %s: %w", u.name, err)
	}
	set := &targetSet{pool: pool}
	for _, t := range targets {
		tg, err := newTarget(t.URL, u.timeout, u.tls, int(u.cfg.MaxResponseBody))
		if err != nil {
			return nil, fmt.Errorf("proxy: upstream %s: target %q: %w", u.name, t.URL, err)
		}
		set.targets = append(set.targets, tg)
	}
	return set, nil
}

// start begins the set's health probes, when the upstream has them.
func (set *targetSet) start(u *Upstream) {
	if u.cfg.Health.Path != "" && len(set.targets) > 0 {
		set.health = startHealth(set, u.cfg.Health)
	}
}

// stop ends the set's probes and lets go of its idle connections; calls
// still in flight on it finish on their own connections.
func (set *targetSet) stop() {
	if set.health != nil {
		set.health.stop()
	}
	for _, t := range set.targets {
		t.client.CloseIdleConnections()
	}
}

// SetTargets replaces the upstream's targets, as a reload of the target
// list does: new requests go to the new targets at once, requests in
// flight finish on the old ones, and the new balancer starts afresh (no
// latency history, no ejection). On an error the old targets stay.
func (u *Upstream) SetTargets(targets []balance.Target) error {
	set, err := u.newSet(targets)
	if err != nil {
		return err
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	set.start(u)
	u.set.Swap(set).stop()
	return nil
}

// Targets returns the URLs of the upstream's current targets.
func (u *Upstream) Targets() []string {
	set := u.set.Load()
	out := make([]string, len(set.targets))
	for i, t := range set.targets {
		out[i] = string(t.prefix)
	}
	return out
}

// Close stops the upstream's health probes. Calls in flight are not
// affected.
func (u *Upstream) Close() {
	observed.remove(u)
	u.mu.Lock()
	defer u.mu.Unlock()
	if set := u.set.Load(); set.health != nil {
		set.health.stop()
		set.health = nil
	}
}

// Pool returns the upstream's current balancer, for observers (metrics,
// admin).
func (u *Upstream) Pool() *balance.Pool { return u.set.Load().pool }

func newTarget(raw string, timeout time.Duration, tlsConfig *tls.Config, maxBody int) (target, error) {
	pu, err := url.Parse(raw)
	if err != nil {
		return target{}, errors.New("not a URL, want http[s]://host[:port][/base]")
	}
	switch {
	case pu.Scheme != "http" && pu.Scheme != "https":
		return target{}, errors.New("scheme must be http or https, want http[s]://host[:port][/base]")
	case pu.Host == "" || pu.Hostname() == "":
		return target{}, errors.New("no host")
	case pu.User != nil:
		return target{}, errors.New("user info is not allowed")
	case pu.RawQuery != "" || pu.ForceQuery:
		return target{}, errors.New("query is not allowed")
	case pu.Fragment != "" || strings.Contains(raw, "#"):
		return target{}, errors.New("fragment is not allowed")
	}
	if p := pu.Port(); p != "" {
		if _, err := net.LookupPort("tcp", p); err != nil {
			return target{}, errors.New("bad port")
		}
	}
	addr := pu.Host
	if pu.Port() == "" {
		port := "80"
		if pu.Scheme == "https" {
			port = "443"
		}
		addr = net.JoinHostPort(pu.Hostname(), port)
	}
	// EscapedPath keeps the base path as written; a trailing slash is dropped
	// because the caller's path starts with one.
	base := strings.TrimRight(pu.EscapedPath(), "/")
	prefix := []byte(pu.Scheme + "://" + pu.Host + base)
	// The host as fasthttp's parse of the whole URI leaves it (lower case,
	// checked), which is what call puts in the request's URI.
	var fu fasthttp.URI
	if err := fu.Parse(nil, prefix); err != nil {
		return target{}, errors.New("bad host")
	}
	return target{
		prefix: prefix,
		scheme: []byte(pu.Scheme),
		host:   append([]byte(nil), fu.Host()...),
		base:   []byte(base),
		client: &fasthttp.HostClient{
			Addr:  addr,
			IsTLS: pu.Scheme == "https",
			// No User-Agent of our own: the client's (or none) goes through.
			NoDefaultUserAgentHeader: true,
			// The caller escaped the path; normalizing would undo that.
			DisablePathNormalizing: true,
			// Header names go through as the client spelled them.
			DisableHeaderNamesNormalizing: false,
			MaxConns:                      MaxConnsPerTarget,
			TLSConfig:                     tlsConfig,
			MaxResponseBodySize:           maxBody,
			// Wait for a free connection rather than failing at once; the
			// call's deadline still bounds the wait.
			MaxConnWaitTimeout:  timeout,
			MaxIdleConnDuration: 30 * time.Second,
			// ReadTimeout and WriteTimeout stay 0 on purpose: fasthttp takes the
			// smaller of them and the call's deadline, so a client-wide value
			// would silently cut an operation whose timeout is longer. Every
			// call carries a deadline (Forward never passes 0).
			//
			// One retry rescues a pooled connection the upstream closed while
			// idle; fasthttp only retries idempotent methods. A call refused
			// on a stale connection before it sent anything takes up to
			// maxAttempts (retryStale), as after an upstream's restart every
			// pooled connection may be closed.
			MaxIdemponentCallAttempts: maxAttempts,
			// guard.go: no call on a connection the upstream has sent
			// more on than its answers' framing, or closed.
			DialTimeout: dialGuarded(pu.Scheme == "http"),
			RetryIfErr:  retryStale,
		},
	}, nil
}

// Name returns the upstream's name.
func (u *Upstream) Name() string { return u.name }

var (
	hXForwardedFor   = []byte("X-Forwarded-For")
	hXForwardedProto = []byte("X-Forwarded-Proto")
	hXForwardedHost  = []byte("X-Forwarded-Host")
	hForwarded       = []byte("Forwarded")
	hVia             = []byte("Via")
	// viaHTTP11 and viaHTTP10 are the gateway's Via element for a request
	// received over HTTP/1.1 and 1.0 (RFC 9110 §7.6.3: received-protocol
	// and a pseudonym for received-by, which names no host or port).
	viaHTTP11   = []byte("1.1 gatewaygen")
	viaHTTP10   = []byte("1.0 gatewaygen")
	hConnection = []byte("Connection")
	protoHTTP   = []byte("http")
	protoHTTPS  = []byte("https")
	commaSpace  = []byte(", ")

	// RFC 9110 §7.6.1 plus the non-standard ones still seen in the wild.
	hopByHop = [][]byte{
		[]byte("Connection"), []byte("Keep-Alive"), []byte("Proxy-Connection"),
		[]byte("Proxy-Authenticate"), []byte("Proxy-Authorization"), []byte("Te"),
		[]byte("Trailer"), []byte("Transfer-Encoding"), []byte("Upgrade"),
	}
)

// Names in canonical form, as fasthttp normalizes them, so that setting one
// skips normalizing it.
var (
	hRequestID = []byte(requestid.Header)
	hXRealIP   = []byte("X-Real-Ip")

	// Headers some frameworks take for the client's address. The gateway
	// cannot vouch for a client's claim and has no reason to make one of its
	// own in each of them: X-Real-IP gets the peer's address, the others are
	// dropped.
	addressClaims = [][]byte{
		[]byte("X-Real-Ip"), []byte("True-Client-Ip"), []byte("X-Client-Ip"), []byte("X-Cluster-Client-Ip"),
	}
)

// state is the scratch space of one Forward call, pooled.
type state struct {
	uri, origURI, origHost, conn, val []byte
	proto                             []byte                  // the client's HTTP version when it is not 1.1
	pre                               fasthttp.ResponseHeader // headers set before Forward (CORS, rate limit, request id)

	lines forwardedLines // the client's forwarding fields, from scanFields
	fwd   []byte         // the Forwarded value setForwarded builds
	via   []byte         // the Via value setForwarded builds
}

var statePool = sync.Pool{New: func() any { return new(state) }}

// Forward proxies the request in ctx to the target the balancer picks and
// writes the upstream's answer (or a problem+json on failure) to ctx.
//
// path is the upstream path, already built and escaped by the caller,
// without query; the target's base path is prefixed and the original raw
// query appended unchanged. timeout is the call's deadline; 0 means the
// upstream's.
//
// The request is forwarded in place, which is what keeps this allocation
// free: afterwards ctx.Request has its original URI and Host back, but its
// headers are as sent upstream (hop-by-hop removed, X-Forwarded-*,
// Forwarded and X-Request-Id set). Headers set on ctx.Response before the
// call survive it and win over the upstream's, except the ones describing
// the body (Content-Type, Content-Length, Content-Encoding).
//
// It reports whether ctx holds the upstream's answer, false when it holds
// the gateway's own problem (no target, timeout, connection failure); a
// caller that checks responses against the API's contract checks only the
// former.
func (u *Upstream) Forward(ctx *fasthttp.RequestCtx, path []byte, timeout time.Duration) bool {
	return u.forward(ctx, path, timeout, u.keyOf(ctx))
}

// ForwardFor is Forward for an upstream that balances by consumer
// (KeySource kind "consumer"): consumer, the identity the auth stage
// verified, is the hash key. An anonymous call ("") is spread in turn.
func (u *Upstream) ForwardFor(ctx *fasthttp.RequestCtx, path []byte, timeout time.Duration, consumer string) bool {
	return u.forward(ctx, path, timeout, unsafe.Slice(unsafe.StringData(consumer), len(consumer)))
}

func (u *Upstream) forward(ctx *fasthttp.RequestCtx, path []byte, timeout time.Duration, key []byte) bool {
	requestid.Ensure(ctx)
	req, resp := &ctx.Request, &ctx.Response
	bad, claims, hop, lines, ok := scanFields(req.Header.RawHeaders())
	if !ok {
		refuseFieldName(ctx, bad)
		return false
	}
	if maxForwards(ctx) { // maxforwards.go
		return false
	}
	set := u.set.Load()
	if len(set.targets) == 0 {
		problem.ServiceUnavailable(ctx, u.msgNoTargets)
		return false
	}
	if timeout <= 0 {
		timeout = u.timeout
	}
	begun := time.Now()
	deadline := begun.Add(timeout)
	var tried balance.Tried
	i := set.pool.Pick(&tried, key)
	if i < 0 {
		// Every target is ejected or down: answer now rather than queue the
		// client behind connect timeouts that are certain to come.
		problem.ServiceUnavailable(ctx, u.msgAllDown)
		return false
	}
	if u.maxInFlight > 0 {
		if u.inFlight.Add(1) > u.maxInFlight {
			u.inFlight.Add(-1)
			// One second is a hint: when a call ends depends on the upstream.
			resp.Header.SetCanonical(hRetryAfter, retryAfterOne)
			problem.ServiceUnavailable(ctx, u.msgInFlight)
			return false
		}
		defer u.inFlight.Add(-1)
	}
	if u.budget != nil {
		u.budget.Deposit()
	}
	s := statePool.Get().(*state)
	s.lines = lines

	// Capture what the rewrite overwrites: fasthttp reuses the buffers.
	s.origURI = append(s.origURI[:0], req.Header.RequestURI()...)
	s.origHost = append(s.origHost[:0], req.Header.Host()...)
	if host, ok := targetAuthority(s.origURI); ok {
		// RFC 9112 §3.2.2: an absolute-form target's authority, not the
		// Host field, names the host the client asked for.
		s.origHost = append(s.origHost[:0], host...)
	}
	resp.Header.CopyTo(&s.pre)

	// Fields the client names in Connection go first; the gateway's own are
	// set after, so that no nomination can remove them.
	// The pass costs a name normalization and a scan of the header per
	// hop-by-hop name, so it runs only when the client sent one, or the
	// parser set Connection: close itself (an HTTP/1.0 request).
	s.conn = s.conn[:0]
	if hop || claims || req.Header.ConnectionClose() {
		// The deletions below move the last field into a deleted one's
		// place, which can reverse the lines of a field after it.
		s.joinLines(&req.Header)
	}
	if hop || req.Header.ConnectionClose() {
		s.conn = stripHopByHop(&req.Header, s.conn)
	}
	if len(s.conn) > 0 {
		// The id the client is told is the one the upstream must log.
		req.Header.SetCanonical(hRequestID, resp.Header.PeekCanonical(hRequestID))
	}
	if claims {
		for _, k := range addressClaims {
			req.Header.DelBytes(k)
		}
	}
	u.setForwarded(ctx, s)
	dropUnderscoreAliases(&req.Header, req.Header.RawHeaders()) // underscore.go
	// The version belongs to each hop (RFC 9110 §6.2): an HTTP/1.0
	// request goes upstream as HTTP/1.1, on a connection the upstream keeps
	// for the next call. fasthttp framed the client's answer by the version
	// it read before the handler ran.
	notHTTP11 := !req.Header.IsHTTP11()
	if notHTTP11 {
		s.proto = append(s.proto[:0], req.Header.Protocol()...)
		req.Header.SetProtocolBytes(http11)
	}
	req.Header.SetNoDefaultContentType(true) // send no Content-Type the client did not
	resp.Header.SetNoDefaultContentType(true)

	var err error
	for attempt := 1; ; attempt++ {
		tried.Add(i)
		err = u.call(ctx, set, i, path, s, begun, deadline)
		if !u.retry(ctx, err, attempt) {
			break
		}
		next := set.pool.Pick(&tried, key)
		if next < 0 || !u.budget.Withdraw() {
			break
		}
		if d := retry.Backoff(u.retries.Backoff, attempt); d > 0 {
			if time.Until(deadline) <= d {
				break
			}
			time.Sleep(d)
		}
		i = next
		resp.Reset()
		begun = time.Time{}
	}

	recordSpan(ctx, u.name, set.targets[i].prefix, deadline.Add(-timeout), err) // spans.go
	req.SetRequestURIBytes(s.origURI)
	req.Header.SetHostBytes(s.origHost)
	req.UseHostHeader = false
	if notHTTP11 {
		req.Header.SetProtocolBytes(s.proto)
	}

	if err != nil {
		resp.Reset()
		restore(&resp.Header, &s.pre)
		u.fail(ctx, err)
	} else {
		if resp.Header.ContentLength() == -1 { // chunked: it may have had a trailer section
			// fasthttp moves a trailer section among the header fields when
			// the Trailer field or the chunked framing goes, which the
			// removal of hop-by-hop fields does: an upstream's trailer field
			// (X-Evil in "0\r\nX-Evil: 1\r\n\r\n") would reach the client as a
			// header field. The client's answer has a Content-Length and no
			// trailer section to carry them in.
			trailer.Drop(&resp.Header)
		}
		s.conn = stripResponseHopByHop(&resp.Header, s.conn)
		if !reasonPhrase(resp.Header.StatusMessage()) {
			// A control character in the reason phrase went to the client as
			// it came; the status's own phrase goes instead.
			resp.Header.SetStatusMessage(nil)
		}
		restore(&resp.Header, &s.pre)
		// The version belongs to each hop (RFC 9110 §6.2): an HTTP/1.0
		// upstream must not turn the client's connection into a 1.0 one.
		resp.Header.SetProtocol(http11)
		resp.Header.ResetConnectionClose()
	}
	s.pre.Reset()
	statePool.Put(s)
	return err == nil
}

// call sends the request to target i of set and tells its pool how it
// went: a transport error or a 5xx counts against the target. begun is when
// Forward read the clock for the deadline, for the first attempt (its
// latency then includes the few microseconds of header work before it);
// zero, for a retry, reads the clock again.
func (u *Upstream) call(ctx *fasthttp.RequestCtx, set *targetSet, i int, path []byte, s *state, begun, deadline time.Time) error {
	req, resp := &ctx.Request, &ctx.Response
	t := &set.targets[i]
	// The server parsed the client's URI before the handler ran; its parts
	// are replaced in place rather than a new URI set and parsed again
	// (the whole of it, its host checked anew, and the next request's host
	// memo in fasthttp's URI lost). Request.Write puts the URI's host in
	// Host and writes its path and query as the request target. The scheme
	// is set because a TLS client connection would otherwise force https
	// onto a plain-http upstream; user info from an absolute-form target
	// would become an Authorization field; the query is set again as the
	// client sent it, since one the handler parsed would be written from
	// its parsed arguments, re-encoded.
	uri := req.URI()
	uri.SetSchemeBytes(t.scheme)
	uri.SetHostBytes(t.host)
	s.uri = append(s.uri[:0], t.base...)
	s.uri = append(s.uri, path...)
	uri.SetPathBytes(s.uri)
	uri.SetQueryStringBytes(uri.QueryString())
	uri.SetUsernameBytes(nil)
	uri.SetPasswordBytes(nil)
	if u.clientHost {
		req.UseHostHeader = true
		req.Header.SetHostBytes(s.origHost)
	}
	var start int64
	if begun.IsZero() {
		start = set.pool.Start(i)
	} else {
		start = set.pool.StartAt(i, begun)
	}
	err := t.client.DoDeadline(req, resp, deadline)
	code := resp.StatusCode()
	if err == nil && (code < 100 || code > 599 || code == fasthttp.StatusSwitchingProtocols || !major1(resp.Header.Protocol())) {
		// A status outside 100-599 is invalid (RFC 9110 §15), and a 101
		// answers an Upgrade the gateway never sends (it drops the
		// client's, hop-by-hop): a server must not switch to a protocol
		// not asked for (§15.2.2, §7.8). fasthttp ends its read at either
		// header, and keeps the connection; what follows on it is no
		// answer to the next call. An answer in another major version
		// than the request's 1.1 (fasthttp reads any "HTTP/d.d") is no
		// HTTP/1.1 message (RFC 9110 §6.2): its framing is not known.
		markUnusable(resp)
		err = errInvalidStatus
	}
	set.pool.Done(i, start, err != nil || code == 500 || code == 502 || code == 503 || code == 504)
	return err
}

// retry reports whether the outcome of attempt (1 for the first call) may
// be retried under the upstream's policy; the budget and the choice of a
// new target come after.
func (u *Upstream) retry(ctx *fasthttp.RequestCtx, err error, attempt int) bool {
	if attempt > u.retries.Attempts || ctx.Request.IsBodyStream() {
		return false // a streamed body is gone once sent: only a fully read one replays
	}
	idem := idempotent(ctx.Request.Header.Method())
	if err != nil {
		// Nothing was sent when the connection failed; a call that broke
		// off midway may have been acted on, which only an idempotent method
		// allows to repeat. A timeout has spent the deadline retries share.
		return connectError(err) || idem && !timeoutError(err)
	}
	if !idem {
		return false
	}
	code := ctx.Response.StatusCode()
	for _, c := range u.retries.On {
		if c == code {
			return true
		}
	}
	return false
}

// connectError reports whether err happened before the request was sent.
func connectError(err error) bool {
	var opErr *net.OpError
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, fasthttp.ErrDialTimeout) ||
		errors.As(err, &opErr) && opErr.Op == "dial"
}

func timeoutError(err error) bool {
	var netErr net.Error
	return errors.Is(err, fasthttp.ErrTimeout) || errors.As(err, &netErr) && netErr.Timeout()
}

// idempotent reports whether RFC 9110 §9.2.2 makes method idempotent.
func idempotent(method []byte) bool {
	switch string(method) {
	case fasthttp.MethodGet, fasthttp.MethodHead, fasthttp.MethodOptions, fasthttp.MethodTrace,
		fasthttp.MethodPut, fasthttp.MethodDelete:
		return true
	}
	return false
}

// keyOf returns what the hash policy hashes for this request; nil when the
// pool does not hash or the request has no such key (then it spreads).
func (u *Upstream) keyOf(ctx *fasthttp.RequestCtx) []byte {
	switch u.hashKey.Kind {
	case "header":
		return ctx.Request.Header.PeekBytes(u.key)
	case "cookie":
		return ctx.Request.Header.CookieBytes(u.key)
	case "query":
		return ctx.QueryArgs().PeekBytes(u.key)
	case "client-ip":
		return ctx.RemoteIP()
	}
	return nil
}

// errInvalidStatus is an answer whose status line no HTTP/1.1 client may
// be given: 502.
var errInvalidStatus = errors.New("upstream answered a status outside 100-599, 101 to a request without Upgrade, or in another HTTP major version than 1")

// reasonPhrase reports whether b is a valid reason-phrase: HTAB, SP,
// VCHAR and obs-text (RFC 9112 §4).
func reasonPhrase(b []byte) bool {
	for _, c := range b {
		if c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// major1 reports whether proto, "HTTP/d.d" as fasthttp reads it, is of
// major version 1.
func major1(proto []byte) bool { return len(proto) > 5 && proto[5] == '1' }

var (
	http11        = []byte("HTTP/1.1")
	hRetryAfter   = []byte("Retry-After")
	retryAfterOne = []byte("1")
)

// headerSource is what stripHopByHop needs of a request or response header.
type headerSource interface {
	PeekBytes(key []byte) []byte
	DelBytes(key []byte)
}

// stripHopByHop deletes the headers named in Connection, then the fixed
// hop-by-hop list. buf is scratch for the Connection value, returned for reuse.
func stripHopByHop(h headerSource, buf []byte) []byte {
	buf = append(buf[:0], h.PeekBytes(hConnection)...)
	for rest := buf; len(rest) > 0; {
		var tok []byte
		if i := indexByte(rest, ','); i >= 0 {
			tok, rest = rest[:i], rest[i+1:]
		} else {
			tok, rest = rest, nil
		}
		if tok = trimOWS(tok); len(tok) > 0 {
			h.DelBytes(tok)
		}
	}
	for _, k := range hopByHop {
		h.DelBytes(k)
	}
	return buf
}

// stripResponseHopByHop is stripHopByHop for an upstream's answer. An
// answer rarely has a hop-by-hop field, and one look at each of its few
// fields costs less than the nine deletions, each normalizing its name and
// scanning the header, that would find nothing; the pass runs only when a
// field of the list (Connection among them, which nominates the others) is
// there. A chunked answer keeps Transfer-Encoding among its fields, so it
// and its trailers always take the pass.
func stripResponseHopByHop(h *fasthttp.ResponseHeader, buf []byte) []byte {
	for k := range h.All() {
		if anyName(k, hopByHop) {
			return stripHopByHop(h, buf)
		}
	}
	return buf[:0]
}

// restore puts back the headers the gateway set before forwarding, except
// those that describe a body which is now the upstream's.
func restore(dst, pre *fasthttp.ResponseHeader) {
	for k, v := range pre.All() {
		switch string(k) {
		case fasthttp.HeaderContentType, fasthttp.HeaderContentLength, fasthttp.HeaderContentEncoding,
			fasthttp.HeaderServer, fasthttp.HeaderDate, fasthttp.HeaderConnection, fasthttp.HeaderTransferEncoding:
			continue
		}
		// The names come from a header of the same kind and flags, stored
		// as its setters left them: SetBytesKV would copy and normalize
		// each again.
		dst.SetCanonical(k, v)
	}
}

// setForwarded sets X-Real-IP (replaced), X-Forwarded-For (appended),
// -Proto, -Host and appends a Forwarded element (RFC 7239) and a Via
// element (RFC 9110). Earlier values, possibly spread over several header
// lines, are joined into one so that the append is not lost on a second
// line. A client's X-Real-IP must be gone
// already (Forward drops it).
//
// Every Del and PeekAll normalizes its name and scans the whole header, so
// they are made only for the fields s.lines says the client sent several
// lines of: one line, the client's or one a stage before set, is read with
// a look-up and replaced in place. The gateway's own code sets fields and
// never adds a second line of one, so the client's block is where several
// can come from.
func (u *Upstream) setForwarded(ctx *fasthttp.RequestCtx, s *state) {
	h := &ctx.Request.Header
	ip, _ := netip.AddrFromSlice(ctx.RemoteIP())
	ip = ip.Unmap()
	proto := protoHTTP
	if ctx.IsTLS() {
		proto = protoHTTPS
	}
	l := &s.lines

	// Both appended values are built before any field is deleted: fasthttp
	// deletes a field by moving the last one into its place, which would
	// reorder the lines of a name read after it.
	xff := appendLines(s.val[:0], h, hXForwardedFor, fasthttp.HeaderXForwardedFor, l.of(l.forwardedFor))
	if len(xff) > 0 {
		xff = append(xff, commaSpace...)
	}
	ipAt := len(xff)
	xff = ip.AppendTo(xff)

	fwd := appendLines(s.fwd[:0], h, hForwarded, fasthttp.HeaderForwarded, l.of(l.fwd))
	if len(fwd) > 0 {
		fwd = append(fwd, commaSpace...)
	}
	fwd = append(fwd, "for="...)
	if ip.Is6() {
		fwd = append(fwd, `"[`...)
		fwd = append(fwd, xff[ipAt:]...)
		fwd = append(fwd, `]"`...)
	} else {
		fwd = append(fwd, xff[ipAt:]...)
	}
	if len(s.origHost) > 0 {
		fwd = append(fwd, ";host="...)
		fwd = appendTokenOrQuoted(fwd, s.origHost)
	}
	fwd = append(fwd, ";proto="...)
	fwd = append(fwd, proto...)

	// The names are canonical, so SetCanonical skips normalizing them; it
	// replaces the first line only, so several lines of a field go first.
	h.SetCanonical(hXRealIP, xff[ipAt:])
	if l.of(l.forwardedFor) > 1 {
		h.DelBytes(hXForwardedFor)
	}
	h.SetCanonical(hXForwardedFor, xff)
	if l.of(l.proto) > 1 {
		h.DelBytes(hXForwardedProto)
	}
	h.SetCanonical(hXForwardedProto, proto)
	if len(s.origHost) > 0 {
		if l.of(l.host) > 1 {
			h.DelBytes(hXForwardedHost)
		}
		h.SetCanonical(hXForwardedHost, s.origHost)
	} else {
		h.DelBytes(hXForwardedHost) // no Host to vouch for (HTTP/1.0): none at all
	}
	if l.of(l.fwd) > 1 {
		h.DelBytes(hForwarded)
	}
	h.SetCanonical(hForwarded, fwd)

	// An HTTP-to-HTTP gateway MUST send Via in each request it forwards
	// (RFC 9110 §7.6.3), after the elements of the proxies before it.
	via := appendLines(s.via[:0], h, hVia, fasthttp.HeaderVia, l.of(l.via))
	if len(via) > 0 {
		via = append(via, commaSpace...)
	}
	if ctx.Request.Header.IsHTTP11() {
		via = append(via, viaHTTP11...)
	} else {
		via = append(via, viaHTTP10...)
	}
	if l.of(l.via) > 1 {
		h.DelBytes(hVia)
	}
	h.SetCanonical(hVia, via)
	s.val, s.fwd, s.via = xff, fwd, via
}

// targetAuthority is the host (and port) of an absolute-form request target,
// as the client spelled it, without user info; ok is false for any other
// form, whose host is the Host field's.
func targetAuthority(uri []byte) (host []byte, ok bool) {
	if len(uri) == 0 || uri[0] == '/' {
		return nil, false
	}
	i := bytes.Index(uri, schemeSep)
	if i < 0 {
		return nil, false
	}
	rest := uri[i+len(schemeSep):]
	if j := bytes.IndexAny(rest, "/?#"); j >= 0 {
		rest = rest[:j]
	}
	if j := bytes.LastIndexByte(rest, '@'); j >= 0 {
		rest = rest[j+1:]
	}
	return rest, len(rest) > 0
}

var schemeSep = []byte("://")

// joinLines makes the client's several lines of X-Forwarded-For, and of
// Forwarded, one line each, their values joined in the client's order, so
// that no deletion can reorder them: fasthttp deletes a field by moving
// the last one into its place. setForwarded then finds one line of each.
func (s *state) joinLines(h *fasthttp.RequestHeader) {
	l := &s.lines
	for _, f := range [...]struct {
		key   []byte
		name  string
		count *uint8
	}{
		{hXForwardedFor, fasthttp.HeaderXForwardedFor, &l.forwardedFor},
		{hForwarded, fasthttp.HeaderForwarded, &l.fwd},
	} {
		if l.of(*f.count) < 2 {
			continue
		}
		vs := h.PeekAll(f.name)
		if len(vs) < 2 {
			continue
		}
		s.val = joinAll(s.val[:0], vs)
		h.DelBytes(f.key)
		h.SetCanonical(f.key, s.val)
		if l.known {
			*f.count = 1
		}
	}
}

// appendLines appends the value of the field named key (canonical; name is
// the same for PeekAll) to dst: with n under 2 lines from the client, the
// one value a look-up finds (a stage before, such as an identity header,
// may have set one the client did not send), else every line's joined by
// ", ".
func appendLines(dst []byte, h *fasthttp.RequestHeader, key []byte, name string, n uint8) []byte {
	if n < 2 {
		return append(dst, h.PeekCanonical(key)...)
	}
	return joinAll(dst, h.PeekAll(name))
}

func joinAll(dst []byte, vs [][]byte) []byte {
	for i, v := range vs {
		if i > 0 {
			dst = append(dst, commaSpace...)
		}
		dst = append(dst, v...)
	}
	return dst
}

// appendTokenOrQuoted writes v as an RFC 7230 token when it is one and as a
// quoted-string otherwise (a host with a port has a ':', which is not a
// token character).
func appendTokenOrQuoted(dst, v []byte) []byte {
	token := true
	for _, c := range v {
		if !isTchar(c) {
			token = false
			break
		}
	}
	if token {
		return append(dst, v...)
	}
	dst = append(dst, '"')
	for _, c := range v {
		if c == '"' || c == '\\' {
			dst = append(dst, '\\')
		}
		dst = append(dst, c)
	}
	return append(dst, '"')
}

func isTchar(c byte) bool { return tchar[c] }

// tchar holds the token characters of RFC 9110 §5.6.2.
var tchar = func() (t [256]bool) {
	for c := range 256 {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte("!#$%&'*+-.^_`|~", byte(c)) >= 0
	}
	return t
}()

// scanFields reads a header block as the client sent it (the lines after
// the request line) and reports, when some field name is not a token, that
// name (up to its colon) and ok false; whether a field claims the client's
// address (addressClaims); whether one is hop-by-hop (hopByHop), so that
// Forward looks for those only when there are some; and how many lines of
// each forwarding field there are, so that setForwarded deletes and joins
// only what is there. An empty block, a request built in memory rather
// than read, is assumed to hold all of them, since its fields cannot be
// told from the block.
//
// fasthttp already refuses most malformed lines (no colon, a space before
// the colon, control characters), but keeps a name with a space inside;
// checking every byte of every name here does not depend on which.
func scanFields(raw []byte) (bad []byte, claims, hop bool, lines forwardedLines, ok bool) {
	lines.known = true
	if len(raw) == 0 {
		return nil, true, true, forwardedLines{}, true
	}
	for len(raw) > 0 && raw[0] != '\r' && raw[0] != '\n' { // a blank line ends the block
		if raw[0] != ' ' && raw[0] != '\t' { // else obs-fold: more of the previous value
			n := 0
			for n < len(raw) && tchar[raw[n]] {
				n++
			}
			if n == 0 || n == len(raw) || raw[n] != ':' {
				end := n
				for end < len(raw) && raw[end] != ':' && raw[end] != '\r' && raw[end] != '\n' {
					end++
				}
				return raw[:end], claims, hop, lines, false
			}
			// EqualFold walks runes; the length rules most names out first.
			if !claims {
				claims = anyName(raw[:n], addressClaims)
			}
			if !hop {
				switch n { // the lengths of the hopByHop names
				case 2, 7, 10, 16, 17, 18, 19:
					hop = anyName(raw[:n], hopByHop)
				}
			}
			switch n { // the lengths of the forwarding fields' names
			case 3, 9, 15, 16, 17:
				lines.count(raw[:n])
			}
			raw = raw[n+1:]
		}
		i := bytes.IndexByte(raw, '\n')
		if i < 0 {
			break
		}
		raw = raw[i+1:]
	}
	return nil, claims, hop, lines, true
}

// forwardedLines counts the client's lines of each field setForwarded
// writes, up to two (two means several). Its zero value is "unknown", which
// setForwarded treats as several of each, as for a request built in memory.
type forwardedLines struct {
	known                               bool
	forwardedFor, proto, host, fwd, via uint8
}

// count adds a line named name, when it is one of the forwarding fields.
func (l *forwardedLines) count(name []byte) {
	var c *uint8
	switch {
	case len(name) == len(hXForwardedFor) && bytes.EqualFold(name, hXForwardedFor):
		c = &l.forwardedFor
	case len(name) == len(hXForwardedProto) && bytes.EqualFold(name, hXForwardedProto):
		c = &l.proto
	case len(name) == len(hXForwardedHost) && bytes.EqualFold(name, hXForwardedHost):
		c = &l.host
	case len(name) == len(hForwarded) && bytes.EqualFold(name, hForwarded):
		c = &l.fwd
	case len(name) == len(hVia) && bytes.EqualFold(name, hVia):
		c = &l.via
	default:
		return
	}
	if *c < 2 {
		*c++
	}
}

// of returns the count for n lines, several when the block was not read.
func (l *forwardedLines) of(n uint8) uint8 {
	if !l.known {
		return 2
	}
	return n
}

// anyName reports whether name is one of names, in any case.
func anyName(name []byte, names [][]byte) bool {
	for _, k := range names {
		if len(name) == len(k) && bytes.EqualFold(name, k) {
			return true
		}
	}
	return false
}

// refuseFieldName answers 400 for a field name that is not a token, naming
// it, and closes the connection: the gateway and whatever sent those bytes
// disagree on the message's syntax, so nothing after it can be trusted to be
// framed as the gateway reads it.
func refuseFieldName(ctx *fasthttp.RequestCtx, name []byte) {
	// "header.NAME: DETAIL" is the document's detail, as problem.Errors
	// writes one; its two parts are the violation's location and detail.
	// The strings alias buf only until problem.Write has copied them.
	var buf [256]byte
	b := append(buf[:0], "header."...)
	n := name
	if len(n) > maxNameInLocation {
		n = n[:maxNameInLocation]
	}
	b = append(b, n...)
	loc := len(b)
	b = append(b, ": "...)
	detail := len(b)
	b = append(b, "field name must be a token (RFC 9110 §5.1), found "...)
	b = param.AppendQuote(b, name)
	vs := [1]problem.Violation{{
		Location: unsafe.String(&b[0], loc),
		Rule:     "field-name",
		Detail:   unsafe.String(&b[detail], len(b)-detail),
	}}
	problem.Write(ctx, fasthttp.StatusBadRequest, problem.TypeInvalidRequest, titleInvalid,
		unsafe.String(&b[0], len(b)), vs[:])
	ctx.SetConnectionClose()
}

// maxNameInLocation cuts a hostile name in the problem's location, as
// param.AppendQuote cuts it in the detail.
const maxNameInLocation = 64

// titleInvalid is the title problem.Errors.Write gives an invalid request,
// so that this refusal reads like every other one.
const titleInvalid = "Request validation failed"

func indexByte(b []byte, c byte) int {
	for i := range b {
		if b[i] == c {
			return i
		}
	}
	return -1
}

func trimOWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// fail maps a client error to the problem the caller sees. A connect
// timeout counts as a timeout (504, as nginx does): the client waited for
// the deadline either way.
func (u *Upstream) fail(ctx *fasthttp.RequestCtx, err error) {
	var dnsErr *net.DNSError
	var netErr net.Error
	var opErr *net.OpError
	switch {
	case errors.Is(err, fasthttp.ErrTimeout), errors.Is(err, fasthttp.ErrDialTimeout),
		errors.As(err, &netErr) && netErr.Timeout():
		problem.GatewayTimeout(ctx, u.msgTimeout)
	case errors.Is(err, fasthttp.ErrBodyTooLarge):
		problem.BadGateway(ctx, u.msgTooLarge)
	case errors.Is(err, fasthttp.ErrNoFreeConns):
		problem.ServiceUnavailable(ctx, u.msgBusy)
	case errors.Is(err, syscall.ECONNREFUSED):
		problem.BadGateway(ctx, u.msgRefused)
	case errors.As(err, &dnsErr):
		problem.BadGateway(ctx, u.msgDNS)
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, errStale),
		errors.Is(err, fasthttp.ErrConnectionClosed), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		problem.BadGateway(ctx, u.msgClosed)
	case errors.As(err, &opErr) && opErr.Op == "dial":
		problem.BadGateway(ctx, u.msgConnect)
	default:
		problem.BadGateway(ctx, u.msgInvalid)
	}
}

var (
	_ headerSource = (*fasthttp.RequestHeader)(nil)
	_ headerSource = (*fasthttp.ResponseHeader)(nil)
)

// config builds the client side of TLS to the upstream; nil when TLS
// configures nothing, which leaves fasthttp's defaults (the system's CAs).
func (t TLS) config() (*tls.Config, error) {
	if t == (TLS{}) {
		return nil, nil
	}
	c := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: t.ServerName}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("tls ca: %w", err)
		}
		c.RootCAs = x509.NewCertPool()
		if !c.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("tls ca %s: no PEM certificate in it", t.CAFile)
		}
	}
	if (t.CertFile == "") != (t.KeyFile == "") {
		return nil, errors.New("tls: a client certificate needs both cert and key")
	}
	if t.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("tls client certificate: %w", err)
		}
		c.Certificates = []tls.Certificate{cert}
	}
	return c, nil
}

package ratelimit

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"sync"
	"time"
	"unsafe"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/problem"
	"github.com/gatewaygen/gatewaygen/runtime/request"
)

// Policy is one operation's limits, as the generated gateway declares them.
type Policy struct {
	Gateway string // the API's name: shared keys of two APIs never meet
	Op      string // the operation's id, part of every key
	Limits  []Limit
}

// Stores are what a gateway's operations count in: Memory for the limits
// kept in process, Shared for those shared between copies (nil when none
// is), and the proxies whose word on the client's address is taken.
type Stores struct {
	Memory  *Memory
	Shared  Store
	Proxies *Proxies
}

// maxLimits bounds the limits of one operation, so that a request's checks
// fit the pooled scratch space.
const maxLimits = 8

// Op enforces one operation's limits. It is safe for concurrent use.
type Op struct {
	limits   []Limit
	prefix   [][]byte // per limit: the start of its keys
	interval []int64
	tol      []int64
	local    []int // the limits counted in Memory, by index
	shared   []int // those counted in the shared store
	denyErr  bool  // some shared limit refuses while the store is down
	stores   *Stores
	policy   []byte       // the RateLimit-Policy value, the same on every response
	item     [][]byte     // per limit: the start of its RateLimit item, `"name";r=`
	now      func() int64 // tests' clock; nil: the request's time
}

// NewOp checks p and prepares its keys and header.
func NewOp(p Policy, s *Stores) (*Op, error) {
	if len(p.Limits) == 0 || len(p.Limits) > maxLimits {
		return nil, fmt.Errorf("ratelimit: %s: %d limits, expected 1 to %d", p.Op, len(p.Limits), maxLimits)
	}
	o := &Op{limits: p.Limits, stores: s}
	for i := range p.Limits {
		l := &p.Limits[i]
		if l.Count < 1 || l.Period <= 0 || l.Burst < 0 || len(l.Key) == 0 {
			return nil, fmt.Errorf("ratelimit: %s: limit %q: expected a count >= 1 per a period > 0, a burst >= 0 and a key", p.Op, l.Name)
		}
		if l.Shared {
			if s.Shared == nil {
				return nil, fmt.Errorf("ratelimit: %s: limit %q is shared (store: redis) but no shared store is configured; start the gateway with --redis URL", p.Op, l.Name)
			}
			o.shared = append(o.shared, i)
			o.denyErr = o.denyErr || l.DenyOnStoreError
		} else {
			if s.Memory == nil {
				return nil, errors.New("ratelimit: no memory store")
			}
			o.local = append(o.local, i)
		}
		// gatewaygen:rl:<gateway>:<op>:<limit>: — readable in redis-cli,
		// and two operations (or APIs) never share a key.
		o.prefix = append(o.prefix, []byte("gatewaygen:rl:"+p.Gateway+":"+p.Op+":"+l.Name+":"))
		o.interval = append(o.interval, l.interval())
		o.tol = append(o.tol, l.tolerance())
		if i > 0 {
			o.policy = append(o.policy, ", "...)
		}
		o.item = append(o.item, append(strconv.AppendQuote(nil, l.Name), ";r="...))
		o.policy = strconv.AppendQuote(o.policy, l.Name)
		o.policy = append(o.policy, ";q="...)
		o.policy = strconv.AppendInt(o.policy, l.Count, 10)
		o.policy = append(o.policy, ";w="...)
		o.policy = strconv.AppendInt(o.policy, int64(ceilSeconds(l.Period)), 10)
	}
	return o, nil
}

// Header names, as fasthttp normalizes them, so that the value set here
// replaces, rather than joins, one an upstream sends (the proxy sets the
// gateway's own headers again over the upstream's).
var (
	hPolicy     = []byte("Ratelimit-Policy")
	hRateLimit  = []byte("Ratelimit")
	hRetryAfter = []byte("Retry-After")
)

// scratch is one request's working space, pooled.
type scratch struct {
	checks [maxLimits]Check
	ends   [maxLimits]int
	keys   []byte
	text   []byte
}

var scratchPool = sync.Pool{New: func() any { return &scratch{keys: make([]byte, 0, 256), text: make([]byte, 0, 256)} }}

// Admit counts the request in every limit of o and reports whether it may
// go on. It sets RateLimit-Policy and RateLimit on the response either way
// (later stages' answers and the upstream's keep them); a refused request
// is answered 429 with Retry-After, or 503 when a shared limit that denies
// on store errors cannot reach its store. consumer is the verified caller
// ("" when anonymous).
func (o *Op) Admit(ctx *fasthttp.RequestCtx, consumer string) bool {
	return o.AdmitClaims(ctx, consumer, nil)
}

// AdmitClaims is Admit for an operation whose limits key on claims:
// claims are those the auth stage kept of the caller's token.
func (o *Op) AdmitClaims(ctx *fasthttp.RequestCtx, consumer string, claims []request.Claim) bool {
	s := scratchPool.Get().(*scratch)
	defer scratchPool.Put(s)
	ip := o.stores.Proxies.ClientIP(ctx)
	s.keys = s.keys[:0]
	for i := range o.limits {
		s.keys = o.appendKey(s.keys, i, ctx, ip, consumer, claims)
		s.ends[i] = len(s.keys)
	}
	n := len(o.limits)
	start := 0
	for i := 0; i < n; i++ {
		c := &s.checks[i]
		c.Key = s.keys[start:s.ends[i]]
		c.Interval, c.Tolerance = o.interval[i], o.tol[i]
		c.Allowed, c.Remaining, c.Wait, c.Reset = false, 0, 0, 0
		start = s.ends[i]
	}
	answered := s.checks[:n]
	now := requestTime(ctx)
	if o.now != nil {
		now = o.now()
	}
	allowed, storeDown := o.take(s, now)
	if storeDown {
		answered = answered[:0] // nothing trustworthy to report
	}
	h := &ctx.Response.Header
	h.SetCanonical(hPolicy, o.policy)
	s.text = s.text[:0]
	for i := range answered {
		c := &answered[i]
		if c.Key == nil {
			continue // not asked: an earlier store refused
		}
		if len(s.text) > 0 {
			s.text = append(s.text, ", "...)
		}
		s.text = append(s.text, o.item[i]...)
		s.text = strconv.AppendInt(s.text, c.Remaining, 10)
		s.text = append(s.text, ";t="...)
		s.text = strconv.AppendInt(s.text, int64(ceilSeconds(c.Reset)), 10)
	}
	if len(s.text) > 0 {
		h.SetCanonical(hRateLimit, s.text)
	}
	switch {
	case allowed:
		return true
	case storeDown:
		h.SetCanonical(hRetryAfter, one)
		problem.ServiceUnavailable(ctx, "the rate limit store is unavailable")
		return false
	}
	var wait time.Duration
	which := 0
	for i := range answered {
		if c := &answered[i]; c.Key != nil && !c.Allowed && c.Wait > wait {
			wait, which = c.Wait, i
		}
	}
	secs := max(ceilSeconds(wait), 1)
	s.text = strconv.AppendInt(s.text[:0], int64(secs), 10)
	h.SetCanonical(hRetryAfter, s.text)
	s.text = append(s.text[:0], "rate limit "...)
	s.text = strconv.AppendQuote(s.text, o.limits[which].Name)
	s.text = append(s.text, " exceeded; retry in "...)
	s.text = strconv.AppendInt(s.text, int64(secs), 10)
	s.text = append(s.text, " s"...)
	// problem.Write copies the detail into the response at once.
	problem.Write(ctx, fasthttp.StatusTooManyRequests, problem.TypeBlank, "Too Many Requests",
		unsafe.String(unsafe.SliceData(s.text), len(s.text)), nil)
	return false
}

var one = []byte("1")

// take asks the memory store, then, if it admitted the request, the shared
// one: a client over its local limit costs no round trip. A check that was
// not asked has its Key cleared.
func (o *Op) take(s *scratch, now int64) (allowed, storeDown bool) {
	allowed = true
	if len(o.local) > 0 {
		cs := o.group(s, o.local)
		_ = o.stores.Memory.Take(cs, now)
		o.scatter(s, o.local, cs)
		for i := range cs {
			allowed = allowed && cs[i].Allowed
		}
	}
	if len(o.shared) == 0 {
		return allowed, false
	}
	if !allowed {
		for _, i := range o.shared {
			s.checks[i].Key = nil
		}
		return false, false
	}
	cs := o.group(s, o.shared)
	if o.stores.Memory != nil && o.stores.Memory.precheck(cs, now) {
		o.scatter(s, o.shared, cs)
		return false, false
	}
	err := o.stores.Shared.Take(cs, now)
	o.scatter(s, o.shared, cs)
	if err != nil {
		for _, i := range o.shared {
			s.checks[i].Key = nil
		}
		return !o.denyErr, o.denyErr
	}
	for i := range cs {
		allowed = allowed && cs[i].Allowed
	}
	if allowed && o.stores.Memory != nil {
		for i := range cs {
			o.stores.Memory.record(&cs[i], now)
		}
	}
	return allowed, false
}

// group returns the checks of idx as one slice. When idx is every limit
// (the usual case) that is s.checks itself; otherwise they are moved to
// the free end of s.checks.
func (o *Op) group(s *scratch, idx []int) []Check {
	if len(idx) == len(o.limits) {
		return s.checks[:len(idx)]
	}
	base := len(o.limits)
	if base+len(idx) > maxLimits {
		base = 0 // cannot happen with the limits NewOp accepts
	}
	for j, i := range idx {
		s.checks[base+j] = s.checks[i]
	}
	return s.checks[base : base+len(idx)]
}

// scatter moves the answers of group back to their limits' places.
func (o *Op) scatter(s *scratch, idx []int, cs []Check) {
	if len(idx) == len(o.limits) {
		return
	}
	for j, i := range idx {
		s.checks[i] = cs[j]
	}
}

// appendKey appends limit i's key for this request to dst.
func (o *Op) appendKey(dst []byte, i int, ctx *fasthttp.RequestCtx, ip netip.Addr, consumer string, claims []request.Claim) []byte {
	dst = append(dst, o.prefix[i]...)
	for j, p := range o.limits[i].Key {
		if j > 0 {
			dst = append(dst, '|')
		}
		switch p.Kind {
		case Consumer:
			if consumer != "" {
				dst = append(dst, "c="...)
				dst = appendValue(dst, consumer)
				continue
			}
		case Header:
			if v := ctx.Request.Header.Peek(p.Name); len(v) > 0 {
				dst = append(dst, "h="...)
				dst = appendValue(dst, unsafe.String(unsafe.SliceData(v), len(v)))
				continue
			}
		case Claim:
			if v := claimValue(claims, p.Name); v != "" {
				dst = append(dst, "k="...)
				dst = appendValue(dst, v)
				continue
			}
		}
		dst = append(dst, "ip="...)
		dst = ip.AppendTo(dst)
	}
	return dst
}

// claimValue is the value of the claim name among claims, "" for none.
func claimValue(claims []request.Claim, name string) string {
	for i := range claims {
		if claims[i].Name == name {
			return claims[i].Value
		}
	}
	return ""
}

// appendValue appends a client-chosen value with its length, so that no
// value can imitate two; a long one is replaced by its SHA-256, so that a
// key stays short in the shared store whatever a header holds (a
// collision-resistant digest: one client cannot aim at another's count).
func appendValue(dst []byte, v string) []byte {
	if len(v) > 64 {
		sum := sha256.Sum256(unsafe.Slice(unsafe.StringData(v), len(v)))
		dst = append(dst, "sha256:"...)
		return hex.AppendEncode(dst, sum[:])
	}
	dst = strconv.AppendInt(dst, int64(len(v)), 10)
	dst = append(dst, ':')
	return append(dst, v...)
}

// ceilSeconds rounds d up to whole seconds: a client told to wait that
// long is admitted when it comes back.
func ceilSeconds(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return int((d + time.Second - 1) / time.Second)
}

// requestTime is the time the server read the request, which fasthttp
// records once per request. A RequestCtx made outside a server (a handler
// called in-process, as the generated tests and the oracle do) has none:
// its zero time would put every key's first request eons before its
// theoretical arrival time and refuse it.
func requestTime(ctx *fasthttp.RequestCtx) int64 {
	t := ctx.Time()
	if t.IsZero() {
		return time.Now().UnixNano()
	}
	return t.UnixNano()
}

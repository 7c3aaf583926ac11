// Package cache keeps the upstream's answers to cacheable requests in
// memory and serves them again while they are fresh, as a shared cache of
// RFC 9111 does: freshness from the upstream's Cache-Control (s-maxage,
// max-age) or the operation's TTL, no-store, private and no-cache
// honoured, conditional requests (If-None-Match, If-Modified-Since)
// answered with 304, stale-while-revalidate and stale-if-error (RFC 5861),
// and concurrent misses for one key coalesced into one upstream call.
//
// Entries live in one byte-bounded store per gateway, evicted by W-TinyLFU
// (github.com/maypok86/otter): a burst of one-off URLs (a crawler, a scan)
// does not flush the entries that are read again and again, which plain LRU
// lets happen.
//
// It must never serve one consumer's answer to another (a request that
// carries credentials is neither served nor stored unless the operation
// keys its entries by consumer), never store an answer with Set-Cookie, and
// never let a waiting request outlive the operation's timeout. A hit does
// not allocate.
package cache

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/maphash"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/maypok86/otter/v2"
	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/request"
)

// DefaultMaxBytes is the store's budget when the document sets none.
const DefaultMaxBytes = 64 << 20

// maxQueryPairs bounds the query pairs a key is built from; a request with
// more is passed through uncached rather than sorted at length.
const maxQueryPairs = 64

// entryOverhead is what an entry costs beyond its bytes, roughly: the
// struct, slice headers and the store's own node.
const entryOverhead = 256

// Store holds the entries of every cached operation: in memory within a
// byte budget, or in a Remote shared by several gateways.
type Store struct {
	c        *otter.Cache[uint64, *entry]
	remote   Remote
	maxEntry int
}

// Remote is a store shared by several gateways (rediscache): entries go in
// encoded, under the request's whole key, with a time to live. Get reports
// found false for a missing key and an error only when the store failed;
// the cache then carries on as on a miss and does not store.
type Remote interface {
	Get(ctx context.Context, key []byte) (val []byte, found bool, err error)
	Set(ctx context.Context, key, val []byte, ttl time.Duration) error
	Timeout() time.Duration
}

// NewRemoteStore returns a store over r. One answer may take at most
// maxEntry bytes (0: DefaultMaxBytes/8).
func NewRemoteStore(r Remote, maxEntry int) *Store {
	if maxEntry <= 0 {
		maxEntry = DefaultMaxBytes / 8
	}
	return &Store{remote: r, maxEntry: maxEntry}
}

// NewStore returns a store of at most maxBytes (DefaultMaxBytes when <= 0).
// One answer may take at most an eighth of it.
func NewStore(maxBytes int64) (*Store, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	c, err := otter.New(&otter.Options[uint64, *entry]{
		MaximumWeight: uint64(maxBytes),
		Weigher:       func(_ uint64, e *entry) uint32 { return uint32(e.size) },
		ExpiryCalculator: otter.ExpiryWritingFunc(func(e otter.Entry[uint64, *entry]) time.Duration {
			return time.Duration(e.Value.fresh + max(e.Value.swr, e.Value.sie))
		}),
	})
	if err != nil {
		return nil, err
	}
	return &Store{c: c, maxEntry: int(min(maxBytes/8, 1<<31))}, nil
}

// Bytes returns the weight of what the store holds now.
// A remote store reports 0.
func (s *Store) Bytes() uint64 {
	if s.c == nil {
		return 0
	}
	return s.c.WeightedSize()
}

// Policy is one operation's caching, from its x-gateway cache.
type Policy struct {
	// TTL is the freshness of an answer whose Cache-Control gives none.
	TTL time.Duration
	// Vary names the request headers whose values are part of the key. An
	// answer that varies on a header not listed is not stored.
	Vary []string
	// Query names the query parameters in the key; QueryAll puts in all of
	// them. Either way pairs are ordered canonically, so ?a=1&b=2 and
	// ?b=2&a=1 share an entry.
	Query    []string
	QueryAll bool
	// PerConsumer caches answers to authenticated requests, keyed by the
	// verified consumer. Without it such requests bypass the cache.
	PerConsumer bool
	// StaleWhileRevalidate and StaleIfError extend an entry's use past its
	// freshness (RFC 5861) when the upstream's Cache-Control does not say.
	StaleWhileRevalidate, StaleIfError time.Duration
	// Wait bounds how long a request waits for another's upstream call for
	// the same key before making its own: the operation's timeout.
	Wait time.Duration
}

// Cache is one operation's view of the store.
type Cache struct {
	s     *Store
	p     Policy
	vary  [][]byte
	query [][]byte
	seed  maphash.Seed

	mu      sync.Mutex
	flights map[uint64]*flight

	cut atomic.Int64 // unix ns of the last Invalidate; entries stored by then are gone
}

// New returns operation p's cache over s.
func New(s *Store, p Policy) (*Cache, error) {
	if s == nil {
		return nil, errors.New("cache: no store")
	}
	c := &Cache{s: s, p: p, seed: maphash.MakeSeed(), flights: map[uint64]*flight{}}
	for _, h := range p.Vary {
		c.vary = append(c.vary, []byte(h))
	}
	for _, q := range p.Query {
		c.query = append(c.query, []byte(q))
	}
	return c, nil
}

// flight is one upstream call that other requests for the same key wait
// for; e is its stored answer, nil when the answer could not be stored.
type flight struct {
	done chan struct{}
	e    *entry
}

// entry is a stored answer.
type entry struct {
	key     []byte
	status  int
	names   [][]byte
	values  [][]byte
	body    []byte
	etag    []byte
	lastMod time.Time
	stored  int64 // unix ns
	fresh   int64 // ns
	swr     int64 // ns of stale-while-revalidate
	sie     int64 // ns of stale-if-error
	size    int
}

// Fill carries what Lookup decided to Store: the key, whether this request
// fetches for others, and a stale entry to fall back on.
type Fill struct {
	key    uint64
	kb     []byte
	f      *flight
	stale  *entry
	store  bool
	looked bool
}

var (
	hXCache = []byte("X-Cache")
	hAge    = []byte("Age")
	vHit    = []byte("hit")
	vMiss   = []byte("miss")
	vStale  = []byte("stale")
)

// Lookup serves the request from the cache when it can, and reports true
// when it did. Otherwise the request goes upstream and Store must be given
// the Fill afterwards. A nil Cache (a gateway in mock mode) never serves.
func (c *Cache) Lookup(ctx *fasthttp.RequestCtx, st *request.State) (Fill, bool) {
	if c == nil {
		return Fill{}, false
	}
	h := &ctx.Request.Header
	head := h.IsHead()
	if !h.IsGet() && !head {
		return Fill{}, false
	}
	if (st.Consumer != "" || len(h.PeekBytes(hAuthorization)) > 0) && !c.p.PerConsumer {
		return Fill{}, false // another consumer's answer must not be this one's
	}
	noStore, refresh := requestDirectives(h.PeekBytes(hCacheControl), h.PeekBytes(hPragma))
	if noStore {
		return Fill{}, false
	}
	kb, ok := c.key(ctx, st)
	if !ok {
		return Fill{}, false
	}
	key := maphash.Bytes(c.seed, kb)
	fill := Fill{key: key, kb: kb, store: !head, looked: true}
	now := time.Now().UnixNano()
	e, found := c.s.get(key, kb)
	if found && !bytes.Equal(e.key, kb) {
		found = false // a hash collision: never another key's answer
	}
	if found && e.stored <= c.cut.Load() {
		found = false // invalidated: not even a stale fallback
	}
	if found && !refresh {
		age := now - e.stored
		switch {
		case age < e.fresh:
			serve(ctx, e, age, vHit)
			return Fill{}, true
		case age < e.fresh+e.swr:
			// Stale while one request revalidates: that one goes upstream,
			// every other is answered from the stale copy at once.
			c.mu.Lock()
			if c.flights[key] != nil {
				c.mu.Unlock()
				serve(ctx, e, age, vStale)
				return Fill{}, true
			}
			fill.f = &flight{done: make(chan struct{})}
			c.flights[key] = fill.f
			c.mu.Unlock()
			fill.stale = e
			return fill, false
		case age < e.fresh+e.sie:
			fill.stale = e
		}
	}
	c.mu.Lock()
	if f := c.flights[key]; f != nil && !refresh {
		c.mu.Unlock()
		if e := c.wait(f); e != nil {
			serve(ctx, e, now-e.stored, vHit)
			return Fill{}, true
		}
		fill.store = false // the leader's answer was not storable; nor will this one be
		return fill, false
	}
	if fill.store {
		fill.f = &flight{done: make(chan struct{})}
		c.flights[key] = fill.f
	}
	c.mu.Unlock()
	return fill, false
}

// Invalidate drops every answer the cache holds now, as a successful
// request with an unsafe method to the operation's path requires (RFC 9111
// §4.4: a cache must invalidate the target URI; it may invalidate more,
// and entries hashed by their whole key cannot be found by URI alone).
// Entries stay in the store until evicted but are never served again. With
// a store shared through Redis, other gateways keep serving theirs until
// they expire. A nil Cache (mock mode) has nothing to drop.
func (c *Cache) Invalidate() {
	if c == nil {
		return
	}
	c.cut.Store(time.Now().UnixNano())
}

// wait waits for f within the policy's Wait and returns its entry, nil when
// it brought none or did not end in time.
func (c *Cache) wait(f *flight) *entry {
	if c.p.Wait <= 0 {
		<-f.done
		return f.e
	}
	t := time.NewTimer(c.p.Wait)
	defer t.Stop()
	select {
	case <-f.done:
		return f.e
	case <-t.C:
		return nil
	}
}

// Store stores the upstream's answer in ctx when it may be, falls back on a
// stale entry when the upstream failed within stale-if-error, and releases
// the requests waiting for this one. answered is false when ctx holds the
// gateway's own problem (the upstream was not reached).
func (c *Cache) Store(ctx *fasthttp.RequestCtx, fill *Fill, answered bool) {
	if c == nil || !fill.looked {
		return
	}
	c.store(ctx, fill, answered)
}

func (c *Cache) store(ctx *fasthttp.RequestCtx, fill *Fill, answered bool) {
	resp := &ctx.Response
	now := time.Now().UnixNano()
	var e *entry
	status := resp.StatusCode()
	if (!answered || status >= 500) && fill.stale != nil && now-fill.stale.stored < fill.stale.fresh+max(fill.stale.sie, fill.stale.swr) {
		resp.ResetBody()
		serve(ctx, fill.stale, now-fill.stale.stored, vStale)
	} else {
		if answered && fill.store {
			e = c.build(fill.kb, resp, now)
			if e != nil {
				c.s.set(fill.key, e)
			}
		}
		resp.Header.SetCanonical(hXCache, vMiss)
	}
	if f := fill.f; f != nil {
		c.mu.Lock()
		f.e = e
		if c.flights[fill.key] == f {
			delete(c.flights, fill.key)
		}
		c.mu.Unlock()
		close(f.done)
	}
}

// key writes the request's cache key into st.CacheKey: method, raw path,
// the chosen query pairs in canonical order, the Vary headers' values and
// the consumer, each length-prefixed so that no value can imitate a
// boundary. ok is false for a request the cache passes by (too many query
// pairs to sort cheaply).
func (c *Cache) key(ctx *fasthttp.RequestCtx, st *request.State) ([]byte, bool) {
	b := st.CacheKey[:0]
	b = appendPart(b, []byte("GET")) // HEAD is served from GET's entry
	b = appendPart(b, ctx.URI().PathOriginal())
	args := ctx.QueryArgs()
	if c.p.QueryAll {
		var pairs [maxQueryPairs][2][]byte
		n := 0
		for k, v := range args.All() {
			if n == maxQueryPairs {
				return nil, false
			}
			// Insertion sort by name; equal names keep their order, which
			// matters to the upstream.
			i := n
			for i > 0 && bytes.Compare(pairs[i-1][0], k) > 0 {
				pairs[i] = pairs[i-1]
				i--
			}
			pairs[i] = [2][]byte{k, v}
			n++
		}
		for _, p := range pairs[:n] {
			b = appendPart(b, p[0])
			b = appendPart(b, p[1])
		}
	} else {
		for _, name := range c.query {
			for _, v := range args.PeekMultiBytes(name) {
				b = appendPart(b, name)
				b = appendPart(b, v)
			}
		}
	}
	b = append(b, 0xff) // ends the query, which varies in length
	for _, name := range c.vary {
		b = appendPart(b, ctx.Request.Header.PeekBytes(name))
	}
	if c.p.PerConsumer {
		b = binary.AppendUvarint(b, uint64(len(st.Consumer)))
		b = append(b, st.Consumer...)
	}
	st.CacheKey = b
	return b, true
}

func appendPart(b, p []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(p)))
	return append(b, p...)
}

var (
	hAuthorization = []byte("Authorization")
	hCacheControl  = []byte("Cache-Control")
	hPragma        = []byte("Pragma")
	hIfNoneMatch   = []byte("If-None-Match")
	hIfModSince    = []byte("If-Modified-Since")
)

// serve writes entry e to ctx as the answer, aged age ns, with X-Cache v; a
// matching conditional request gets 304 without the body. Headers the
// stages before the cache set (request id, limits, CORS) stay.
func serve(ctx *fasthttp.RequestCtx, e *entry, age int64, v []byte) {
	resp := &ctx.Response
	notModified := notModified(&ctx.Request.Header, e)
	if notModified {
		resp.SetStatusCode(fasthttp.StatusNotModified)
	} else {
		resp.SetStatusCode(e.status)
	}
	for i, k := range e.names {
		if notModified && !keepOn304(k) {
			continue
		}
		if i > 0 && bytes.Equal(e.names[i-1], k) {
			resp.Header.AddBytesKV(k, e.values[i])
		} else {
			resp.Header.SetCanonical(k, e.values[i])
		}
	}
	var buf [20]byte
	resp.Header.SetCanonical(hAge, strconv.AppendInt(buf[:0], age/int64(time.Second), 10))
	resp.Header.SetCanonical(hXCache, v)
	if notModified {
		resp.ResetBody()
		resp.SkipBody = true
		return
	}
	resp.SetBodyRaw(e.body)
}

// keepOn304 lists the fields a 304 carries (RFC 9110 §15.4.5).
func keepOn304(k []byte) bool {
	switch string(k) {
	case "Etag", "Cache-Control", "Content-Location", "Expires", "Vary", "Last-Modified":
		return true
	}
	return false
}

// notModified evaluates the request's preconditions against e (RFC 9110
// §13.2.2): If-None-Match by weak comparison, else If-Modified-Since.
// "*" matches any stored answer, with an ETag or not: its condition is
// false whenever a current representation exists (RFC 9110 §13.1.2).
func notModified(h *fasthttp.RequestHeader, e *entry) bool {
	if inm := h.PeekBytes(hIfNoneMatch); len(inm) > 0 {
		if string(bytes.TrimSpace(inm)) == "*" {
			return true
		}
		return len(e.etag) > 0 && etagListMatches(inm, e.etag)
	}
	if ims := h.PeekBytes(hIfModSince); len(ims) > 0 && !e.lastMod.IsZero() {
		t, err := fasthttp.ParseHTTPDate(ims)
		return err == nil && !e.lastMod.After(t)
	}
	return false
}

// etagListMatches reports whether list (an If-None-Match value) names etag
// or is "*", comparing weakly: W/"x" matches "x".
func etagListMatches(list, etag []byte) bool {
	etag = bytes.TrimPrefix(etag, []byte("W/"))
	for len(list) > 0 {
		var tok []byte
		if i := bytes.IndexByte(list, ','); i >= 0 {
			tok, list = list[:i], list[i+1:]
		} else {
			tok, list = list, nil
		}
		tok = bytes.TrimSpace(tok)
		if string(tok) == "*" || bytes.Equal(bytes.TrimPrefix(tok, []byte("W/")), etag) {
			return true
		}
	}
	return false
}

// Package ratelimit enforces an operation's rate limits and quotas for the
// generated gateway: it derives each request's key (client address,
// consumer, header), counts the request in a store (in memory, or shared
// between gateway copies through Redis), and answers 429 with Retry-After
// when a limit is spent. Every response of a limited operation carries the
// RateLimit-Policy and RateLimit fields of draft-ietf-httpapi-ratelimit-headers-09.
//
// The algorithm is GCRA (the generic cell rate algorithm, a token bucket
// written as one timestamp): a key's whole state is its theoretical arrival
// time (TAT), one int64. That makes a check a read and a write of one
// number, which a sharded map does without allocating and a Redis Lua script
// does atomically in one round trip; a bucket that has refilled (TAT in the
// past) is indistinguishable from an absent one, so idle keys are evicted
// without losing anything; and the wait a refused client is told is exact
// (TAT minus the burst allowance), not a guess at a window's end.
//
// It must never admit a request beyond a limit because of a race (a check
// and its count are one step under the shard's lock or inside the script),
// never trust an address header from a peer that is not a configured proxy,
// never let the number of keys held grow without bound, never block a
// request longer than the store's per-check timeout, and never allocate on
// the request path with the memory store.
package ratelimit

import (
	"time"
)

// KeyKind says what one part of a limit's key is read from.
type KeyKind uint8

const (
	// ClientIP is the client's address: the peer's, or with trusted
	// proxies the right-most untrusted address they forwarded.
	ClientIP KeyKind = iota + 1
	// Consumer is who the auth stage verified the caller to be; an
	// anonymous caller is keyed by its client address instead.
	Consumer
	// Header is a request header's value; a request without it is keyed by
	// its client address instead.
	Header
	// policy: keys by a verified token's claim
	// Claim is a claim of the caller's verified token, as the auth stage
	// kept it in the request's state; a request without it (anonymous, a
	// token without the claim, or one whose value is not a string, number
	// or boolean) is keyed by its client address instead.
	Claim
)

// KeyPart is one component of a limit's key.
type KeyPart struct {
	Kind KeyKind
	Name string // the header's name, for Header; the claim's, for Claim
}

// Limit is one rate of an operation: Count requests per Period, of which
// up to Burst may come at once. Each distinct key has its own allowance.
type Limit struct {
	Name   string // the policy's name in RateLimit-Policy and RateLimit
	Count  int64
	Period time.Duration
	Burst  int64 // 0: Count
	Key    []KeyPart
	// Shared counts in the Redis store instead of in memory.
	Shared bool
	// DenyOnStoreError refuses requests (503) while the shared store cannot
	// be reached; by default they are admitted.
	DenyOnStoreError bool
}

// interval is what one request costs, in nanoseconds: the GCRA emission
// interval T. It is at least one nanosecond, so that a rate beyond a
// billion a second still limits.
func (l *Limit) interval() int64 {
	t := int64(l.Period) / l.Count
	if t < 1 {
		t = 1
	}
	return t
}

// tolerance is how far ahead of now a key's TAT may run and still admit a
// request: the burst allowance, Burst intervals.
func (l *Limit) tolerance() int64 {
	b := l.Burst
	if b <= 0 {
		b = l.Count
	}
	return b * l.interval()
}

// Check is one limit's question to a store and the store's answer. The
// caller fills Key, Interval and Tolerance; Take fills the rest.
type Check struct {
	Key       []byte
	Interval  int64 // ns a request costs (GCRA's T)
	Tolerance int64 // ns of burst allowance (GCRA's τ + T)

	Allowed   bool
	Remaining int64         // requests still admitted at once after this one
	Wait      time.Duration // when refused: how long until one is admitted
	Reset     time.Duration // how long until the allowance is whole again
}

// Store counts requests. Take answers every check of cs and counts the
// request in all of them only if all of them admit it, so that a request
// refused by a quota does not spend its burst allowance too. now is the
// request's time in Unix nanoseconds (fasthttp's, read once per request:
// a clock read costs more than a memory check on some machines); a shared
// store may use its own clock instead, so that its clients agree.
type Store interface {
	Take(cs []Check, now int64) error
}

// gcra decides one check against the key's stored TAT (0 when none) at now,
// all in nanoseconds. It returns the TAT to store when the request is
// admitted.
func gcra(c *Check, tat, now int64) int64 {
	if tat < now {
		tat = now
	}
	next := tat + c.Interval
	allowAt := next - c.Tolerance
	if now < allowAt {
		c.Allowed = false
		c.Remaining = 0
		c.Wait = time.Duration(allowAt - now)
		c.Reset = time.Duration(tat - now)
		return tat
	}
	c.Allowed = true
	c.Remaining = (now - allowAt) / c.Interval
	c.Wait = 0
	c.Reset = time.Duration(next - now)
	return next
}

// unspent sets c's Remaining as if the request had not been counted, for a
// check that admitted it while another refused it.
func unspent(c *Check) {
	c.Remaining++
	c.Reset -= time.Duration(c.Interval)
	if c.Reset < 0 {
		c.Reset = 0
	}
}

// Package redisstore is the shared ratelimit.Store: the counts of limits
// with store: redis live in one Redis, so that every copy of a gateway
// behind a load balancer enforces one limit, not one each.
//
// A check is one round trip: EVALSHA of a Lua script (loaded at start-up,
// and again by EVAL when Redis answers NOSCRIPT after a restart) that
// reads every key of the request's limits, decides them by GCRA on Redis's
// own clock (so that the gateways' clocks need not agree), and counts the
// request in all of them only if all admit it, each key with a TTL of the
// time until its allowance is whole again. The client is go-redis
// (github.com/redis/go-redis/v9): the Redis project's own Go client, with
// a connection pool, per-command read and write deadlines, EVALSHA with the
// NOSCRIPT fallback built in and reconnection by itself; rueidis's
// client-side caching and auto-pipelining buy nothing for one script call
// per request, and its larger API would be ours to keep up with.
//
// It must never hold a request longer than its timeout (no retries, every
// dial, write and read bounded), never fail a check silently (the error
// goes back to ratelimit, which applies on-store-error), never log more
// than once per LogInterval while Redis is down, and never need a restart
// to recover: the next check after Redis returns reconnects.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gatewaygen/gatewaygen/runtime/ratelimit"
)

// Defaults of Config.
const (
	DefaultTimeout     = 100 * time.Millisecond
	DefaultLogInterval = 10 * time.Second
)

// Config says how to reach Redis.
type Config struct {
	URL      string // redis://[user@]host:port[/db], or rediss:// for TLS
	Password string // overrides the URL's, which should carry none
	Name     string // the gateway's name, for its log lines
	// Timeout bounds each step of a check, dialing, writing and reading,
	// where the URL does not say otherwise (0: DefaultTimeout).
	Timeout     time.Duration
	LogInterval time.Duration // 0: DefaultLogInterval
	Log         io.Writer     // nil: os.Stderr
}

// Store is the Redis-backed ratelimit.Store. It is safe for concurrent use.
type Store struct {
	client   *redis.Client
	script   *redis.Script
	name     string
	interval int64
	log      io.Writer
	addr     string

	lastLog atomic.Int64 // Unix ns of the last "unavailable" line
	down    atomic.Bool
	pool    sync.Pool // *call
}

// call is one check's arguments, reused.
type call struct {
	keys []string
	args []any
}

// gcraScript decides every limit of a request at Redis's time, in
// microseconds (exact in a Lua number up to 2^53, centuries away).
// KEYS[i] is a limit's key; ARGV[2i-1] and ARGV[2i] its interval and
// tolerance. The reply is {admitted, then per key remaining, wait, reset}.
// A TAT is written with %d: Lua's own number format would round it.
const gcraScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local reply = {1}
local tats = {}
for i = 1, #KEYS do
  local interval = tonumber(ARGV[2*i-1])
  local tolerance = tonumber(ARGV[2*i])
  local tat = tonumber(redis.call('GET', KEYS[i]) or 0)
  if tat < now then tat = now end
  local nextTat = tat + interval
  local allowAt = nextTat - tolerance
  if now < allowAt then
    reply[1] = 0
    reply[3*i-1] = 0
    reply[3*i] = allowAt - now
    reply[3*i+1] = tat - now
  else
    tats[i] = nextTat
    reply[3*i-1] = math.floor((now - allowAt) / interval)
    reply[3*i] = 0
    reply[3*i+1] = nextTat - now
  end
end
if reply[1] == 1 then
  for i = 1, #KEYS do
    redis.call('SET', KEYS[i], string.format('%d', tats[i]), 'PX', math.ceil((tats[i] - now) / 1000))
  end
end
return reply
`

// Client returns a go-redis client for cfg: the URL parsed, the password
// set, every step bounded by cfg.Timeout where the URL does not say, and
// no retries. Nothing is dialled yet. The response cache's Redis store
// (cache/rediscache) shares it.
func Client(cfg Config) (*redis.Client, error) {
	if cfg.URL == "" {
		return nil, errors.New("redisstore: store: redis needs a Redis; start the gateway with --redis redis://HOST:PORT (or GATEWAY_REDIS)")
	}
	opt, err := redis.ParseURL(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("redisstore: --redis %q: %w", redactURL(cfg.URL), err)
	}
	if cfg.Password != "" {
		opt.Password = cfg.Password
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	// The URL's own dial_timeout, read_timeout, write_timeout,
	// pool_timeout and max_retries win, so that an operator can tune them
	// without a new flag.
	for _, d := range []*time.Duration{&opt.DialTimeout, &opt.ReadTimeout, &opt.WriteTimeout, &opt.PoolTimeout} {
		if *d == 0 {
			*d = timeout
		}
	}
	if opt.MaxRetries == 0 {
		opt.MaxRetries = -1 // a retry would double the wait the timeout promises
	}
	opt.DisableIdentity = true
	return redis.NewClient(opt), nil
}

// New connects to the Redis at cfg.URL. A Redis that cannot be reached
// now is not an error (the gateway starts, on-store-error applies until it
// answers); a URL that cannot be parsed is.
func New(cfg Config) (*Store, error) {
	client, err := Client(cfg)
	if err != nil {
		return nil, err
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	s := &Store{
		client:   client,
		script:   redis.NewScript(gcraScript),
		name:     cfg.Name,
		interval: int64(cfg.LogInterval),
		log:      cfg.Log,
		addr:     client.Options().Addr,
	}
	if s.interval <= 0 {
		s.interval = int64(DefaultLogInterval)
	}
	if s.log == nil {
		s.log = os.Stderr
	}
	s.pool.New = func() any { return &call{} }
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := s.script.Load(ctx, s.client).Err(); err != nil {
		s.fail(err)
	}
	return s, nil
}

// Close closes the connections.
func (s *Store) Close() error { return s.client.Close() }

// Take implements ratelimit.Store; now is not used, Redis's clock is.
func (s *Store) Take(cs []ratelimit.Check, _ int64) error {
	c := s.pool.Get().(*call)
	defer s.pool.Put(c)
	c.keys, c.args = c.keys[:0], c.args[:0]
	for i := range cs {
		c.keys = append(c.keys, string(cs[i].Key))
		c.args = append(c.args, (cs[i].Interval+999)/1000, cs[i].Tolerance/1000)
	}
	reply, err := s.script.Run(context.Background(), s.client, c.keys, c.args...).Int64Slice()
	if err == nil && len(reply) != 1+3*len(cs) {
		err = fmt.Errorf("script answered %d numbers for %d keys", len(reply), len(cs))
	}
	if err != nil {
		s.fail(err)
		return fmt.Errorf("redisstore: %w", err)
	}
	if s.down.Load() && s.down.CompareAndSwap(true, false) {
		fmt.Fprintf(s.log, "%s: rate limit store redis %s reachable again\n", s.name, s.addr)
	}
	for i := range cs {
		ch := &cs[i]
		r := reply[1+3*i:]
		ch.Allowed = reply[0] == 1
		ch.Remaining = r[0]
		ch.Wait = time.Duration(r[1]) * time.Microsecond
		ch.Reset = time.Duration(r[2]) * time.Microsecond
		if reply[0] != 1 && r[1] == 0 {
			// Admitted by this limit, refused by another: nothing was
			// counted, so one more remains than the script's figure.
			ch.Remaining++
			ch.Reset = max(ch.Reset-time.Duration(ch.Interval), 0)
		}
	}
	return nil
}

// fail logs err, at most once per interval.
func (s *Store) fail(err error) {
	s.down.Store(true)
	now := time.Now().UnixNano()
	last := s.lastLog.Load()
	if now-last < s.interval || !s.lastLog.CompareAndSwap(last, now) {
		return
	}
	fmt.Fprintf(s.log, "%s: rate limit store redis %s unavailable: %v (on-store-error applies; logged at most every %v)\n",
		s.name, s.addr, err, time.Duration(s.interval))
}

// redactURL drops a password from u for messages.
func redactURL(u string) string {
	if p, err := url.Parse(u); err == nil {
		return p.Redacted()
	}
	return "(not a URL)"
}

var _ ratelimit.Store = (*Store)(nil)

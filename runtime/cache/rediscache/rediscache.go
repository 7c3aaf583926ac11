// Package rediscache is the response cache's shared store (x-gateway
// cache.store: redis): every copy of a gateway reads and writes one Redis,
// so an answer fetched by one copy is served by all. An entry is one Redis
// string under the cache's prefix and the request's whole key, written with
// a TTL of the time it may still be served (fresh plus stale-while-
// revalidate or stale-if-error), so Redis evicts what is spent.
//
// It must never hold a request past its timeout (one GET or SET, each
// bounded, no retries), never fail a request because Redis is down (the
// cache carries on as on a miss, and does not store), and log an outage at
// most once per interval. The connection is the one the rate limit store
// uses (ratelimit/redisstore.Client), so both follow --redis.
package rediscache

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gatewaygen/gatewaygen/runtime/cache"
	"github.com/gatewaygen/gatewaygen/runtime/ratelimit/redisstore"
)

// Config says which Redis, under which prefix.
type Config struct {
	Redis  redisstore.Config
	Prefix string // the API's name: gateways of one API share entries, of another do not
}

// Store is a cache.Remote in Redis.
type Store struct {
	client   *redis.Client
	prefix   string
	timeout  time.Duration
	name     string
	log      io.Writer
	interval int64
	lastLog  atomic.Int64
	down     atomic.Bool
}

// New returns the store. A Redis that cannot be reached now is not an error:
// requests are served from the upstream until it answers.
func New(cfg Config) (*Store, error) {
	client, err := redisstore.Client(cfg.Redis)
	if err != nil {
		return nil, err
	}
	s := &Store{client: client, prefix: "gatewaygen:cache:" + cfg.Prefix + ":", timeout: cfg.Redis.Timeout,
		name: cfg.Redis.Name, log: cfg.Redis.Log, interval: int64(cfg.Redis.LogInterval)}
	if s.timeout <= 0 {
		s.timeout = redisstore.DefaultTimeout
	}
	if s.log == nil {
		s.log = os.Stderr
	}
	if s.interval <= 0 {
		s.interval = int64(redisstore.DefaultLogInterval)
	}
	return s, nil
}

// Timeout is the bound of one Get or Set.
func (s *Store) Timeout() time.Duration { return s.timeout }

// Get implements cache.Remote.
func (s *Store) Get(ctx context.Context, key []byte) ([]byte, bool, error) {
	val, err := s.client.Get(ctx, s.prefix+string(key)).Bytes()
	if errors.Is(err, redis.Nil) {
		s.up()
		return nil, false, nil
	}
	if err != nil {
		s.fail(err)
		return nil, false, err
	}
	s.up()
	return val, true, nil
}

// Set implements cache.Remote.
func (s *Store) Set(ctx context.Context, key, val []byte, ttl time.Duration) error {
	if ttl < time.Millisecond {
		return nil
	}
	if err := s.client.Set(ctx, s.prefix+string(key), val, ttl).Err(); err != nil {
		s.fail(err)
		return err
	}
	return nil
}

// Close closes the connections.
func (s *Store) Close() error { return s.client.Close() }

func (s *Store) up() {
	if s.down.Load() && s.down.CompareAndSwap(true, false) {
		fmt.Fprintf(s.log, "%s: cache store redis %s reachable again\n", s.name, s.client.Options().Addr)
	}
}

// fail logs err, at most once per interval.
func (s *Store) fail(err error) {
	s.down.Store(true)
	now := time.Now().UnixNano()
	last := s.lastLog.Load()
	if now-last < s.interval || !s.lastLog.CompareAndSwap(last, now) {
		return
	}
	fmt.Fprintf(s.log, "%s: cache store redis %s unavailable: %v (answers come from the upstream, uncached; logged at most every %v)\n",
		s.name, s.client.Options().Addr, err, time.Duration(s.interval))
}

var _ cache.Remote = (*Store)(nil)

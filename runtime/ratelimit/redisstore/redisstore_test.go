package redisstore

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gatewaygen/gatewaygen/runtime/ratelimit"
)

// redisServer is a redis-server this test started on 127.0.0.1.
type redisServer struct {
	addr string
	cmd  *exec.Cmd
	done chan struct{}
}

// startRedis starts redis-server on addr ("" for a free port) without
// persistence, waits until it answers and stops it (by its PID) when the
// test ends. Without redis-server the test skips, unless CI is set.
func startRedis(t testing.TB, addr string) *redisServer {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("redis-server is not installed; .ci/run installs the redis-server package")
		}
		t.Skip("redis-server is not installed (apt-get install redis-server); skipped outside CI")
	}
	if addr == "" {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr = ln.Addr().String()
		ln.Close()
	}
	_, port, _ := net.SplitHostPort(addr)
	r := &redisServer{addr: addr, done: make(chan struct{})}
	r.cmd = exec.Command(bin, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning")
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = r.cmd.Wait(); close(r.done) }()
	t.Cleanup(r.stop)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond); err == nil {
			c.Close()
			return r
		}
		select {
		case <-r.done:
			t.Fatalf("redis-server on %s exited at start", addr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server on %s did not accept connections", addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop kills the server by its PID and waits for it.
func (r *redisServer) stop() {
	select {
	case <-r.done:
		return
	default:
	}
	_ = r.cmd.Process.Kill()
	<-r.done
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func checks(keys ...string) []ratelimit.Check {
	var cs []ratelimit.Check
	for _, k := range keys {
		// 5 a second, a burst of 3.
		cs = append(cs, ratelimit.Check{Key: []byte(k), Interval: int64(200 * time.Millisecond), Tolerance: int64(600 * time.Millisecond)})
	}
	return cs
}

func TestRedisTake(t *testing.T) {
	r := startRedis(t, "")
	s, err := New(Config{URL: "redis://" + r.addr, Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var got []string
	for range 4 {
		cs := checks("k")
		if err := s.Take(cs, 0); err != nil {
			t.Fatal(err)
		}
		got = append(got, strconv.FormatBool(cs[0].Allowed)+"/"+strconv.FormatInt(cs[0].Remaining, 10))
		if !cs[0].Allowed && (cs[0].Wait <= 0 || cs[0].Wait > 200*time.Millisecond) {
			t.Errorf("refused with wait %v, want (0, 200ms]", cs[0].Wait)
		}
	}
	if strings.Join(got, " ") != "true/2 true/1 true/0 false/0" {
		t.Errorf("answers %v, want a burst of 3 then a refusal", got)
	}

	// Every key has a TTL: its time until the allowance is whole again.
	rc := redis.NewClient(&redis.Options{Addr: r.addr})
	defer rc.Close()
	ctx := context.Background()
	ttl, err := rc.PTTL(ctx, "k").Result()
	if err != nil || ttl <= 0 || ttl > 600*time.Millisecond {
		t.Errorf("TTL of k: %v %v, want in (0, 600ms]", ttl, err)
	}

	// All or nothing: a request refused by one key is not counted in the other.
	cs := checks("fresh", "k")
	if err := s.Take(cs, 0); err != nil {
		t.Fatal(err)
	}
	if cs[0].Allowed || cs[1].Allowed || cs[0].Remaining != 3 {
		t.Errorf("fresh+k: %+v, want both refused and fresh untouched (remaining 3)", cs)
	}
	if n, _ := rc.Exists(ctx, "fresh").Result(); n != 0 {
		t.Error("a refused request counted in fresh")
	}

	// NOSCRIPT: after SCRIPT FLUSH (as after a Redis restart) checks go on.
	if err := rc.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if err := s.Take(checks("other"), 0); err != nil {
		t.Fatalf("after SCRIPT FLUSH: %v", err)
	}
	if ok, _ := rc.ScriptExists(ctx, s.script.Hash()).Result(); len(ok) != 1 || !ok[0] {
		t.Error("the script was not loaded again after NOSCRIPT")
	}
}

// TestRedisDownAndBack: with Redis gone a check fails within its timeout
// and is logged once; once Redis is back on its address, checks succeed
// again without anything restarted.
func TestRedisDownAndBack(t *testing.T) {
	r := startRedis(t, "")
	log := new(syncBuffer)
	s, err := New(Config{URL: "redis://" + r.addr, Name: "test", Log: log, LogInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Take(checks("k"), 0); err != nil {
		t.Fatal(err)
	}
	r.stop()
	for range 20 {
		start := time.Now()
		err := s.Take(checks("k"), 0)
		if err == nil {
			t.Fatal("a check succeeded with Redis stopped")
		}
		if d := time.Since(start); d > time.Second {
			t.Fatalf("a failing check took %v, want about the 100ms timeout at most", d)
		}
	}
	if n := strings.Count(log.String(), "unavailable"); n != 1 {
		t.Errorf("%d unavailable lines for 20 failures in one interval, want 1:\n%s", n, log.String())
	}
	startRedis(t, r.addr)
	deadline := time.Now().Add(5 * time.Second)
	for s.Take(checks("k"), 0) != nil {
		if time.Now().After(deadline) {
			t.Fatal("checks still fail 5s after Redis came back")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(log.String(), "reachable again") {
		t.Errorf("no recovery line:\n%s", log.String())
	}
}

func TestNewErrors(t *testing.T) {
	if _, err := New(Config{}); err == nil || !strings.Contains(err.Error(), "--redis") {
		t.Errorf("no URL: %v", err)
	}
	if _, err := New(Config{URL: "http://user:secret@host"}); err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("bad URL: %v, want an error without the password", err)
	}
}

// BenchmarkRedisTake is one check per request against a real Redis on
// loopback: the round trip dominates.
func BenchmarkRedisTake(b *testing.B) {
	r := startRedis(b, "")
	// Generous timeouts: on a loaded machine a check must not fail, only
	// be slow, or the figure means nothing.
	s, err := New(Config{URL: "redis://" + r.addr + "?read_timeout=2s&write_timeout=2s&pool_timeout=2s", Name: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.Run("serial", func(b *testing.B) {
		cs := []ratelimit.Check{{Key: []byte("gatewaygen:rl:petstore:listPets:burst:ip=10.0.0.1"), Interval: 1, Tolerance: 1 << 50}}
		b.ReportAllocs()
		for b.Loop() {
			if err := s.Take(cs, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			cs := []ratelimit.Check{{Key: []byte("gatewaygen:rl:petstore:listPets:burst:ip=10.0.0.2"), Interval: 1, Tolerance: 1 << 50}}
			for pb.Next() {
				if err := s.Take(cs, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}

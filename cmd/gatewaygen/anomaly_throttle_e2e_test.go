package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestEndToEndAnomalyThrottle runs the generated anomalythrottle30 gateway
// behind a trusted proxy (127.0.0.1) that forwards for two clients: the
// one that sends more than key-rate is held to the throttle's rate (429
// problem+json with Retry-After and RateLimit headers) while the other,
// through the same proxy, and a direct peer claiming the first one's
// address are served; the throttle lifts when its ttl is over.
func TestEndToEndAnomalyThrottle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a gateway; skipped in -short mode")
	}
	keys := filepath.Join(t.TempDir(), "keys.txt")
	if err := os.WriteFile(keys, []byte("alice:alice-key-0001\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	backend := slowBackend(t, 0)
	bin := buildGateway(t, "../../testdata/golden/anomalythrottle30/spec.yaml", "anomalythrottle30")
	listen := freeAddr(t)
	p := startProc(t, bin, listen, "--upstream", "api=http://"+backend, "--auth", "key=file:"+keys)

	client := func(local string) *http.Client {
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 2 * time.Second}
		return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				return d.DialContext(ctx, network, addr)
			},
		}}
	}
	proxy, direct := client("127.0.0.1"), client("127.0.0.2")
	type answer struct {
		status int
		header http.Header
		body   string
	}
	get := func(c *http.Client, forFor string) answer {
		t.Helper()
		req, _ := http.NewRequest("GET", "http://"+listen+"/status", nil)
		if forFor != "" {
			req.Header.Set("X-Forwarded-For", forFor)
		}
		r, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return answer{r.StatusCode, r.Header, string(b)}
	}
	const attacker, user = "192.0.2.7", "192.0.2.8"
	if a := get(proxy, attacker); a.status != 200 {
		t.Fatalf("before any event: %d %s", a.status, a.body)
	}

	// Past the warm-up, the attacker sends well over key-rate (1/s over
	// 30 s) until the detector names it; its key is the forwarded address.
	time.Sleep(7 * time.Second)
	deadline := time.Now().Add(45 * time.Second)
	var throttled answer
	for throttled.status == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no throttle within 45s\n%s", p.out.String())
		}
		for i := 0; i < 10; i++ {
			a := get(proxy, attacker)
			if a.status == 429 {
				throttled = a
				break
			}
			if a.status != 200 {
				t.Fatalf("attacker before the throttle: %d %s", a.status, a.body)
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	since := time.Now()
	h := throttled.header
	if !strings.HasPrefix(h.Get("Content-Type"), "application/problem+json") || h.Get("Retry-After") == "" ||
		!strings.Contains(h.Get("RateLimit-Policy"), `"anomaly-throttle";q=1;w=60`) || !strings.Contains(h.Get("RateLimit"), `"anomaly-throttle";r=0`) {
		t.Fatalf("throttled answer: %v %s", h, throttled.body)
	}
	var events struct {
		Events []struct{ Signal, Key string } `json:"events"`
	}
	r, err := http.Get("http://" + p.admin + "/-/anomalies")
	if err != nil {
		t.Fatal(err)
	}
	err = json.NewDecoder(r.Body).Decode(&events)
	r.Body.Close()
	// The surge of the attacker's requests may be reported too (rate_surge,
	// about no key); the only key named is the attacker's.
	var named []string
	for _, e := range events.Events {
		if e.Key != "0" {
			named = append(named, e.Signal+" "+e.Key)
		}
	}
	if err != nil || len(named) != 1 || !strings.HasPrefix(named[0], "key_rate ") {
		t.Fatalf("/-/anomalies: %+v (%v), want one key_rate event naming a key", events, err)
	}
	for i := 0; i < 5; i++ {
		if a := get(proxy, user); a.status != 200 || a.header.Get("RateLimit-Policy") != "" {
			t.Fatalf("the other client behind the proxy: %d %v %s", a.status, a.header, a.body)
		}
		// A peer that is not a trusted proxy is its own address, whatever
		// it claims to forward for.
		if a := get(direct, attacker); a.status != 200 {
			t.Fatalf("a direct peer claiming the attacker's address: %d %s", a.status, a.body)
		}
	}

	// ttl is 5 s from the event, which came before the first 429.
	time.Sleep(5*time.Second - time.Since(since) + 500*time.Millisecond)
	for i := 0; i < 3; i++ {
		if a := get(proxy, attacker); a.status != 200 || a.header.Get("RateLimit-Policy") != "" {
			t.Fatalf("attacker after the ttl: %d %v %s", a.status, a.header, a.body)
		}
	}
}

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

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// TestEndToEndAnomaly sends credential stuffing (a burst of wrong API keys
// from one address) through the generated anomaly30 gateway: the event is
// listed at the admin listener's /-/anomalies and counted in /metrics, and
// with action: block that address is refused with 403 while a client from
// another address is still served.
func TestEndToEndAnomaly(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a gateway; skipped in -short mode")
	}
	keys := filepath.Join(t.TempDir(), "keys.txt")
	if err := os.WriteFile(keys, []byte("alice:alice-key-0001\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	backend := slowBackend(t, 0)
	bin := buildGateway(t, "../../testdata/golden/anomaly30/spec.yaml", "anomaly30")
	listen := freeAddr(t)
	p := startProc(t, bin, listen, "--upstream", "api=http://"+backend, "--auth", "key=file:"+keys)

	// Two clients on two loopback addresses: the detector keys on the
	// client address when no consumer is verified.
	client := func(local string) *http.Client {
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 2 * time.Second}
		return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				return d.DialContext(ctx, network, addr)
			},
		}}
	}
	attacker, user := client("127.0.0.2"), client("127.0.0.1")
	get := func(c *http.Client, key string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", "http://"+listen+"/items", nil)
		req.Header.Set("X-API-Key", key)
		r, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r.StatusCode, r.Header.Get("Content-Type") + " " + string(b)
	}
	if s, body := get(user, "alice-key-0001"); s != 200 {
		t.Fatalf("alice before the attack: %d %s", s, body)
	}

	type listing struct {
		Events []struct {
			Signal    string  `json:"signal"`
			Key       string  `json:"key"`
			Observed  float64 `json:"observed"`
			Threshold float64 `json:"threshold"`
		} `json:"events"`
	}
	events := func() listing {
		t.Helper()
		r, err := http.Get("http://" + p.admin + "/-/anomalies")
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		var l listing
		if err := json.NewDecoder(r.Body).Decode(&l); err != nil || r.StatusCode != 200 {
			t.Fatalf("/-/anomalies: %d %v", r.StatusCode, err)
		}
		return l
	}
	if l := events(); len(l.Events) != 0 {
		t.Fatalf("events before any attack: %+v", l.Events)
	}

	// The warm-up (one second, counted in closed five-second buckets) is
	// over within seven seconds of the first tick; failures counted before
	// it would cross the threshold unseen until the next 30-second window.
	// Keep guessing until the detector reports, in case the machine is slow.
	time.Sleep(7 * time.Second)
	deadline := time.Now().Add(45 * time.Second)
	var found bool
	for !found {
		if time.Now().After(deadline) {
			t.Fatalf("no key_auth_failures event within 45s; events %+v\n%s", events().Events, p.out.String())
		}
		for i := 0; i < 5; i++ {
			if s, body := get(attacker, "guess-"+itoa(i)); s != 401 && s != 403 {
				t.Fatalf("a wrong key: %d %s", s, body)
			}
		}
		time.Sleep(200 * time.Millisecond)
		for _, e := range events().Events {
			if e.Signal == "key_auth_failures" && e.Observed >= e.Threshold && e.Threshold == 10 {
				found = true
			}
		}
	}

	// Blocked: even the right key from the attacker's address is refused
	// before auth, as problem+json; alice on her own address is served.
	s, body := get(attacker, "alice-key-0001")
	if s != 403 || !strings.HasPrefix(body, "application/problem+json") || !strings.Contains(body, "blocked") {
		t.Fatalf("blocked address: %d %s", s, body)
	}
	if s, body := get(user, "alice-key-0001"); s != 200 {
		t.Fatalf("alice during the block: %d %s", s, body)
	}
	if !strings.Contains(p.out.String(), `"signal":"key_auth_failures"`) {
		t.Errorf("the event is not logged as JSON:\n%s", p.out.String())
	}

	r, err := http.Get("http://" + p.admin + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	parser := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := parser.TextToMetricFamilies(r.Body)
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	if f := fams["gateway_anomaly_events_total"]; f == nil || f.Metric[0].GetCounter().GetValue() < 1 {
		t.Errorf("gateway_anomaly_events_total: %v", f)
	}
	for _, name := range []string{"gateway_forecast_requests_per_second", "gateway_recommended_replicas"} {
		if fams[name] == nil {
			t.Errorf("no %s in /metrics", name)
		}
	}
}

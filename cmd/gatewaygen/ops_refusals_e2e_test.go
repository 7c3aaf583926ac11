package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// scrape reads the admin listener's /metrics as text.
func scrape(t *testing.T, admin string) string {
	t.Helper()
	r, err := http.Get("http://" + admin + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// testRefusalsBeforeRouting: the server's own 408, 431 and the 413 cut
// before routing carry an X-Request-Id, are counted in /metrics and have
// an access-log line, like every routed request.
func testRefusalsBeforeRouting(t *testing.T, bin string) {
	listen := freeAddr(t)
	p := startProc(t, bin, listen, "--mock", "--access-log", "stderr", "--access-log-sample", "0", "--header-timeout", "300ms")
	for _, c := range []struct {
		req, id string
		status  int
	}{
		{"POST /v1/pets HTTP/1.1\r\nHost: x\r\nX-Request-Id: big-body-1\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n", "big-body-1", 413},
		{"GET /v1/pets HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("y", 20000) + "\r\n\r\n", "", 431},
		{"GET /v1/pets HTTP/1.1\r\nHost: x\r\n", "", 408},
	} {
		resp := rawExchange(t, listen, c.req)
		id := string(resp.Header.Peek("X-Request-Id"))
		if resp.StatusCode() != c.status || id == "" || c.id != "" && id != c.id {
			t.Errorf("%d with X-Request-Id %q, want %d with %q", resp.StatusCode(), id, c.status, c.id)
		}
	}
	m := scrape(t, p.admin)
	for _, want := range []string{
		`gateway_server_refusals_total{status="413",reason="body_too_large"} 1`,
		`gateway_server_refusals_total{status="431",reason="headers_too_large"} 1`,
		`gateway_server_refusals_total{status="408",reason="header_timeout"} 1`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	got := map[string]map[string]any{}
	deadline := time.Now().Add(5 * time.Second)
	for len(got) < 3 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		for _, l := range bytes.Split([]byte(p.out.String()), []byte("\n")) {
			var line map[string]any
			if json.Unmarshal(l, &line) == nil {
				if r, ok := line["rejected"].(string); ok {
					got[r] = line
				}
			}
		}
	}
	if l := got["body_too_large"]; l == nil || l["request_id"] != "big-body-1" || l["path"] != "/v1/pets" || l["status"] != float64(413) {
		t.Errorf("413 line: %v", l)
	}
	for _, r := range []string{"headers_too_large", "header_timeout"} {
		if l := got[r]; l == nil || l["request_id"] == "" {
			t.Errorf("%s line: %v", r, l)
		}
	}
}

// testUpstreamHealthMetrics: /metrics shows each upstream target's health
// and the ejection and preflight counts, before any traffic too.
func testUpstreamHealthMetrics(t *testing.T, bin string) {
	be := slowBackend(t, 0)
	listen := freeAddr(t)
	p := startProc(t, bin, listen, "--upstream", "pets=http://"+be)
	if r := do(t, "GET", "http://"+listen+"/v1/pets/1", "", nil); r.status != 200 {
		t.Fatalf("GET /v1/pets/1: %d", r.status)
	}
	m := scrape(t, p.admin)
	for _, want := range []string{
		`gateway_upstream_target_up{upstream="pets",target="http://` + be + `"} 1`,
		`gateway_upstream_target_up{upstream="inventory",target="http://127.0.0.1:9002"} 1`,
		`gateway_upstream_ejections_total{upstream="pets"} 0`,
		`gateway_cors_preflights_total{result="allowed"} 0`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

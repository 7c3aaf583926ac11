package server

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatewaygen/gatewaygen/runtime/metrics"
)

// TestRefusalsRecorded: every request the server refuses before routing
// carries an X-Request-Id (the client's when valid), is counted under its
// reason, and gets an access-log line with that id, always, whatever the
// sampling of successes.
func TestRefusalsRecorded(t *testing.T) {
	var log syncBuffer
	limit := func(method, path []byte) int {
		if string(path) == "/small" {
			return 16
		}
		return 0
	}
	addr := serveTest(t, Config{
		MaxRequestBody: 1024, MaxHeaderBytes: 4096, Timeout: 5 * time.Second,
		HeaderTimeout: 300 * time.Millisecond, BodyLimit: limit,
		AccessLogOut: &log, AccessSample: 0,
	}, okHandler)

	tests := []struct {
		name   string
		req    string
		why    metrics.Refusal
		id     string // the id the answer must echo; "" for a generated one
		method string // what the log line says; "" when the header was not read
		path   string
	}{
		{"header timeout", "GET /slow HTTP/1.1\r\nHost: x\r\nX-Request-Id: lost\r\n", metrics.HeaderTimeout, "", "", ""},
		{"headers too large", "GET /a HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("y", 8000) + "\r\n\r\n", metrics.HeadersTooLarge, "", "", ""},
		{"body over its operation's limit", "POST /small?key=secret HTTP/1.1\r\nHost: x\r\nX-Request-Id: client-7\r\nContent-Length: 17\r\n\r\n",
			metrics.BodyTooLarge, "client-7", "POST", "/small"},
		{"chunked body cut", "POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\na\r\n0123456789\r\n",
			metrics.BodyTooLarge, "", "", ""},
		{"malformed", "GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", metrics.Malformed, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := metrics.RefusedCount(tt.why)
			resp := raw(t, addr, tt.req)
			id := string(resp.Header.Peek("X-Request-Id"))
			switch {
			case tt.id != "" && id != tt.id:
				t.Fatalf("X-Request-Id %q, want the client's %q", id, tt.id)
			case tt.id == "" && len(id) != 32:
				t.Fatalf("X-Request-Id %q, want a generated one", id)
			}
			if !strings.Contains(string(resp.Body()), `"request_id":"`+id+`"`) {
				t.Errorf("the problem does not name request id %s: %s", id, resp.Body())
			}
			if got := metrics.RefusedCount(tt.why); got != before+1 {
				t.Fatalf("gateway_server_refusals_total{reason=%q} went from %d to %d, want one more", tt.why, before, got)
			}
			var line map[string]any
			waitFor(t, func() bool {
				for _, l := range strings.Split(log.String(), "\n") {
					if strings.Contains(l, `"request_id":"`+id+`"`) {
						return json.Unmarshal([]byte(l), &line) == nil
					}
				}
				return false
			}, "access-log line with request id "+id)
			want := map[string]any{
				"status": float64(resp.StatusCode()), "rejected": tt.why.String(), "operation": "(none)",
				"method": tt.method, "path": tt.path,
			}
			for k, v := range want {
				if line[k] != v {
					t.Errorf("line[%q] = %v, want %v: %v", k, line[k], v, line)
				}
			}
			if _, ok := line["query"]; ok {
				t.Errorf("the query of a refused request was logged: %v", line)
			}
		})
	}
	if s := log.String(); strings.Contains(s, "secret") {
		t.Errorf("a query value reached the log:\n%s", s)
	}
}

// TestRefusalStatuses: each reason's series names the status it answers.
func TestRefusalStatuses(t *testing.T) {
	for why, status := range map[metrics.Refusal]int{
		metrics.HeaderTimeout: 408, metrics.HeadersTooLarge: 431, metrics.BodyTooLarge: 413, metrics.Malformed: 400,
	} {
		var buf bytes.Buffer
		metrics.WritePrometheus(&buf)
		want := `gateway_server_refusals_total{status="` + strconv.Itoa(status) + `",reason="` + why.String() + `"}`
		if !strings.Contains(buf.String(), want) {
			t.Errorf("no series %s", want)
		}
	}
}

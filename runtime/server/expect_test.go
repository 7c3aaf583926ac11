package server

import (
	"bufio"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestExpectContinue: a body announced over the limit with Expect:
// 100-continue is refused at once with the 413 problem, never invited
// with 100 Continue first (fasthttp sent 100, then 413 unread); one within
// the limit is invited and served.
func TestExpectContinue(t *testing.T) {
	addr := serveTest(t, Config{MaxRequestBody: 1024}, okHandler)

	c := dialTest(t, addr, 5*time.Second)
	io.WriteString(c, "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\nExpect: 100-continue\r\nX-Request-Id: up-7\r\n\r\n")
	resp, _ := io.ReadAll(c)
	if !strings.HasPrefix(string(resp), "HTTP/1.1 413 ") || !strings.Contains(string(resp), "application/problem+json") ||
		!strings.Contains(string(resp), "request body exceeds the limit of 1024 bytes") || !strings.Contains(string(resp), "Connection: close") ||
		!strings.Contains(string(resp), `"request_id":"up-7"`) {
		t.Fatalf("over the limit: answered %q, want a 413 problem and the connection closed", resp)
	}

	c = dialTest(t, addr, 5*time.Second)
	io.WriteString(c, "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n")
	br := bufio.NewReader(c)
	line, _ := br.ReadString('\n')
	if line != "HTTP/1.1 100 Continue\r\n" {
		t.Fatalf("within the limit: first answered %q, want 100 Continue", line)
	}
	br.ReadString('\n') // the interim response's blank line
	io.WriteString(c, "hi")
	r, err := http.ReadResponse(br, nil)
	if err != nil || r.StatusCode != 200 {
		t.Fatalf("within the limit: %v %v, want 200", r, err)
	}
}

package server

import (
	"bufio"
	"io"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// TestHeaderDeadlineFromFirstByte checks that a header trickled in parts is
// answered 408 once the header timeout has passed since its first byte, not
// sooner (a deadline armed before that byte, or the park wait's) nor later,
// when its first part came with that byte and the header's deadline was
// deferred while those bytes were pending (deadline.go).
func TestHeaderDeadlineFromFirstByte(t *testing.T) {
	const headerTimeout = 500 * time.Millisecond
	for _, tc := range []struct {
		name  string
		first bool          // the connection's first request, else the second
		wait  time.Duration // before the header's first part
	}{
		{"first request after a wait", true, 300 * time.Millisecond},
		{"keep-alive, a wait shorter than parkAfter", false, parkAfter / 2},
		{"keep-alive, parked and served again", false, 3 * parkAfter},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := serveTest(t, Config{HeaderTimeout: headerTimeout, Timeout: 10 * time.Second, IdleTimeout: 10 * time.Second}, okHandler)
			c := dialTest(t, addr, 10*time.Second)
			br := bufio.NewReader(c)
			var resp fasthttp.Response
			if !tc.first {
				io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
				if err := resp.Read(br); err != nil || resp.StatusCode() != 200 {
					t.Fatalf("first request: %v, status %d", err, resp.StatusCode())
				}
				resp.Reset()
			}
			time.Sleep(tc.wait)
			start := time.Now()
			io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n")
			go func() {
				for range 30 {
					time.Sleep(100 * time.Millisecond)
					if _, err := c.Write([]byte("X")); err != nil {
						return
					}
				}
			}()
			err := resp.Read(br)
			d := time.Since(start)
			if err != nil || resp.StatusCode() != 408 || d < headerTimeout-100*time.Millisecond || d > 3*headerTimeout {
				t.Fatalf("trickled header: %v, status %d after %v; want 408 after about %v", err, resp.StatusCode(), d, headerTimeout)
			}
		})
	}
}

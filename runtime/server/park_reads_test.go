package server

import (
	"bufio"
	"io"
	"net"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestParkWaitReads checks what the wait for a keep-alive connection's
// next request costs in read(2) calls when parking is on: one that finds
// nothing, then the wait, then one that reads the request; not a second
// read that finds nothing before the wait (the parker's deadline is armed
// by the first).
func TestParkWaitReads(t *testing.T) {
	var again, data atomic.Int64
	read := sysRead
	sysRead = func(fd uintptr, p []byte) (int, error) {
		n, err := read(fd, p)
		switch {
		case err == syscall.EAGAIN:
			again.Add(1)
		case n > 0:
			data.Add(1)
		}
		return n, err
	}
	t.Cleanup(func() { sysRead = read })

	addr, _, _ := parkServe(t, Config{IdleTimeout: parkAfter + 2*time.Second, HeaderTimeout: 5 * time.Second}, echoPath)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	const requests = 20
	for i := range requests {
		if i > 0 {
			// Long enough that the server waits for the request, far
			// shorter than parkAfter: the connection is not parked.
			time.Sleep(5 * time.Millisecond)
		}
		if _, err := io.WriteString(c, get("/a")); err != nil {
			t.Fatal(err)
		}
		readAnswers(t, c, r, 1)
	}
	// The first request may have come before the server read, any may be
	// read in two parts, and a wake-up may find nothing once in a while:
	// allow a little over one of each per request, far under two.
	if n := again.Load(); n > requests+requests/4 {
		t.Errorf("%d read(2) calls found nothing for %d requests, want at most one per request", n, requests)
	}
	if n := data.Load(); n < requests || n > requests+requests/4 {
		t.Errorf("%d read(2) calls read a request for %d requests, want about one per request", n, requests)
	}
}

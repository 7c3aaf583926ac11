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

// TestParkWaitCost checks what the wait for a keep-alive connection's next
// request costs when idle connections are parked: one read(2) that finds
// nothing, then the wait, then one that reads the request (not a second
// read that finds nothing, made after arming a deadline of our own); and
// one read deadline update per request, fasthttp's at the wait (made the
// parker's), not one more for the parker nor one for the header's deadline
// at the request's first byte, the request having come whole with it
// (deadline.go).
func TestParkWaitCost(t *testing.T) {
	var again, data, deadlines atomic.Int64
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

	cfg := Config{IdleTimeout: parkAfter + 2*time.Second, HeaderTimeout: 5 * time.Second}
	addr, _, _ := parkServeOn(t, cfg, echoPath, func(ln net.Listener) net.Listener { return countDeadlines{ln, &deadlines} })

	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	// The first request is sent at once: what is counted is the waits
	// between requests.
	if _, err := io.WriteString(c, get("/a")); err != nil {
		t.Fatal(err)
	}
	readAnswers(t, c, r, 1)
	again.Store(0)
	data.Store(0)
	deadlines.Store(0)
	const requests = 20
	for range requests {
		// Long enough that the server waits for the request, far shorter
		// than parkAfter: the connection is not parked.
		time.Sleep(5 * time.Millisecond)
		if _, err := io.WriteString(c, get("/a")); err != nil {
			t.Fatal(err)
		}
		readAnswers(t, c, r, 1)
	}
	// A request may be read in two parts, and a wake-up find nothing, once
	// in a while: allow a little over one of each per request, far under two.
	if n := again.Load(); n > requests+requests/4 {
		t.Errorf("%d read(2) calls found nothing for %d requests, want one per request", n, requests)
	}
	if n := data.Load(); n < requests || n > requests+requests/4 {
		t.Errorf("%d read(2) calls read a request for %d requests, want one per request", n, requests)
	}
	// The wait for the first counted request may have been armed before the
	// counts were reset, or after.
	if n := deadlines.Load(); n > requests+1 {
		t.Errorf("%d read deadline updates for %d requests, want one per request", n, requests)
	}
}

// countDeadlines counts the read deadline updates that reach the sockets of
// the connections it accepts.
type countDeadlines struct {
	net.Listener
	n *atomic.Int64
}

func (l countDeadlines) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if lc, ok := c.(*limitConn); ok {
		lc.Conn = countedConn{lc.Conn, l.n}
	}
	return c, err
}

type countedConn struct {
	net.Conn
	n *atomic.Int64
}

func (c countedConn) SetReadDeadline(t time.Time) error {
	c.n.Add(1)
	return c.Conn.SetReadDeadline(t)
}

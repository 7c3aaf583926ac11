package server

import (
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"time"
)

// What an idle keep-alive connection costs.
//
// fasthttp holds, per connection, a bufio.Reader of ReadBufferSize bytes,
// a bufio.Writer and a RequestCtx for the connection's whole life unless
// ReduceMemoryUsage is set; with it, all three go back to their pools once
// a response is written and come back when the next request's first byte
// arrives. ReadBufferSize is also the header limit (fasthttp answers
// ErrSmallBuffer, our 431, when a header does not fit, and never grows the
// buffer), so the 16 KiB limit costs 16 KiB per request in flight, not per
// connection. What an idle connection keeps is its serving goroutine (its
// stack, 8 KiB once a request has grown it: the idle wait uses more than the
// quarter of it a shrink needs) and the socket, until it is parked without
// the goroutine (park.go).
//
// ReduceMemoryUsage has fasthttp wait for the next request with a one-byte
// Read and read the rest with another, one read(2) more per request than a
// buffered reader needs. limitConn takes that back: a Read into a buffer
// smaller than readAheadSize reads whatever has arrived into a pooled
// buffer, at most readAheadSize bytes, and hands it out over the next
// Reads. The pooled buffer is held only from the readiness of the socket
// until those bytes are read, never while the connection waits.

// readAheadSize holds a whole request of the usual sizes, so that the
// one-byte wait and the header read cost a single read(2).
const readAheadSize = 4 << 10

var readAheadPool = sync.Pool{New: func() any { b := make([]byte, readAheadSize); return &b }}

// readAhead is the state of a limitConn's read-ahead; raw is nil when the
// connection is not a plain socket (TLS, a test's pipe), which reads
// through. fill is ra.fillFrom bound once, so that a read allocates no
// closure.
type readAhead struct {
	raw     syscall.RawConn
	fill    func(fd uintptr) bool
	buf     *[]byte // pooled, held while pending is not empty
	pending []byte
	n       int // the last fill's read(2) result
	err     error
	fd      int // the socket's, for the parker (park.go)

	deadline time.Time // a read deadline not armed yet, if deferred (deadline.go)
	deferred bool
}

// init prepares the read-ahead of c, a connection just accepted.
func (ra *readAhead) init(c net.Conn) {
	sc, ok := c.(*net.TCPConn)
	if !ok || !readAheadOK {
		return
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return
	}
	if raw.Control(func(fd uintptr) { ra.fd = int(fd) }) != nil {
		return
	}
	ra.raw, ra.fill = raw, ra.fillFrom
}

// fillFrom reads from fd into a pooled buffer, taken only when the read has
// something to return; false when nothing has arrived yet, so that the
// RawConn waits for readiness and calls it again.
func (ra *readAhead) fillFrom(fd uintptr) bool {
	buf := readAheadPool.Get().(*[]byte)
	for {
		ra.n, ra.err = sysRead(fd, *buf)
		if ra.err != syscall.EINTR {
			break
		}
	}
	if ra.err == syscall.EAGAIN {
		readAheadPool.Put(buf)
		return false
	}
	ra.buf = buf
	return true
}

// Read serves bytes read ahead before reading the socket again; reads are
// made from one goroutine at a time (fasthttp's serving one), as net.Conn
// allows.
func (c *limitConn) Read(p []byte) (int, error) {
	ra := &c.ra
	if len(ra.pending) > 0 {
		n := copy(p, ra.pending)
		ra.pending = ra.pending[n:]
		if len(ra.pending) == 0 {
			readAheadPool.Put(ra.buf)
			ra.buf, ra.pending = nil, nil
		}
		return n, nil
	}
	if ra.deferred {
		ra.deferred = false
		if err := c.Conn.SetReadDeadline(ra.deadline); err != nil {
			return 0, err
		}
	}
	if ra.raw == nil || len(p) == 0 || len(p) >= readAheadSize {
		return c.Conn.Read(p)
	}
	if c.parkable() {
		return c.readOrPark(p)
	}
	return c.readAhead(p)
}

// readAhead waits until the socket is readable, with the connection's read
// deadline, then reads into a pooled buffer.
func (c *limitConn) readAhead(p []byte) (int, error) {
	ra := &c.ra
	ra.buf = nil
	return c.readAheadDone(p, ra.raw.Read(ra.fill))
}

// readAheadDone returns what a fill read, err being the wait's result.
func (c *limitConn) readAheadDone(p []byte, err error) (int, error) {
	ra := &c.ra
	buf, n, rerr := ra.buf, ra.n, ra.err
	ra.buf, ra.err = nil, nil
	switch {
	case err != nil: // deadline or closed
		return 0, &net.OpError{Op: "read", Net: "tcp", Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: err}
	case rerr != nil:
		readAheadPool.Put(buf)
		return 0, &net.OpError{Op: "read", Net: "tcp", Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: os.NewSyscallError("read", rerr)}
	case n <= 0:
		readAheadPool.Put(buf)
		return 0, io.EOF
	}
	m := copy(p, (*buf)[:n])
	if m == n {
		readAheadPool.Put(buf)
		return m, nil
	}
	ra.buf, ra.pending = buf, (*buf)[m:n]
	return m, nil
}

package server

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// Idle keep-alive connections without a goroutine.
//
// fasthttp serves a connection on one goroutine for its whole life, and an
// idle one keeps that goroutine's stack (8 KiB once a request has grown
// it), far more than the socket. So a plain TCP connection that has waited
// parkAfter for its next request is parked instead: its Read answers EOF,
// which ends fasthttp's serving of it as a client's close would, the Close
// fasthttp then calls leaves the socket open, and the parker watches it in
// an epoll set of its own. When it turns readable (a request, or the
// client's close) the parker serves it again with Server.ServeConn, on a
// new goroutine; when it has been idle for the idle timeout, or the gateway
// drains, the parker closes it. The connection's slot in LimitConns is held
// until that real close.
//
// A connection is parked only at the read that waits for the next request
// (between fasthttp's StateIdle and StateActive), when fasthttp holds no
// byte of it (that read is fasthttp's one-byte wait, or a refill of an
// empty reader) and the read-ahead holds none either; so no request is cut
// and no pipelined byte is lost. TLS connections are not parked (their
// record layer buffers), nor is a connection before its first request
// (its header timeout stays fasthttp's). Connections waiting shorter than
// parkAfter, as every one of a loaded gateway does, never are: the wait
// costs one deadline update.
//
// Serving again starts fasthttp's per-connection state afresh: its request
// count (the gateway sets no MaxRequestsPerConn), ConnID and ConnTime.

// parkAfter is how long a connection waits for its next request on its
// goroutine before it is parked: long enough that a busy connection never
// is, short enough that few idle ones hold a stack at a time.
const parkAfter = 100 * time.Millisecond

// Park states of a limitConn.
const (
	connServed int32 = iota // a fasthttp goroutine owns it
	connParked              // the parker owns it: fasthttp's Close is ignored
	connClosed
)

// parkState is a limitConn's part in parking. boundary is read and written
// by the goroutine serving the connection only; the rest is under the
// parker's lock.
type parkState struct {
	state      atomic.Int32
	boundary   bool // at the wait for the next request: parking is safe
	seq        uint32
	deadline   int64 // UnixNano at which the parked connection is closed
	prev, next *limitConn
}

// parker holds the parked connections of one server.
type parker struct {
	srv  *fasthttp.Server
	idle time.Duration
	poll *poller

	closed atomic.Bool // set under mu
	mu     sync.Mutex
	byFD   map[int]*limitConn
	gc     parkCollector // parkgc.go
	head   *limitConn    // oldest parked: the idle timeout is one for all, so the list is in deadline order
	tail   *limitConn
	done   chan struct{}
}

// parkIdle has srv park the idle connections of ln, a LimitConns listener
// srv serves; nil, with connections served as before, when ln is not one,
// the platform has no epoll, or the idle timeout is not above parkAfter.
// close must be called before srv shuts down.
func parkIdle(srv *fasthttp.Server, ln net.Listener) *parker {
	l, ok := ln.(*limitListener)
	if !ok || srv.IdleTimeout <= parkAfter {
		return nil
	}
	pl, err := newPoller()
	if err != nil {
		return nil
	}
	p := &parker{srv: srv, idle: srv.IdleTimeout, poll: pl, byFD: make(map[int]*limitConn), done: make(chan struct{})}
	prev := srv.ConnState
	srv.ConnState = func(nc net.Conn, st fasthttp.ConnState) {
		p.connState(nc, st)
		if prev != nil {
			prev(nc, st)
		}
	}
	l.park = p
	go func() {
		pl.wait(p.ready)
		// Returned before close only when Go's poller cannot wait on the
		// set: stop parking rather than leave parked connections unserved.
		p.close()
	}()
	go p.expireEvery(min(max(p.idle/16, 10*time.Millisecond), time.Second))
	return p
}

// connState follows a connection from request to request; it runs on the
// goroutine serving it.
func (p *parker) connState(nc net.Conn, st fasthttp.ConnState) {
	c, ok := nc.(*limitConn)
	if !ok || c.ra.raw == nil {
		return
	}
	switch st {
	case fasthttp.StateIdle:
		c.pk.boundary = true
	case fasthttp.StateActive:
		c.pk.boundary = false
	case fasthttp.StateClosed:
		// fasthttp is done with the connection, its own bookkeeping of it
		// included, so it may be served again.
		if c.pk.state.Load() == connParked {
			p.add(c)
		}
	}
}

// parkable reports whether c is at the wait for its next request with
// idle connections parked: the read that waits is readOrPark's.
func (c *limitConn) parkable() bool {
	return c.ra.raw != nil && c.pk.boundary && c.l.park != nil && !c.l.park.closed.Load()
}

// readOrPark is the read at a request boundary, under the parkAfter
// deadline SetReadDeadline armed: what has arrived, or what arrives within
// parkAfter, else io.EOF with the connection parked.
func (c *limitConn) readOrPark(p []byte) (int, error) {
	c.ra.buf = nil
	err := c.ra.raw.Read(c.ra.fill)
	if errors.Is(err, os.ErrDeadlineExceeded) && !c.l.park.closed.Load() &&
		c.pk.state.CompareAndSwap(connServed, connParked) {
		return 0, io.EOF
	}
	return c.readAheadDone(p, err)
}

// add parks c, or closes it when the parker is closed or cannot watch it.
func (p *parker) add(c *limitConn) {
	p.mu.Lock()
	if p.closed.Load() {
		p.mu.Unlock()
		c.closeParked()
		return
	}
	c.pk.seq++
	if err := p.poll.add(c.ra.fd, c.pk.seq); err != nil {
		p.mu.Unlock()
		c.closeParked()
		return
	}
	c.pk.deadline = time.Now().Add(p.idle - parkAfter).UnixNano()
	p.byFD[c.ra.fd] = c
	c.pk.prev, c.pk.next = p.tail, nil
	if p.tail != nil {
		p.tail.pk.next = c
	} else {
		p.head = c
	}
	p.tail = c
	p.gc.parkedNow(len(p.byFD))
	p.mu.Unlock()
}

// remove takes c out of the parked set; under mu.
func (p *parker) remove(c *limitConn) {
	p.poll.del(c.ra.fd)
	delete(p.byFD, c.ra.fd)
	if c.pk.prev != nil {
		c.pk.prev.pk.next = c.pk.next
	} else {
		p.head = c.pk.next
	}
	if c.pk.next != nil {
		c.pk.next.pk.prev = c.pk.prev
	} else {
		p.tail = c.pk.prev
	}
	c.pk.prev, c.pk.next = nil, nil
	p.gc.parkedNow(len(p.byFD))
}

// ready serves again the connection parked as (fd, seq), which turned
// readable; an event of a connection since closed, whose descriptor may be
// another's now, has another seq or none.
func (p *parker) ready(fd int, seq uint32) {
	p.mu.Lock()
	c := p.byFD[fd]
	if c == nil || c.pk.seq != seq || p.closed.Load() {
		p.mu.Unlock()
		return
	}
	p.remove(c)
	p.mu.Unlock()
	c.pk.boundary = true
	c.pk.state.Store(connServed)
	go p.srv.ServeConn(c) //nolint:errcheck // fasthttp logs nothing for it either: the client's errors
}

func (p *parker) expireEvery(d time.Duration) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-p.done:
			return
		case <-t.C:
			p.expire(time.Now().UnixNano())
		}
	}
}

// expire closes the connections parked past the idle timeout.
func (p *parker) expire(now int64) {
	p.mu.Lock()
	var gone []*limitConn
	for c := p.head; c != nil && c.pk.deadline <= now; c = p.head {
		p.remove(c)
		gone = append(gone, c)
	}
	p.mu.Unlock()
	for _, c := range gone {
		c.closeParked()
	}
}

// close closes every parked connection and stops parking: a connection
// that goes idle from now on waits on its goroutine, where fasthttp's
// Shutdown finds it. Safe on a nil parker.
func (p *parker) close() {
	if p == nil {
		return
	}
	p.mu.Lock()
	if p.closed.Load() {
		p.mu.Unlock()
		return
	}
	p.closed.Store(true)
	var gone []*limitConn
	for c := p.head; c != nil; c = p.head {
		p.remove(c)
		gone = append(gone, c)
	}
	p.mu.Unlock()
	close(p.done)
	for _, c := range gone {
		c.closeParked()
	}
	p.poll.close() // outside mu: it waits for ready to return
}

// parked is the number of connections parked now.
func (p *parker) parked() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.byFD)
}

// closeParked closes c, whoever owns it, and frees its slot once.
func (c *limitConn) closeParked() {
	if c.pk.state.Swap(connClosed) != connClosed {
		c.l.release(c.ip)
	}
	_ = c.Conn.Close()
}

package proxy

import (
	"errors"
	"net"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// An upstream connection is kept for the next call once an answer has
// been read to the end of its framing. Whatever the upstream sends after
// that (a body on a 204, 304 or HEAD answer, more bytes than its
// Content-Length, a second answer, the other protocol after a 101) is not
// the answer to any request: read by the next call on the connection, it
// is taken for that call's answer, and one client gets what belongs to
// another (a response desync). fasthttp drops what its read buffer holds
// past an answer but reads on from the socket for the next call.
//
// guardConn wraps each connection of a plain-http target, as nginx's
// upstream keepalive does by closing an idle connection that turns
// readable: before the first write of a call on a connection already used,
// it looks (without reading or waiting) whether the upstream has sent
// anything, or closed. If so, nothing is written: the connection is
// dropped, and fasthttp calls again on a new one whatever the method,
// since the upstream received nothing (retryStale). A connection whose
// last answer was itself not an answer to keep (a 101, a status outside
// 100-599) is marked by markUnusable and refused the same way.
//
// The look costs one non-blocking recv(MSG_PEEK) per call on a kept
// connection (under a microsecond: a proxied GET over loopback went from
// 18.8 to 19.7 µs) and allocates nothing; a TLS connection, where the server may
// send records of its own between answers (TLS 1.3 session tickets), is
// not looked at.
type guardConn struct {
	net.Conn
	local  guardAddr
	used   bool        // a read has happened since the last write: the next write begins a call
	broken atomic.Bool // refuse the next call (markUnusable, which may run once the pool has the connection back)
	peek   peeker
}

// guardAddr is the connection's local address, as LocalAddr returns it to
// fasthttp, which gives it to the answer (Response.LocalAddr): the way
// from an answer back to the connection it came on.
type guardAddr struct {
	net.Addr
	c *guardConn
}

// errStale is a call refused before a byte was written, on a connection
// whose upstream had sent what no request asked for, or had closed it.
var errStale = errors.New("upstream connection holds data no request asked for, or was closed")

func (c *guardConn) LocalAddr() net.Addr { return &c.local }

func (c *guardConn) Read(p []byte) (int, error) {
	c.used = true
	return c.Conn.Read(p)
}

func (c *guardConn) Write(p []byte) (int, error) {
	if c.used {
		c.used = false
		if c.broken.Load() || c.peek.pending() {
			c.broken.Store(true)
			return 0, errStale
		}
	}
	return c.Conn.Write(p)
}

// dialGuarded is fasthttp's own dial (DialTimeout, what a HostClient
// without a Dial uses), its connection wrapped in a guardConn; check says
// whether calls look for unsolicited data first (plain http).
func dialGuarded(check bool) fasthttp.DialFuncWithTimeout {
	return func(addr string, timeout time.Duration) (net.Conn, error) {
		conn, err := fasthttp.DialTimeout(addr, timeout)
		if err != nil {
			return nil, err
		}
		g := &guardConn{Conn: conn}
		g.local = guardAddr{Addr: conn.LocalAddr(), c: g}
		if check {
			g.peek.init(conn)
		}
		return g, nil
	}
}

// markUnusable keeps the connection resp was read from out of any further
// call: its next write is refused and the call made on a new connection.
func markUnusable(resp *fasthttp.Response) {
	if a, ok := resp.LocalAddr().(*guardAddr); ok {
		a.c.broken.Store(true)
	}
}

// maxAttempts bounds the calls fasthttp makes for one request: any error
// but errStale allows one more call (two in all, as before retryStale),
// errStale up to maxAttempts.
const maxAttempts = 5

// retryStale is fasthttp's retry rule (one more call for an idempotent
// method, as its isIdempotent reads it) with one more case: a call refused
// with errStale sent nothing, so it is made again on another connection
// whatever its method, up to maxAttempts calls in all.
func retryStale(req *fasthttp.Request, attempts int, err error) (resetTimeout, retry bool) {
	if errors.Is(err, errStale) {
		return false, true
	}
	h := &req.Header
	return false, attempts < 2 && (h.IsGet() || h.IsHead() || h.IsPut() || h.IsQuery())
}

package server

import (
	"net"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/problem"
)

// LimitConns wraps ln so that at most cfg.MaxConns connections (0:
// DefaultMaxConns) are open at once, and at most cfg.MaxConnsPerIP (0: no
// limit) from one client address. A connection past either cap is answered
// at once, 503 or 429 with a problem+json body and Connection: close, then
// closed; Accept goes on to the next one, so a flood of them never reaches
// the server's workers. A slot is freed when the server closes the
// connection.
//
// The caps live here rather than in fasthttp's Concurrency and
// MaxConnsPerIP because fasthttp answers those in plain text, and every
// refusal of this gateway is a problem document. The answer is written
// before the request is read, as nothing of it is needed: a client that has
// already sent its request may see the connection reset rather than the
// answer, which is as much as a refused connection is owed.
func LimitConns(ln net.Listener, cfg Config) net.Listener {
	l := &limitListener{
		Listener: ln,
		max:      int64(orDefault(max(cfg.MaxConns, 0), DefaultMaxConns)),
		perIP:    max(cfg.MaxConnsPerIP, 0),
	}
	l.busy = refusal(fasthttp.StatusServiceUnavailable,
		"the gateway is serving its maximum of "+strconv.FormatInt(l.max, 10)+" connections")
	if l.perIP > 0 {
		l.byIP = make(map[netip.Addr]int)
		l.tooMany = refusal(fasthttp.StatusTooManyRequests,
			"too many connections from your address (at most "+strconv.Itoa(l.perIP)+")")
	}
	return l
}

type limitListener struct {
	net.Listener
	max   int64
	open  atomic.Int64
	perIP int

	mu   sync.Mutex
	byIP map[netip.Addr]int // open connections per client address, when perIP > 0

	busy, tooMany []byte // the whole responses, written once

	park *parker // park.go; nil: idle connections keep their goroutine
}

// refuseWrite bounds the write of a refusal, so that a peer that does not
// read cannot stall Accept; a fresh socket's buffer takes the few hundred
// bytes at once anyway.
const refuseWrite = 100 * time.Millisecond

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.open.Add(1) > l.max {
			l.open.Add(-1)
			refuse(c, l.busy)
			continue
		}
		lc := &limitConn{Conn: c, l: l}
		lc.ra.init(c)
		if l.perIP > 0 {
			lc.ip = peerAddr(c)
			if !l.admit(lc.ip) {
				l.open.Add(-1)
				refuse(c, l.tooMany)
				continue
			}
		}
		return withTLSState(lc), nil
	}
}

// admit counts a connection from ip, or reports false when ip has its share.
// A connection whose address cannot be read (not TCP) is not counted.
func (l *limitListener) admit(ip netip.Addr) bool {
	if !ip.IsValid() {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byIP[ip] >= l.perIP {
		return false
	}
	l.byIP[ip]++
	return true
}

func (l *limitListener) release(ip netip.Addr) {
	l.open.Add(-1)
	if l.perIP == 0 || !ip.IsValid() {
		return
	}
	l.mu.Lock()
	if n := l.byIP[ip] - 1; n > 0 {
		l.byIP[ip] = n
	} else {
		delete(l.byIP, ip) // the map holds only addresses with open connections
	}
	l.mu.Unlock()
}

// limitConn gives its slot back on the first Close; fasthttp may close a
// connection more than once (Shutdown, then the serving goroutine). While
// the connection is parked, Close leaves it to the parker (park.go).
type limitConn struct {
	net.Conn
	l  *limitListener
	ip netip.Addr
	ra readAhead // idle.go
	pk parkState // park.go
}

func (c *limitConn) Close() error {
	if c.pk.state.CompareAndSwap(connServed, connClosed) {
		c.l.release(c.ip)
	} else if c.pk.state.Load() == connParked {
		return nil
	}
	return c.Conn.Close()
}

func peerAddr(c net.Conn) netip.Addr {
	if a, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		return a.AddrPort().Addr().Unmap()
	}
	return netip.Addr{}
}

func refuse(c net.Conn, resp []byte) {
	_ = c.SetWriteDeadline(time.Now().Add(refuseWrite))
	_, _ = c.Write(resp)
	_ = c.Close()
}

// refusal renders the whole HTTP response refusing a connection: a
// problem+json document without "instance", as no request was read, and
// without Date, as it is written once for the listener's life.
func refusal(status int, detail string) []byte {
	title := problem.Title(status)
	var body []byte
	body = append(body, `{"type":"about:blank","title":`...)
	body = problem.AppendString(body, title)
	body = append(body, `,"status":`...)
	body = strconv.AppendInt(body, int64(status), 10)
	body = append(body, `,"detail":`...)
	body = problem.AppendString(body, detail)
	body = append(body, '}')

	var b []byte
	b = append(b, "HTTP/1.1 "...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, ' ')
	b = append(b, title...)
	b = append(b, "\r\nContent-Type: "+problem.ContentType+"\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(len(body)), 10)
	// A slot is likely free again a second later: connections come and go.
	b = append(b, "\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"...)
	return append(b, body...)
}

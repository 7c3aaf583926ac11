package server

import "time"

// Read deadlines that cost no timer update.
//
// fasthttp moves a connection's read deadline twice per request: to the
// idle timeout at the wait for the next request, and to the header timeout
// at the request's first byte. Each is a timer update in Go's poller. At
// the wait, when the connection may be parked, the deadline is the park
// wait's instead (park.go), the one update made. At the first byte the
// read-ahead has usually read the whole request with it (idle.go), so the
// header deadline is kept unarmed while bytes read ahead are pending and
// armed by Read only before the socket is read again: a request read in
// one read(2) costs no update for it, one read in parts the one it cost
// before. The deadline is the same instant either way, so a header or body
// trickled in parts still meets it.
//
// Only the goroutine serving the connection sets its deadlines while bytes
// are pending or at a request boundary (fasthttp's serving loop, and the
// handler it runs), as it alone reads.

// SetReadDeadline arms t on the socket, unless c may be parked at the wait
// for its next request (parkAfter is armed) or bytes read ahead are pending
// (t is armed before the socket is read again).
func (c *limitConn) SetReadDeadline(t time.Time) error {
	switch {
	case c.parkable():
		t = time.Now().Add(parkAfter)
	case len(c.ra.pending) > 0:
		c.ra.deadline, c.ra.deferred = t, true
		return nil
	}
	c.ra.deferred = false
	return c.Conn.SetReadDeadline(t)
}

// SetDeadline arms t for reads and writes; a read deadline deferred is
// superseded.
func (c *limitConn) SetDeadline(t time.Time) error {
	c.ra.deferred = false
	return c.Conn.SetDeadline(t)
}

//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package proxy

import (
	"net"
	"syscall"
)

// peeker looks at a TCP socket for unread data or an end without reading
// it. Its function is made once per connection, so a look allocates
// nothing.
type peeker struct {
	raw  syscall.RawConn
	fn   func(fd uintptr) bool
	n    int
	err  error
	byte [1]byte
}

func (p *peeker) init(conn net.Conn) {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return
	}
	p.raw = raw
	p.fn = func(fd uintptr) bool {
		p.n, _, p.err = syscall.Recvfrom(int(fd), p.byte[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		return true
	}
}

// pending reports whether the socket has a byte to read or has been
// closed by the other end (a read of 0); an empty, open socket answers
// EAGAIN.
func (p *peeker) pending() bool {
	if p.raw == nil {
		return false
	}
	if err := p.raw.Read(p.fn); err != nil {
		return false
	}
	return p.err == nil || p.err != syscall.EAGAIN && p.err != syscall.EWOULDBLOCK && p.err != syscall.EINTR
}

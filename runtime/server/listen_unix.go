//go:build unix

package server

import (
	"context"
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// listen binds addr with SO_REUSEPORT, so that a new gateway process can
// bind the same address while the old one still serves: the kernel then
// spreads new connections over both until the old one closes its socket,
// and a restart needs no gap in which connections are refused. Linux lets
// only sockets of the same user share a port this way.
func listen(addr string) (net.Listener, error) {
	lc := net.ListenConfig{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		if err := c.Control(func(fd uintptr) {
			serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEPORT, 1)
		}); err != nil {
			return err
		}
		return serr
	}}
	return lc.Listen(context.Background(), "tcp", addr)
}

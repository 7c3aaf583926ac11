//go:build !unix

package server

import "net"

// listen binds addr; without SO_REUSEPORT a restart has a gap in which
// the address is not bound.
func listen(addr string) (net.Listener, error) { return net.Listen("tcp", addr) }

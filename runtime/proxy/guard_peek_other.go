//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package proxy

import "net"

// peeker looks at nothing where a non-blocking peek is not at hand: the
// guard then only refuses connections markUnusable marked.
type peeker struct{}

func (p *peeker) init(net.Conn) {}

func (p *peeker) pending() bool { return false }

package ratelimit

import (
	"bytes"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"unsafe"

	"github.com/valyala/fasthttp"
)

// Forwarding headers a trusted proxy may report the client in.
const (
	HeaderXForwardedFor = "x-forwarded-for"
	HeaderForwarded     = "forwarded"
)

// Proxies are the peers whose word on the client's address is taken: a
// request from one of them is keyed by the right-most address of its
// forwarding header that is not itself a trusted proxy. The zero value
// (nil) trusts nobody, and the client is always the peer.
type Proxies struct {
	nets      []netip.Prefix
	forwarded bool // read Forwarded (RFC 7239) rather than X-Forwarded-For
}

// ParseProxies builds the trusted proxies from CIDRs ("10.0.0.0/8") or
// single addresses, and the header they write: x-forwarded-for (the
// default when "") or forwarded. Only one header is read, because a proxy
// that appends to one passes the other through as the client wrote it.
func ParseProxies(cidrs []string, header string) (*Proxies, error) {
	p := &Proxies{}
	switch strings.ToLower(header) {
	case "", HeaderXForwardedFor:
	case HeaderForwarded:
		p.forwarded = true
	default:
		return nil, fmt.Errorf("ratelimit: client address header %q: expected %s or %s", header, HeaderXForwardedFor, HeaderForwarded)
	}
	for _, c := range cidrs {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		pr, err := netip.ParsePrefix(c)
		if err != nil {
			a, aerr := netip.ParseAddr(c)
			if aerr != nil {
				return nil, fmt.Errorf("ratelimit: trusted proxy %q: expected a CIDR like 10.0.0.0/8 or an address", c)
			}
			pr = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		if pr.Addr().Is4In6() {
			pr = netip.PrefixFrom(pr.Addr().Unmap(), pr.Bits()-96)
		}
		p.nets = append(p.nets, pr.Masked())
	}
	return p, nil
}

// Trusts reports whether a is a trusted proxy.
func (p *Proxies) Trusts(a netip.Addr) bool {
	if p == nil {
		return false
	}
	a = a.Unmap()
	for _, n := range p.nets {
		if n.Contains(a) {
			return true
		}
	}
	return false
}

// Peer returns the address of the connection's other end.
func Peer(ctx *fasthttp.RequestCtx) netip.Addr {
	switch a := ctx.RemoteAddr().(type) {
	case *net.TCPAddr:
		ip, _ := netip.AddrFromSlice(a.IP)
		return ip.Unmap()
	}
	return netip.Addr{}
}

var (
	hXFF       = []byte("X-Forwarded-For")
	hForwarded = []byte("Forwarded")
)

// ClientIP returns the client's address: the peer's, unless the peer is a
// trusted proxy; then the forwarding header is walked from the right, over
// every trusted proxy, to the first address that is not one. An entry that
// is not an address (RFC 7239's "unknown" or an obfuscated name, or
// garbage) ends the walk at the last address reached, the proxy that wrote
// it; a list of nothing but trusted proxies gives its left-most.
func (p *Proxies) ClientIP(ctx *fasthttp.RequestCtx) netip.Addr {
	addr := Peer(ctx)
	if p == nil || len(p.nets) == 0 || !p.Trusts(addr) {
		return addr
	}
	name := hXFF
	if p.forwarded {
		name = hForwarded
	}
	lines := ctx.Request.Header.PeekAll(unsafe.String(unsafe.SliceData(name), len(name)))
	for i := len(lines) - 1; i >= 0; i-- {
		line := lines[i]
		for len(line) > 0 {
			var entry []byte
			if j := bytes.LastIndexByte(line, ','); j >= 0 {
				entry, line = line[j+1:], line[:j]
			} else {
				entry, line = line, nil
			}
			entry = bytes.TrimSpace(entry)
			if len(entry) == 0 {
				continue // "a,,b": an empty list element (RFC 9110 §5.6.1)
			}
			if p.forwarded {
				entry = forwardedFor(entry)
			}
			a, ok := parseNode(entry)
			if !ok {
				return addr
			}
			addr = a
			if !p.Trusts(a) {
				return a
			}
		}
	}
	return addr
}

// forwardedFor returns the value of the for parameter of one Forwarded
// element ("for=192.0.2.1;proto=https"), unquoted; nil when it has none.
func forwardedFor(el []byte) []byte {
	for len(el) > 0 {
		var pair []byte
		if j := bytes.IndexByte(el, ';'); j >= 0 {
			pair, el = el[:j], el[j+1:]
		} else {
			pair, el = el, nil
		}
		pair = bytes.TrimSpace(pair)
		if len(pair) > 4 && (pair[0]|0x20) == 'f' && (pair[1]|0x20) == 'o' && (pair[2]|0x20) == 'r' && pair[3] == '=' {
			v := pair[4:]
			if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
				v = v[1 : len(v)-1]
			}
			return v
		}
	}
	return nil
}

// parseNode reads an address as forwarding headers write it: "192.0.2.1",
// "2001:db8::1", with a port ("192.0.2.1:4711", "[2001:db8::1]:4711") or
// bracketed ("[2001:db8::1]").
func parseNode(b []byte) (netip.Addr, bool) {
	if len(b) == 0 || len(b) > 64 {
		return netip.Addr{}, false
	}
	s := unsafe.String(unsafe.SliceData(b), len(b))
	// Pick the one parser that fits, so that a valid entry costs no
	// failed parse (and its error value).
	switch {
	case s[0] == '[' && s[len(s)-1] == ']':
		s = s[1 : len(s)-1]
	case s[0] == '[' || strings.IndexByte(s, '.') >= 0 && strings.IndexByte(s, ':') >= 0:
		if ap, err := netip.ParseAddrPort(s); err == nil {
			return ap.Addr().Unmap(), true
		}
		// "::ffff:192.0.2.1" has both too, and no port.
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	return netip.Addr{}, false
}

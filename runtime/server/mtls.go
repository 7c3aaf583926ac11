package server

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"sync"
)

// ClientCAs collects, from the gateway's mutualTLS schemes, the
// authorities the public TLS listener verifies client certificates
// against. Main creates it; the generated New adds each scheme's
// source while the Config is a copy, which is why it is shared by pointer.
type ClientCAs struct {
	mu      sync.Mutex
	sources []func() []*x509.Certificate
}

// Add registers a scheme's authorities; f is called at each handshake, so
// a scheme that reloads its CA on SIGHUP is followed at once.
func (c *ClientCAs) Add(f func() []*x509.Certificate) {
	c.mu.Lock()
	c.sources = append(c.sources, f)
	c.mu.Unlock()
}

func (c *ClientCAs) any() bool {
	if c == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.sources) > 0
}

func (c *ClientCAs) pool() *x509.CertPool {
	p := x509.NewCertPool()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, f := range c.sources {
		for _, cert := range f() {
			p.AddCert(cert)
		}
	}
	return p
}

// checkClientCAs refuses to start a gateway with a mutualTLS scheme on a
// plain-HTTP listener: every request to its operations would be refused.
func checkClientCAs(cfg Config) error {
	if cfg.ClientCAs.any() && cfg.TLSCert == "" {
		return errors.New("server: a mutualTLS security scheme needs the TLS listener; give --tls-cert and --tls-key")
	}
	return nil
}

// withClientCAs has base ask each client for a certificate and verify one
// that is sent against the authorities of cas. A client may send none (an
// operation that does not need mutualTLS is still served); the auth stage
// refuses it on those that do. A certificate from another authority fails
// the handshake.
func withClientCAs(base *tls.Config, cas *ClientCAs) *tls.Config {
	if !cas.any() {
		return base
	}
	base.GetConfigForClient = func(*tls.ClientHelloInfo) (*tls.Config, error) {
		c := base.Clone()
		c.GetConfigForClient = nil
		c.ClientAuth = tls.VerifyClientCertIfGiven
		c.ClientCAs = cas.pool()
		return c, nil
	}
	return base
}

// limitTLSConn is a limitConn over a TLS connection that still shows its
// TLS state: fasthttp's RequestCtx.TLSConnectionState (which the
// mutualTLS check reads) and IsTLS look for these two methods on the
// connection they serve, and a wrapper that hid them would make every
// request look like plain HTTP without a client certificate.
type limitTLSConn struct {
	*limitConn
	tls *tls.Conn
}

func (c limitTLSConn) Handshake() error                     { return c.tls.Handshake() }
func (c limitTLSConn) ConnectionState() tls.ConnectionState { return c.tls.ConnectionState() }

func withTLSState(lc *limitConn) net.Conn {
	if tc, ok := lc.Conn.(*tls.Conn); ok {
		return limitTLSConn{limitConn: lc, tls: tc}
	}
	return lc
}

package auth

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/request"
)

// MutualTLSConfig configures an OpenAPI mutualTLS scheme.
type MutualTLSConfig struct {
	Scheme string // the scheme's name in the document, for messages
	// CA holds the PEM certificates of the authorities whose client
	// certificates the scheme accepts.
	CA      Source
	Forward bool // send the consumer upstream in X-Consumer
	// ConsumerHeader, when set, sends it in this header instead.
	ConsumerHeader string
}

// MutualTLS passes a request whose TLS connection presented a client
// certificate that the listener verified against one of the scheme's
// authorities. The TLS handshake does the verifying (the listener asks
// for a certificate and checks it against ClientCAs); Check only looks at
// the connection's verified chains, so a request pays no signature check.
// The consumer is the leaf certificate's subject common name: the full
// distinguished name holds commas and spaces, which a consumer (a header
// value, a rate-limit key, a log field) may not.
type MutualTLS struct {
	cfg MutualTLSConfig
	mat atomic.Pointer[caMaterial] // swapped whole by Reload
}

type caMaterial struct {
	certs []*x509.Certificate
	// roots are the authorities' DER bytes, to tell which scheme's
	// authority a chain ends in when several schemes share a listener.
	roots map[string]bool
}

// NewMutualTLS loads the authorities of cfg.
func NewMutualTLS(cfg MutualTLSConfig) (*MutualTLS, error) {
	m := &MutualTLS{cfg: cfg}
	if err := m.Reload(); err != nil {
		return nil, err
	}
	return m, nil
}

// Name is the scheme's name in the document.
func (m *MutualTLS) Name() string { return m.cfg.Scheme }

// Reload reads the authorities again; on an error the old ones stay.
// Connections already verified keep their verdict.
func (m *MutualTLS) Reload() error {
	if m.cfg.CA.Locked {
		m.mat.Store(&caMaterial{roots: map[string]bool{}}) // no chain ends in a trusted root
		return nil
	}
	raw, err := m.cfg.CA.read()
	if err != nil {
		return fmt.Errorf("auth: scheme %s: client-ca: %w", m.cfg.Scheme, err)
	}
	certs, err := ParseCAs(raw)
	if err != nil {
		return fmt.Errorf("auth: scheme %s: client-ca from %s: %w", m.cfg.Scheme, m.cfg.CA, err)
	}
	mat := &caMaterial{certs: certs, roots: make(map[string]bool, len(certs))}
	for _, c := range certs {
		mat.roots[string(c.Raw)] = true
	}
	m.mat.Store(mat)
	return nil
}

// ParseCAs reads PEM CERTIFICATE blocks, each one a CA certificate. Other
// blocks, or a certificate that is not a CA, are errors: a file of the
// wrong kind must not silently trust nothing or the wrong thing.
func ParseCAs(raw []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for n := 1; ; n++ {
		var b *pem.Block
		b, raw = pem.Decode(raw)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("PEM block %d: want CERTIFICATE, found %s", n, b.Type)
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("PEM block %d: %w", n, err)
		}
		if !c.IsCA {
			return nil, fmt.Errorf("PEM block %d: certificate %q is not a CA (basicConstraints CA:TRUE)", n, c.Subject.CommonName)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errors.New("no PEM CERTIFICATE block")
	}
	return out, nil
}

// ClientCAs returns the authorities in force, for the TLS listener to
// verify client certificates against (server.Config.ClientCAs).
func (m *MutualTLS) ClientCAs() []*x509.Certificate { return m.mat.Load().certs }

// Check notes whether the request's connection carries a client
// certificate verified against one of the scheme's authorities, and its
// consumer. A plain-HTTP connection, or a TLS one without a certificate,
// has no credential of this scheme.
func (m *MutualTLS) Check(v *Verdict) bool {
	// The state is read from the connection itself rather than through
	// RequestCtx.TLSConnectionState, whose pointer to a copy escapes to
	// the heap on every request.
	tc, ok := v.ctx.Conn().(tlsState)
	if !ok {
		v.note(m, absent, nil)
		return false
	}
	chains := tc.ConnectionState().VerifiedChains
	if len(chains) == 0 {
		v.note(m, absent, nil)
		return false
	}
	mat := m.mat.Load()
	for _, chain := range chains {
		if len(chain) == 0 || !mat.roots[string(chain[len(chain)-1].Raw)] {
			continue
		}
		cn := chain[0].Subject.CommonName
		if !validConsumer(cn) {
			break
		}
		v.note(m, passed, nil)
		v.accept(cn)
		return true
	}
	v.note(m, invalid, nil)
	return false
}

// tlsState is a TLS connection: *tls.Conn, or the server's wrapper of one
// that shows its state.
type tlsState interface {
	ConnectionState() tls.ConnectionState
}

// challenge is empty: TLS has no HTTP authentication scheme, so no
// WWW-Authenticate challenge can ask for a client certificate (RFC 8705
// and RFC 9110 define none); the 401's problem body says what is missing.
func (m *MutualTLS) challenge(dst []byte, _ finding, _ []string) []byte { return dst }

// strip has nothing to remove: the credential is the connection's.
func (m *MutualTLS) strip(*fasthttp.RequestCtx, *request.State) {}

func (m *MutualTLS) consumerHeader() string {
	return consumerHeader(m.cfg.ConsumerHeader, m.cfg.Forward)
}

func (m *MutualTLS) forwardClaims(*fasthttp.RequestCtx, *request.State, []string) {}

// Strip is a no-op, present so that the generated code treats every
// scheme alike.
func (m *MutualTLS) Strip(*fasthttp.RequestCtx, *request.State) {}

var (
	_ scheme   = (*MutualTLS)(nil)
	_ Reloader = (*MutualTLS)(nil)
)

package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/request"
)

// certOf makes a certificate for cn signed by parent (self-signed when
// parent is nil), a CA when ca is set.
func certOf(t testing.TB, cn string, ca bool, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: ca, BasicConstraintsValid: true}
	if parent == nil {
		parent, parentKey = tpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c, key
}

func pemOf(certs ...*x509.Certificate) []byte {
	var out []byte
	for _, c := range certs {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return out
}

// tlsConnStub is a connection whose TLS state fasthttp reports to the
// handler: the chains the listener verified.
type tlsConnStub struct {
	net.Conn
	state tls.ConnectionState
}

func (c tlsConnStub) Handshake() error                     { return nil }
func (c tlsConnStub) ConnectionState() tls.ConnectionState { return c.state }
func (c tlsConnStub) RemoteAddr() net.Addr                 { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }
func (c tlsConnStub) LocalAddr() net.Addr                  { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }

func TestMutualTLS(t *testing.T) {
	ca, caKey := certOf(t, "clients", true, nil, nil)
	other, otherKey := certOf(t, "other", true, nil, nil)
	alice, _ := certOf(t, "alice", false, ca, caKey)
	spaced, _ := certOf(t, "Alice Smith", false, ca, caKey)
	foreign, _ := certOf(t, "alice", false, other, otherKey)
	p := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(p, pemOf(ca), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := NewMutualTLS(MutualTLSConfig{Scheme: "cert", CA: Source{File: p}, ConsumerHeader: "X-Client"})
	if err != nil {
		t.Fatal(err)
	}
	if got := m.ClientCAs(); len(got) != 1 || !got[0].Equal(ca) {
		t.Fatalf("ClientCAs %v, want the file's CA", got)
	}
	for _, c := range []struct {
		name     string
		tls      bool
		chains   [][]*x509.Certificate
		ok       bool
		consumer string
	}{
		{"plain HTTP", false, nil, false, ""},
		{"TLS without a certificate", true, nil, false, ""},
		{"verified by the scheme's CA", true, [][]*x509.Certificate{{alice, ca}}, true, "alice"},
		{"verified by another CA the listener trusts", true, [][]*x509.Certificate{{foreign, other}}, false, ""},
		{"second chain ends in the scheme's CA", true, [][]*x509.Certificate{{foreign, other}, {alice, ca}}, true, "alice"},
		{"CN not a consumer name", true, [][]*x509.Certificate{{spaced, ca}}, false, ""},
		{"empty chain", true, [][]*x509.Certificate{{}}, false, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := reqWith("X-Client", "forged", "X-Consumer", "forged")
			if c.tls {
				var ctx2 fasthttp.RequestCtx
				ctx2.Init2(tlsConnStub{state: tls.ConnectionState{VerifiedChains: c.chains}}, nil, false)
				ctx2.Request.SetRequestURI("/pets")
				ctx2.Request.Header.Set("X-Consumer", "forged")
				ctx = &ctx2
			}
			st := request.Acquire()
			defer request.Release(st)
			var v Verdict
			ok := v.Begin(ctx) && v.Alt() && m.Check(&v)
			if ok {
				v.Pass(st)
			} else {
				v.Refuse()
			}
			if ok != c.ok || st.Consumer != c.consumer {
				t.Fatalf("ok %v consumer %q, want %v %q", ok, st.Consumer, c.ok, c.consumer)
			}
			if ok {
				if got := string(ctx.Request.Header.Peek("X-Client")); got != c.consumer {
					t.Fatalf("X-Client %q, want %q", got, c.consumer)
				}
				return
			}
			if ctx.Response.StatusCode() != 401 || !strings.HasPrefix(string(ctx.Response.Header.ContentType()), "application/problem+json") {
				t.Fatalf("status %d %s, want a 401 problem", ctx.Response.StatusCode(), ctx.Response.Header.ContentType())
			}
			if h := ctx.Response.Header.Peek("WWW-Authenticate"); h != nil {
				t.Fatalf("WWW-Authenticate %q: TLS has no HTTP challenge", h)
			}
		})
	}
}

// TestMutualTLSOr: a refusal challenges for the schemes that have one and
// says nothing for mutualTLS.
func TestMutualTLSOr(t *testing.T) {
	f := newFixture(t)
	ca, _ := certOf(t, "clients", true, nil, nil)
	p := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(p, pemOf(ca), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := NewMutualTLS(MutualTLSConfig{Scheme: "cert", CA: Source{File: p}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := reqWith()
	var v Verdict
	if v.Begin(ctx) && ((v.Alt() && m.Check(&v)) || (v.Alt() && f.apiKey.Check(&v))) {
		t.Fatal("passed without a credential")
	}
	v.Refuse()
	var got []string
	for _, h := range ctx.Response.Header.PeekAll("WWW-Authenticate") {
		got = append(got, string(h))
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], "ApiKey ") {
		t.Fatalf("challenges %q, want the API key's alone", got)
	}
}

func TestParseCAs(t *testing.T) {
	ca, caKey := certOf(t, "clients", true, nil, nil)
	ca2, _ := certOf(t, "clients 2", true, nil, nil)
	leaf, _ := certOf(t, "alice", false, ca, caKey)
	for _, c := range []struct {
		name string
		in   []byte
		n    int
		err  string
	}{
		{"one", pemOf(ca), 1, ""},
		{"two", pemOf(ca, ca2), 2, ""},
		{"empty", nil, 0, "no PEM CERTIFICATE block"},
		{"not PEM", []byte("hello"), 0, "no PEM CERTIFICATE block"},
		{"a key", pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: []byte{1}}), 0, "PEM block 1: want CERTIFICATE, found EC PRIVATE KEY"},
		{"a leaf", pemOf(ca, leaf), 0, `PEM block 2: certificate "alice" is not a CA`},
		{"garbage DER", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1, 2}}), 0, "PEM block 1: x509:"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseCAs(c.in)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want %q", err, c.err)
				}
				return
			}
			if err != nil || len(got) != c.n {
				t.Fatalf("%d certificates, %v; want %d", len(got), err, c.n)
			}
		})
	}
}

// TestMutualTLSReload: a broken file keeps the CA loaded before; a new
// one replaces it.
func TestMutualTLSReload(t *testing.T) {
	ca, _ := certOf(t, "one", true, nil, nil)
	ca2, _ := certOf(t, "two", true, nil, nil)
	p := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(p, pemOf(ca), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := NewMutualTLS(MutualTLSConfig{Scheme: "cert", CA: Source{File: p}})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("broken"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := m.Reload(); err == nil || !strings.Contains(err.Error(), "scheme cert: client-ca from file") {
		t.Fatalf("reload of a broken file: %v", err)
	}
	if !m.ClientCAs()[0].Equal(ca) {
		t.Fatal("a failed reload dropped the CA in force")
	}
	if err := os.WriteFile(p, pemOf(ca2), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := m.Reload(); err != nil || !m.ClientCAs()[0].Equal(ca2) {
		t.Fatalf("reload: %v", err)
	}
}

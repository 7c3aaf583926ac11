package server

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"strings"
	"testing"
)

// TestLimitConnKeepsTLSState: fasthttp finds a request's TLS state (and
// the client certificate mutualTLS checks) only on a connection with
// ConnectionState; the connection limit's wrapper must not hide it, nor
// make a plain connection look like TLS.
func TestLimitConnKeepsTLSState(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	type tlsConn interface{ ConnectionState() tls.ConnectionState }
	for _, c := range []struct {
		name string
		conn net.Conn
		tls  bool
	}{
		{"plain", a, false},
		{"TLS", tls.Server(b, &tls.Config{}), true},
	} {
		_, ok := withTLSState(&limitConn{Conn: c.conn}).(tlsConn)
		if ok != c.tls {
			t.Errorf("%s: shows TLS state %v, want %v", c.name, ok, c.tls)
		}
	}
}

func TestClientCAs(t *testing.T) {
	var cas ClientCAs
	if err := checkClientCAs(Config{ClientCAs: &cas}); err != nil {
		t.Fatalf("no mutualTLS scheme, plain HTTP: %v", err)
	}
	if base := (&tls.Config{}); withClientCAs(base, &cas).GetConfigForClient != nil {
		t.Fatal("client certificates asked for without a mutualTLS scheme")
	}
	cas.Add(func() []*x509.Certificate { return nil })
	if err := checkClientCAs(Config{ClientCAs: &cas}); err == nil || !strings.Contains(err.Error(), "--tls-cert") {
		t.Fatalf("mutualTLS on plain HTTP: %v, want an error naming --tls-cert", err)
	}
	if err := checkClientCAs(Config{ClientCAs: &cas, TLSCert: "c.pem", TLSKey: "k.pem"}); err != nil {
		t.Fatal(err)
	}
	c, err := withClientCAs(&tls.Config{}, &cas).GetConfigForClient(nil)
	if err != nil || c.ClientAuth != tls.VerifyClientCertIfGiven || c.ClientCAs == nil {
		t.Fatalf("per-handshake config %+v, %v: want VerifyClientCertIfGiven with the pool", c, err)
	}
}

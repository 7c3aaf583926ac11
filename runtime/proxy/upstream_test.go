package proxy

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

func TestClientHost(t *testing.T) {
	var seen string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = r.Host }))
	defer srv.Close()
	for _, tt := range []struct {
		client bool
		want   string
	}{{false, strings.TrimPrefix(srv.URL, "http://")}, {true, "api.example.com"}} {
		u := upstreamOf(t, UpstreamConfig{ClientHost: tt.client}, srv.URL)
		gw := startGateway(t, u, "", 0)
		do(t, gw, "GET /r HTTP/1.1\r\nHost: api.example.com\r\n\r\n")
		if seen != tt.want {
			t.Errorf("client host %v: upstream saw Host %q, want %q", tt.client, seen, tt.want)
		}
	}
}

func TestMaxResponseBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(strings.Repeat("x", 1<<20)))
	}))
	defer srv.Close()
	u := upstreamOf(t, UpstreamConfig{MaxResponseBody: 4096}, srv.URL)
	gw := startGateway(t, u, "", 0)
	decodeProblem(t, do(t, gw, "GET /orig HTTP/1.1\r\nHost: gw\r\n\r\n"), fasthttp.StatusBadGateway, "upstream pets: response too large")
}

// An https upstream is verified against the configured CA and name, and
// can be asked for a client certificate.
func TestUpstreamTLS(t *testing.T) {
	dir := t.TempDir()
	ca, caKey := newCA(t)
	clientCert, clientKey := issue(t, ca, caKey, "gateway")
	write := func(name string, blocks ...*pem.Block) string {
		p := filepath.Join(dir, name)
		var out []byte
		for _, b := range blocks {
			out = append(out, pem.EncodeToMemory(b)...)
		}
		if err := os.WriteFile(p, out, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	keyDER, _ := x509.MarshalECPrivateKey(clientKey)
	certFile := write("client.pem", &pem.Block{Type: "CERTIFICATE", Bytes: clientCert.Raw})
	keyFile := write("client.key", &pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})

	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("hello " + r.TLS.PeerCertificates[0].Subject.CommonName))
	}))
	clients := x509.NewCertPool()
	clients.AddCert(ca)
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: clients}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are the point
	srv.StartTLS()
	defer srv.Close()
	serverCA := write("server-ca.pem", &pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})

	for _, tt := range []struct {
		name   string
		tls    TLS
		status int
	}{
		{"system CAs do not know the server", TLS{CertFile: certFile, KeyFile: keyFile}, 502},
		{"no client certificate", TLS{CAFile: serverCA, ServerName: "example.com"}, 502},
		{"wrong server name", TLS{CAFile: serverCA, ServerName: "other.example", CertFile: certFile, KeyFile: keyFile}, 502},
		{"verified both ways", TLS{CAFile: serverCA, ServerName: "example.com", CertFile: certFile, KeyFile: keyFile}, 200},
	} {
		t.Run(tt.name, func(t *testing.T) {
			u := upstreamOf(t, UpstreamConfig{TLS: tt.tls}, srv.URL)
			gw := startGateway(t, u, "", 0)
			r := do(t, gw, "GET /r HTTP/1.1\r\nHost: gw\r\n\r\n")
			if r.StatusCode() != tt.status {
				t.Fatalf("status %d %s, want %d", r.StatusCode(), r.Body(), tt.status)
			}
			if tt.status == 200 && string(r.Body()) != "hello gateway" {
				t.Fatalf("body %q", r.Body())
			}
		})
	}
	for _, bad := range []TLS{{CAFile: filepath.Join(dir, "none.pem")}, {CAFile: keyFile}, {CertFile: certFile}} {
		if _, err := NewUpstream(UpstreamConfig{Name: "p", TLS: bad}); err == nil {
			t.Errorf("TLS %+v accepted", bad)
		}
	}
}

func newCA(t *testing.T) (*x509.Certificate, *ecdsa.PrivateKey) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return cert, key
}

func issue(t *testing.T, ca *x509.Certificate, caKey *ecdsa.PrivateKey, cn string) (*x509.Certificate, *ecdsa.PrivateKey) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return cert, key
}

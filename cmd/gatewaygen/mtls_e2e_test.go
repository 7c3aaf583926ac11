package main

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
)

const mtlsSpec = `openapi: 3.1.0
info: {title: mTLS, version: "1"}
x-gateway:
  name: mtls
  security:
    key: {keys: {file: KEYS}}
paths:
  /cert: {get: {security: [{cert: []}], responses: {"200": {description: ok}}}}
  /either: {get: {security: [{cert: []}, {key: []}], responses: {"200": {description: ok}}}}
  /both: {get: {security: [{cert: [], key: []}], responses: {"200": {description: ok}}}}
  /public: {get: {security: [], responses: {"200": {description: ok}}}}
components:
  securitySchemes:
    cert:
      type: mutualTLS
      x-gateway: {client-ca: {file: CA}, forward: {consumer: X-Client}}
    key: {type: apiKey, in: header, name: X-Key}
`

// testCA is a certificate authority made for one test.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newTestCA(t *testing.T, name string) *testCA {
	t.Helper()
	key := must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))
	tpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der := must(x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key))
	return &testCA{cert: must(x509.ParseCertificate(der)), key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue signs a leaf certificate for cn: a server one for 127.0.0.1, or a
// client one.
func (ca *testCA) issue(t *testing.T, cn string, server bool) tls.Certificate {
	t.Helper()
	key := must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))
	tpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn, Organization: []string{"Example, Inc."}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	if server {
		tpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tpl.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
	}
	der := must(x509.CreateCertificate(rand.Reader, tpl, ca.cert, &key.PublicKey, ca.key))
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func writePEMPair(t *testing.T, dir, name string, c tls.Certificate) (certFile, keyFile string) {
	t.Helper()
	certFile, keyFile = filepath.Join(dir, name+".pem"), filepath.Join(dir, name+".key")
	kder := must(x509.MarshalECPrivateKey(c.PrivateKey.(*ecdsa.PrivateKey)))
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Certificate[0]}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// TestEndToEndMutualTLS runs a generated gateway on TLS whose operations
// need a client certificate of one CA, alone, or OR and AND an API key.
// A verified certificate passes with its subject's CN as the consumer; no
// certificate is 401 without a challenge; a certificate of another CA
// fails the handshake; and nothing refused reaches the backend.
func TestEndToEndMutualTLS(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a gateway")
	}
	dir := t.TempDir()
	clients, servers, other := newTestCA(t, "clients CA"), newTestCA(t, "servers CA"), newTestCA(t, "another CA")
	caFile, keysFile := filepath.Join(dir, "clients-ca.pem"), filepath.Join(dir, "keys.txt")
	if err := os.WriteFile(caFile, clients.pem, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keysFile, []byte("carol:carol-key-0003\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := writePEMPair(t, dir, "server", servers.issue(t, "gateway", true))
	spec := filepath.Join(dir, "mtls.yaml")
	if err := os.WriteFile(spec, []byte(strings.NewReplacer("KEYS", keysFile, "CA", caFile).Replace(mtlsSpec)), 0o600); err != nil {
		t.Fatal(err)
	}
	rec := startRecorder(t)
	bin := buildGateway(t, spec, "mtls")
	url, _ := startGatewayOutput(t, bin, "--upstream", "default=http://"+rec.addr, "--tls-cert", certFile, "--tls-key", keyFile)
	addr := strings.TrimPrefix(url, "http://")

	roots := x509.NewCertPool()
	roots.AddCert(servers.cert)
	alice := clients.issue(t, "alice", false)
	mallory := other.issue(t, "alice", false)
	// The certificate is sent whatever CAs the gateway names as
	// acceptable (Go's client would otherwise keep a foreign one back).
	client := func(certs ...tls.Certificate) *fasthttp.Client {
		send := func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			if len(certs) == 0 {
				return &tls.Certificate{}, nil
			}
			return &certs[0], nil
		}
		return &fasthttp.Client{TLSConfig: &tls.Config{RootCAs: roots, GetClientCertificate: send, MinVersion: tls.VersionTLS12}, ReadTimeout: 5 * time.Second}
	}
	do := func(c *fasthttp.Client, path string, headers ...string) (*fasthttp.Response, error) {
		req, resp := fasthttp.AcquireRequest(), &fasthttp.Response{}
		defer fasthttp.ReleaseRequest(req)
		req.SetRequestURI("https://" + addr + path)
		req.Header.Set("X-Client", "forged")
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		return resp, c.DoTimeout(req, resp, 5*time.Second)
	}

	for _, c := range []struct {
		name     string
		client   *fasthttp.Client
		path     string
		headers  []string
		status   int    // 0: the handshake must fail
		consumer string // X-Client upstream, when it passes
	}{
		{"no certificate", client(), "/cert", nil, 401, ""},
		{"valid certificate", client(alice), "/cert", nil, 200, "alice"},
		{"either: certificate", client(alice), "/either", nil, 200, "alice"},
		{"either: key", client(), "/either", []string{"X-Key", "carol-key-0003"}, 200, ""},
		{"either: nothing", client(), "/either", nil, 401, ""},
		{"both: certificate and key", client(alice), "/both", []string{"X-Key", "carol-key-0003"}, 200, "alice"},
		{"both: certificate alone", client(alice), "/both", nil, 401, ""},
		{"both: key alone", client(), "/both", []string{"X-Key", "carol-key-0003"}, 401, ""},
		{"public without a certificate", client(), "/public", nil, 200, ""},
		{"certificate of another CA", client(mallory), "/cert", nil, 0, ""},
		{"certificate of another CA, public", client(mallory), "/public", nil, 0, ""},
	} {
		resp, err := do(c.client, c.path, c.headers...)
		switch {
		case c.status == 0:
			if err == nil {
				t.Errorf("%s: status %d, want the handshake refused", c.name, resp.StatusCode())
			}
			rec.reached(t, c.name)
			continue
		case err != nil:
			t.Errorf("%s: %v", c.name, err)
			continue
		case resp.StatusCode() != c.status:
			t.Errorf("%s: status %d, want %d: %s", c.name, resp.StatusCode(), c.status, resp.Body())
		}
		if c.status != 200 {
			if ct := string(resp.Header.ContentType()); ct != "application/problem+json" {
				t.Errorf("%s: Content-Type %q, want application/problem+json", c.name, ct)
			}
			if c.path == "/cert" && len(resp.Header.Peek("WWW-Authenticate")) > 0 {
				t.Errorf("%s: WWW-Authenticate %q; TLS has no challenge", c.name, resp.Header.Peek("WWW-Authenticate"))
			}
			rec.reached(t, c.name)
			continue
		}
		h := rec.got(t, c.name)
		var got string
		if v := h["x-client"]; len(v) > 0 {
			got = strings.Join(v, ",")
		}
		if got != c.consumer {
			t.Errorf("%s: X-Client upstream %q, want %q", c.name, got, c.consumer)
		}
	}
}

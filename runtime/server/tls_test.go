package server

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
	"syscall"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// writeCert writes a self-signed certificate for 127.0.0.1 with serial
// into dir and returns the file names.
func writeCert(t *testing.T, dir string, serial int64) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: "gateway test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// TestTLSListener serves HTTPS from files, refuses TLS 1.1, offers only
// http/1.1, reloads the certificate on SIGHUP and keeps the old one when
// the new files are broken, saying why.
func TestTLSListener(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := writeCert(t, dir, 1)
	addr := freeLoopback(t)
	var out syncBuffer
	stop := make(chan os.Signal, 1)
	code := make(chan int, 1)
	build := func(Config) (fasthttp.RequestHandler, error) {
		return func(ctx *fasthttp.RequestCtx) {
			if ctx.IsTLS() {
				ctx.SetBodyString("tls")
			}
		}, nil
	}
	go func() {
		code <- run(Config{Name: "petstore", Listen: addr}, build, []string{"--tls-cert", certFile, "--tls-key", keyFile}, env(nil), &out, stop)
	}()
	serial := func(conf *tls.Config) (int64, error) {
		conf.InsecureSkipVerify = true //nolint:gosec // the test reads the certificate it is shown
		c, err := tls.DialWithDialer(&net.Dialer{Timeout: time.Second}, "tcp", addr, conf)
		if err != nil {
			return 0, err
		}
		defer c.Close()
		st := c.ConnectionState()
		if st.NegotiatedProtocol != "" && st.NegotiatedProtocol != "http/1.1" {
			t.Errorf("ALPN %q", st.NegotiatedProtocol)
		}
		return st.PeerCertificates[0].SerialNumber.Int64(), nil
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if s, err := serial(&tls.Config{}); err == nil {
			if s != 1 {
				t.Fatalf("serial %d, want 1", s)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no TLS listener: %s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(out.String(), "listening on https://") {
		t.Errorf("start line: %s", out.String())
	}
	if _, err := serial(&tls.Config{MaxVersion: tls.VersionTLS11}); err == nil {
		t.Error("a TLS 1.1 handshake succeeded")
	}
	if _, err := serial(&tls.Config{NextProtos: []string{"h2", "http/1.1"}}); err != nil {
		t.Errorf("an h2-or-http/1.1 client: %v", err)
	}

	writeCert(t, dir, 2)
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	waitFor(t, func() bool { s, _ := serial(&tls.Config{}); return s == 2 }, "certificate 2 after SIGHUP")

	if err := os.WriteFile(keyFile, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	waitFor(t, func() bool { return strings.Contains(out.String(), "still serving the previous certificate") }, "a refused reload")
	if s, err := serial(&tls.Config{}); err != nil || s != 2 {
		t.Fatalf("after a broken reload: serial %d, %v; want 2", s, err)
	}
	if !strings.Contains(out.String(), keyFile) {
		t.Errorf("the refusal does not name the file: %s", out.String())
	}
	stop <- syscall.SIGTERM
	if c := <-code; c != 0 {
		t.Fatalf("exit %d: %s", c, out.String())
	}
}

func TestTLSFlags(t *testing.T) {
	var errOut syncBuffer
	c := run(Config{Name: "petstore", Listen: "127.0.0.1:0"}, nil, []string{"--tls-cert", "c.pem"}, env(nil), &errOut, make(chan os.Signal))
	if c != 2 || !strings.Contains(errOut.String(), `--tls-cert "c.pem" and --tls-key "": give both`) {
		t.Fatalf("exit %d: %s", c, errOut.String())
	}
	errOut = syncBuffer{}
	ok := func(Config) (fasthttp.RequestHandler, error) { return func(*fasthttp.RequestCtx) {}, nil }
	c = run(Config{Name: "petstore", Listen: "127.0.0.1:0"}, ok, []string{"--tls-cert", "missing.pem", "--tls-key", "missing.key"}, env(nil), &errOut, make(chan os.Signal))
	if c != 1 || !strings.Contains(errOut.String(), "tls: certificate missing.pem and key missing.key") {
		t.Fatalf("exit %d: %s", c, errOut.String())
	}
}

func freeLoopback(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within 5s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

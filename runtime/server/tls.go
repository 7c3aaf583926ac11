package server

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
)

// Environment variables of TLS on the public listener (ParseFlags).
const (
	EnvTLSCert = "GATEWAY_TLS_CERT"
	EnvTLSKey  = "GATEWAY_TLS_KEY"
)

// certStore holds the certificate the public listener presents, read
// from files at start and again on SIGHUP. A reload that fails keeps the
// certificate in use.
type certStore struct {
	certFile, keyFile string
	cur               atomic.Pointer[tls.Certificate]
}

func (c *certStore) load() error {
	cert, err := tls.LoadX509KeyPair(c.certFile, c.keyFile)
	if err != nil {
		return fmt.Errorf("tls: certificate %s and key %s: %w", c.certFile, c.keyFile, err)
	}
	c.cur.Store(&cert)
	return nil
}

// tlsConfig is TLS 1.2 and later with Go's default cipher suites (which
// hold only AEAD suites with forward secrecy for 1.2 once the insecure
// ones are left out, as they are by default), and ALPN http/1.1 only:
// fasthttp does not speak HTTP/2, so a client must not be offered it.
func (c *certStore) tlsConfig() *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		NextProtos: []string{"http/1.1"},
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			return c.cur.Load(), nil
		},
	}
}

// tlsEnv reads the TLS environment into cfg.
func tlsEnv(cfg *Config, getenv func(string) string) {
	if v := strings.TrimSpace(getenv(EnvTLSCert)); v != "" {
		cfg.TLSCert = v
	}
	if v := strings.TrimSpace(getenv(EnvTLSKey)); v != "" {
		cfg.TLSKey = v
	}
}

// checkTLS wants both files or neither.
func checkTLS(cfg Config) error {
	if (cfg.TLSCert == "") != (cfg.TLSKey == "") {
		return fmt.Errorf("server: --tls-cert %q and --tls-key %q: give both, or neither for plain HTTP", cfg.TLSCert, cfg.TLSKey)
	}
	return nil
}

// withTLS wraps ln in TLS when cfg asks for it, and reloads the
// certificate on SIGHUP until stop is closed. A bad reload is reported on
// stderr and the previous certificate stays.
func withTLS(ln net.Listener, cfg Config, prog string, stderr io.Writer, stop <-chan struct{}) (net.Listener, error) {
	if err := checkClientCAs(cfg); err != nil {
		return nil, err
	}
	if cfg.TLSCert == "" {
		return ln, nil
	}
	cs := &certStore{certFile: cfg.TLSCert, keyFile: cfg.TLSKey}
	if err := cs.load(); err != nil {
		return nil, err
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		defer signal.Stop(hup)
		for {
			select {
			case <-stop:
				return
			case <-hup:
				if err := cs.load(); err != nil {
					fmt.Fprintf(stderr, "%s: SIGHUP: %v; still serving the previous certificate\n", prog, err)
				} else {
					fmt.Fprintf(stderr, "%s: SIGHUP: certificate reloaded from %s\n", prog, cs.certFile)
				}
			}
		}
	}()
	return tls.NewListener(ln, withClientCAs(cs.tlsConfig(), cfg.ClientCAs)), nil
}

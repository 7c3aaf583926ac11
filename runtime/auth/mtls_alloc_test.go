//go:build !race

package auth

import (
	"crypto/tls"
	"crypto/x509"
	"testing"

	"github.com/valyala/fasthttp"
)

// TestMutualTLSAllocs: the check of a verified connection allocates
// nothing.
func TestMutualTLSAllocs(t *testing.T) {
	ca, caKey := certOf(t, "clients", true, nil, nil)
	alice, _ := certOf(t, "alice", false, ca, caKey)
	m := &MutualTLS{cfg: MutualTLSConfig{Scheme: "cert"}}
	m.mat.Store(&caMaterial{certs: []*x509.Certificate{ca}, roots: map[string]bool{string(ca.Raw): true}})
	var ctx fasthttp.RequestCtx
	ctx.Init2(tlsConnStub{state: tls.ConnectionState{VerifiedChains: [][]*x509.Certificate{{alice, ca}}}}, nil, false)
	n := testing.AllocsPerRun(100, func() {
		var v Verdict
		v.ctx = &ctx
		if !m.Check(&v) {
			t.Fatal("refused")
		}
	})
	if n != 0 {
		t.Errorf("%v allocations per check, want 0", n)
	}
}

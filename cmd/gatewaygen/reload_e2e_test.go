//go:build unix

package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestEndToEndReloadTargets changes an upstream's targets with SIGHUP and
// --upstreams-file under traffic: no request fails, the new target takes the
// traffic, and a broken file keeps the old targets, saying why.
func TestEndToEndReloadTargets(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a generated gateway")
	}
	bin := buildGateway(t, "../../testdata/golden/upstreams31/spec.yaml", "upstreams31")
	a, b := startTarget(t), startTarget(t)
	file := filepath.Join(t.TempDir(), "targets")
	write := func(content string) {
		if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("# the items pool\nitems=" + a.url() + "\n")
	gw, out, proc := startGatewayProcess(t, bin, "--upstreams-file", file)

	stop := make(chan struct{})
	var failed []string
	done := make(chan struct{})
	go func() { _, failed = load(t, gw+"/items/1", 4, stop); close(done) }()
	time.Sleep(300 * time.Millisecond)
	write("items=" + b.url() + "\n")
	if err := proc.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitOutput(t, out, "reloaded targets of items from")
	time.Sleep(100 * time.Millisecond)
	before := a.calls.Load()
	time.Sleep(300 * time.Millisecond)
	close(stop)
	<-done
	if len(failed) > 0 {
		t.Fatalf("%d requests failed across the reload, first: %s", len(failed), failed[0])
	}
	if a.calls.Load() != before || b.calls.Load() == 0 {
		t.Fatalf("after the reload the old target got %d more requests and the new one %d", a.calls.Load()-before, b.calls.Load())
	}

	write("items=ftp://nowhere\n")
	if err := proc.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitOutput(t, out, "reload refused, targets unchanged")
	if r := do(t, "GET", gw+"/items/1", "", nil); r.status != http.StatusOK || !strings.Contains(string(r.body), b.addr) {
		t.Fatalf("after a refused reload: %d %s, want the answer of %s", r.status, r.body, b.addr)
	}
}

// waitOutput waits until the gateway has written want.
func waitOutput(t *testing.T, out *syncBuffer, want string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if strings.Contains(out.String(), want) {
			return
		}
	}
	t.Fatalf("the gateway did not say %q:\n%s", want, out.String())
}

package main

import (
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// TestServe runs the real gatewaygen binary's serve command in mock mode
// (flags from the environment), asks the gateway one question, stops serve
// with SIGTERM and checks that it passes the signal on, exits and removes
// its temporary directories.
func TestServe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a gateway; skipped in -short mode")
	}
	if runtime.GOOS == "windows" {
		t.Skip("needs SIGTERM")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	cli := filepath.Join(t.TempDir(), "gatewaygen")
	if out, err := exec.Command(goBin, "build", "-o", cli, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build gatewaygen: %v\n%s", err, out)
	}

	tmp := t.TempDir()
	addr := freeAddr(t)
	var out syncBuffer
	// From the repository's root, as make demo runs it: the petstore's
	// demo keys and JWKS are named relative to it.
	cmd := exec.Command(cli, "serve", "specs/petstore.yaml")
	cmd.Dir = filepath.Join("..", "..")
	cmd.Env = append(plainGoEnv(), "TMPDIR="+tmp, "GATEWAY_LISTEN="+addr, "GATEWAY_MOCK=true", "GATEWAY_HEADER_TIMEOUT=1s")
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("gatewaygen serve output:\n%s", out.String())
		}
	})
	waitAccept(t, addr, exited, &out, 3*time.Minute)

	if r := do(t, "GET", "http://"+addr+"/v1/pets/1", "", nil); r.status != 200 {
		t.Errorf("mock GET /v1/pets/1: %d\n%s", r.status, r.body)
	}

	// GATEWAY_HEADER_TIMEOUT reached the gateway: a header that never ends
	// is cut after one second, not the spec's five.
	if c, err := net.DialTimeout("tcp", addr, 5*time.Second); err != nil {
		t.Error(err)
	} else {
		start := time.Now()
		_, _ = c.Write([]byte("GET /v1/pets/1 HTTP/1.1\r\nHost: x\r\n"))
		_ = c.SetReadDeadline(start.Add(4 * time.Second))
		_, _ = io.Copy(io.Discard, c)
		if took := time.Since(start); took > 3*time.Second {
			t.Errorf("an unfinished header held the connection for %v; GATEWAY_HEADER_TIMEOUT is 1s", took)
		}
		c.Close()
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not exit within 10s of SIGTERM")
	}
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Error("the gateway still accepts connections after serve exited")
	}
	left, _ := os.ReadDir(tmp)
	for _, e := range left {
		t.Errorf("serve left %s in its temporary directory", e.Name())
	}
}

package main

import (
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
	cmd := exec.Command(cli, "serve", "../../specs/petstore.yaml")
	cmd.Env = append(plainGoEnv(), "TMPDIR="+tmp, "GATEWAY_LISTEN="+addr, "GATEWAY_MOCK=true")
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

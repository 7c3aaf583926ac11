package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// testReloadSettings: SIGHUP makes a generated gateway read its
// environment file again: the access log, off at start, turns on; a bad
// file is refused and the log stays as it was.
func testReloadSettings(t *testing.T, bin string) {
	file := filepath.Join(t.TempDir(), "env")
	put := func(body string) {
		if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	put("GATEWAY_ACCESS_LOG=off\nGATEWAY_LOG_LEVEL=warn\n")
	listen := freeAddr(t)
	p := startProc(t, bin, listen, "--mock", "--env-file", file, "--access-log-sample", "1")
	get := func(id string) {
		if r := do(t, "GET", "http://"+listen+"/v1/pets/1", "", map[string]string{"X-Request-Id": id}); r.status != 200 {
			t.Fatalf("GET: %d", r.status)
		}
	}
	hup := func(want string) {
		t.Helper()
		n := strings.Count(p.out.String(), "SIGHUP")
		if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for strings.Count(p.out.String(), "SIGHUP") == n {
			if time.Now().After(deadline) {
				t.Fatalf("no line about the SIGHUP:\n%s", p.out.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
		if !strings.Contains(p.out.String(), want) {
			t.Fatalf("want %q in:\n%s", want, p.out.String())
		}
	}
	logged := func(id string) bool {
		deadline := time.Now().Add(time.Second)
		for time.Now().Before(deadline) {
			if strings.Contains(p.out.String(), `"request_id":"`+id+`"`) {
				return true
			}
			time.Sleep(20 * time.Millisecond)
		}
		return false
	}
	get("before-reload")
	if logged("before-reload") {
		t.Fatal("logged with the access log off")
	}
	put("GATEWAY_ACCESS_LOG=stderr\nGATEWAY_LOG_LEVEL=debug\n")
	hup("settings reloaded from " + file + ": log level debug, access log stderr, sample 1")
	get("after-reload")
	if !logged("after-reload") {
		t.Fatalf("not logged after the reload:\n%s", p.out.String())
	}
	put("GATEWAY_ACCESS_LOG=sideways\n")
	hup("want off, stderr or stdout; settings unchanged")
	get("after-bad-reload")
	if !logged("after-bad-reload") {
		t.Fatal("a refused reload turned the access log off")
	}
}

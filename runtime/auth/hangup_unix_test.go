//go:build unix

package auth

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func hangupSelf() error { return syscall.Kill(syscall.Getpid(), syscall.SIGHUP) }

// TestReloadOnHangup sends this process SIGHUP: registered schemes reload.
func TestReloadOnHangup(t *testing.T) {
	dir := t.TempDir()
	keys := filepath.Join(dir, "keys")
	if err := os.WriteFile(keys, []byte("alice:alice-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	k, err := NewAPIKey(APIKeyConfig{Scheme: "key", In: "header", Name: "X-API-Key", Keys: Source{File: keys}})
	if err != nil {
		t.Fatal(err)
	}
	ReloadOnHangup(k)
	if err := os.WriteFile(keys, []byte("bob:bob-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := hangupSelf(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		var v Verdict
		if v.Begin(reqWith("X-API-Key", "bob-secret")) && v.Alt() && k.Check(&v) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("SIGHUP did not reload the keys")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

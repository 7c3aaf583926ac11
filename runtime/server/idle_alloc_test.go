//go:build !race

package server

import (
	"testing"
	"time"
)

// TestReadAheadAllocs checks that a read through the read-ahead, the wait
// for the next request included, allocates nothing.
func TestReadAheadAllocs(t *testing.T) {
	srv, cl := tcpPair(t)
	srv.SetReadDeadline(time.Now().Add(time.Minute))
	msg := []byte("GET / HTTP/1.1\r\n\r\n")
	one, rest := make([]byte, 1), make([]byte, 64)
	allocs := testing.AllocsPerRun(200, func() {
		if _, err := cl.Write(msg); err != nil {
			t.Fatal(err)
		}
		for got := 0; got < len(msg); {
			p := rest
			if got == 0 {
				p = one
			}
			n, err := srv.Read(p)
			if err != nil {
				t.Fatal(err)
			}
			got += n
		}
	})
	if allocs != 0 {
		t.Errorf("a request read through the read-ahead: %v allocations, want 0", allocs)
	}
}

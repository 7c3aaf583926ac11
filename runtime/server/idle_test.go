package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestIdleConnMemory holds a couple of thousand keep-alive connections idle,
// each after one answered GET, until they are parked, and bounds what each
// adds to the heap and the goroutine stacks (the test's client ends
// included). fasthttp without ReduceMemoryUsage kept a read buffer of the
// header limit (16 KiB), a 4 KiB write buffer and a RequestCtx per
// connection, 27 KiB with the serving goroutine's stack; unparked, that
// stack alone left 5.7 KiB.
func TestIdleConnMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("opens 2000 connections; run without -short")
	}
	const (
		conns = 2000
		// Measured 1.8 to 2.4 KiB on linux/amd64 with Go 1.26; the bound
		// fails when the serving goroutine's stack is kept.
		maxPerConn = 4 << 10
	)
	addr, parked, _ := parkServe(t, Config{HeaderTimeout: time.Minute, IdleTimeout: time.Minute, MaxConns: 2 * conns}, okHandler)
	req := []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	buf := make([]byte, 4096)
	get := func(c net.Conn) error {
		if _, err := c.Write(req); err != nil {
			return err
		}
		got := 0
		for !bytes.HasSuffix(buf[:got], []byte("\r\n\r\nok")) {
			n, err := c.Read(buf[got:])
			if err != nil {
				return fmt.Errorf("after %q: %w", buf[:got], err)
			}
			got += n
		}
		return nil
	}
	// Warm the pools and the worker goroutines, so that what is measured
	// is the connections.
	for range 50 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if err := get(c); err != nil {
			t.Fatal(err)
		}
		c.Close()
	}
	before := inUse()
	open := make([]net.Conn, 0, conns)
	t.Cleanup(func() {
		for _, c := range open {
			c.Close()
		}
	})
	for range conns {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		open = append(open, c)
		if err := get(c); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "every connection to be parked", func() bool { return parked.parked() == conns })
	after := inUse()
	per := (int64(after) - int64(before)) / conns
	t.Logf("%d idle connections: %d KiB in use, %.1f KiB each", conns, (after-before)>>10, float64(per)/1024)
	if per > maxPerConn {
		t.Errorf("each idle keep-alive connection holds %d bytes of heap and stack, want at most %d", per, maxPerConn)
	}
}

// inUse is the heap and goroutine stack memory in use after a collection.
func inUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse + m.StackInuse
}

// tcpPair is a connection accepted through LimitConns (so with its
// read-ahead) and the client end of it.
func tcpPair(t *testing.T) (server, client net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	lln := LimitConns(ln, Config{})
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server, err = lln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { server.Close(); client.Close() })
	return server, client
}

// TestReadAhead checks that bytes read ahead for a small Read come out in
// order, whatever the sizes of the Reads that follow, before anything read
// from the socket later; that a large Read reads through; and that EOF and
// the read deadline come out as a net.Conn's do.
func TestReadAhead(t *testing.T) {
	big := strings.Repeat("x", readAheadSize+100) // more than one read-ahead holds
	for _, tc := range []struct {
		name  string
		sends []string // written by the client, one write each, after the first Read began
		reads []int    // sizes of the server's Reads
		want  string
	}{
		{"one byte then the rest", []string{"GET / HTTP/1.1\r\n\r\n"}, []int{1, 4096}, "GET / HTTP/1.1\r\n\r\n"},
		{"small reads drain the buffer", []string{"abcdefgh"}, []int{1, 3, 2, 2}, "abcdefgh"},
		{"pending before the socket", []string{"abc", "def"}, []int{1, 1, 1, 64, 64}, "abcdef"},
		{"larger than the read-ahead", []string{big}, []int{1, 8192, 8192}, big},
		{"large read reads through", []string{"hello"}, []int{readAheadSize, 1}, "hello"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, cl := tcpPair(t)
			go func() {
				for _, s := range tc.sends {
					if _, err := io.WriteString(cl, s); err != nil {
						return
					}
					time.Sleep(20 * time.Millisecond)
				}
			}()
			var got []byte
			srv.SetReadDeadline(time.Now().Add(5 * time.Second))
			for _, size := range tc.reads {
				if len(got) == len(tc.want) {
					break
				}
				p := make([]byte, size)
				n, err := srv.Read(p)
				if err != nil {
					t.Fatalf("Read(%d) after %q: %v", size, got, err)
				}
				got = append(got, p[:n]...)
			}
			for len(got) < len(tc.want) {
				p := make([]byte, 8192)
				n, err := srv.Read(p)
				if err != nil {
					t.Fatalf("Read after %d bytes: %v", len(got), err)
				}
				got = append(got, p[:n]...)
			}
			if string(got) != tc.want {
				t.Fatalf("read %q, want %q", got, tc.want)
			}
		})
	}

	t.Run("EOF", func(t *testing.T) {
		srv, cl := tcpPair(t)
		cl.Close()
		srv.SetReadDeadline(time.Now().Add(5 * time.Second))
		if n, err := srv.Read(make([]byte, 1)); n != 0 || err != io.EOF {
			t.Fatalf("Read after the peer closed: %d, %v; want 0, io.EOF", n, err)
		}
	})
	t.Run("deadline", func(t *testing.T) {
		srv, _ := tcpPair(t)
		srv.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		_, err := srv.Read(make([]byte, 1))
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Fatalf("Read past the deadline: %v; want a net.Error with Timeout()", err)
		}
	})
}

// Command idleconns measures what idle keep-alive connections cost a
// server: it opens N connections to ADDR, sends one GET on each and reads
// the answer, keeps them all open, and prints the growth of the resident
// memory (VmRSS, Linux) of process PID per connection. docs/performance.md
// ("Request path profile") gives the commands it was run with.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "`HOST:PORT` of the server")
	path := flag.String("path", "/", "request `PATH` of the GET")
	n := flag.Int("n", 10000, "`N` connections to hold")
	pid := flag.Int("pid", 0, "`PID` of the server, whose VmRSS is read")
	settle := flag.Duration("settle", 2*time.Second, "wait before reading VmRSS once the connections are open")
	flag.Parse()
	if *pid <= 0 {
		fail("-pid is required")
	}
	req := []byte("GET " + *path + " HTTP/1.1\r\nHost: " + *addr + "\r\n\r\n")
	buf := make([]byte, 64<<10)
	get := func() net.Conn {
		c, err := net.DialTimeout("tcp", *addr, 5*time.Second)
		if err != nil {
			fail(err.Error())
		}
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := c.Write(req); err != nil {
			fail(err.Error())
		}
		if err := readResponse(c, buf); err != nil {
			fail(err.Error())
		}
		c.SetDeadline(time.Time{})
		return c
	}
	// Warm the server's pools and workers, so that the growth is the
	// connections'.
	for range 100 {
		get().Close()
	}
	time.Sleep(*settle / 4)
	before := rss(*pid)
	conns := make([]net.Conn, 0, *n)
	for range *n {
		conns = append(conns, get())
	}
	time.Sleep(*settle)
	after := rss(*pid)
	fmt.Printf("%d idle connections: VmRSS %d KiB before, %d KiB after, %.2f KiB per connection\n",
		*n, before, after, float64(after-before)/float64(*n))
	for _, c := range conns {
		c.Close()
	}
}

// readResponse reads one answer with a Content-Length body, and fails on a
// status other than 200: a refused connection is not an idle one.
func readResponse(c net.Conn, buf []byte) error {
	got := 0
	for {
		m, err := c.Read(buf[got:])
		if err != nil {
			return fmt.Errorf("reading the answer: %w", err)
		}
		got += m
		i := bytes.Index(buf[:got], []byte("\r\n\r\n"))
		if i < 0 {
			continue
		}
		head := string(buf[:i])
		if !strings.HasPrefix(head, "HTTP/1.1 200 ") {
			return fmt.Errorf("answer %q, want 200", strings.SplitN(head, "\r\n", 2)[0])
		}
		length := 0
		for _, l := range strings.Split(head, "\r\n")[1:] {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, "Content-Length") {
				length, _ = strconv.Atoi(strings.TrimSpace(v))
			}
		}
		if got >= i+4+length {
			return nil
		}
	}
}

// rss is the VmRSS of process pid in KiB.
func rss(pid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		fail(err.Error())
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			f := strings.Fields(v)
			if n, err := strconv.Atoi(f[0]); err == nil {
				return n
			}
		}
	}
	fail("no VmRSS in /proc/" + strconv.Itoa(pid) + "/status")
	return 0
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "idleconns:", msg)
	os.Exit(1)
}

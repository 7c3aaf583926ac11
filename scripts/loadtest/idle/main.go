// Command idle holds many idle keep-alive connections open against one
// server, for the load test's memory measurement: it opens -n connections to
// -addr, sends one GET on each and reads the whole answer (so that the
// server has served a request on every connection and then waits for the
// next one), prints "ready N" on standard output once all are open, and
// holds them, sending nothing more, until standard input closes or it gets
// SIGINT or SIGTERM. The exit status is 1 if any connection failed.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"
)

type header []string

func (h *header) String() string     { return strings.Join(*h, ", ") }
func (h *header) Set(v string) error { *h = append(*h, v); return nil }

func main() {
	addr := flag.String("addr", "", "`HOST:PORT` of the server (loopback)")
	n := flag.Int("n", 10000, "`N` connections to hold")
	path := flag.String("path", "/", "request `PATH` (with its query) of the one GET per connection")
	parallel := flag.Int("parallel", 64, "connections opened at once")
	timeout := flag.Duration("timeout", 10*time.Second, "time each connection's dial and GET may take")
	var headers header
	flag.Var(&headers, "header", "extra request header `Name: value` (repeatable)")
	flag.Parse()
	if *addr == "" || *n < 1 || *parallel < 1 {
		fmt.Fprintln(os.Stderr, "idle: want -addr HOST:PORT, -n ≥ 1 and -parallel ≥ 1")
		os.Exit(2)
	}

	var req strings.Builder
	fmt.Fprintf(&req, "GET %s HTTP/1.1\r\nHost: %s\r\n", *path, *addr)
	for _, h := range headers {
		fmt.Fprintf(&req, "%s\r\n", h)
	}
	req.WriteString("\r\n")

	conns := make([]net.Conn, *n)
	errs := make([]error, *n)
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < *parallel; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				conns[i], errs[i] = open(*addr, req.String(), *timeout)
			}
		}()
	}
	start := time.Now()
	for i := range conns {
		next <- i
	}
	close(next)
	wg.Wait()

	failed := 0
	var first error
	for _, err := range errs {
		if err != nil {
			if first == nil {
				first = err
			}
			failed++
		}
	}
	if failed > 0 {
		fmt.Fprintf(os.Stderr, "idle: %d of %d connections failed; the first: %v\n", failed, *n, first)
	}
	fmt.Printf("ready %d\n", *n-failed)
	fmt.Fprintf(os.Stderr, "idle: %d connections to %s open in %v; holding them until stdin closes\n",
		*n-failed, *addr, time.Since(start).Round(time.Millisecond))

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	eof := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		close(eof)
	}()
	select {
	case <-stop:
	case <-eof:
	}
	for _, c := range conns {
		if c != nil {
			c.Close()
		}
	}
	if failed > 0 {
		os.Exit(1)
	}
}

// open dials addr, sends req and reads one whole response, leaving the
// connection open and idle.
func open(addr, req string, timeout time.Duration) (net.Conn, error) {
	c, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return nil, err
	}
	c.SetDeadline(time.Now().Add(timeout))
	if _, err := io.WriteString(c, req); err != nil {
		c.Close()
		return nil, fmt.Errorf("write: %w", err)
	}
	// The response is small; a small reader keeps the client's own memory
	// out of the way. Nothing is pipelined, so nothing read is lost.
	resp, err := http.ReadResponse(bufio.NewReaderSize(c, 1024), nil)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("read: %w", err)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("read body: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		c.Close()
		return nil, fmt.Errorf("status %d, want 200", resp.StatusCode)
	}
	if resp.Close {
		c.Close()
		return nil, errors.New("the server closes the connection after the response")
	}
	c.SetDeadline(time.Time{})
	return c, nil
}

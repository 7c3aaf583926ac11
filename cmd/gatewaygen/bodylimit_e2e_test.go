package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// TestEndToEndBodyLimit checks that the generated petstore gateway holds
// createPet's limits.max-body (4 KiB, below the API's 64 KiB) before it
// reads the body: a 1 MiB Content-Length is refused from the header alone,
// a chunked 1 MiB body is cut near 4 KiB, and a small body still passes.
func TestEndToEndBodyLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a gateway; skipped in -short mode")
	}
	bin := buildPetstoreGateway(t)
	gw := strings.TrimPrefix(startGateway(t, bin, "--mock"), "http://")
	const mib = 1 << 20

	dial := func(t *testing.T) (net.Conn, *bufio.Reader) {
		t.Helper()
		c, err := net.DialTimeout("tcp", gw, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		return c, bufio.NewReader(c)
	}
	refused := func(t *testing.T, br *bufio.Reader, detail string) {
		t.Helper()
		resp := &fasthttp.Response{}
		if err := resp.Read(br); err != nil {
			t.Fatalf("no answer: %v", err)
		}
		var p struct {
			Status int
			Detail string
		}
		if resp.StatusCode() != 413 || string(resp.Header.ContentType()) != "application/problem+json" ||
			json.Unmarshal(resp.Body(), &p) != nil || p.Status != 413 || p.Detail != detail {
			t.Fatalf("got %d %s %s, want 413 problem+json with detail %q", resp.StatusCode(), resp.Header.ContentType(), resp.Body(), detail)
		}
		if _, err := br.ReadByte(); !errors.Is(err, io.EOF) {
			t.Errorf("connection still open after refusing the body: %v", err)
		}
	}

	// 8 KiB is under the API's 64 KiB, so only createPet's own limit
	// refuses it; 1 MiB is over both.
	for _, size := range []int{8 << 10, mib} {
		t.Run("content-length "+strconv.Itoa(size), func(t *testing.T) {
			c, br := dial(t)
			// The header alone: were the gateway to wait for the body it
			// announces, no answer would come before the deadline.
			start := time.Now()
			if _, err := io.WriteString(c, "POST /v1/pets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "+strconv.Itoa(size)+"\r\n\r\n"); err != nil {
				t.Fatal(err)
			}
			refused(t, br, "request body exceeds the limit of 4096 bytes")
			t.Logf("413 after %v with 0 of %d body bytes sent", time.Since(start), size)
		})
	}

	t.Run("chunked body cut at the limit", func(t *testing.T) {
		c, br := dial(t)
		if _, err := io.WriteString(c, "POST /v1/pets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		// 1 MiB in 1 KiB chunks, one at a time until the answer comes: the
		// gateway must answer once it holds just over 4 KiB.
		chunk := "400\r\n" + strings.Repeat("x", 1024) + "\r\n"
		answered := make(chan struct{})
		sent := make(chan int, 1)
		go func() {
			n := 0
			defer func() { sent <- n }()
			for n < mib {
				select {
				case <-answered:
					return
				case <-time.After(2 * time.Millisecond):
				}
				if _, err := io.WriteString(c, chunk); err != nil {
					return
				}
				n += 1024
			}
		}()
		_, err := br.Peek(1)
		close(answered)
		n := <-sent
		if err != nil {
			t.Fatalf("no answer after %d body bytes: %v", n, err)
		}
		refused(t, br, "chunked request body exceeds the body limit of its operation")
		if n >= 64<<10 {
			t.Fatalf("answered only after %d body bytes; the limit is 4096", n)
		}
		t.Logf("413 after %d of %d chunked body bytes", n, mib)
	})

	t.Run("a small body passes", func(t *testing.T) {
		resp := rawExchange(t, gw, "POST /v1/pets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 35\r\n\r\n"+`{"name":"rex","status":"available"}`)
		if resp.StatusCode() >= 300 {
			t.Fatalf("status %d: %s", resp.StatusCode(), resp.Body())
		}
	})

	t.Run("another operation keeps the API's limit", func(t *testing.T) {
		// updatePet takes 64 KiB: a 10 KiB body reaches its validator,
		// which answers 400 for the JSON, not 413 for the size.
		body := `{"name":"` + strings.Repeat("x", 10<<10) + `",`
		resp := rawExchange(t, gw, "PUT /v1/pets/1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "+strconv.Itoa(len(body))+"\r\n\r\n"+body)
		if resp.StatusCode() == 413 {
			t.Fatalf("413 for a 10 KiB body under updatePet's 64 KiB: %s", resp.Body())
		}
	})
}

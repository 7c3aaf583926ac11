package server

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// parkServe serves h through LimitConns with idle connections parked, and
// returns the address, the parker and the listener's counts.
func parkServe(t *testing.T, cfg Config, h fasthttp.RequestHandler) (string, *parker, *limitListener) {
	return parkServeOn(t, cfg, h, nil)
}

// parkServeOn is parkServe with the server accepting through wrap(the
// LimitConns listener) when wrap is not nil.
func parkServeOn(t *testing.T, cfg Config, h fasthttp.RequestHandler, wrap func(net.Listener) net.Listener) (string, *parker, *limitListener) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := New(cfg, h)
	lln := LimitConns(ln, cfg)
	p := parkIdle(srv, lln)
	if p == nil {
		t.Skip("idle connections are not parked on this platform")
	}
	served := lln
	if wrap != nil {
		served = wrap(lln)
	}
	done := make(chan struct{})
	go func() { srv.Serve(served); close(done) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		p.close()
		srv.ShutdownWithContext(ctx)
		<-done
	})
	return ln.Addr().String(), p, lln.(*limitListener)
}

// echoPath answers each request with its path, so that pipelined answers
// can be told apart.
func echoPath(ctx *fasthttp.RequestCtx) { ctx.SetBody(ctx.Path()) }

// eventually waits up to 5 s for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("waited 5s for %s", what)
		}
	}
}

// readAnswers reads n answers of echoPath from r and returns their bodies.
func readAnswers(t *testing.T, c net.Conn, r *bufio.Reader, n int) []string {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var bodies []string
	for range n {
		var resp fasthttp.Response
		if err := resp.Read(r); err != nil {
			t.Fatalf("answer %d of %d: %v", len(bodies)+1, n, err)
		}
		if resp.StatusCode() != 200 {
			t.Fatalf("answer %d: status %d, body %q", len(bodies)+1, resp.StatusCode(), resp.Body())
		}
		bodies = append(bodies, string(resp.Body()))
	}
	return bodies
}

func get(path string) string { return "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n" }

// TestParkIdle checks that an idle keep-alive connection is parked after
// parkAfter and served again when its next request comes, whole or in
// pieces, alone or pipelined; that a request in progress and a connection
// that has not sent its first request are never parked.
func TestParkIdle(t *testing.T) {
	idle := parkAfter + 2*time.Second
	for _, tc := range []struct {
		name   string
		rounds [][]string // each round: the writes of the client, then as many answers as requests
		want   []string   // the bodies of each round, joined by " "
	}{
		{"one request after each idle wait", [][]string{{get("/a")}, {get("/b")}, {get("/c")}}, []string{"/a", "/b", "/c"}},
		{"pipelined after idle", [][]string{{get("/a")}, {get("/b") + get("/c") + get("/d")}}, []string{"/a", "/b /c /d"}},
		{"request split across the park wait", [][]string{{get("/a")}, {"GET /b HTTP/1.1\r\n", "Host: x\r\n\r\n"}}, []string{"/a", "/b"}},
		// The header's second part is read into what is left of fasthttp's
		// 16 KiB reader, a read small enough to take the read-ahead path.
		{"long header split across the park wait", [][]string{{get("/a")}, {"GET /b HTTP/1.1\r\nHost: x\r\nX-Pad: " + strings.Repeat("p", 13000), "\r\n\r\n"}}, []string{"/a", "/b"}},
		{"body split across the park wait", [][]string{{get("/a")}, {"POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab", "cd"}}, []string{"/a", "/p"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, p, _ := parkServe(t, Config{IdleTimeout: idle, HeaderTimeout: 5 * time.Second}, echoPath)
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			r := bufio.NewReader(c)
			// Silent before its first request: not parked.
			time.Sleep(2 * parkAfter)
			if n := p.parked(); n != 0 {
				t.Fatalf("%d connections parked before their first request", n)
			}
			for i, writes := range tc.rounds {
				for j, w := range writes {
					if j > 0 {
						// Longer than parkAfter: a request in progress waits.
						time.Sleep(2 * parkAfter)
					}
					if _, err := io.WriteString(c, w); err != nil {
						t.Fatal(err)
					}
				}
				n := strings.Count(strings.Join(writes, ""), " HTTP/1.1\r\n")
				if got := strings.Join(readAnswers(t, c, r, n), " "); got != tc.want[i] {
					t.Fatalf("round %d: answers %q, want %q", i+1, got, tc.want[i])
				}
				eventually(t, "the connection to be parked", func() bool { return p.parked() == 1 })
			}
		})
	}
}

// TestParkClose checks that a parked connection gives its LimitConns slot
// back when the client closes it, when it has been idle for the idle
// timeout, and when the parker closes for a drain.
func TestParkClose(t *testing.T) {
	const idleTimeout = 600 * time.Millisecond
	for _, tc := range []struct {
		name  string
		close func(c net.Conn, p *parker)
		// the client sees its connection closed by the gateway
		closedByGateway bool
	}{
		{"client closes", func(c net.Conn, _ *parker) { c.Close() }, false},
		{"idle timeout", func(net.Conn, *parker) {}, true},
		{"drain", func(_ net.Conn, p *parker) { p.close() }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, p, l := parkServe(t, Config{IdleTimeout: idleTimeout, MaxConnsPerIP: 1}, echoPath)
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			io.WriteString(c, get("/a"))
			readAnswers(t, c, bufio.NewReader(c), 1)
			start := time.Now()
			eventually(t, "the connection to be parked", func() bool { return p.parked() == 1 })
			tc.close(c, p)
			if tc.closedByGateway {
				c.SetReadDeadline(time.Now().Add(5 * time.Second))
				if n, err := c.Read(make([]byte, 1)); err != io.EOF {
					t.Fatalf("parked connection: read %d, %v; want EOF", n, err)
				}
				if tc.name == "idle timeout" && time.Since(start) < idleTimeout-parkAfter {
					t.Fatalf("closed after %v, before the idle timeout of %v", time.Since(start), idleTimeout)
				}
			}
			eventually(t, "the slot to be freed", func() bool {
				l.mu.Lock()
				defer l.mu.Unlock()
				return l.open.Load() == 0 && l.byIP[netip.MustParseAddr("127.0.0.1")] == 0
			})
			if n := p.parked(); n != 0 {
				t.Fatalf("%d connections still parked", n)
			}
		})
	}
}

// TestParkMany has many clients wait, some shorter and some longer than
// parkAfter, between their requests, at once (run it with -race).
func TestParkMany(t *testing.T) {
	const clients, rounds = 100, 4
	addr, p, l := parkServe(t, Config{IdleTimeout: time.Minute}, echoPath)
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial("tcp", addr)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			r := bufio.NewReader(c)
			for j := range rounds {
				path := fmt.Sprintf("/c%d/r%d", i, j)
				c.SetDeadline(time.Now().Add(10 * time.Second))
				req := get(path)
				if j%2 == 1 {
					req += get(path + "b")
				}
				if _, err := io.WriteString(c, req); err != nil {
					errs <- err
					return
				}
				for k := range 1 + j%2 {
					var resp fasthttp.Response
					if err := resp.Read(r); err != nil {
						errs <- fmt.Errorf("%s: %w", path, err)
						return
					}
					want := path + strings.Repeat("b", k)
					if string(resp.Body()) != want {
						errs <- fmt.Errorf("answer %q, want %q", resp.Body(), want)
						return
					}
				}
				time.Sleep(time.Duration((i*7+j*13)%5) * parkAfter / 2)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	eventually(t, "every slot to be freed", func() bool { return l.open.Load() == 0 && p.parked() == 0 })
}

// TestParkDrain checks that the drain on SIGTERM closes a parked
// connection, which fasthttp's Shutdown no longer counts, and still exits 0.
func TestParkDrain(t *testing.T) {
	var out syncBuffer
	stop := make(chan os.Signal, 1)
	code := make(chan int, 1)
	build := func(cfg Config) (fasthttp.RequestHandler, error) { return echoPath, nil }
	go func() {
		code <- run(Config{Name: "petstore", Listen: ":8080"}, build, []string{"--listen", "127.0.0.1:0", "--mock"}, env(nil), &out, stop)
	}()
	var addr string
	eventually(t, "the listening line", func() bool {
		line, _, ok := strings.Cut(out.String(), " (mock mode)\n")
		addr = strings.TrimPrefix(line, "petstore gateway listening on http://")
		return ok
	})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, get("/a"))
	readAnswers(t, c, bufio.NewReader(c), 1)
	time.Sleep(3 * parkAfter)
	stop <- syscall.SIGTERM
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("idle connection after SIGTERM: read %d, %v; want EOF", n, err)
	}
	select {
	case c := <-code:
		if c != 0 {
			t.Fatalf("exit %d: %s", c, out.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after SIGTERM")
	}
}

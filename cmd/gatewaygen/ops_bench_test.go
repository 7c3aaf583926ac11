package main

import (
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/gen/petstore"
	"github.com/gatewaygen/gatewaygen/runtime/server"
)

// BenchmarkObservedHandle serves GET /v1/pets/1 through the generated
// petstore's Handle in mock mode, in parallel, with the observers off and
// on (metrics, and the access log sampling 1% of successes). Mock mode
// makes no upstream call, so the ratio of the two is the worst case of
// what observation costs a request.
func BenchmarkObservedHandle(b *testing.B) {
	for _, c := range []struct {
		name string
		set  func(*server.Config)
	}{
		{"observers=off", func(*server.Config) {}},
		{"observers=metrics+log1%", func(cfg *server.Config) {
			cfg.Admin = "127.0.0.1:9" // series are kept only when /metrics can be read
			cfg.AccessLog, cfg.AccessSample, cfg.AccessLogOut = "stdout", 0.01, io.Discard
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			cfg := petstore.Defaults()
			cfg.Mock = true
			cfg.Auth = map[string]string{
				"petsKey":   "file:../../specs/petstore-demo-keys.txt",
				"petsAdmin": "file:../../specs/petstore-demo-jwks.json",
			}
			c.set(&cfg)
			gw, err := petstore.New(cfg)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				var ctx fasthttp.RequestCtx
				for pb.Next() {
					ctx.Request.Reset()
					ctx.Response.Reset()
					ctx.Request.SetRequestURI("/v1/pets/1")
					gw.Handle(&ctx)
					if ctx.Response.StatusCode() != 200 {
						b.Fatalf("status %d: %s", ctx.Response.StatusCode(), ctx.Response.Body())
					}
				}
			})
		})
	}
}

// BenchmarkObserversLoad drives two petstore gateway processes, observers
// off and on (an admin listener, so metrics are kept, and the access log
// sampling 1% of successes), in alternating rounds of half a second each
// with 16 concurrent clients through one backend on loopback, and reports
// their throughputs and the median ratio on/off of adjacent rounds. b.N is not used: the figure is
// the ratio in one run.
func BenchmarkObserversLoad(b *testing.B) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		b.Skip("no go command")
	}
	bin := filepath.Join(b.TempDir(), "petstore-gateway")
	if out, err := exec.Command(goBin, "build", "-o", bin, "../../gen/petstore/cmd/petstore-gateway").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	be := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		ctx.SetContentType("application/json")
		ctx.SetBodyString(`[{"id":1,"name":"Rex","status":"available"}]`)
	}}
	beLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go be.Serve(beLn)   //nolint:errcheck // ends with Shutdown
	defer be.Shutdown() //nolint:errcheck
	start := func(extra ...string) (string, func()) {
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		addr := ln.Addr().String()
		ln.Close()
		args := append([]string{"--listen", addr, "--upstream", "pets=http://" + beLn.Addr().String()}, extra...)
		cmd := exec.Command(bin, args...)
		cmd.Dir = filepath.Join("..", "..")
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			if c, err := net.Dial("tcp", addr); err == nil {
				c.Close()
				break
			}
			if time.Now().After(deadline) {
				_ = cmd.Process.Kill()
				b.Fatal("gateway did not start")
			}
			time.Sleep(20 * time.Millisecond)
		}
		return addr, func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
	}
	offAddr, stopOff := start()
	defer stopOff()
	adminLn, _ := net.Listen("tcp", "127.0.0.1:0")
	admin := adminLn.Addr().String()
	adminLn.Close()
	onAddr, stopOn := start("--admin", admin, "--access-log", "stdout", "--access-log-sample", "0.01")
	defer stopOn()

	round := func(addr string) int64 {
		c := &fasthttp.HostClient{Addr: addr, MaxConns: 64}
		var n atomic.Int64
		var wg sync.WaitGroup
		end := time.Now().Add(roundTime)
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
				defer fasthttp.ReleaseRequest(req)
				defer fasthttp.ReleaseResponse(resp)
				req.SetRequestURI("http://" + addr + "/v1/pets?limit=1")
				for time.Now().Before(end) {
					if err := c.DoTimeout(req, resp, 5*time.Second); err == nil && resp.StatusCode() == 200 {
						n.Add(1)
					}
				}
			}()
		}
		wg.Wait()
		c.CloseIdleConnections()
		return n.Load()
	}
	round(offAddr) // warm both up
	round(onAddr)
	// The machine is shared: the ratio of each adjacent pair of rounds,
	// whose order alternates, and the median of those, is what load from
	// elsewhere disturbs least.
	var off, on int64
	var ratios []float64
	for i := range 12 {
		var a, c int64
		if i%2 == 0 {
			a, c = round(offAddr), round(onAddr)
		} else {
			c, a = round(onAddr), round(offAddr)
		}
		off, on = off+a, on+c
		ratios = append(ratios, float64(c)/float64(a))
	}
	sort.Float64s(ratios)
	b.ReportMetric(float64(off)/12/roundTime.Seconds(), "off-req/s")
	b.ReportMetric(float64(on)/12/roundTime.Seconds(), "on-req/s")
	b.ReportMetric((ratios[5]+ratios[6])/2, "median-on/off")
}

const roundTime = 500 * time.Millisecond

package main

import (
	"io"
	"testing"

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

// Command naive is the load test's naive reverse proxy: a fasthttp server
// whose handler hands each request as it came to one fasthttp.HostClient and
// writes back whatever the upstream answered. It routes nothing, checks
// nothing and adds no header: the ceiling of a proxy built the obvious way
// on fasthttp, against which scripts/loadtest/loadtest.sh sets gatewaygen,
// which is built on the same library but does more per request.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/valyala/fasthttp"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:9002", "`ADDR`ess to listen on (keep it on loopback)")
	upstream := flag.String("upstream", "127.0.0.1:9001", "`HOST:PORT` of the plain-HTTP upstream")
	flag.Parse()

	hc := &fasthttp.HostClient{
		Addr: *upstream,
		// As many upstream connections as clients need at once; fasthttp's
		// default (512) is never reached by the load test either way.
		MaxConns:            4096,
		MaxIdleConnDuration: time.Minute,
		ReadTimeout:         10 * time.Second,
		WriteTimeout:        10 * time.Second,
	}
	handle := func(ctx *fasthttp.RequestCtx) {
		if err := hc.Do(&ctx.Request, &ctx.Response); err != nil {
			ctx.Response.Reset()
			ctx.Error("upstream: "+err.Error(), fasthttp.StatusBadGateway)
		}
	}

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(os.Stderr, "naive: %v\n", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "naive proxy listening on http://%s, upstream %s\n", ln.Addr(), *upstream)
	srv := &fasthttp.Server{
		Handler:               handle,
		Name:                  "naive",
		NoDefaultServerHeader: true,
	}
	if err := srv.Serve(ln); err != nil {
		fmt.Fprintf(os.Stderr, "naive: %v\n", err)
		os.Exit(1)
	}
}

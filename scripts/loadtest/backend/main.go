// Command backend is the upstream that scripts/loadtest/loadtest.sh puts
// behind nginx and the gatewaygen gateway: it answers every request, whatever
// its method and path, with 200 and one small fixed JSON body, so that the
// load test measures the proxies rather than the backend.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"

	"github.com/valyala/fasthttp"
)

// pet is the whole response body: small and fixed; nothing of the request is
// echoed.
var pet = []byte(`{"id":42,"name":"Rex","status":"available","age":3,"tags":["dog"]}`)

func handle(ctx *fasthttp.RequestCtx) {
	ctx.SetStatusCode(fasthttp.StatusOK)
	ctx.SetContentType("application/json")
	ctx.SetBody(pet)
}

func main() {
	listen := flag.String("listen", "127.0.0.1:9001", "`ADDR`ess to listen on (keep it on loopback)")
	flag.Parse()

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(os.Stderr, "backend: %v\n", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "backend listening on http://%s\n", ln.Addr())
	srv := &fasthttp.Server{
		Handler:               handle,
		Name:                  "loadtest-backend",
		NoDefaultServerHeader: true,
		NoDefaultDate:         true,
	}
	if err := srv.Serve(ln); err != nil {
		fmt.Fprintf(os.Stderr, "backend: %v\n", err)
		os.Exit(1)
	}
}

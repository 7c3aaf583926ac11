package server

import (
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/metrics"
	"github.com/gatewaygen/gatewaygen/runtime/problem"
)

// The admin listener is off unless an address is given: it shows the
// gateway's traffic and state, so it must be opened on purpose, on an
// address apart from the public one (loopback, or an interface only the
// scraper reaches). Operations that need readiness (a balancer's probe,
// Kubernetes) configure it; a gateway started without thought exposes
// nothing more than its API.
const EnvAdmin = "GATEWAY_ADMIN"

// Admin paths. The /-/ prefix is Prometheus's and Thanos's habit for
// endpoints that are about the process rather than its data.
const (
	PathMetrics = "/metrics"
	PathHealth  = "/-/health"
	PathReady   = "/-/ready"
)

// The same pages under the names Kubernetes' own components serve them
// by, which probes and operators try first.
const (
	pathHealthz = "/healthz"
	pathLivez   = "/livez"
	pathReadyz  = "/readyz"
)

// state is what the admin listener reports of the public one: whether it
// takes traffic (ready) and why not.
type state struct {
	ready atomic.Bool
	// draining is set once a signal asked the process to stop; it stays
	// set, so /-/ready never turns true again in this process.
	draining atomic.Bool
}

// adminHandler serves the admin pages:
//
//	GET /metrics    Prometheus text exposition (runtime/metrics)
//	GET /-/health   200 while the process serves at all (liveness)
//	GET /-/ready    200 while the public listener takes traffic; 503
//	                before it is bound and once draining has begun
//
// /healthz and /livez are /-/health, /readyz is /-/ready.
//
// Anything else is 404, and a method other than GET or HEAD 405, both as
// problem+json.
func adminHandler(st *state) fasthttp.RequestHandler {
	return func(ctx *fasthttp.RequestCtx) {
		path := string(ctx.Path())
		switch path {
		case pathHealthz, pathLivez:
			path = PathHealth
		case pathReadyz:
			path = PathReady
		}
		var page fasthttp.RequestHandler
		switch path {
		case PathMetrics, PathHealth, PathReady:
		default:
			// pages a gateway added (adminpages.go)
			if page = adminPage(path); page == nil {
				problem.NotFound(ctx)
				return
			}
		}
		if !ctx.IsGet() && !ctx.IsHead() {
			problem.MethodNotAllowed(ctx, "GET, HEAD")
			return
		}
		ctx.Response.Header.Set("Cache-Control", "no-store")
		if page != nil {
			page(ctx)
			return
		}
		switch path {
		case PathMetrics:
			ctx.SetContentType("text/plain; version=0.0.4; charset=utf-8")
			metrics.WritePrometheus(ctx)
		case PathHealth:
			ctx.SetContentType("text/plain; charset=utf-8")
			ctx.SetBodyString("ok\n")
		case PathReady:
			ctx.SetContentType("text/plain; charset=utf-8")
			switch {
			case st.draining.Load():
				ctx.SetStatusCode(fasthttp.StatusServiceUnavailable)
				ctx.SetBodyString("draining\n")
			case !st.ready.Load():
				ctx.SetStatusCode(fasthttp.StatusServiceUnavailable)
				ctx.SetBodyString("starting\n")
			default:
				ctx.SetBodyString("ready\n")
			}
		}
	}
}

// newAdminServer is the admin listener's server: small limits, since its
// pages take no body and only operators call them.
func newAdminServer(st *state) *fasthttp.Server {
	return &fasthttp.Server{
		Handler:               adminHandler(st),
		Name:                  "gatewaygen-admin",
		NoDefaultServerHeader: true,
		MaxRequestBodySize:    1,
		ReadTimeout:           5 * time.Second,
		WriteTimeout:          10 * time.Second,
		IdleTimeout:           time.Minute,
	}
}

// checkAdmin fails when the admin address is malformed or is the public
// one: the two servers cannot share a socket, and the admin pages must not
// be reachable where the API is.
func checkAdmin(cfg Config) error {
	if cfg.Admin == "" {
		return nil
	}
	if _, _, err := splitHostPort(cfg.Admin); err != nil {
		return fmt.Errorf("server: --admin %q: want HOST:PORT or :PORT, or empty for no admin listener", cfg.Admin)
	}
	if strings.EqualFold(cfg.Admin, cfg.Listen) {
		return fmt.Errorf("server: --admin %q: the same address as --listen; the admin listener must be apart from the public one", cfg.Admin)
	}
	return nil
}

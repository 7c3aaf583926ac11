package server

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/accesslog"
)

// Environment variables of the lifecycle settings (ParseFlags).
const (
	EnvDrainDelay   = "GATEWAY_DRAIN_DELAY"
	EnvDrainTimeout = "GATEWAY_DRAIN_TIMEOUT"
)

// opsEnv reads the environment of the operations settings (admin address,
// drain delay and deadline) into cfg.
func opsEnv(cfg *Config, getenv func(string) string) error {
	if err := accessEnv(cfg, getenv); err != nil {
		return err
	}
	tlsEnv(cfg, getenv)
	settingsEnv(cfg, getenv)
	if err := tracingEnv(cfg, getenv); err != nil {
		return err
	}
	if v := strings.TrimSpace(getenv(EnvAdmin)); v != "" {
		cfg.Admin = v
	}
	for _, d := range []struct {
		env string
		dst *time.Duration
		min time.Duration
	}{{EnvDrainDelay, &cfg.DrainDelay, 0}, {EnvDrainTimeout, &cfg.DrainTimeout, 1}} {
		if v := getenv(d.env); v != "" {
			x, err := time.ParseDuration(strings.TrimSpace(v))
			if err != nil || x < d.min {
				return fmt.Errorf("server: %s=%q: want a duration like 5s (at least %v)", d.env, v, d.min)
			}
			*d.dst = x
		}
	}
	return nil
}

// opsFlags registers the operations flags on fs.
func opsFlags(fs *flag.FlagSet, cfg *Config) {
	settingsFlags(fs, cfg)
	tracingFlags(fs, cfg)
	fs.StringVar(&cfg.TLSCert, "tls-cert", cfg.TLSCert, "PEM certificate chain `FILE` to serve HTTPS on --listen (TLS 1.2+), reloaded on SIGHUP (env "+EnvTLSCert+")")
	fs.StringVar(&cfg.TLSKey, "tls-key", cfg.TLSKey, "PEM private key `FILE` of --tls-cert (env "+EnvTLSKey+")")
	fs.BoolVar(&cfg.PrintConfig, "print-config", false, "print the effective configuration (document, environment and flags; secrets redacted) as JSON and exit")
	fs.StringVar(&cfg.AccessLog, "access-log", orDefault(cfg.AccessLog, "off"), "where the JSON access log goes: off, stderr or stdout (env "+EnvAccessLog+")")
	fs.Float64Var(&cfg.AccessSample, "access-log-sample", orDefault(cfg.AccessSample, DefaultAccessSample),
		"share `P` of successful requests logged, 0 to 1; refusals and errors are always logged (env "+EnvAccessSample+")")
	fs.Var(listFlag{&cfg.LogRedact}, "log-redact", "query parameter `NAMES` (comma-separated, repeatable) whose values the access log redacts, beside the document's query API keys (env "+EnvLogRedact+")")
	fs.StringVar(&cfg.Admin, "admin", cfg.Admin, "`ADDR`ess of the admin listener (/metrics, /-/health, /-/ready), apart from --listen; \"off\" for none (env "+EnvAdmin+")")
	fs.DurationVar(&cfg.DrainDelay, "drain-delay", cfg.DrainDelay,
		"`DURATION` to keep accepting after SIGTERM with /-/ready at 503, so balancers stop sending first (env "+EnvDrainDelay+")")
	fs.DurationVar(&cfg.DrainTimeout, "drain-timeout", orDefault(cfg.DrainTimeout, ShutdownTimeout),
		"`DURATION` in-flight requests get to finish once the listener is closed (env "+EnvDrainTimeout+")")
}

// opsCheck validates the operations settings once flags are parsed; "off"
// turns off an admin listener the document configures.
func opsCheck(cfg *Config) error {
	if cfg.Admin == "off" {
		cfg.Admin = ""
	}
	if err := checkAccess(*cfg); err != nil {
		return err
	}
	if err := checkTLS(*cfg); err != nil {
		return err
	}
	if err := checkTracing(*cfg); err != nil {
		return err
	}
	switch {
	case cfg.DrainDelay < 0:
		return fmt.Errorf("server: --drain-delay %v: want 0 or more", cfg.DrainDelay)
	case cfg.DrainTimeout <= 0:
		return fmt.Errorf("server: --drain-timeout %v: want a duration > 0", cfg.DrainTimeout)
	}
	return checkAdmin(*cfg)
}

func splitHostPort(addr string) (string, string, error) { return net.SplitHostPort(addr) }

// serve runs the public listener (and the admin one when configured) until
// a signal on stop, then drains:
//
//  1. /-/ready turns 503 at once, so probes take the process out of rotation;
//  2. for DrainDelay the listener still accepts, for the requests that
//     were routed here before the probes noticed;
//  3. the listener closes (a process started meanwhile on the same address
//     with SO_REUSEPORT now gets every new connection), idle keep-alive
//     connections are closed, and requests in flight have DrainTimeout to
//     finish, each answered with Connection: close;
//  4. the admin listener closes last, so the drain can be watched; exit 0,
//     or 1 when requests were still in flight at the deadline.
func serve(cfg Config, h fasthttp.RequestHandler, prog string, stderr io.Writer, stop <-chan os.Signal) int {
	var st state
	ln, err := listen(cfg.Listen)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 1
	}
	reloads := make(chan struct{})
	defer close(reloads)
	tln, err := withTLS(ln, cfg, prog, stderr, reloads)
	if err != nil {
		ln.Close()
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 1
	}
	ln = tln
	var admin *fasthttp.Server
	adminErr := make(chan error, 1)
	if cfg.Admin != "" {
		aln, err := listen(cfg.Admin)
		if err != nil {
			ln.Close()
			fmt.Fprintf(stderr, "%s: admin: %v\n", prog, err)
			return 1
		}
		admin = newAdminServer(&st)
		go func() { adminErr <- admin.Serve(aln) }()
		fmt.Fprintf(stderr, "%s: admin listening on http://%s (%s, %s, %s)\n", prog, aln.Addr(), PathMetrics, PathHealth, PathReady)
	}
	ln = LimitConns(ln, cfg)
	h, flushSpans, err := traced(cfg, h, prog, stderr)
	if err != nil {
		ln.Close()
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 1
	}
	srv := New(cfg, h)
	parked := parkIdle(srv, ln)
	mode, scheme := "", "http"
	if cfg.Mock {
		mode = " (mock mode)"
	}
	if cfg.TLSCert != "" {
		scheme = "https"
	}
	fmt.Fprintf(stderr, "%s gateway listening on %s://%s%s\n", cfg.Name, scheme, ln.Addr(), mode)
	if len(cfg.Upstreams) > 0 {
		names := make([]string, 0, len(cfg.Upstreams))
		for n := range cfg.Upstreams {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(stderr, "%s: upstream %s -> %s\n", prog, n, strings.Join(cfg.Upstreams[n], ", "))
		}
	}

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	st.ready.Store(true)
	select {
	case err := <-serveErr:
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 1
	case err := <-adminErr:
		fmt.Fprintf(stderr, "%s: admin: %v\n", prog, err)
		return 1
	case <-stop:
	}
	st.draining.Store(true)
	st.ready.Store(false)
	if cfg.DrainDelay > 0 {
		fmt.Fprintf(stderr, "%s: draining: not ready, still accepting for %v\n", prog, cfg.DrainDelay)
		time.Sleep(cfg.DrainDelay)
	}
	fmt.Fprintf(stderr, "%s: draining: listener closed, in-flight requests have %v\n", prog, orDefault(cfg.DrainTimeout, ShutdownTimeout))
	ctx, cancel := context.WithTimeout(context.Background(), orDefault(cfg.DrainTimeout, ShutdownTimeout))
	defer cancel()
	code := 0
	parked.close() // the parked idle connections, which fasthttp no longer counts
	if err := srv.ShutdownWithContext(ctx); err != nil {
		fmt.Fprintf(stderr, "%s: shutdown: %v\n", prog, err)
		code = 1
	}
	<-serveErr
	accesslog.CloseAll() // the drained requests' lines, before exit
	flushSpans()         // and their spans
	if admin != nil {
		actx, acancel := context.WithTimeout(context.Background(), time.Second)
		defer acancel()
		_ = admin.ShutdownWithContext(actx)
	}
	if code == 0 {
		fmt.Fprintf(stderr, "%s: drained, exiting\n", prog)
	}
	return code
}

package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
)

// limitFlags are the gateway's connection limits that serve passes on, each
// from its flag or else its environment variable; serve checks them so that
// a typo fails before the build rather than after it.
var limitFlags = []struct {
	name, env string
	duration  bool
	min       int // for counts
	usage     string
}{
	{"header-timeout", "GATEWAY_HEADER_TIMEOUT", true, 0, "`DURATION` a request line and headers may take to arrive (default: x-gateway.limits.header-timeout, else 10s)"},
	{"idle-timeout", "GATEWAY_IDLE_TIMEOUT", true, 0, "`DURATION` a keep-alive connection may wait for its next request (default: x-gateway.limits.idle-timeout, else 60s)"},
	{"max-conns", "GATEWAY_MAX_CONNS", false, 1, "`N` client connections at once, more are refused with 503 (default: x-gateway.limits.max-conns, else 10000)"},
	{"max-conns-per-ip", "GATEWAY_MAX_CONNS_PER_IP", false, 0, "`N` connections at once from one client address, 0 for no limit (default: x-gateway.limits.max-conns-per-ip, else none)"},
}

// checkLimit reports whether v is a valid value of limit flag i.
func checkLimit(i int, v string) error {
	l := limitFlags[i]
	if l.duration {
		if d, err := time.ParseDuration(v); err != nil || d <= 0 {
			return fmt.Errorf("%s %q: want a duration > 0 like 10s", l.name, v)
		}
		return nil
	}
	if n, err := strconv.Atoi(v); err != nil || n < l.min {
		return fmt.Errorf("%s %q: want an integer >= %d", l.name, v, l.min)
	}
	return nil
}

func newServeCmd(stdout, stderr io.Writer) *cobra.Command {
	var (
		listen    string
		upstreams []string
		mock      bool
		limits    = make([]string, len(limitFlags))
	)
	cmd := &cobra.Command{
		Use:   "serve SPEC [--listen ADDR] [--upstream NAME=URL ...] [--mock]",
		Short: "Build the gateway for SPEC and run it",
		Long: `Serve builds the gateway for SPEC like 'gatewaygen build' into a temporary
directory and runs it in the foreground with the given flags, which override
the addresses written in the spec. SIGINT and SIGTERM are passed on to the
gateway; when it exits, the temporary directory is removed and serve exits
with the gateway's status.

Each flag may also come from the environment: GATEWAY_LISTEN,
GATEWAY_UPSTREAMS (comma-separated NAME=URL), GATEWAY_MOCK (true/false),
GATEWAY_HEADER_TIMEOUT, GATEWAY_IDLE_TIMEOUT, GATEWAY_MAX_CONNS and
GATEWAY_MAX_CONNS_PER_IP. A flag on the command line wins over its variable.

With --mock the gateway answers every operation from the examples in the
spec instead of calling upstreams, still validating each request.`,
		Example: `  gatewaygen serve specs/petstore.yaml --mock --listen 127.0.0.1:8080
  gatewaygen serve specs/petstore.yaml --mock --header-timeout 2s --max-conns-per-ip 64
  gatewaygen serve specs/petstore.yaml --upstream pets=http://127.0.0.1:9001 --upstream inventory=http://127.0.0.1:9002
  GATEWAY_UPSTREAMS=pets=http://10.0.0.7:9001,inventory=http://10.0.0.8:9002 gatewaygen serve specs/petstore.yaml`,
		Args: exactArgs("SPEC"),
		RunE: func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			if v := os.Getenv("GATEWAY_LISTEN"); v != "" && !f.Changed("listen") {
				listen = v
			}
			if v := os.Getenv("GATEWAY_UPSTREAMS"); v != "" && !f.Changed("upstream") {
				upstreams = nil
				for _, u := range strings.Split(v, ",") {
					if u = strings.TrimSpace(u); u != "" {
						upstreams = append(upstreams, u)
					}
				}
			}
			if v := os.Getenv("GATEWAY_MOCK"); v != "" && !f.Changed("mock") {
				b, err := strconv.ParseBool(v)
				if err != nil {
					return &usageError{fmt.Errorf("GATEWAY_MOCK=%q: want true or false", v)}
				}
				mock = b
			}
			for _, u := range upstreams {
				if name, url, ok := strings.Cut(u, "="); !ok || name == "" || url == "" {
					return &usageError{fmt.Errorf("upstream %q: want NAME=URL", u)}
				}
			}
			var gwArgs []string
			if listen != "" {
				gwArgs = append(gwArgs, "--listen", listen)
			}
			for _, u := range upstreams {
				gwArgs = append(gwArgs, "--upstream", u)
			}
			if mock {
				gwArgs = append(gwArgs, "--mock")
			}
			for i, l := range limitFlags {
				v, from := limits[i], "--"+l.name
				if !f.Changed(l.name) {
					v, from = strings.TrimSpace(os.Getenv(l.env)), l.env
				}
				if v == "" {
					continue
				}
				if err := checkLimit(i, v); err != nil {
					return &usageError{fmt.Errorf("%s: %w", from, err)}
				}
				gwArgs = append(gwArgs, "--"+l.name, v)
			}
			return serve(args[0], gwArgs, stdout, stderr)
		},
	}
	for i, l := range limitFlags {
		cmd.Flags().StringVar(&limits[i], l.name, "", l.usage+" (env "+l.env+")")
	}
	cmd.Flags().StringVar(&listen, "listen", "", "`ADDR` the gateway listens on (default: x-gateway.listen; env GATEWAY_LISTEN)")
	cmd.Flags().StringArrayVar(&upstreams, "upstream", nil, "`NAME=URL` target of an upstream, repeatable (env GATEWAY_UPSTREAMS)")
	cmd.Flags().BoolVar(&mock, "mock", false, "answer from the spec's examples instead of upstreams (env GATEWAY_MOCK)")
	return cmd
}

// serve builds the gateway for spec into a temporary directory and runs it
// with gwArgs until it exits, forwarding SIGINT and SIGTERM.
func serve(spec string, gwArgs []string, stdout, stderr io.Writer) error {
	dir, err := os.MkdirTemp("", "gatewaygen-serve-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "gateway")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	if err := buildBinary(spec, bin, "", false, stdout, stderr); err != nil {
		return err
	}

	// Catch the signals before starting the gateway so none is lost.
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)

	gw := exec.Command(bin, gwArgs...)
	gw.Stdout = stdout
	gw.Stderr = stderr
	ownProcessGroup(gw) // so a terminal's ^C reaches the gateway once, from us
	if err := gw.Start(); err != nil {
		return err
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				_ = gw.Process.Signal(s)
			case <-done:
				return
			}
		}
	}()
	err = gw.Wait()
	close(done)
	if err == nil {
		return nil
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return err
	}
	code := ee.ExitCode()
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		code = 128 + int(ws.Signal())
	}
	if code <= 0 {
		code = 1
	}
	return &exitError{code}
}

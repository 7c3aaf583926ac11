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

	"github.com/spf13/cobra"
)

func newServeCmd(stdout, stderr io.Writer) *cobra.Command {
	var (
		listen    string
		upstreams []string
		mock      bool
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
GATEWAY_UPSTREAMS (comma-separated NAME=URL) and GATEWAY_MOCK (true/false).
A flag on the command line wins over its variable.

With --mock the gateway answers every operation from the examples in the
spec instead of calling upstreams, still validating each request.`,
		Example: `  gatewaygen serve specs/petstore.yaml --mock --listen 127.0.0.1:8080
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
			return serve(args[0], gwArgs, stdout, stderr)
		},
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

package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/gatewaygen/gatewaygen/generator/module"
)

func newBuildCmd(stdout, stderr io.Writer) *cobra.Command {
	var out, modulePath string
	var keep bool
	cmd := &cobra.Command{
		Use:   "build SPEC -o BINARY",
		Short: "Compile SPEC into a gateway binary",
		Long: `Build generates a standalone gateway module for SPEC in a temporary
directory and runs 'go build -trimpath' there, writing the gateway binary to
BINARY. It needs the go command on PATH; the go command's output is passed
through. The temporary directory is removed afterwards unless --keep is given.

When stderr is a terminal, one line there shows the stages (load, lower,
emit, write, go build) and the time each took, updated while it works.`,
		Example: `  gatewaygen build specs/petstore.yaml -o bin/petstore-gateway
  bin/petstore-gateway --listen 127.0.0.1:8080 --upstream pets=http://127.0.0.1:9001`,
		Args: exactArgs("SPEC"),
		RunE: func(_ *cobra.Command, args []string) error {
			return buildBinary(args[0], out, modulePath, keep, stdout, stderr)
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "path of the `BINARY` to write (required)")
	cmd.Flags().StringVar(&modulePath, "module", "", "module `PATH` of the generated source (default \"<name>-gateway\")")
	cmd.Flags().BoolVar(&keep, "keep", false, "keep the generated source and print where it is")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

// buildBinary generates spec as a standalone module in a temporary
// directory and builds its command into binary.
func buildBinary(spec, binary, modulePath string, keep bool, stdout, stderr io.Writer) error {
	// the stages and their times on the terminal, while it works
	prog := newProgress(stderr)
	defer prog.Done()
	if w := prog.Writer(); w != nil {
		stderr = w
	}
	dir, err := os.MkdirTemp("", "gatewaygen-build-")
	if err != nil {
		return err
	}
	if keep {
		defer fmt.Fprintf(stderr, "gatewaygen: kept the generated source in %s\n", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	res, err := generateInto(spec, dir, modulePath, true, stderr, prog)
	if err != nil {
		return err
	}
	prog.Stage("go build")
	if err := module.GoBuild(dir, "./cmd/"+res.Name+"-gateway", binary, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "gatewaygen: %v\n", err)
		return &exitError{1}
	}
	return nil
}

package main

import (
	"fmt"
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func newVersionCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print gatewaygen's version",
		Long: `Version prints the version of this gatewaygen binary: the module version it
was installed at (go install github.com/gatewaygen/gatewaygen/cmd/gatewaygen@vX),
or "(devel)" for a build from a checkout.`,
		Example: `  gatewaygen version`,
		Args:    exactArgs(),
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintf(stdout, "gatewaygen %s\n", version())
			return nil
		},
	}
}

// version is the main module's version from the build info, or "(devel)".
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

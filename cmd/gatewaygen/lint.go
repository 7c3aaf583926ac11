package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/gatewaygen/gatewaygen/generator/lint"
)

func newLintCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "lint SPEC",
		Short: "Check SPEC and its x-gateway extensions without generating",
		Long: `Lint loads the OpenAPI document SPEC and checks it the way generate would:
the OpenAPI structure, every x-gateway key and value, and references to
upstreams and security schemes. Each finding is printed as
file:line:col: message. Lint exits with status 1 when any finding is an error
and prints "SPEC: ok" when there is none.`,
		Example: `  gatewaygen lint specs/petstore.yaml`,
		Args:    exactArgs("SPEC"),
		RunE: func(_ *cobra.Command, args []string) error {
			diags := lint.Lint(args[0])
			diags.Sort()
			for _, d := range diags {
				fmt.Fprintln(stdout, d.Error())
			}
			if len(diags) == 0 {
				fmt.Fprintf(stdout, "%s: ok\n", args[0])
			}
			if diags.HasErrors() {
				return &exitError{1}
			}
			return nil
		},
	}
}

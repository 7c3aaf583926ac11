package main

import (
	"fmt"
	"io"

	json "github.com/goccy/go-json"
	"github.com/spf13/cobra"

	"github.com/gatewaygen/gatewaygen/generator"
)

func newIRCmd(stdout, stderr io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "ir SPEC",
		Short: "Print the intermediate representation of SPEC as JSON",
		Long: `IR loads SPEC, lowers it and prints the result as indented JSON: the
contract between lowering and the emitters, with every name, default and
x-gateway setting resolved. It is meant for review and for bug reports; its
shape may change between versions. Diagnostics go to stderr.`,
		Example: `  gatewaygen ir specs/petstore.yaml | less`,
		Args:    exactArgs("SPEC"),
		RunE: func(_ *cobra.Command, args []string) error {
			api, diags := generator.Lower(args[0])
			for _, d := range diags {
				fmt.Fprintln(stderr, d.Error())
			}
			if api == nil {
				return &exitError{1}
			}
			b, err := json.MarshalIndent(api, "", "  ")
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s\n", b)
			return nil
		},
	}
}

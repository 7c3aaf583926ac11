package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/gatewaygen/gatewaygen/generator"
	"github.com/gatewaygen/gatewaygen/generator/diag"
	"github.com/gatewaygen/gatewaygen/generator/diff"
)

func newDiffCmd(stdout, stderr io.Writer) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "List the changes from OLD to NEW, each classified breaking or not",
		Long: `Diff lowers two versions of an OpenAPI document and lists what changed for
clients, each change classified as breaking or not: removed operations,
responses and media types, new required parameters, bodies and properties,
narrowed types and enums, tightened limits (bounds, lengths, body limit,
timeout), stricter authentication. In a request a narrowing breaks clients;
in a response a widening does.

--format text (default) prints one change a line and a summary; --format json
prints {"breaking": N, "changes": [...]} for CI. Diff exits with status 1
when some change is breaking (or a document does not load), 0 otherwise.`,
		Example: `  gatewaygen diff specs/petstore-v1.yaml specs/petstore.yaml
  gatewaygen diff --format json old.yaml new.yaml || echo "breaking changes"`,
		Args: exactArgs("OLD", "NEW"),
		RunE: func(_ *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return &usageError{fmt.Errorf("--format: expected text or json, found %q", format)}
			}
			old, diags := generator.Lower(args[0])
			newAPI, more := generator.Lower(args[1])
			// Warnings are the generator's business; what stops the
			// comparison is printed.
			for _, d := range append(diags, more...) {
				if d.Severity != diag.Warning {
					fmt.Fprintln(stderr, d.Error())
				}
			}
			if old == nil || newAPI == nil || diags.HasFatal() || more.HasFatal() {
				return &exitError{1}
			}
			changes := diff.Compare(old, newAPI)
			if format == "json" {
				if changes == nil {
					changes = []diff.Change{}
				}
				b, err := json.MarshalIndent(struct {
					Breaking int           `json:"breaking"`
					Changes  []diff.Change `json:"changes"`
				}{diff.Breaking(changes), changes}, "", "  ")
				if err != nil {
					return err
				}
				fmt.Fprintf(stdout, "%s\n", b)
			} else if err := diff.WriteText(stdout, changes); err != nil {
				return err
			}
			if diff.Breaking(changes) > 0 {
				return &exitError{1}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output `FORMAT`: text or json")
	return cmd
}

package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/gatewaygen/gatewaygen/generator"
	"github.com/gatewaygen/gatewaygen/generator/module"
)

func newDocsCmd(stdout, stderr io.Writer) *cobra.Command {
	var out, previous string
	cmd := &cobra.Command{
		Use:   "docs SPEC -o DIR",
		Short: "Write the developer portal of SPEC into DIR as a static site",
		Long: `Docs renders the developer portal of the OpenAPI document SPEC into DIR:
pre-rendered HTML pages (an overview, getting started with the credentials,
one page per operation and per schema), one stylesheet, one script and a
search index. The site loads nothing from another origin and works from
file://, from any static host, and from the generated gateway itself, which
serves the same pages at x-gateway.docs.path (default /docs).

With --previous OLD the portal also gets a changelog page: the changes from
OLD to SPEC, breaking ones first, as gatewaygen diff classifies them.

Warnings go to stderr as file:line:col lines; errors make the command exit
with status 1.`,
		Example: `  gatewaygen docs specs/petstore.yaml -o /tmp/petstore-docs && open /tmp/petstore-docs/index.html
  gatewaygen docs new.yaml --previous old.yaml -o site`,
		Args: exactArgs("SPEC"),
		RunE: func(_ *cobra.Command, args []string) error {
			res, err := generator.DocsSince(args[0], previous)
			if res != nil {
				for _, d := range res.Diags {
					fmt.Fprintln(stderr, d.Error())
				}
			}
			var de *generator.DiagError
			if errors.As(err, &de) {
				for _, d := range de.List {
					fmt.Fprintln(stderr, d.Error())
				}
				return &exitError{1}
			}
			if err != nil {
				return err
			}
			if _, err := module.WriteDir(out, res.Files); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s: %d files; open %s/index.html\n", args[0], len(res.Files), out)
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "output `DIR` (required)")
	cmd.Flags().StringVar(&previous, "previous", "", "the previous version's `SPEC`: adds a changelog page (see gatewaygen diff)")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

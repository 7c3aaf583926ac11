package main

import (
	"errors"
	"fmt"
	"io"
	"path"

	"github.com/spf13/cobra"

	"github.com/gatewaygen/gatewaygen/generator"
	"github.com/gatewaygen/gatewaygen/generator/diag"
	"github.com/gatewaygen/gatewaygen/generator/module"
)

func newGenerateCmd(stderr io.Writer) *cobra.Command {
	var out, modulePath string
	cmd := &cobra.Command{
		Use:   "generate SPEC -o DIR",
		Short: "Write the Go source of a gateway for SPEC into DIR",
		Long: `Generate compiles the OpenAPI document SPEC into the Go source of a gateway
and writes it to DIR: the gateway package at the root of DIR and its command
in DIR/cmd/<name>-gateway.

When DIR lies inside the gatewaygen repository's own module, the output is a
package of that module (e.g. github.com/gatewaygen/gatewaygen/gen/petstore)
that imports the repository's runtime. Anywhere else the output is a
standalone module: DIR also gets go.mod, go.sum and a copy of the runtime, so
that plain 'go build ./...' works in DIR. Its module path is
"<name>-gateway" unless --module says otherwise.

Files that gatewaygen generated earlier in DIR and that are no longer part of
the output are removed; other files are left alone. Warnings go to stderr as
file:line:col lines; errors make the command exit with status 1.`,
		Example: `  gatewaygen generate specs/petstore.yaml -o gen/petstore
  gatewaygen generate specs/petstore.yaml -o ../petstore-gateway --module example.com/petstore-gateway`,
		Args: exactArgs("SPEC"),
		RunE: func(_ *cobra.Command, args []string) error {
			_, err := generateInto(args[0], out, modulePath, false, stderr, nil)
			return err
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "output `DIR` (required)")
	cmd.Flags().StringVar(&modulePath, "module", "", "module `PATH` of standalone output (default \"<name>-gateway\")")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

// generateInto generates spec into dir, choosing repository or standalone
// mode from where dir lies unless standalone is forced, prints diagnostics to
// stderr and writes the files. Failures it has reported already come back as
// an *exitError. prog, when not nil, is told each stage.
func generateInto(spec, dir, modulePath string, standalone bool, stderr io.Writer, prog *progress) (*generator.Result, error) {
	opts := generator.Options{Spec: spec, Standalone: true, ImportPath: modulePath}
	opts.Stage = prog.Stage
	if !standalone {
		mod, rel, ok, err := module.Locate(dir)
		if err != nil {
			return nil, err
		}
		if ok && mod == generator.RepoModule {
			if modulePath != "" {
				return nil, &usageError{fmt.Errorf("--module applies to standalone output only; %s is inside the %s module", dir, mod)}
			}
			opts.Standalone = false
			opts.ImportPath = path.Join(mod, rel)
		}
	}

	res, err := generator.Generate(opts)
	printed := map[string]bool{}
	if res != nil {
		res.Diags.Sort()
		for _, d := range res.Diags {
			fmt.Fprintln(stderr, d.Error())
			printed[d.Error()] = true
		}
	}
	if err != nil {
		var de *generator.DiagError
		if errors.As(err, &de) {
			for _, d := range de.List {
				if !printed[d.Error()] {
					fmt.Fprintln(stderr, d.Error())
				}
			}
			return nil, &exitError{1}
		}
		for _, e := range flatten(err) {
			var d diag.Diagnostic
			if errors.As(e, &d) && printed[d.Error()] {
				continue
			}
			printErr(stderr, e)
		}
		return nil, &exitError{1}
	}
	// Findings of severity Invalid break OpenAPI in ways the generator
	// compiles around (lint fails on them); the gateway is still written,
	// as DESIGN asks for real documents. Only an Error stops it, and
	// Generate reports those as err.
	if res.Diags.HasFatal() {
		return nil, &exitError{1}
	}
	prog.Stage("write")
	removed, err := module.WriteDir(dir, res.Files)
	for _, name := range removed {
		fmt.Fprintf(stderr, "gatewaygen: removed stale %s\n", path.Join(dir, name))
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

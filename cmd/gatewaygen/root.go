package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gatewaygen/gatewaygen/generator/diag"
)

// run executes the gatewaygen command line args (without the program name),
// writing to stdout and stderr, and returns the process exit code: 0 on
// success, 1 on failure, 2 on a usage error, or the gateway's own code for
// serve.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	printErr(stderr, err)
	var ue *usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		fmt.Fprintln(stderr, "run 'gatewaygen help' for usage")
		return 2
	}
	return 1
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "gatewaygen",
		Short: "Compile an OpenAPI document into a specialized API gateway",
		Long: `gatewaygen compiles an OpenAPI 3.0/3.1 document with x-gateway extensions
into the Go source of an API gateway specialized to that one API: a generated
router, straight-line validators and per-operation proxying on fasthttp. The
output builds into a single static binary.`,
		Example: `  gatewaygen lint specs/petstore.yaml
  gatewaygen generate specs/petstore.yaml -o gen/petstore
  gatewaygen build specs/petstore.yaml -o bin/petstore-gateway
  gatewaygen serve specs/petstore.yaml --mock
  gatewaygen docs specs/petstore.yaml -o /tmp/petstore-docs`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	root.AddCommand(
		newGenerateCmd(stderr),
		newBuildCmd(stdout, stderr),
		newServeCmd(stdout, stderr),
		newLintCmd(stdout),
		newIRCmd(stdout, stderr),
		newVersionCmd(stdout),
		// the developer portal, and the changes between two versions
		newDocsCmd(stdout, stderr),
		newDiffCmd(stdout, stderr),
	)
	return root
}

// isCobraUsage recognizes the usage errors cobra reports as plain errors.
func isCobraUsage(err error) bool {
	msg := err.Error()
	return strings.HasPrefix(msg, "unknown command ") || strings.HasPrefix(msg, "required flag(s) ")
}

// exitError ends the command with code after it has reported the failure
// itself (diagnostics, the go command's output, the gateway's exit status).
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// usageError is a mistake on the command line.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// exactArgs requires exactly the named positional arguments.
func exactArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) == len(names):
		case len(names) == 0:
			return &usageError{fmt.Errorf("%s takes no arguments", cmd.CommandPath())}
		default:
			return &usageError{fmt.Errorf("%s: want %s, got %d argument(s)", cmd.CommandPath(), strings.Join(names, " "), len(args))}
		}
		return nil
	}
}

// printErr prints err to w, one line per joined error. Spec diagnostics are
// printed as they are (file:line:col: message), like a compiler's; other
// errors get the program's name.
func printErr(w io.Writer, err error) {
	for _, e := range flatten(err) {
		var d diag.Diagnostic
		if errors.As(e, &d) {
			fmt.Fprintln(w, d.Error())
			continue
		}
		fmt.Fprintf(w, "gatewaygen: %v\n", e)
	}
}

// flatten splits errors.Join results into their parts.
func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

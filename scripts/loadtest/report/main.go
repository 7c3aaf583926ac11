// Command report turns the raw results of scripts/loadtest/loadtest.sh into
// the tables of docs/performance.md and the chart docs/loadtest.svg.
//
// Usage:
//
//	report [-idle IDLE.tsv] [-svg OUT.svg] [-title TEXT] RESULTS.tsv
//
// RESULTS.tsv has a header line and one line per measured run (see
// readRuns for the columns). Every ratio is computed within one round, where
// the targets ran minutes apart on the same machine, and only then summarised
// over the rounds by its median and range: a ratio of two medians would mix
// rounds whose machine load differed.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	if err := report(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "report: %v\n", err)
		os.Exit(1)
	}
}

func report(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	idlePath := fs.String("idle", "", "`FILE` of idle-connection memory results to tabulate too")
	svgPath := fs.String("svg", "", "write the chart of requests/s relative to nginx to `FILE`")
	title := fs.String("title", "", "the chart's second line (date, commit)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return fmt.Errorf("want at most one results file, found %d arguments", fs.NArg())
	}
	var s *summary
	if fs.NArg() == 1 {
		runs, err := readRunsFile(fs.Arg(0))
		if err != nil {
			return err
		}
		s = summarize(runs)
		writeTables(out, s)
	}
	if *idlePath != "" {
		idle, err := readIdleFile(*idlePath)
		if err != nil {
			return err
		}
		if s != nil {
			fmt.Fprintln(out)
		}
		writeIdleTable(out, idle)
	}
	if *svgPath != "" {
		if s == nil {
			return fmt.Errorf("-svg needs a results file")
		}
		if err := os.WriteFile(*svgPath, chart(s, *title), 0o644); err != nil {
			return err
		}
	}
	return nil
}

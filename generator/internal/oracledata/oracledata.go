// Package oracledata finds the oracle inputs that tests read in place from
// the shared folder beside the repository (the JSON Schema Test Suite, the
// corpus of real public documents), and records for `make test` which
// oracles ran and which were skipped, and why.
//
// It never lets an oracle pass silently: with CI set in the environment a
// missing input fails the test, because a green CI run must mean that the
// oracles ran. Outside CI it skips, saying where the input was looked for.
package oracledata

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// ReportEnv names the file a test appends its oracle's outcome to; make test
// sets it and prints the file at the end (scripts/oracles.sh).
const ReportEnv = "GATEWAYGEN_ORACLES"

// Shared returns the path of rel (slash-separated) inside the shared folder
// that lies beside the repository, for the named oracle. When it is absent
// the test fails under CI and is skipped otherwise; either way the outcome
// is recorded.
func Shared(tb testing.TB, oracle, rel string) string {
	tb.Helper()
	Record(tb, oracle)
	root, err := repoRoot()
	if err != nil {
		tb.Fatalf("%s: %v", oracle, err)
	}
	dir := filepath.Join(root, "..", "shared", filepath.FromSlash(rel))
	if _, err := os.Stat(dir); err != nil {
		Missing(tb, fmt.Sprintf("../shared/%s not found beside the repository (%v); see its SOURCES.md", rel, err))
	}
	return dir
}

// Missing ends the test for want of an oracle input: a failure under CI, a
// skip elsewhere.
func Missing(tb testing.TB, why string) {
	tb.Helper()
	if os.Getenv("CI") != "" {
		tb.Fatalf("oracle input missing under CI: %s", why)
	}
	skipped.Store(tb, why)
	tb.Skip(why)
}

// skipped holds why Missing skipped a test, for its record.
var skipped sync.Map // testing.TB → string

// Record appends the test's outcome for oracle to the report file when make
// test asked for one: "ran", "FAILED" or "skipped: <why>". Record once per test, before anything
// that may skip it.
func Record(tb testing.TB, oracle string) {
	path := os.Getenv(ReportEnv)
	if path == "" {
		return
	}
	tb.Cleanup(func() {
		status := "ran"
		switch {
		case tb.Failed():
			status = "FAILED"
		case tb.Skipped():
			status = "skipped"
			if why, ok := skipped.Load(tb); ok {
				status += ": " + why.(string)
			}
		}
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			tb.Errorf("oracle report: %v", err)
			return
		}
		defer f.Close()
		fmt.Fprintf(f, "%s\t%s\t%s\n", oracle, status, tb.Name())
	})
}

// repoRoot is the nearest directory above the working directory that holds
// go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.Contains(string(b), "module github.com/gatewaygen/gatewaygen\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod of github.com/gatewaygen/gatewaygen above the working directory")
		}
		dir = parent
	}
}

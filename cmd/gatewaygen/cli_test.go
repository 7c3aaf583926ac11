package main

import (
	"bytes"
	"strings"
	"testing"
)

// runCLI runs the command line in-process and returns its exit code and
// output.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestHelp(t *testing.T) {
	for _, cmd := range []string{"", "generate", "build", "serve", "lint", "ir", "version", "docs", "diff"} {
		args := []string{"--help"}
		if cmd != "" {
			args = []string{cmd, "--help"}
		}
		code, out, errOut := runCLI(t, args...)
		if code != 0 {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
		for _, want := range []string{"Usage:", "Examples:", "gatewaygen " + cmd} {
			if !strings.Contains(out, want) {
				t.Errorf("%v: help lacks %q:\n%s", args, want, out)
			}
		}
	}
}

// TestCommandsDocumented holds every command to Short, Long and Example.
func TestCommandsDocumented(t *testing.T) {
	root := newRootCmd(&bytes.Buffer{}, &bytes.Buffer{})
	for _, c := range append(root.Commands(), root) {
		if c.Name() == "help" {
			continue
		}
		if c.Short == "" || c.Long == "" || c.Example == "" {
			t.Errorf("command %q lacks Short, Long or Example", c.Name())
		}
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runCLI(t, "version")
	if code != 0 || !strings.HasPrefix(out, "gatewaygen ") || strings.Count(out, "\n") != 1 {
		t.Errorf("version: exit %d, output %q", code, out)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"generate", "specs/petstore.yaml"}, // no -o
		{"generate"},
		{"build", "a.yaml", "b.yaml", "-o", "x"},
		{"lint", "--no-such-flag", "x.yaml"},
		{"version", "extra"},
		{"no-such-command"},
	} {
		code, _, errOut := runCLI(t, args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", args, code, errOut)
		}
		if !strings.Contains(errOut, "gatewaygen help") {
			t.Errorf("%v: stderr %q does not point to help", args, errOut)
		}
	}
}

func TestServeEnvValidation(t *testing.T) {
	t.Setenv("GATEWAY_MOCK", "maybe")
	if code, _, errOut := runCLI(t, "serve", "specs/petstore.yaml"); code != 2 || !strings.Contains(errOut, "GATEWAY_MOCK") {
		t.Errorf("GATEWAY_MOCK=maybe: exit %d, stderr %q", code, errOut)
	}
	t.Setenv("GATEWAY_MOCK", "")
	if code, _, errOut := runCLI(t, "serve", "specs/petstore.yaml", "--upstream", "pets"); code != 2 || !strings.Contains(errOut, "NAME=URL") {
		t.Errorf("--upstream pets: exit %d, stderr %q", code, errOut)
	}
	for _, c := range []struct {
		args       []string
		env, value string
		want       string
	}{
		{[]string{"--header-timeout", "10"}, "", "", `--header-timeout: header-timeout "10": want a duration > 0 like 10s`},
		{[]string{"--idle-timeout", "0s"}, "", "", `--idle-timeout: idle-timeout "0s": want a duration > 0 like 10s`},
		{[]string{"--max-conns", "0"}, "", "", `--max-conns: max-conns "0": want an integer >= 1`},
		{nil, "GATEWAY_MAX_CONNS_PER_IP", "-1", `GATEWAY_MAX_CONNS_PER_IP: max-conns-per-ip "-1": want an integer >= 0`},
		{nil, "GATEWAY_HEADER_TIMEOUT", "soon", `GATEWAY_HEADER_TIMEOUT: header-timeout "soon": want a duration > 0 like 10s`},
	} {
		if c.env != "" {
			t.Setenv(c.env, c.value)
		}
		code, _, errOut := runCLI(t, append([]string{"serve", "specs/petstore.yaml"}, c.args...)...)
		if code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v %s=%s: exit %d, stderr %q; want 2 and %q", c.args, c.env, c.value, code, errOut, c.want)
		}
		if c.env != "" {
			t.Setenv(c.env, "")
		}
	}
}

func TestLintPetstore(t *testing.T) {
	code, out, errOut := runCLI(t, "lint", "../../specs/petstore.yaml")
	if code != 0 {
		t.Fatalf("lint petstore: exit %d\n%s%s", code, out, errOut)
	}
	if out != "../../specs/petstore.yaml: ok\n" {
		t.Errorf("lint petstore printed %q", out)
	}
}

func TestLintMissingFile(t *testing.T) {
	code, out, _ := runCLI(t, "lint", "testdata/no-such-spec.yaml")
	if code != 1 || !strings.HasPrefix(out, "testdata/no-such-spec.yaml:") {
		t.Errorf("lint of a missing file: exit %d, output %q", code, out)
	}
}

func TestIR(t *testing.T) {
	code, out, errOut := runCLI(t, "ir", "../../specs/petstore.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{`"basePath": "/v1"`, `"goName": "GetPet"`, `"upstream": "inventory"`} {
		if !strings.Contains(out, want) {
			t.Errorf("ir output lacks %s", want)
		}
	}
}

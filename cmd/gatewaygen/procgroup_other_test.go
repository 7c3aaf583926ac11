//go:build !unix

package main

import "os/exec"

// killGroup kills cmd's process where process groups do not exist.
func killGroup(cmd *exec.Cmd) error { return cmd.Process.Kill() }

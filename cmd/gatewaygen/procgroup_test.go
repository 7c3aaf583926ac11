//go:build unix

package main

import (
	"os/exec"
	"syscall"
)

// killGroup kills the process group cmd leads (see ownProcessGroup).
func killGroup(cmd *exec.Cmd) error {
	return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}

//go:build unix

package server

import "syscall"

// readAheadOK: a socket's descriptor can be read directly (read(2)).
const readAheadOK = true

func sysRead(fd uintptr, p []byte) (int, error) { return syscall.Read(int(fd), p) }

//go:build unix

package server

import "syscall"

// readAheadOK: a socket's descriptor can be read directly (read(2)).
const readAheadOK = true

// sysRead is a variable so that a test can count the read(2) calls a
// request costs.
var sysRead = func(fd uintptr, p []byte) (int, error) { return syscall.Read(int(fd), p) }

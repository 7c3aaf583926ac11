//go:build !unix

package server

import "syscall"

// readAheadOK is false where a socket is not a descriptor read(2) can read
// (Windows' handles): connections read through, as before the read-ahead.
const readAheadOK = false

var sysRead = func(uintptr, []byte) (int, error) { return 0, syscall.EINVAL }

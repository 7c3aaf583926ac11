//go:build !linux

package server

import "errors"

// poller has no implementation here: connections are not parked (park.go).
type poller struct{}

func newPoller() (*poller, error) { return nil, errors.New("server: no epoll on this platform") }

func (*poller) add(int, uint32) error         { return errors.New("server: no epoll on this platform") }
func (*poller) del(int)                       {}
func (*poller) wait(func(fd int, seq uint32)) {}
func (*poller) close()                        {}

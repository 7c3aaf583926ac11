package server

import (
	"os"
	"syscall"
)

// poller is the parker's epoll set. It is itself waited on through Go's
// network poller (an epoll descriptor is readable while it has events), so
// no thread blocks in epoll_wait.
type poller struct {
	fd  int
	f   *os.File
	raw syscall.RawConn
}

func newPoller() (*poller, error) {
	fd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, os.NewSyscallError("epoll_create1", err)
	}
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return nil, os.NewSyscallError("fcntl", err)
	}
	f := os.NewFile(uintptr(fd), "idle-connections")
	raw, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &poller{fd: fd, f: f, raw: raw}, nil
}

// add watches fd until it turns readable or its peer closes, once; the
// event carries seq.
func (pl *poller) add(fd int, seq uint32) error {
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP | syscall.EPOLLONESHOT, Fd: int32(fd), Pad: int32(seq)}
	return syscall.EpollCtl(pl.fd, syscall.EPOLL_CTL_ADD, fd, &ev)
}

func (pl *poller) del(fd int) {
	_ = syscall.EpollCtl(pl.fd, syscall.EPOLL_CTL_DEL, fd, nil)
}

// wait hands each event to ready until close. Go's poller reports the set
// edge-triggered, so the set is emptied before waiting again.
func (pl *poller) wait(ready func(fd int, seq uint32)) {
	events := make([]syscall.EpollEvent, 128)
	_ = pl.raw.Read(func(fd uintptr) bool {
		for {
			n, err := syscall.EpollWait(int(fd), events, 0)
			if err == syscall.EINTR {
				continue
			}
			if err != nil {
				return true
			}
			for _, ev := range events[:n] {
				ready(int(ev.Fd), uint32(ev.Pad))
			}
			if n < len(events) {
				return false
			}
		}
	})
}

func (pl *poller) close() { pl.f.Close() }

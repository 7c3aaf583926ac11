package accesslog

// SetSample changes the share of successful requests logged, 0 to 1, for
// the requests that follow.
func (l *Logger) SetSample(p float64) {
	if l == nil {
		return
	}
	switch {
	case p >= 1:
		l.sample.Store(^uint64(0))
	case p > 0:
		l.sample.Store(uint64(p * (1 << 63) * 2))
	default:
		l.sample.Store(0)
	}
}

// SetOff turns the logger off, or back on: off, a request costs one
// atomic load.
func (l *Logger) SetOff(off bool) {
	if l != nil {
		l.off.Store(off)
	}
}

// ReconfigureAll applies a reloaded sampling share and on/off to every open
// Logger of the process: the server's and the generated gateway's.
func ReconfigureAll(sample float64, off bool) {
	liveMu.Lock()
	defer liveMu.Unlock()
	for l := range live {
		l.SetSample(sample)
		l.SetOff(off)
	}
}

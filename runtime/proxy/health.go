package proxy

import (
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// Health configures active probes: a GET of Path on every target each
// Interval, answered within Timeout with a 2xx or 3xx to pass. A target is
// marked down after Unhealthy failed probes in a row and up again after
// Healthy passed ones. Targets start up, so that a gateway starting beside
// its upstreams serves at once. An empty Path turns probing off.
type Health struct {
	Path      string
	Interval  time.Duration
	Timeout   time.Duration
	Healthy   int
	Unhealthy int
}

// Defaults of Health.
const (
	DefaultHealthInterval  = 5 * time.Second
	DefaultHealthTimeout   = time.Second
	DefaultHealthHealthy   = 2
	DefaultHealthUnhealthy = 3
)

// checker probes an upstream's targets until stopped.
type checker struct {
	done chan struct{}
	wg   sync.WaitGroup
}

// startHealth probes the targets of set by h, defaults filled in.
func startHealth(set *targetSet, h Health) *checker {
	if h.Interval <= 0 {
		h.Interval = DefaultHealthInterval
	}
	if h.Timeout <= 0 {
		h.Timeout = DefaultHealthTimeout
	}
	if h.Healthy <= 0 {
		h.Healthy = DefaultHealthHealthy
	}
	if h.Unhealthy <= 0 {
		h.Unhealthy = DefaultHealthUnhealthy
	}
	c := &checker{done: make(chan struct{})}
	for i := range set.targets {
		c.wg.Go(func() { c.probe(set, i, h) })
	}
	return c
}

func (c *checker) stop() {
	close(c.done)
	c.wg.Wait()
}

// probe runs target i's checks. It uses the target's own client, so a
// probe also keeps a pooled connection warm, and it never overlaps itself.
func (c *checker) probe(set *targetSet, i int, h Health) {
	t := &set.targets[i]
	uri := string(t.prefix) + h.Path
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	passes, fails := 0, 0
	tick := time.NewTicker(h.Interval)
	defer tick.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-tick.C:
		}
		req.Reset()
		resp.Reset()
		req.SetRequestURI(uri)
		req.Header.SetMethod(fasthttp.MethodGet)
		req.Header.Set("User-Agent", "gatewaygen-health")
		err := t.client.DoTimeout(req, resp, h.Timeout)
		if err == nil && resp.StatusCode() >= 200 && resp.StatusCode() < 400 {
			passes, fails = passes+1, 0
			if passes >= h.Healthy {
				set.pool.SetDown(i, false)
			}
		} else {
			passes, fails = 0, fails+1
			if fails >= h.Unhealthy {
				set.pool.SetDown(i, true)
			}
		}
	}
}

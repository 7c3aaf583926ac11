package proxy

import (
	"bufio"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/gatewaygen/gatewaygen/runtime/metrics"
)

// observed is every upstream of the process that is not closed, for the
// metrics of its targets' health. The series are written at scrape time
// from the state the balancer keeps anyway (a target's down flag and
// ejection deadline, the upstream's ejection count), so the request path
// pays nothing for them; and a reload that replaces the targets replaces
// their series with it.
var observed upstreams

type upstreams struct {
	mu  sync.Mutex
	ups []*Upstream
}

func (o *upstreams) add(u *Upstream) {
	o.mu.Lock()
	o.ups = append(o.ups, u)
	o.mu.Unlock()
}

func (o *upstreams) remove(u *Upstream) {
	o.mu.Lock()
	o.ups = slices.DeleteFunc(o.ups, func(x *Upstream) bool { return x == u })
	o.mu.Unlock()
}

func init() { metrics.RegisterWriter(observed.write) }

// write writes, for every upstream, whether each target may be picked
// (gateway_upstream_target_up: 0 while an active check has it down or
// passive ejection has it out) and how many ejections there were
// (gateway_upstream_ejections_total, kept across reloads).
func (o *upstreams) write(w io.Writer) {
	o.mu.Lock()
	ups := slices.Clone(o.ups)
	o.mu.Unlock()
	if len(ups) == 0 {
		return
	}
	// Upstreams of one name (tests build several) are told apart by
	// their order, so that no two series are the same.
	slices.SortStableFunc(ups, func(a, b *Upstream) int { return strings.Compare(a.name, b.name) })
	names := make([]string, len(ups))
	for i, u := range ups {
		names[i] = u.name
		if i > 0 && ups[i-1].name == u.name {
			names[i] = u.name + "#" + strconv.Itoa(i)
		}
	}
	bw := bufio.NewWriter(w)
	bw.WriteString("# HELP gateway_upstream_target_up Whether the target may be picked: 1, or 0 while a health check has it down or it is ejected.\n")
	bw.WriteString("# TYPE gateway_upstream_target_up gauge\n")
	for i, u := range ups {
		set := u.set.Load()
		for j, t := range set.targets {
			up := "0"
			if set.pool.Up(j) {
				up = "1"
			}
			bw.WriteString(`gateway_upstream_target_up{upstream=` + metrics.Quote(names[i]) + `,target=` + metrics.Quote(string(t.prefix)) + `} ` + up + "\n")
		}
	}
	bw.WriteString("# HELP gateway_upstream_ejections_total Targets ejected after consecutive failed calls.\n")
	bw.WriteString("# TYPE gateway_upstream_ejections_total counter\n")
	for i, u := range ups {
		bw.WriteString(`gateway_upstream_ejections_total{upstream=` + metrics.Quote(names[i]) + `} ` + strconv.FormatInt(u.ejections.Load(), 10) + "\n")
	}
	bw.Flush()
}

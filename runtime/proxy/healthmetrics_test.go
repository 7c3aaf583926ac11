package proxy

import (
	"bytes"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/gatewaygen/gatewaygen/runtime/balance"
	"github.com/gatewaygen/gatewaygen/runtime/metrics"
)

// scrapeHealth reads the upstream series as a scraper would: through the
// metrics package's exposition, parsed by Prometheus's own parser.
// It returns target -> up and the ejection count of upstream name.
func scrapeHealth(t *testing.T, name string) (map[string]float64, float64) {
	t.Helper()
	var buf bytes.Buffer
	metrics.WritePrometheus(&buf)
	parser := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := parser.TextToMetricFamilies(&buf)
	if err != nil {
		t.Fatalf("exposition does not parse: %v\n%s", err, buf.String())
	}
	up := map[string]float64{}
	if f := fams["gateway_upstream_target_up"]; f != nil {
		for _, m := range f.Metric {
			l := map[string]string{}
			for _, p := range m.Label {
				l[p.GetName()] = p.GetValue()
			}
			if l["upstream"] == name {
				up[l["target"]] = m.Gauge.GetValue()
			}
		}
	}
	var ejections float64 = -1
	if f := fams["gateway_upstream_ejections_total"]; f != nil {
		for _, m := range f.Metric {
			if m.Label[0].GetValue() == name {
				ejections = m.Counter.GetValue()
			}
		}
	}
	return up, ejections
}

// TestTargetHealthMetrics: a target passive ejection takes out, and one an
// active check marks down, read 0 at the next scrape and 1 once back; the
// ejection count survives a reload of the targets, whose series follow the
// new list.
func TestTargetHealthMetrics(t *testing.T) {
	live, sick := startBackend(t), startBackend(t)
	dead := deadAddr(t)
	// A name of its own: other tests of the package leave upstreams named
	// "pets" open, whose series would share the family.
	u := upstreamOf(t, UpstreamConfig{Name: "health-metrics", Balance: balance.RoundRobin,
		Passive: balance.Passive{ConsecutiveFailures: 1, Eject: time.Minute, MaxEjected: 1}},
		live.url(), dead)
	up, ej := scrapeHealth(t, "health-metrics")
	if len(up) != 2 || up[dead] != 1 || ej != 0 {
		t.Fatalf("before any call: up %v, ejections %v; want 2 targets up, 0 ejections", up, ej)
	}
	gw := startGateway(t, u, "", 0)
	for range 2 { // round robin reaches the dead target
		call(t, gw, "GET")
	}
	up, ej = scrapeHealth(t, "health-metrics")
	if up[live.url()] != 1 || up[dead] != 0 || ej != 1 {
		t.Fatalf("after the dead target failed: up %v, ejections %v; want only %s up, 1 ejection", up, ej, live.url())
	}
	if err := u.SetTargets([]balance.Target{{URL: live.url()}}); err != nil {
		t.Fatal(err)
	}
	up, ej = scrapeHealth(t, "health-metrics")
	if len(up) != 1 || up[live.url()] != 1 || ej != 1 {
		t.Fatalf("after the reload: up %v, ejections %v; want %s alone, 1 ejection kept", up, ej, live.url())
	}
	u.Close()
	if up, ej := scrapeHealth(t, "health-metrics"); len(up) != 0 || ej != -1 {
		t.Fatalf("after Close: up %v, ejections %v; want no series", up, ej)
	}

	checked, err := NewUpstream(UpstreamConfig{Name: "checked", Targets: []balance.Target{{URL: live.url()}, {URL: sick.url()}},
		Health: Health{Path: "/healthz", Interval: 10 * time.Millisecond, Healthy: 1, Unhealthy: 1}})
	if err != nil {
		t.Fatal(err)
	}
	defer checked.Close()
	sick.health.Store(500)
	waitFor(t, func() bool { up, _ := scrapeHealth(t, "checked"); return up[sick.url()] == 0 && up[live.url()] == 1 })
	sick.health.Store(0)
	waitFor(t, func() bool { up, _ := scrapeHealth(t, "checked"); return up[sick.url()] == 1 })
}

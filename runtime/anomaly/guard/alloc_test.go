//go:build !race

package guard

import (
	"testing"

	"github.com/gatewaygen/gatewaygen/runtime/anomaly"
)

func TestRequestPathDoesNotAllocate(t *testing.T) {
	g := New(Config{Gateway: "t", Ops: []string{"(none)", "listItems"}, Action: Block, Detector: anomaly.Config{}})
	defer g.Close()
	ctx := request("192.0.2.7", 401)
	if n := testing.AllocsPerRun(1000, func() {
		g.Observe(ctx, 1, "alice", 0, false)
		g.Refused(ctx, "")
	}); n != 0 {
		t.Fatalf("Observe and Refused allocate %v times per request, want 0", n)
	}
}

// Package guard connects runtime/anomaly to a fasthttp gateway: it feeds the
// detector from each request, runs its clock, logs and counts its events,
// lists the recent ones for the admin listener, acts on them (block a key
// for a while, hold it to a tight rate, or tag its upstream requests) and
// exports the traffic forecast as gauges an autoscaler can read.
package guard

import (
	"encoding/json"
	"io"
	"os"
	"strconv"
	"time"

	vm "github.com/VictoriaMetrics/metrics"
	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/anomaly"
	"github.com/gatewaygen/gatewaygen/runtime/problem"
	"github.com/gatewaygen/gatewaygen/runtime/ratelimit"
)

// Action is what the gateway does about an event's key.
type Action uint8

const (
	Log      Action = iota // log, count and list only
	Header                 // also tag the key's upstream requests with X-Anomaly for TTL
	Block                  // also refuse the key's requests with 403 for TTL
	Throttle               // also hold the key to Config.Throttle's rate for TTL, refusing the excess with 429
)

// DefaultTTL is how long a key stays blocked, throttled or tagged after an
// event.
const DefaultTTL = 10 * time.Minute

// Rate is the allowance of a throttled key: Count requests per Period, of
// which up to Burst may come at once (0: Count).
type Rate struct {
	Count  int64
	Period time.Duration
	Burst  int64
}

// DefaultThrottle is a throttled key's allowance when the config names
// none: a tenth of what the per-key rate signal tolerates by default, so
// a throttled client is slowed well below the level that flagged it.
var DefaultThrottle = Rate{Count: 1, Period: time.Second, Burst: 5}

// ThrottlePolicy names the throttle in RateLimit-Policy and RateLimit.
const ThrottlePolicy = "anomaly-throttle"

// listSize bounds the keys blocked, throttled or tagged at once; the
// throttle's counts are bounded alike.
const listSize = 4096

// HeaderName tags an upstream request from a key an event named.
const HeaderName = "X-Anomaly"

// Config is a guard's set-up; Detector's zero fields take runtime/anomaly's
// defaults.
type Config struct {
	Gateway  string   // the API's name, a label of every series
	Ops      []string // operation names, indexed as the gateway's operation ids
	Action   Action
	TTL      time.Duration // 0: DefaultTTL
	Capacity float64       // requests per second one instance serves; 0: no replica gauge
	Detector anomaly.Config
	Throttle Rate // with action Throttle; zero fields take DefaultThrottle's
	// Proxies are the peers whose forwarding header names the client, as
	// the rate limiter reads it; nil: the client is the peer.
	Proxies *ratelimit.Proxies
	Log     io.Writer // where events are logged as JSON lines; nil: stderr
	// Export registers the series for the admin listener's /metrics; a
	// gateway without one keeps them to itself.
	Export bool
}

// Guard is one gateway's detector and what acts on its findings. Observe,
// Refused and Tag are safe from any number of request goroutines and do not
// allocate; Run is one goroutine.
type Guard struct {
	cfg    Config
	det    *anomaly.Detector
	listed *anomaly.BlockList // keys blocked, throttled or tagged, by action
	limit  *ratelimit.Op      // a throttled key's allowance, with action Throttle
	set    *vm.Set
	events *vm.Counter
	log    io.Writer
	now    func() time.Time // tests' clock
}

// New builds a guard.
func New(cfg Config) *Guard {
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultTTL
	}
	g := &Guard{cfg: cfg, listed: anomaly.NewBlockList(listSize), set: vm.NewSet(), log: cfg.Log, now: time.Now}
	if g.log == nil {
		g.log = os.Stderr
	}
	if cfg.Action == Throttle {
		g.limit = newThrottle(cfg)
	}
	dc := cfg.Detector
	dc.Ops = len(cfg.Ops)
	dc.OnEvent = g.onEvent
	g.det = anomaly.New(dc)
	gw := `gateway=` + strconv.Quote(cfg.Gateway)
	g.events = g.set.NewCounter(`gateway_anomaly_events_total{` + gw + `}`)
	horizons := []struct {
		label string
		d     time.Duration
	}{{"5m", 5 * time.Minute}, {"15m", 15 * time.Minute}}
	for _, h := range horizons {
		h := h
		for i, name := range cfg.Ops {
			if name == "" {
				continue
			}
			op := i
			g.set.NewGauge(`gateway_forecast_requests_per_second{`+gw+`,operation=`+strconv.Quote(name)+`,horizon="`+h.label+`"}`,
				func() float64 { r, _ := g.det.Forecast(op, h.d); return r })
		}
		g.set.NewGauge(`gateway_forecast_requests_per_second{`+gw+`,operation="",horizon="`+h.label+`"}`,
			func() float64 { r, _ := g.det.Forecast(-1, h.d); return r })
		if cfg.Capacity > 0 {
			g.set.NewGauge(`gateway_recommended_replicas{`+gw+`,horizon="`+h.label+`"}`, func() float64 {
				r, ok := g.det.Forecast(-1, h.d)
				if !ok {
					// No season seen yet: no forecast to scale on; one
					// replica is the floor an autoscaler keeps anyway.
					return 1
				}
				return float64(anomaly.Replicas(r, cfg.Capacity, 0.2, 1, 1000))
			})
		}
	}
	if cfg.Export {
		vm.RegisterSet(g.set)
	}
	return g
}

// Close stops exporting g's series.
func (g *Guard) Close() { vm.UnregisterSet(g.set, true) }

// Run ticks the detector once a second until stop is closed.
func (g *Guard) Run(stop <-chan struct{}) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case now := <-t.C:
			g.det.Tick(now)
		}
	}
}

func (g *Guard) onEvent(e anomaly.Event) {
	g.events.Inc()
	line := append(e.AppendJSON(make([]byte, 0, 256)), '\n')
	_, _ = g.log.Write(line)
	if g.cfg.Action != Log && e.Key != 0 {
		g.listed.Block(e.Key, e.Time.Add(g.cfg.TTL))
	}
}

// newThrottle builds the limiter a throttled key's requests are counted
// in: runtime/ratelimit's GCRA over its in-memory store, keyed as the
// guard keys clients (the consumer, else the client address), so that the
// 429 and its headers are the rate-limit stage's own.
func newThrottle(cfg Config) *ratelimit.Op {
	r := cfg.Throttle
	if r.Count < 1 || r.Period <= 0 {
		r.Count, r.Period = DefaultThrottle.Count, DefaultThrottle.Period
		if r.Burst <= 0 {
			r.Burst = DefaultThrottle.Burst
		}
	}
	op, err := ratelimit.NewOp(ratelimit.Policy{Gateway: cfg.Gateway, Op: "anomaly", Limits: []ratelimit.Limit{{
		Name: ThrottlePolicy, Count: r.Count, Period: r.Period, Burst: max(r.Burst, 0),
		Key: []ratelimit.KeyPart{{Kind: ratelimit.Consumer}},
	}}}, &ratelimit.Stores{Memory: ratelimit.NewMemory(listSize), Proxies: cfg.Proxies})
	if err != nil {
		// NewOp refuses only what the lines above rule out.
		panic("guard: " + err.Error())
	}
	return op
}

// ClientKey is the key of a request's client: its verified consumer when
// there is one, else its address as the trusted proxies report it. 0
// means unknown.
func (g *Guard) ClientKey(ctx *fasthttp.RequestCtx, consumer string) uint64 {
	if consumer != "" {
		return hashString(consumer) | 1<<63
	}
	ip := g.cfg.Proxies.ClientIP(ctx)
	if !ip.IsValid() {
		return 0
	}
	a := ip.As16()
	return hashBytes(a[:]) &^ (1 << 63) // apart from consumers' keys
}

// Observe feeds one finished request of operation op to the detector.
func (g *Guard) Observe(ctx *fasthttp.RequestCtx, op int, consumer string, upstream time.Duration, validationFailed bool) {
	size := ctx.Request.Header.ContentLength()
	g.det.Observe(anomaly.Obs{
		Time:             g.now(),
		Op:               op,
		Key:              g.ClientKey(ctx, consumer),
		Path:             hashBytes(ctx.Path()),
		Status:           ctx.Response.StatusCode(),
		Latency:          upstream,
		Size:             int64(max(size, 0)),
		ValidationFailed: validationFailed,
	})
}

// Refused answers 403 problem+json when the guard blocks the request's
// client (by consumer when one is given, else by address), or 429 when it
// throttles the client and the request is over the throttle's rate, and
// reports whether it did; with the header action it tags the request
// instead.
func (g *Guard) Refused(ctx *fasthttp.RequestCtx, consumer string) bool {
	if g.cfg.Action == Log {
		return false
	}
	now := g.now()
	if g.listed.Active(now) && g.listed.Blocked(g.ClientKey(ctx, consumer), now) {
		return g.act(ctx, consumer)
	}
	if g.cfg.Action == Header && consumer == "" {
		// The upstream believes the tag: a client must not send its own.
		ctx.Request.Header.Del(HeaderName)
	}
	return false
}

// act does the action to a request from a listed client.
func (g *Guard) act(ctx *fasthttp.RequestCtx, consumer string) bool {
	switch g.cfg.Action {
	case Header:
		ctx.Request.Header.Set(HeaderName, "1")
		return false
	case Throttle:
		return !g.limit.Admit(ctx, consumer)
	}
	problem.Write(ctx, fasthttp.StatusForbidden, problem.TypeBlank, "Forbidden",
		"this client is blocked for a while after anomalous traffic", nil)
	return true
}

// event is the admin listing's form of an event.
type event struct {
	Signal    string  `json:"signal"`
	Operation string  `json:"operation"`
	Key       string  `json:"key"`
	Time      string  `json:"time"`
	Observed  float64 `json:"observed"`
	Baseline  float64 `json:"baseline"`
	Threshold float64 `json:"threshold"`
	WindowMS  int64   `json:"window_ms"`
}

// ServeEvents lists the recent events as JSON, oldest first.
func (g *Guard) ServeEvents(ctx *fasthttp.RequestCtx) {
	es := g.det.Events()
	out := make([]event, len(es))
	for i, e := range es {
		op := ""
		if e.Op >= 0 && e.Op < len(g.cfg.Ops) {
			op = g.cfg.Ops[e.Op]
		}
		out[i] = event{Signal: e.Signal.String(), Operation: op, Key: strconv.FormatUint(e.Key, 16),
			Time: e.Time.UTC().Format(time.RFC3339Nano), Observed: e.Observed, Baseline: e.Baseline,
			Threshold: e.Threshold, WindowMS: e.Window.Milliseconds()}
	}
	b, _ := json.Marshal(map[string]any{"events": out})
	ctx.SetContentType("application/json")
	ctx.Response.Header.Set("Cache-Control", "no-store")
	ctx.SetBody(b)
}

// FNV-1a, inline so that hashing a request's bytes allocates nothing.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func hashBytes(b []byte) uint64 {
	h := uint64(fnvOffset)
	for _, c := range b {
		h = (h ^ uint64(c)) * fnvPrime
	}
	return h
}

func hashString(s string) uint64 {
	h := uint64(fnvOffset)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	return h
}

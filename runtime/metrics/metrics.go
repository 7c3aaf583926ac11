// Package metrics counts what a generated gateway serves, per operation, and
// writes it in the Prometheus text exposition for the admin listener's
// /metrics: requests by status class, the gateway's own time apart from the
// upstream's, request and response body sizes, rejections by reason, and
// build information.
//
// It is built on github.com/VictoriaMetrics/metrics rather than
// prometheus/client_golang because an observation there is an atomic add
// or a short mutex section on a metric the gateway holds directly: no
// label lookup (client_golang's WithLabelValues hashes its strings and
// takes a read lock on every call), no variadic []string or interface
// boxing per call, which is how fasthttp code keeps its request path
// allocation free. Every series is created in New, with its labels decided
// then; Observe only updates them.
//
// A Gateway's series live in a Set of their own, registered with the
// package's default (what WritePrometheus writes) until Close.
package metrics

import (
	"io"
	"runtime"
	"strconv"
	"strings"
	"time"

	vm "github.com/VictoriaMetrics/metrics"
	"github.com/valyala/fasthttp"
)

// Reason is why the gateway itself refused a request.
type Reason uint8

// Reasons, as the reason label writes them.
const (
	NotRejected Reason = iota
	Validation         // 400, 415, 422: parameters or body break the contract
	Auth               // 401, 403
	Limit              // 429
	Size               // 413, 414, 431
	nReasons
)

var reasonNames = [nReasons]string{"", "validation", "auth", "limit", "size"}

func (r Reason) String() string { return reasonNames[r] }

// Classify says why a request was refused from the status it got and
// whether that status is the upstream's (answered): an upstream's 400 is
// its own business, not a rejection by the gateway. The gateway's 502, 503
// and 504 say that the upstream failed, not the client, so they are not
// rejections either.
func Classify(status int, answered bool) Reason {
	if answered {
		return NotRejected
	}
	switch status {
	case 400, 415, 422:
		return Validation
	case 401, 403:
		return Auth
	case 429:
		return Limit
	case 413, 414, 431:
		return Size
	}
	return NotRejected
}

// Bucket bounds. The gateway's own time is micro- to milliseconds, an
// upstream's milli- to tens of seconds; one set of buckets for both would
// leave either one in two or three buckets.
var (
	ownBuckets      = vm.ExponentialBuckets(25e-6, 4, 9)  // 25µs … 1.6s
	upstreamBuckets = vm.ExponentialBuckets(0.001, 3, 10) // 1ms … 20s
	sizeBuckets     = vm.ExponentialBuckets(64, 4, 9)     // 64B … 4MiB
)

// Gateway holds the series of one gateway, one Op per operation.
type Gateway struct {
	set *vm.Set
	ops []*Op
}

// Op is the series of one operation. Its methods are safe for concurrent
// use and allocate nothing.
type Op struct {
	classes  [6]*vm.Counter // 1xx … 5xx, then anything else
	rejected [nReasons]*vm.Counter
	own      *vm.PrometheusHistogram
	upstream *vm.PrometheusHistogram
	reqSize  *vm.PrometheusHistogram
	respSize *vm.PrometheusHistogram
}

// Info describes the build for gateway_build_info.
type Info struct {
	Gateway    string // the API's name
	APIVersion string // info.version of the document
}

// New creates the series of a gateway whose operations are named by ops
// (indexed as the caller's operation ids; "" leaves a hole, for ids that
// are not operations) and registers them for WritePrometheus.
func New(info Info, ops []string) *Gateway {
	vm.ExposeMetadata(true)
	g := &Gateway{set: vm.NewSet(), ops: make([]*Op, len(ops))}
	g.set.NewGauge(`gateway_build_info{gateway=`+quote(info.Gateway)+`,api_version=`+quote(info.APIVersion)+
		`,go_version=`+quote(runtime.Version())+`}`, func() float64 { return 1 })
	seen := map[string]bool{}
	for i, name := range ops {
		if name == "" {
			continue
		}
		if seen[name] {
			// Two series of one name would make the registry panic; a
			// document's duplicate operationId must not stop the gateway.
			name += "#" + strconv.Itoa(i)
		}
		seen[name] = true
		l := `operation=` + quote(name)
		o := &Op{
			own:      g.set.NewPrometheusHistogramExt(`gateway_own_duration_seconds{`+l+`}`, ownBuckets),
			upstream: g.set.NewPrometheusHistogramExt(`gateway_upstream_duration_seconds{`+l+`}`, upstreamBuckets),
			reqSize:  g.set.NewPrometheusHistogramExt(`gateway_request_size_bytes{`+l+`}`, sizeBuckets),
			respSize: g.set.NewPrometheusHistogramExt(`gateway_response_size_bytes{`+l+`}`, sizeBuckets),
		}
		for c := range o.classes {
			class := "other"
			if c < 5 {
				class = strconv.Itoa(c+1) + "xx"
			}
			o.classes[c] = g.set.NewCounter(`gateway_requests_total{` + l + `,class="` + class + `"}`)
		}
		for r := Validation; r < nReasons; r++ {
			o.rejected[r] = g.set.NewCounter(`gateway_rejections_total{` + l + `,reason="` + r.String() + `"}`)
		}
		g.ops[i] = o
	}
	vm.RegisterSet(g.set)
	return g
}

// Op returns the series of operation i; nil for a hole.
func (g *Gateway) Op(i int) *Op { return g.ops[i] }

// Close removes g's series from what WritePrometheus writes.
func (g *Gateway) Close() { vm.UnregisterSet(g.set, true) }

// WritePrometheus writes g's series alone, in the text exposition.
func (g *Gateway) WritePrometheus(w io.Writer) { g.set.WritePrometheus(w) }

// Observe records one finished request: ctx holds its answer, took is the
// time since the request's header was read, upstream the part of it spent
// waiting on the upstream (0 when none was called), and answered whether
// ctx holds the upstream's answer rather than the gateway's own.
func (o *Op) Observe(ctx *fasthttp.RequestCtx, took, upstream time.Duration, answered bool) {
	status := ctx.Response.StatusCode()
	c := status/100 - 1
	if c < 0 || c > 4 {
		c = 5
	}
	o.classes[c].Inc()
	if r := Classify(status, answered); r != NotRejected {
		o.rejected[r].Inc()
	}
	own := took - upstream
	o.own.Update(max(own, 0).Seconds())
	if upstream > 0 {
		o.upstream.Update(upstream.Seconds())
	}
	o.reqSize.Update(float64(len(ctx.Request.Body())))
	o.respSize.Update(float64(ResponseSize(&ctx.Response)))
}

// ResponseSize is the length of resp's body without reading a streamed
// one: its Content-Length then, or 0 when that is unknown.
func ResponseSize(resp *fasthttp.Response) int {
	if resp.IsBodyStream() {
		return max(resp.Header.ContentLength(), 0)
	}
	return len(resp.Body())
}

// WritePrometheus writes every registered gateway's series, then the
// process's and the Go runtime's (process_*, go_*), in the text
// exposition.
func WritePrometheus(w io.Writer) { vm.WritePrometheus(w, true) }

// quote writes s as a label value: a double-quoted string with backslash,
// quote and newline escaped, as the exposition format wants.
func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

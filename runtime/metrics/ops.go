package metrics

import (
	"io"

	vm "github.com/VictoriaMetrics/metrics"
)

// preflights count the CORS preflights the gateway answered itself, by
// whether it allowed them: a rise in refused ones is a page of another
// origin calling the API, or a front end that sends a header the document
// does not declare.
var preflights = func() (cs [2]*vm.Counter) {
	set := vm.NewSet()
	cs[0] = set.NewCounter(`gateway_cors_preflights_total{result="refused"}`)
	cs[1] = set.NewCounter(`gateway_cors_preflights_total{result="allowed"}`)
	vm.RegisterSet(set)
	return cs
}()

// Preflight counts one preflight answered by the gateway.
func Preflight(allowed bool) {
	if allowed {
		preflights[1].Inc()
	} else {
		preflights[0].Inc()
	}
}

// PreflightCount is how many preflights were allowed, or refused, so far.
func PreflightCount(allowed bool) uint64 {
	if allowed {
		return preflights[1].Get()
	}
	return preflights[0].Get()
}

// RegisterWriter adds write to what WritePrometheus writes: for series
// whose labels change while the process runs (an upstream's targets are
// replaced on SIGHUP), which a Set created once cannot hold. write runs at
// scrape time only, so the state it reads is whatever the request path
// keeps anyway; it must write whole families, each with its # TYPE line.
func RegisterWriter(write func(w io.Writer)) { vm.RegisterMetricsWriter(write) }

// Quote writes s as a label value, for RegisterWriter's writers.
func Quote(s string) string { return quote(s) }

// panics counts the requests whose handler panicked and that the server
// answered 500 instead of exiting: any count is a bug to report.
var panics = func() *vm.Counter {
	set := vm.NewSet()
	c := set.NewCounter(`gateway_panics_total`)
	vm.RegisterSet(set)
	return c
}()

// Panicked counts one request whose handler panicked.
func Panicked() { panics.Inc() }

// PanicCount is how many handlers panicked so far.
func PanicCount() uint64 { return panics.Get() }

package metrics

import (
	vm "github.com/VictoriaMetrics/metrics"
)

// Refusal is why the server refused a request before any operation saw
// it: fasthttp could not read or accept the request line, headers or body,
// so there is no operation to count it under.
type Refusal uint8

// Refusals, as the reason label writes them.
const (
	HeaderTimeout   Refusal = iota // 408: the header did not arrive in time
	HeadersTooLarge                // 431: request line and headers over the read buffer
	BodyTooLarge                   // 413: a body over its operation's limit, cut before routing
	Malformed                      // 400: not an HTTP request fasthttp can parse
	nRefusals
)

var refusalNames = [nRefusals]struct{ reason, status string }{
	HeaderTimeout:   {"header_timeout", "408"},
	HeadersTooLarge: {"headers_too_large", "431"},
	BodyTooLarge:    {"body_too_large", "413"},
	Malformed:       {"malformed", "400"},
}

func (r Refusal) String() string { return refusalNames[r].reason }

// refusals are process-wide rather than a Gateway's: the server refuses
// before it knows which gateway (or operation) a request was for, and one
// process serves one listener. They are created once, so that counting is
// an atomic add.
var refusals = func() (cs [nRefusals]*vm.Counter) {
	set := vm.NewSet()
	for r := range nRefusals {
		n := refusalNames[r]
		cs[r] = set.NewCounter(`gateway_server_refusals_total{status="` + n.status + `",reason="` + n.reason + `"}`)
	}
	vm.RegisterSet(set)
	return cs
}()

// Refused counts one request the server refused before routing.
func Refused(r Refusal) { refusals[r].Inc() }

// RefusedCount is how many requests were refused for r so far.
func RefusedCount(r Refusal) uint64 { return refusals[r].Get() }

// Package anomaly notices, in the request path and within seconds, traffic that
// is not normal for a gateway: request-rate surges and drops, bursts of 401/403
// from one source or spread over many, 404s over many distinct paths, bursts of
// validation failures and 429s, upstream 5xx and latency shifts, and request
// size shifts. It also forecasts each operation's request rate (Holt-Winters
// with an additive daily season) and turns a forecast into a replica count.
//
// A gateway calls Detector.Observe once per request and Detector.Tick about
// once a second from one goroutine. Observe only performs atomic additions on
// sharded counters and fixed-size count-min sketches: it never allocates,
// never takes a lock, and its memory does not grow with the number of clients
// (a million client keys cost the same few hundred kilobytes as ten). Tick
// compares the closed time buckets with baselines learned from the traffic
// itself and reports each finding as an Event that names the signal, the key,
// the observed value, the baseline, the threshold and the time; a cooldown
// makes one incident one event.
//
// The package must never act on traffic itself (logging, tagging, throttling
// and blocking are the gateway's decisions; BlockList is only the memory such
// a decision needs), never see request bytes (callers pass hashes of keys and
// paths, so nothing here parses untrusted input), and never block or slow the
// request path to keep its own state exact: its counts are estimates and a
// late observation may land in the next bucket.
package anomaly

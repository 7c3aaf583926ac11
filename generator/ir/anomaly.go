package ir

import "time"

// Anomaly is x-gateway anomaly: the gateway runs one detector over its
// traffic (runtime/anomaly) and acts on its events. Zero durations and counts
// take the runtime's defaults.
type Anomaly struct {
	Action   string        `json:"action"`             // log, header or block
	TTL      time.Duration `json:"ttl,omitempty"`      // how long an event's client stays blocked or tagged
	Capacity int64         `json:"capacity,omitempty"` // requests per second per instance, for the replica gauge; 0 for none
	WarmUp   time.Duration `json:"warmUp,omitempty"`   // traffic learned from before any event
	KeyAuth  int64         `json:"keyAuth,omitempty"`  // 401/403s per client per key window that make an event
}

package ir

import "time"

// Anomaly is x-gateway anomaly: the gateway runs one detector over its
// traffic (runtime/anomaly) and acts on its events. Zero durations and counts
// take the runtime's defaults.
type Anomaly struct {
	Action   string        `json:"action"`             // log, header, throttle or block
	TTL      time.Duration `json:"ttl,omitempty"`      // how long an event's client stays blocked, throttled or tagged
	Capacity int64         `json:"capacity,omitempty"` // requests per second per instance, for the replica gauge; 0 for none
	WarmUp   time.Duration `json:"warmUp,omitempty"`   // traffic learned from before any event
	KeyAuth  int64         `json:"keyAuth,omitempty"`  // 401/403s per client per key window that make an event

	// Throttle is a throttled client's allowance (action throttle); nil
	// takes the runtime's default.
	Throttle *AnomalyThrottle `json:"throttle,omitempty"`
	// The detectors' other thresholds, per key window for the per-client
	// counts.
	KeyRate       int64         `json:"keyRate,omitempty"`       // requests from one client
	KeyNotFound   int64         `json:"keyNotFound,omitempty"`   // distinct 404 paths to one client
	KeyValidation int64         `json:"keyValidation,omitempty"` // validation failures from one client
	KeyThrottled  int64         `json:"keyThrottled,omitempty"`  // 429s to one client
	Cooldown      time.Duration `json:"cooldown,omitempty"`      // quiet time before a finding reports again
	RateFactor    float64       `json:"rateFactor,omitempty"`    // surge over the baseline rate
	ShareFactor   float64       `json:"shareFactor,omitempty"`   // error share over the usual one
	LatencyFactor float64       `json:"latencyFactor,omitempty"` // typical latency over the usual one
	SizeFactor    float64       `json:"sizeFactor,omitempty"`    // typical request size over the usual one
}

// AnomalyThrottle is what a throttled client may still send: Count
// requests per Period, Burst at once (0: Count).
type AnomalyThrottle struct {
	Count  int64         `json:"count"`
	Period time.Duration `json:"period"`
	Burst  int64         `json:"burst,omitempty"`
}

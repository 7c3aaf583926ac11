//go:build race

package sim

// raceEnabled lets the replay tests step aside under -race: the detector's
// own tests cover its concurrency, and a replay of millions of requests under
// the race detector takes minutes.
const raceEnabled = true

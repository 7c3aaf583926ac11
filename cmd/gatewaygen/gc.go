package main

import (
	"os"
	"runtime/debug"
)

// gcPercent is the garbage collector's target for this short-lived
// command. Generating a document of hundreds of operations allocates
// gigabytes in total with a live heap of a few hundred megabytes; at Go's
// default of 100 the collector took a fifth of the CPU time. 400 trades that
// for a peak heap about twice as large (under 1 GB for the largest document
// of the corpus). The gateway that serve runs is another process and keeps
// the default.
const gcPercent = 400

func init() {
	if os.Getenv("GOGC") == "" { // the user's setting wins
		debug.SetGCPercent(gcPercent)
	}
}

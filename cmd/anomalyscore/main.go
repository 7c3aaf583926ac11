// Command anomalyscore replays seeded simulated traces through the anomaly
// detectors and prints the worst recall, detection delay, false alerts and
// forecast error over the seeds; it exits 1 when a goal is missed.
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"sync"

	"github.com/gatewaygen/gatewaygen/runtime/anomaly/sim"
)

func main() {
	seeds := flag.Int("seeds", 5, "number of seeds")
	first := flag.Uint64("first", 1, "the first seed; the others follow it")
	days := flag.Int("days", 3, "simulated days per seed")
	verbose := flag.Bool("v", false, "print each seed's false alerts by signal")
	flag.Parse()
	results := make([]*sim.Result, *seeds)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() { results[i] = sim.Run(sim.Config{Seed: *first + uint64(i), Days: *days}) })
	}
	wg.Wait()
	if *verbose {
		for _, r := range results {
			names := make([]string, 0, len(r.FalseBy))
			for n := range r.FalseBy {
				names = append(names, n)
			}
			sort.Strings(names)
			fmt.Printf("seed %d: %d events, false:", r.Seed, len(r.Events))
			for _, n := range names {
				fmt.Printf(" %s=%d", n, r.FalseBy[n])
			}
			fmt.Println()
		}
	}
	w := sim.Fold(results)
	w.Print(os.Stdout)
	if miss := w.Goals(); len(miss) > 0 {
		fmt.Fprintln(os.Stderr, "goals missed:")
		for _, m := range miss {
			fmt.Fprintln(os.Stderr, "  "+m)
		}
		os.Exit(1)
	}
}

package main

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
)

// The baselines every row is divided by, by target id, in column order.
var baselines = []struct{ Target, Title string }{
	{"direct", "÷ direct"},
	{"nginx", "÷ nginx"},
	{"naive", "÷ naive"},
	{"gw-route", "÷ routing only"},
}

// spread is a median with the range it was taken over.
type spread struct {
	Med, Min, Max float64
	N             int // values; 0: nothing measured
}

func spreadOf(xs []float64) spread {
	if len(xs) == 0 {
		return spread{}
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return spread{Med: med, Min: s[0], Max: s[len(s)-1], N: len(s)}
}

type row struct {
	Slot          int
	Target, Label string
	Runs          int      // rounds measured
	Left          []string // why rounds were left out
	RPS, P50, P99 spread
	CPUProxy      spread // N == 0 when the row has no proxy
	CPUBackend    spread
	CPUWrk        spread
	Ratio         []spread // requests/s over each baseline's, per round
	P99Nginx      spread   // p99 over nginx's, per round
	// CPUPerReq is the proxy's CPU time per request in µs, per round, and
	// CPURatio it over each baseline's in the same round (N == 0 for a
	// baseline without a proxy). On a shared machine a neighbour's work
	// takes cycles from a target, and its requests/s with them, but hardly
	// changes what each request costs: these spread far less than req/s.
	CPUPerReq spread
	CPURatio  []spread
}

type caseSummary struct {
	Case   string
	Rounds int
	Rows   []row
	Idle   spread // machine idle % before the runs
}

type summary struct{ Cases []caseSummary }

// summarize groups runs by case and target. A run with non-2xx answers or
// socket errors measured something else than the others (an error path)
// and is left out, with the reason kept for the table's notes.
func summarize(runs []run) *summary {
	var order []string
	byCase := map[string][]run{}
	for _, r := range runs {
		if _, seen := byCase[r.Case]; !seen {
			order = append(order, r.Case)
		}
		byCase[r.Case] = append(byCase[r.Case], r)
	}
	s := &summary{}
	for _, c := range order {
		s.Cases = append(s.Cases, summarizeCase(c, byCase[c]))
	}
	return s
}

func summarizeCase(name string, runs []run) caseSummary {
	type key struct {
		target string
		round  int
	}
	good := map[key]run{}
	rounds := map[int]bool{}
	var targets []run // one run per target, for its slot and label
	seen := map[string]bool{}
	var idle []float64
	left := map[string][]string{}
	for _, r := range runs {
		rounds[r.Round] = true
		if !seen[r.Target] {
			seen[r.Target] = true
			targets = append(targets, r)
		}
		if r.IdleBefore >= 0 {
			idle = append(idle, r.IdleBefore)
		}
		if r.Non2xx > 0 || r.SockErr > 0 {
			left[r.Target] = append(left[r.Target],
				fmt.Sprintf("round %d: %d non-2xx answers, %d socket errors", r.Round, r.Non2xx, r.SockErr))
			continue
		}
		good[key{r.Target, r.Round}] = r
	}
	sort.SliceStable(targets, func(i, j int) bool { return targets[i].Slot < targets[j].Slot })
	var roundList []int
	for r := range rounds {
		roundList = append(roundList, r)
	}
	sort.Ints(roundList)

	cs := caseSummary{Case: name, Rounds: len(roundList), Idle: spreadOf(idle)}
	for _, t := range targets {
		var rps, p50, p99, cp, cb, cw, p99n, cpr []float64
		ratios := make([][]float64, len(baselines))
		cpuRatios := make([][]float64, len(baselines))
		for _, rd := range roundList {
			r, ok := good[key{t.Target, rd}]
			if !ok {
				continue
			}
			rps = append(rps, r.RPS)
			p50 = append(p50, r.P50us/1000)
			p99 = append(p99, r.P99us/1000)
			if r.CPUProxy >= 0 {
				cp = append(cp, r.CPUProxy)
			}
			if r.CPUBackend >= 0 {
				cb = append(cb, r.CPUBackend)
			}
			if r.CPUWrk >= 0 {
				cw = append(cw, r.CPUWrk)
			}
			for i, b := range baselines {
				if base, ok := good[key{b.Target, rd}]; ok && base.RPS > 0 {
					ratios[i] = append(ratios[i], r.RPS/base.RPS)
				}
			}
			if base, ok := good[key{"nginx", rd}]; ok && base.P99us > 0 {
				p99n = append(p99n, r.P99us/base.P99us)
			}
			if c, ok := cpuPerRequest(r); ok {
				cpr = append(cpr, c)
				for i, b := range baselines {
					if bc, ok := cpuPerRequest(good[key{b.Target, rd}]); ok {
						cpuRatios[i] = append(cpuRatios[i], c/bc)
					}
				}
			}
		}
		rw := row{
			Slot: t.Slot, Target: t.Target, Label: t.Label, Runs: len(rps), Left: left[t.Target],
			RPS: spreadOf(rps), P50: spreadOf(p50), P99: spreadOf(p99),
			CPUProxy: spreadOf(cp), CPUBackend: spreadOf(cb), CPUWrk: spreadOf(cw),
			P99Nginx: spreadOf(p99n), CPUPerReq: spreadOf(cpr),
		}
		for i := range baselines {
			rw.Ratio = append(rw.Ratio, spreadOf(ratios[i]))
			rw.CPURatio = append(rw.CPURatio, spreadOf(cpuRatios[i]))
		}
		cs.Rows = append(cs.Rows, rw)
	}
	return cs
}

// cpuPerRequest is r's proxy CPU time per request in µs; false for a run
// without a proxy (or none at all).
func cpuPerRequest(r run) (float64, bool) {
	if r.CPUProxy <= 0 || r.RPS <= 0 {
		return 0, false
	}
	return r.CPUProxy / 100 / r.RPS * 1e6, true
}

// ratioCell prints a per-round ratio's median and range; a row is 1 against
// itself.
func ratioCell(s spread, self bool) string {
	switch {
	case self:
		return "1"
	case s.N == 0:
		return "—"
	case s.N == 1:
		return fmt.Sprintf("%.2f", s.Med)
	}
	return fmt.Sprintf("%.2f (%.2f–%.2f)", s.Med, s.Min, s.Max)
}

func cpuCell(s spread) string {
	if s.N == 0 {
		return "—"
	}
	return fmt.Sprintf("%.0f", s.Med)
}

func writeTables(w io.Writer, s *summary) {
	for i, c := range s.Cases {
		if i > 0 {
			fmt.Fprintln(w)
		}
		rounds := "rounds"
		if c.Rounds == 1 {
			rounds = "round"
		}
		fmt.Fprintf(w, "**%s**, %d %s; machine idle before each run: median %.0f%% (%.0f–%.0f%%)\n\n",
			c.Case, c.Rounds, rounds, c.Idle.Med, c.Idle.Min, c.Idle.Max)
		fmt.Fprint(w, "| target | req/s, median (min–max) | p50 ms | p99 ms | CPU % proxy / backend / wrk |")
		for _, b := range baselines {
			fmt.Fprintf(w, " req/s %s |", b.Title)
		}
		fmt.Fprintln(w, " p99 ÷ nginx |")
		fmt.Fprintln(w, "|---|--:|--:|--:|--:|"+strings.Repeat("--:|", len(baselines))+"--:|")
		var notes []string
		for _, r := range c.Rows {
			if r.Runs == 0 {
				fmt.Fprintf(w, "| %s | — | — | — | — |%s — |\n", r.Label, strings.Repeat(" — |", len(baselines)))
			} else {
				rps := fmt.Sprintf("%.0f", r.RPS.Med)
				if r.RPS.N > 1 {
					rps += fmt.Sprintf(" (%.0f–%.0f)", r.RPS.Min, r.RPS.Max)
				}
				fmt.Fprintf(w, "| %s | %s | %.2f | %.2f | %s / %s / %s |",
					r.Label, rps, r.P50.Med, r.P99.Med,
					cpuCell(r.CPUProxy), cpuCell(r.CPUBackend), cpuCell(r.CPUWrk))
				for i, b := range baselines {
					fmt.Fprintf(w, " %s |", ratioCell(r.Ratio[i], b.Target == r.Target))
				}
				fmt.Fprintf(w, " %s |\n", ratioCell(r.P99Nginx, r.Target == "nginx"))
			}
			for _, why := range r.Left {
				notes = append(notes, fmt.Sprintf("%s, %s: left out", r.Label, why))
			}
		}
		for _, n := range notes {
			fmt.Fprintf(w, "\nNote: %s.\n", n)
		}
		writeCPUTable(w, c)
	}
}

// writeCPUTable prints what a request costs each proxy: its CPU time per
// request and that over each baseline's, per round (median and range).
func writeCPUTable(w io.Writer, c caseSummary) {
	var cols []int // baselines with a proxy
	for i, b := range baselines {
		for _, r := range c.Rows {
			if r.Target == b.Target && r.CPUPerReq.N > 0 {
				cols = append(cols, i)
				break
			}
		}
	}
	fmt.Fprintf(w, "\n%s: the proxy's CPU time per request (user + system, from /proc), per round\n\n", c.Case)
	fmt.Fprint(w, "| target | proxy CPU µs per request, median (min–max) |")
	for _, i := range cols {
		fmt.Fprintf(w, " %s |", baselines[i].Title)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "|---|--:|"+strings.Repeat("--:|", len(cols)))
	for _, r := range c.Rows {
		if r.CPUPerReq.N == 0 {
			continue
		}
		cell := fmt.Sprintf("%.1f", r.CPUPerReq.Med)
		if r.CPUPerReq.N > 1 {
			cell += fmt.Sprintf(" (%.1f–%.1f)", r.CPUPerReq.Min, r.CPUPerReq.Max)
		}
		fmt.Fprintf(w, "| %s | %s |", r.Label, cell)
		for _, i := range cols {
			fmt.Fprintf(w, " %s |", ratioCell(r.CPURatio[i], baselines[i].Target == r.Target))
		}
		fmt.Fprintln(w)
	}
}

func writeIdleTable(w io.Writer, res []idleResult) {
	sort.SliceStable(res, func(i, j int) bool { return res[i].Slot < res[j].Slot })
	var nginx float64
	for _, r := range res {
		if r.Target == "nginx" {
			nginx = r.AfterKiB
		}
	}
	fmt.Fprintln(w, "**Memory with idle keep-alive connections** (one GET each, then held idle)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| target | idle connections | RSS before, MiB | RSS with them, MiB | KiB per idle connection | RSS with them ÷ nginx's |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|")
	for _, r := range res {
		per := "—"
		if r.Conns > 0 {
			per = fmt.Sprintf("%.1f", (r.AfterKiB-r.BeforeKiB)/float64(r.Conns))
		}
		rel := "—"
		if nginx > 0 {
			rel = fmt.Sprintf("%.2f", r.AfterKiB/nginx)
		}
		fmt.Fprintf(w, "| %s | %d | %.1f | %.1f | %s | %s |\n",
			r.Label, r.Conns, r.BeforeKiB/1024, r.AfterKiB/1024, per, rel)
	}
}

// niceStep is the tick interval of an axis from 0 to max: 0.25, 0.5, 1 or a
// power of ten times 1, 2 or 5, about five ticks.
func niceStep(max float64) float64 {
	raw := max / 5
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if raw <= m*p {
			return m * p
		}
	}
	return 10 * p
}

package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// run is one measured wrk run: one target, one case, one round.
type run struct {
	Round   int
	Case    string // the request, as the table titles it
	Slot    int    // the target's place in the script's list: the row order
	Target  string // short id: direct, nginx, naive... (the baselines are found by it)
	Label   string // the row's name
	RPS     float64
	P50us   float64
	P99us   float64
	Non2xx  int // responses that were not 2xx or 3xx: the run does not count if any
	SockErr int
	// CPU use over the run, in percent of one core; negative when the side
	// has no process (the proxy of the direct row).
	CPUProxy, CPUBackend, CPUWrk float64
	IdleBefore                   float64 // percent of the machine idle just before the run
}

// runColumns are RESULTS.tsv's columns, in order; the header line must
// name exactly these.
var runColumns = []string{"round", "case", "slot", "target", "label", "rps", "p50_us", "p99_us",
	"non2xx", "sockerr", "cpu_proxy", "cpu_backend", "cpu_wrk", "idle_before"}

func readRunsFile(path string) ([]run, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readRuns(path, f)
}

// readRuns reads RESULTS.tsv; name prefixes the errors' locations.
func readRuns(name string, r io.Reader) ([]run, error) {
	var runs []run
	err := readTSV(name, r, runColumns, func(p *fields) {
		x := run{
			Round:      p.int(0),
			Case:       p.text(1),
			Slot:       p.int(2),
			Target:     p.text(3),
			Label:      p.text(4),
			RPS:        p.num(5),
			P50us:      p.num(6),
			P99us:      p.num(7),
			Non2xx:     p.int(8),
			SockErr:    p.int(9),
			CPUProxy:   p.optNum(10),
			CPUBackend: p.optNum(11),
			CPUWrk:     p.optNum(12),
			IdleBefore: p.optNum(13),
		}
		runs = append(runs, x)
	})
	if err != nil {
		return nil, err
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("%s: no runs after the header line", name)
	}
	return runs, nil
}

// idleResult is one target's memory with many idle connections.
type idleResult struct {
	Slot          int
	Target, Label string
	Conns         int // connections held (all asked for, or the run is refused)
	BeforeKiB     float64
	AfterKiB      float64
}

var idleColumns = []string{"slot", "target", "label", "conns", "rss_before_kib", "rss_after_kib"}

func readIdleFile(path string) ([]idleResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readIdle(path, f)
}

func readIdle(name string, r io.Reader) ([]idleResult, error) {
	var res []idleResult
	err := readTSV(name, r, idleColumns, func(p *fields) {
		res = append(res, idleResult{
			Slot: p.int(0), Target: p.text(1), Label: p.text(2), Conns: p.int(3),
			BeforeKiB: p.num(4), AfterKiB: p.num(5),
		})
	})
	if err != nil {
		return nil, err
	}
	if len(res) == 0 {
		return nil, fmt.Errorf("%s: no targets after the header line", name)
	}
	return res, nil
}

// fields parses the cells of one line; the first bad cell is kept as err.
type fields struct {
	where string
	names []string
	cells []string
	err   error
}

func (p *fields) fail(i int, want string) {
	if p.err == nil {
		p.err = fmt.Errorf("%s: column %s: expected %s, found %q", p.where, p.names[i], want, p.cells[i])
	}
}

func (p *fields) text(i int) string {
	if p.cells[i] == "" {
		p.fail(i, "a value")
	}
	return p.cells[i]
}

func (p *fields) int(i int) int {
	v, err := strconv.Atoi(p.cells[i])
	if err != nil || v < 0 {
		p.fail(i, "a whole number ≥ 0")
	}
	return v
}

func (p *fields) num(i int) float64 {
	v, err := strconv.ParseFloat(p.cells[i], 64)
	if err != nil || v < 0 || v != v {
		p.fail(i, "a number ≥ 0")
	}
	return v
}

// optNum is num, or -1 for "-" (not measured).
func (p *fields) optNum(i int) float64 {
	if p.cells[i] == "-" {
		return -1
	}
	return p.num(i)
}

// readTSV checks the header line against columns and calls row for each
// further non-empty line.
func readTSV(name string, r io.Reader, columns []string, row func(*fields)) error {
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if line == 1 {
			if got := strings.Join(strings.Split(text, "\t"), ","); got != strings.Join(columns, ",") {
				return fmt.Errorf("%s:1: expected the header %s, found %s", name, strings.Join(columns, ","), got)
			}
			continue
		}
		if text == "" {
			continue
		}
		cells := strings.Split(text, "\t")
		where := fmt.Sprintf("%s:%d", name, line)
		if len(cells) != len(columns) {
			return fmt.Errorf("%s: expected %d tab-separated columns, found %d", where, len(columns), len(cells))
		}
		p := &fields{where: where, names: columns, cells: cells}
		row(p)
		if p.err != nil {
			return p.err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if line == 0 {
		return fmt.Errorf("%s: empty, expected a header line", name)
	}
	return nil
}

// Command benchcmp reads `go test -bench -benchmem` output on stdin and
// prints, for every case measured by BenchmarkGeneratedValidate/<case>
// (the generated validation: route, parameters, body), BenchmarkGenerated/<case>
// (the whole request through the handler in mock mode) and
// BenchmarkOpenAPI3Filter/<case>, one row: the median ns/op and allocs/op
// of each side and how many times faster the generated code is. It
// echoes nothing else, and fails when a case has only one side, so a
// renamed benchmark cannot silently drop out of the table.
//
//	go test -run '^$' -bench . -benchmem ./generator/oracle/ | go run ./scripts/benchcmp
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// sample is one benchmark line's measurements.
type sample struct{ ns, bytes, allocs float64 }

// line matches e.g. "BenchmarkGenerated/30/query/valid-2  2000  535.0 ns/op ...".
var line = regexp.MustCompile(`^Benchmark(GeneratedValidate|Generated|OpenAPI3Filter)/(\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchcmp:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer) error {
	got := map[string]map[string][]sample{} // side → case → samples
	var order []string
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		text := sc.Text()
		if strings.HasPrefix(text, "FAIL") || strings.HasPrefix(text, "--- FAIL") || strings.HasPrefix(text, "panic:") {
			return fmt.Errorf("the benchmarks failed: %s", text)
		}
		m := line.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		side, name := m[1], m[2]
		s, err := parse(m[3])
		if err != nil {
			return fmt.Errorf("%s: %w", text, err)
		}
		if got[side] == nil {
			got[side] = map[string][]sample{}
		}
		if !slices.Contains(order, name) {
			order = append(order, name)
		}
		got[side][name] = append(got[side][name], s)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if len(order) == 0 {
		return fmt.Errorf("no BenchmarkGenerated, BenchmarkGeneratedValidate or BenchmarkOpenAPI3Filter lines on stdin (run with -benchmem)")
	}
	fmt.Fprintf(out, "| case | validate ns/op | whole request ns/op | openapi3filter ns/op | speed-up, validation | speed-up, whole request | generated allocs/op | openapi3filter allocs/op |\n")
	fmt.Fprintf(out, "|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, name := range order {
		v, g, k := got["GeneratedValidate"][name], got["Generated"][name], got["OpenAPI3Filter"][name]
		if len(v) == 0 || len(g) == 0 || len(k) == 0 {
			return fmt.Errorf("case %s was not measured on every side", name)
		}
		vm, gm, km := median(v), median(g), median(k)
		fmt.Fprintf(out, "| %s | %s | %s | %s | %.1f× | %.1f× | %s | %s |\n", name,
			num(vm.ns), num(gm.ns), num(km.ns), km.ns/vm.ns, km.ns/gm.ns, num(vm.allocs), num(km.allocs))
	}
	// The error path against the valid path of the same operation: a case
	// <group>/valid beside <group>/<anything else>.
	fmt.Fprintf(out, "\n| generated validation, error path | ns/op | valid ns/op | error/valid |\n|---|---:|---:|---:|\n")
	for _, name := range order {
		group, kind := name[:strings.LastIndex(name, "/")+1], name[strings.LastIndex(name, "/")+1:]
		valid, ok := got["GeneratedValidate"][group+"valid"]
		if kind == "valid" || !ok {
			continue
		}
		e, v := median(got["GeneratedValidate"][name]).ns, median(valid).ns
		fmt.Fprintf(out, "| %s | %s | %s | %.2f× |\n", name, num(e), num(v), e/v)
	}
	if n := len(got["Generated"][order[0]]); n > 1 {
		fmt.Fprintf(out, "\nmedians of %d runs per case\n", n)
	}
	return nil
}

// parse reads the "value unit" pairs after the iteration count.
func parse(rest string) (sample, error) {
	var s sample
	f := strings.Fields(rest)
	seen := false
	for i := 0; i+1 < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return s, err
		}
		switch f[i+1] {
		case "ns/op":
			s.ns, seen = v, true
		case "B/op":
			s.bytes = v
		case "allocs/op":
			s.allocs = v
		}
	}
	if !seen {
		return s, fmt.Errorf("no ns/op")
	}
	return s, nil
}

// median takes each measure's median on its own.
func median(ss []sample) sample {
	pick := func(f func(sample) float64) float64 {
		v := make([]float64, len(ss))
		for i, s := range ss {
			v[i] = f(s)
		}
		sort.Float64s(v)
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	return sample{
		ns:     pick(func(s sample) float64 { return s.ns }),
		bytes:  pick(func(s sample) float64 { return s.bytes }),
		allocs: pick(func(s sample) float64 { return s.allocs }),
	}
}

func num(v float64) string {
	if v >= 100 || v == float64(int64(v)) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

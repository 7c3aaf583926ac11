package main

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

const header = "round\tcase\tslot\ttarget\tlabel\trps\tp50_us\tp99_us\tnon2xx\tsockerr\tcpu_proxy\tcpu_backend\tcpu_wrk\tidle_before\n"

func TestSpreadOf(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want spread
	}{
		{nil, spread{}},
		{[]float64{3}, spread{3, 3, 3, 1}},
		{[]float64{5, 1, 3}, spread{3, 1, 5, 3}},
		{[]float64{4, 1, 3, 2}, spread{2.5, 1, 4, 4}},
	} {
		if got := spreadOf(tc.in); got != tc.want {
			t.Errorf("spreadOf(%v) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

// The ratios are taken within each round before the median: here nginx and
// the gateway both slow down in round 2 (a busy machine) and the gateway is
// 0.5× nginx in every round it counts in, where the ratio of the two
// medians would say 650/1600 = 0.41.
func TestRatiosPerRound(t *testing.T) {
	in := header +
		"1\tGET /x\t0\tdirect\tbackend direct\t4000\t100\t900\t0\t0\t-\t50\t60\t95\n" +
		"1\tGET /x\t1\tnginx\tnginx\t2000\t200\t900\t0\t0\t40\t40\t60\t95\n" +
		"1\tGET /x\t2\tgw\tgatewaygen\t1000\t300\t1800\t0\t0\t50\t30\t50\t95\n" +
		"2\tGET /x\t0\tdirect\tbackend direct\t2000\t100\t900\t0\t0\t-\t50\t60\t40\n" +
		"2\tGET /x\t1\tnginx\tnginx\t600\t200\t900\t0\t0\t40\t40\t60\t40\n" +
		"2\tGET /x\t2\tgw\tgatewaygen\t300\t300\t900\t0\t0\t50\t30\t50\t40\n" +
		"3\tGET /x\t0\tdirect\tbackend direct\t3000\t100\t900\t0\t0\t-\t50\t60\t90\n" +
		"3\tGET /x\t1\tnginx\tnginx\t1600\t200\t900\t0\t0\t40\t40\t60\t90\n" +
		"3\tGET /x\t2\tgw\tgatewaygen\t800\t300\t900\t7\t0\t50\t30\t50\t90\n"
	runs, err := readRuns("in.tsv", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	s := summarize(runs)
	if len(s.Cases) != 1 || len(s.Cases[0].Rows) != 3 {
		t.Fatalf("got %+v, want one case of three rows", s)
	}
	gw := s.Cases[0].Rows[2]
	if gw.Runs != 2 || len(gw.Left) != 1 || !strings.Contains(gw.Left[0], "round 3: 7 non-2xx") {
		t.Errorf("gatewaygen: %d runs, left out %q; want 2 runs and round 3 left out for its non-2xx answers", gw.Runs, gw.Left)
	}
	if got := gw.Ratio[1]; got != (spread{0.5, 0.5, 0.5, 2}) {
		t.Errorf("gatewaygen ÷ nginx = %+v, want 0.5 in both rounds", got)
	}
	if got := gw.P99Nginx; got != (spread{1.5, 1, 2, 2}) {
		t.Errorf("gatewaygen p99 ÷ nginx = %+v, want median 1.5 of 2 and 1", got)
	}
	if got := s.Cases[0].Rows[0].CPUPerReq; got.N != 0 {
		t.Errorf("direct has no proxy, got CPU per request %+v", got)
	}
	if got := s.Cases[0].Rows[0].CPUProxy; got.N != 0 {
		t.Errorf("direct has no proxy, got CPU %+v", got)
	}
	var out bytes.Buffer
	writeTables(&out, s)
	for _, want := range []string{
		"| gatewaygen | 650 (300–1000) | 0.30 | 1.35 | 50 / 30 / 50 | 0.20 (0.15–0.25) | 0.50 (0.50–0.50) | — | — | 1.50 (1.00–2.00) |",
		"| nginx | 1600 (600–2000) |",
		"Note: gatewaygen, round 3: 7 non-2xx answers, 0 socket errors: left out.",
		// CPU per request: 50 % of a core at 1000 req/s is 500 µs, nginx's
		// 40 % at 2000 req/s 200 µs; the ratio holds in both rounds while
		// both targets' req/s fell by two thirds. direct has no proxy.
		"| target | proxy CPU µs per request, median (min–max) | ÷ nginx |",
		"| gatewaygen | 1083.3 (500.0–1666.7) | 2.50 (2.50–2.50) |",
		"| nginx | 250.0 (200.0–666.7) | 1 |",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}

	svg := chart(s, "2026-12-07 <test>")
	dec := xml.NewDecoder(bytes.NewReader(svg))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("chart is not well-formed XML: %v\n%s", err, svg)
		}
	}
	for _, want := range []string{"&lt;test&gt;", ">gatewaygen</text>", ">0.50</text>"} {
		if !bytes.Contains(svg, []byte(want)) {
			t.Errorf("chart lacks %q", want)
		}
	}
}

func TestReadErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "in.tsv: empty, expected a header line"},
		{"header", "round\tcase\n", "in.tsv:1: expected the header round,case,slot"},
		{"no runs", header, "in.tsv: no runs after the header line"},
		{"columns", header + "1\tGET\n", "in.tsv:2: expected 14 tab-separated columns, found 2"},
		{"number", header + "1\tGET /x\t0\tnginx\tnginx\tfast\t1\t1\t0\t0\t1\t1\t1\t1\n",
			`in.tsv:2: column rps: expected a number ≥ 0, found "fast"`},
		{"negative", header + "1\tGET /x\t0\tnginx\tnginx\t1\t1\t1\t-1\t0\t1\t1\t1\t1\n",
			`in.tsv:2: column non2xx: expected a whole number ≥ 0, found "-1"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readRuns("in.tsv", strings.NewReader(tc.in))
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error %v, want one starting %q", err, tc.want)
			}
		})
	}
}

func TestIdleTable(t *testing.T) {
	in := "slot\ttarget\tlabel\tconns\trss_before_kib\trss_after_kib\n" +
		"1\tnginx\tnginx\t10000\t4096\t30720\n" +
		"4\tnaive\tnaive fasthttp proxy\t10000\t8192\t212992\n"
	res, err := readIdle("idle.tsv", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	writeIdleTable(&out, res)
	for _, want := range []string{
		"| nginx | 10000 | 4.0 | 30.0 | 2.7 | 1.00 |",
		"| naive fasthttp proxy | 10000 | 8.0 | 208.0 | 20.5 | 6.93 |",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("idle table lacks %q:\n%s", want, out.String())
		}
	}
}

func TestNiceStep(t *testing.T) {
	for _, tc := range []struct{ max, want float64 }{
		{1.05, 0.25}, {1.3, 0.5}, {2.2, 0.5}, {4, 1}, {12, 2.5},
	} {
		if got := niceStep(tc.max); got != tc.want {
			t.Errorf("niceStep(%v) = %v, want %v", tc.max, got, tc.want)
		}
	}
}

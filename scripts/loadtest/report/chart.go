package main

import (
	"bytes"
	"fmt"
	"html"
	"math"
)

// caseColors colour the cases' bars, in the order of the cases.
var caseColors = []string{"#3b73a8", "#e39b2d", "#5a9e5a", "#a34f8f"}

// chart draws requests/s relative to nginx, one group of horizontal bars per
// target and one bar per case: the bar is the median of the per-round ratios,
// the whisker their range, and a dashed line marks nginx (1).
func chart(s *summary, subtitle string) []byte {
	const (
		left, plotW, right = 220.0, 420.0, 90.0
		top                = 96.0
		barH, barGap       = 13.0, 3.0
		groupGap           = 12.0
		axisH              = 34.0
	)
	// Targets in slot order over every case, each with its row per case.
	type target struct {
		slot  int
		label string
		rows  []*row
	}
	var targets []*target
	bySlot := map[string]*target{}
	for ci := range s.Cases {
		for ri := range s.Cases[ci].Rows {
			r := &s.Cases[ci].Rows[ri]
			t := bySlot[r.Target]
			if t == nil {
				t = &target{slot: r.Slot, label: r.Label, rows: make([]*row, len(s.Cases))}
				bySlot[r.Target] = t
				targets = append(targets, t)
			}
			t.rows[ci] = r
		}
	}
	for i := 1; i < len(targets); i++ { // insertion sort: a handful of targets
		for j := i; j > 0 && targets[j].slot < targets[j-1].slot; j-- {
			targets[j], targets[j-1] = targets[j-1], targets[j]
		}
	}

	const nginx = 1 // index of nginx in baselines
	value := func(r *row) (med, lo, hi float64, ok bool) {
		if r == nil || r.Runs == 0 {
			return 0, 0, 0, false
		}
		if r.Target == baselines[nginx].Target {
			return 1, 1, 1, true
		}
		sp := r.Ratio[nginx]
		return sp.Med, sp.Min, sp.Max, sp.N > 0
	}
	xmax := 1.0
	for _, t := range targets {
		for _, r := range t.rows {
			if _, _, hi, ok := value(r); ok && hi > xmax {
				xmax = hi
			}
		}
	}
	step := niceStep(xmax * 1.05)
	xmax = math.Ceil(xmax*1.05/step) * step
	x := func(v float64) float64 { return left + v/xmax*plotW }

	groupH := float64(len(s.Cases))*(barH+barGap) - barGap
	height := top + float64(len(targets))*(groupH+groupGap) + axisH
	width := left + plotW + right

	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="sans-serif" font-size="12">`+"\n",
		width, height, width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="#fff"/>`+"\n")
	fmt.Fprintf(&b, `<text x="10" y="20" font-size="14" font-weight="bold">Requests/s relative to nginx proxy_pass</text>`+"\n")
	fmt.Fprintf(&b, `<text x="10" y="38">bar: median of the per-round ratios; whisker: their min–max over the rounds</text>`+"\n")
	if subtitle != "" {
		fmt.Fprintf(&b, `<text x="10" y="56" fill="#555">%s</text>`+"\n", html.EscapeString(subtitle))
	}
	lx := left
	for ci, c := range s.Cases {
		fmt.Fprintf(&b, `<rect x="%.1f" y="68" width="12" height="12" fill="%s"/>`, lx, caseColors[ci%len(caseColors)])
		fmt.Fprintf(&b, `<text x="%.1f" y="78">%s</text>`+"\n", lx+16, html.EscapeString(c.Case))
		lx += 16 + 7*float64(len([]rune(c.Case))) + 20
	}

	bottom := height - axisH
	for v := 0.0; v <= xmax+step/2; v += step {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`, x(v), top-6, x(v), bottom)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%g</text>`+"\n", x(v), bottom+16, math.Round(v*100)/100)
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="#555">× nginx's requests/s (higher is faster)</text>`+"\n", x(xmax/2), bottom+30)

	y := top
	for _, t := range targets {
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end">%s</text>`+"\n", left-8, y+groupH/2+4, html.EscapeString(t.label))
		for ci, r := range t.rows {
			med, lo, hi, ok := value(r)
			yy := y + float64(ci)*(barH+barGap)
			if !ok {
				fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="#888">not measured</text>`+"\n", left+4, yy+barH-2)
				continue
			}
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`,
				left, yy, x(med)-left, barH, caseColors[ci%len(caseColors)])
			if hi > lo {
				mid := yy + barH/2
				fmt.Fprintf(&b, `<path d="M%.1f %.1fH%.1fM%.1f %.1fV%.1fM%.1f %.1fV%.1f" stroke="#222" fill="none"/>`,
					x(lo), mid, x(hi), x(lo), mid-4, mid+4, x(hi), mid-4, mid+4)
			}
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f">%.2f</text>`+"\n", math.Max(x(med), x(hi))+4, yy+barH-2, med)
		}
		y += groupH + groupGap
	}
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#c00" stroke-dasharray="4 3"/>`+"\n", x(1), top-6, x(1), bottom)
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#000"/>`+"\n", left, top-6, left, bottom)
	b.WriteString("</svg>\n")
	return b.Bytes()
}

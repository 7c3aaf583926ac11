// Package textdiff prints the line differences of two texts as a unified
// diff, for tests that compare generated files with golden ones: a reviewer
// sees every changed hunk at once, not only the first differing line.
//
// It is for test output only: it favours short code over speed, and past
// MaxCells it falls back to a coarser diff rather than use much memory.
package textdiff

import (
	"fmt"
	"strings"
)

// MaxCells bounds the table of the longest common subsequence; two texts
// whose differing middles are larger are shown as one hunk.
const MaxCells = 16 << 20

// Unified returns the differences between a (named aName) and b as a
// unified diff with context lines around each change, "" when they are
// equal.
func Unified(aName, bName string, a, b []byte, context int) string {
	if string(a) == string(b) {
		return ""
	}
	x, y := lines(a), lines(b)
	ops := diff(x, y)
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", aName, bName)
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		// A hunk runs from context lines before the first change to
		// context lines after the last change that is within 2*context
		// of the next.
		start := max(i-context, 0)
		end := i
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*context {
				end = min(end+context, len(ops))
				break
			}
			end = run
		}
		ai, bi := ops[start].a, ops[start].b
		var an, bn int
		for _, o := range ops[start:end] {
			if o.kind != '+' {
				an++
			}
			if o.kind != '-' {
				bn++
			}
		}
		fmt.Fprintf(&out, "@@ -%d,%d +%d,%d @@\n", ai+1, an, bi+1, bn)
		for _, o := range ops[start:end] {
			out.WriteByte(o.kind)
			out.WriteString(o.text)
			out.WriteByte('\n')
		}
		i = end
	}
	return out.String()
}

// op is one line of the edit script: ' ' kept, '-' only in a, '+' only in
// b; a and b are the line's index (or the next line's) in each text.
type op struct {
	kind byte
	text string
	a, b int
}

func lines(b []byte) []string {
	s := strings.TrimSuffix(string(b), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// diff is the edit script from x to y: the common prefix and suffix are
// kept as they are, the middle is aligned on a longest common subsequence.
func diff(x, y []string) []op {
	pre := 0
	for pre < len(x) && pre < len(y) && x[pre] == y[pre] {
		pre++
	}
	suf := 0
	for suf < len(x)-pre && suf < len(y)-pre && x[len(x)-1-suf] == y[len(y)-1-suf] {
		suf++
	}
	var ops []op
	for i := 0; i < pre; i++ {
		ops = append(ops, op{' ', x[i], i, i})
	}
	ops = append(ops, middle(x[pre:len(x)-suf], y[pre:len(y)-suf], pre, pre)...)
	for i := 0; i < suf; i++ {
		ai, bi := len(x)-suf+i, len(y)-suf+i
		ops = append(ops, op{' ', x[ai], ai, bi})
	}
	return ops
}

func middle(x, y []string, a0, b0 int) []op {
	n, m := len(x), len(y)
	var ops []op
	if n*m > MaxCells {
		for i, l := range x {
			ops = append(ops, op{'-', l, a0 + i, b0})
		}
		for j, l := range y {
			ops = append(ops, op{'+', l, a0 + n, b0 + j})
		}
		return ops
	}
	// lcs[i][j] is the length of the longest common subsequence of x[i:]
	// and y[j:].
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && x[i] == y[j]:
			ops = append(ops, op{' ', x[i], a0 + i, b0 + j})
			i, j = i+1, j+1
		case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
			// Deletions before insertions, as diff -u prints them.
			ops = append(ops, op{'-', x[i], a0 + i, b0 + j})
			i++
		default:
			ops = append(ops, op{'+', y[j], a0 + i, b0 + j})
			j++
		}
	}
	return ops
}

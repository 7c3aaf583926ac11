package param

import (
	"cmp"
	"slices"
	"strings"
	"unsafe"

	"github.com/gatewaygen/gatewaygen/runtime/jsonv"
)

// The Dup family checks uniqueItems on the items of an array parameter, as
// the decoder holds them. Each reports the first pair i < j of equal items:
// the smallest j that repeats an earlier item, with the smallest such i.
//
// Up to smallDup items are compared pairwise; beyond that the indexes are
// sorted by item in order (a slice the caller keeps and reuses, so nothing
// is allocated after warm-up) and only neighbours are compared, which keeps
// a long value of distinct items at O(n log n) rather than O(n²).

// smallDup is how many items are compared pairwise, where that costs less
// than sorting.
const smallDup = 16

// DupInts finds equal integers.
func DupInts(xs []int64, order *[]int32) (i, j int, dup bool) {
	return dup2(xs, order, cmp.Compare[int64], eqOrdered[int64])
}

// DupFloats finds equal numbers. They are compared as the float64 values
// the decoder checked them as, so 1 and 1.0 are equal.
func DupFloats(xs []float64, order *[]int32) (i, j int, dup bool) {
	return dup2(xs, order, cmp.Compare[float64], eqOrdered[float64])
}

// DupStrings finds equal strings, byte for byte.
func DupStrings(xs []string, order *[]int32) (i, j int, dup bool) {
	return dup2(xs, order, strings.Compare, eqOrdered[string])
}

// DupTokens finds equal items that are texts a schema types as JSON tokens
// (form.AppendToken): a text in JSON's number grammar is a number, equal to
// another of the same mathematical value (1, 1.0 and 1e0 are one number),
// and any other text equals only itself (true, null, or a string).
func DupTokens(xs []string, order *[]int32) (i, j int, dup bool) {
	return dup2(xs, order, compareToken, equalToken)
}

// DupBools finds equal booleans: at most the third item can be new.
func DupBools(xs []bool) (i, j int, dup bool) {
	first := [2]int{-1, -1}
	for k, x := range xs {
		b := 0
		if x {
			b = 1
		}
		if first[b] >= 0 {
			return first[b], k, true
		}
		first[b] = k
	}
	return 0, 0, false
}

func eqOrdered[T cmp.Ordered](a, b T) bool { return a == b }

// compareToken orders numbers (by their float64 value, which rounds equal
// numbers alike) before every other text (by its bytes). Numbers that
// differ only beyond float64's precision compare equal here and are told
// apart by equalToken.
func compareToken(a, b string) int {
	fa, na := tokenNumber(a)
	fb, nb := tokenNumber(b)
	switch {
	case na && nb:
		return cmp.Compare(fa, fb)
	case na:
		return -1
	case nb:
		return 1
	}
	return strings.Compare(a, b)
}

func equalToken(a, b string) bool {
	if a == b {
		return true
	}
	_, na := tokenNumber(a)
	_, nb := tokenNumber(b)
	return na && nb && jsonv.Equal(bytesOf(a), bytesOf(b))
}

func tokenNumber(s string) (float64, bool) {
	b := bytesOf(s)
	if !IsNumber(b) {
		return 0, false
	}
	f, _ := ParseFloat(b)
	return f, true
}

// dup2 is the Dup family: compare orders items (0 for items that may be
// equal), equal confirms.
func dup2[T any](xs []T, order *[]int32, compare func(a, b T) int, equal func(a, b T) bool) (i, j int, dup bool) {
	if len(xs) <= smallDup {
		for j := 1; j < len(xs); j++ {
			for i := 0; i < j; i++ {
				if equal(xs[i], xs[j]) {
					return i, j, true
				}
			}
		}
		return 0, 0, false
	}
	o := (*order)[:0]
	for k := range xs {
		o = append(o, int32(k))
	}
	*order = o
	slices.SortFunc(o, func(a, b int32) int {
		if c := compare(xs[a], xs[b]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	// In each run of items that compare alike, sorted by index, find the
	// first equal pair; keep the one with the smallest j over all runs.
	i, j = -1, -1
	for r := 0; r < len(o); {
		end := r + 1
		for end < len(o) && compare(xs[o[end]], xs[o[r]]) == 0 {
			end++
		}
	run:
		for q := r + 1; q < end; q++ {
			if j >= 0 && int(o[q]) >= j {
				break
			}
			for p := r; p < q; p++ {
				if equal(xs[o[p]], xs[o[q]]) {
					i, j = int(o[p]), int(o[q])
					break run
				}
			}
		}
		r = end
	}
	if j < 0 {
		return 0, 0, false
	}
	return i, j, true
}

// bytesOf views s as bytes without copying, for reading only.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

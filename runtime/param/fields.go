package param

// SplitFields divides mid, the part of one path segment between the
// template's literal prefix and suffix, into the values of the segment's
// parameters: seps are the literals between them ("-" and "." for
// "{name}-{version}.{ext}"), vals receives one value per parameter
// (len(seps)+1), each a non-empty sub-slice of mid. It reports false when
// mid has no such division.
//
// Where a separator occurs more than once, an earlier value takes the
// longest part that still leaves every later value one: "my-pkg-1.0.tar"
// under "{name}-{version}.{ext}" is "my-pkg", "1.0", "tar". That is what
// the regular expression ^([^/]+)-([^/]+)\.([^/]+)$ captures in a
// backtracking or leftmost-first engine, as template routers built on one
// (gorilla/mux, Spring, ASP.NET) resolve such a segment, so a request
// reaches the same values here as there.
//
// It costs O(len(mid)·len(seps)²) byte comparisons at most and never
// backtracks: feasibility is monotone (if mid[j:] divides, so does every
// longer suffix, by widening its first value), so the latest start of a
// divisible rest is found once per separator from the right.
func SplitFields(mid []byte, seps []string, vals [][]byte) bool {
	start := 0
	for k, sep := range seps {
		// The rest after this separator must divide among seps[k+1:];
		// its latest possible start bounds where this separator may be.
		limit := latestStart(mid, seps[k+1:])
		i := lastIndexBefore(mid, sep, limit-len(sep))
		if i <= start { // not found, or an empty value before it
			return false
		}
		vals[k] = mid[start:i]
		start = i + len(sep)
	}
	if start >= len(mid) {
		return false
	}
	vals[len(seps)] = mid[start:]
	return true
}

// latestStart is the largest j for which mid[j:] divides into non-empty
// values separated by seps, in order; -1 when no suffix does.
func latestStart(mid []byte, seps []string) int {
	limit := len(mid) - 1 // the last value has at least one byte
	for k := len(seps) - 1; k >= 0; k-- {
		p := lastIndexBefore(mid, seps[k], limit-len(seps[k]))
		if p < 0 {
			return -1
		}
		limit = p - 1 // the value before the separator has at least one byte
	}
	return limit
}

// lastIndexBefore is the index of the last occurrence of sep in mid that
// starts at or before at, or -1.
func lastIndexBefore(mid []byte, sep string, at int) int {
	if at > len(mid)-len(sep) {
		at = len(mid) - len(sep)
	}
	for i := at; i >= 0; i-- {
		if mid[i] == sep[0] && string(mid[i:i+len(sep)]) == sep {
			return i
		}
	}
	return -1
}

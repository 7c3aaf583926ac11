package request

import (
	"math"
	"strconv"
	"unsafe"

	"github.com/gatewaygen/gatewaygen/runtime/form"
)

// The Append…JSON functions write the items of a decoded array parameter
// as a JSON array, for the JSON validator of a schema that checks the
// array as a whole (a parameter typed only by its anyOf, oneOf or allOf
// branches). Each appends to dst and returns it, as append does.

// AppendIntsJSON writes integers.
func AppendIntsJSON(dst []byte, xs []int64) []byte {
	dst = append(dst, '[')
	for i, x := range xs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = strconv.AppendInt(dst, x, 10)
	}
	return append(dst, ']')
}

// AppendFloatsJSON writes numbers. One too large for a float64, which the
// decoder holds as an infinity, is written as 1e999 (with its sign): still
// a JSON number beyond every bound a float64 can state.
func AppendFloatsJSON(dst []byte, xs []float64) []byte {
	dst = append(dst, '[')
	for i, x := range xs {
		if i > 0 {
			dst = append(dst, ',')
		}
		switch {
		case math.IsInf(x, 1):
			dst = append(dst, "1e999"...)
		case math.IsInf(x, -1):
			dst = append(dst, "-1e999"...)
		default:
			dst = strconv.AppendFloat(dst, x, 'g', -1, 64)
		}
	}
	return append(dst, ']')
}

// AppendBoolsJSON writes booleans.
func AppendBoolsJSON(dst []byte, xs []bool) []byte {
	dst = append(dst, '[')
	for i, x := range xs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = strconv.AppendBool(dst, x)
	}
	return append(dst, ']')
}

// AppendStringsJSON writes texts as the tokens k says they become
// (form.AppendToken): with k zero, every one is a string.
func AppendStringsJSON(dst []byte, xs []string, k form.Kind) []byte {
	dst = append(dst, '[')
	for i, x := range xs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = form.AppendToken(dst, unsafe.Slice(unsafe.StringData(x), len(x)), k)
	}
	return append(dst, ']')
}

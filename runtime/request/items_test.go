package request

import (
	"math"
	"testing"

	"github.com/gatewaygen/gatewaygen/runtime/form"
)

func TestAppendItemsJSON(t *testing.T) {
	for _, c := range []struct {
		name, got, want string
	}{
		{"ints", string(AppendIntsJSON(nil, []int64{1, -2})), `[1,-2]`},
		{"none", string(AppendIntsJSON(nil, nil)), `[]`},
		{"floats", string(AppendFloatsJSON(nil, []float64{1.5, 1e21, math.Inf(1), math.Inf(-1)})), `[1.5,1e+21,1e999,-1e999]`},
		{"bools", string(AppendBoolsJSON(nil, []bool{true, false})), `[true,false]`},
		{"strings", string(AppendStringsJSON(nil, []string{"a\"b", "1"}, 0)), `["a\"b","1"]`},
		{"tokens", string(AppendStringsJSON(nil, []string{"1.0", "x", "true"}, form.Number)), `[1.0,"x","true"]`},
	} {
		if c.got != c.want {
			t.Errorf("%s: %s, want %s", c.name, c.got, c.want)
		}
	}
}

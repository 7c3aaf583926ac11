//go:build !race

package format

import "testing"

// TestAllocs asserts, rather than only benchmarks, that no checker
// allocates, on valid and invalid inputs of every kind (Regex only for a
// pattern with named groups, which it collects to check \k references).
func TestAllocs(t *testing.T) {
	inputs := [][]byte{
		[]byte("1998-12-31T15:59:60.123-08:00"),
		[]byte("2020-02-29"),
		[]byte("23:29:60+23:30"),
		[]byte("P1Y2M3DT4H5M6S"),
		[]byte(`"joe bloggs"@[IPv6:::1]`),
		[]byte("xn--11b2ezcs70k.xn--ngba5hb2804a.example"),
		[]byte("XN--aa---o47jg78q"),
		[]byte("1000:1000:1000:1000:1000:1000:255.255.255.255"),
		[]byte("http://-.~_!$&'()*+,;=:%40:80%2f::::::@[v1.x]:80/a?b#c"),
		[]byte("./this:that"),
		[]byte("2eb8aa08-aa98-11ea-b4aa-73b441d16380"),
		[]byte("Zm9vYmFy"),
		[]byte("\xff\xfe"),
		[]byte(`^([a-z0-9._%+-]+)@([a-z0-9-]+\.)+[a-z]{2,}$`),
		[]byte(`((((a{2,1}`),
		nil,
	}
	for name, f := range checkers {
		for _, in := range inputs {
			if n := testing.AllocsPerRun(50, func() { f(in) }); n != 0 {
				t.Errorf("%s(%q): %v allocs, want 0", name, in, n)
			}
		}
	}
	if n := testing.AllocsPerRun(50, func() { Int32(1); Int64(1) }); n != 0 {
		t.Errorf("Int32/Int64: %v allocs, want 0", n)
	}
	num := []byte("-9.223372036854775808e18")
	if n := testing.AllocsPerRun(50, func() { Int32Number(num); Int64Number(num) }); n != 0 {
		t.Errorf("Int32Number/Int64Number: %v allocs, want 0", n)
	}
}

package auth

import "testing"

func TestMakeRoom(t *testing.T) {
	for _, c := range []struct {
		name   string
		exps   []int64 // the entries' exp, now is 100
		max    int
		want   int   // entries left
		mustBe int64 // an exp that must be gone, 0 for none
	}{
		{"room already", []int64{200, 300}, 4, 2, 0},
		{"the expired one goes", []int64{200, 50, 300, 400}, 4, 3, 50},
		{"none expired: one goes", []int64{200, 300, 400, 500}, 4, 3, 0},
		{"over the bound: down to one below", []int64{200, 300, 400, 500, 600}, 3, 2, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			cache := map[tokenHash]verified{}
			for i, e := range c.exps {
				cache[tokenHash{uint64(i), 0}] = verified{exp: e}
			}
			makeRoom(cache, c.max, func(v verified) bool { return v.exp <= 100 })
			if len(cache) != c.want {
				t.Fatalf("%d entries left, want %d", len(cache), c.want)
			}
			for _, v := range cache {
				if c.mustBe != 0 && v.exp == c.mustBe {
					t.Fatalf("the entry of exp %d was kept, another evicted", v.exp)
				}
			}
		})
	}
}

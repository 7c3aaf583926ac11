package jsonv

import "testing"

// TestLoc checks that a Loc spells out what Pointer, PointerKey and
// PointerIndex do, and costs nothing until it is spelled out.
func TestLoc(t *testing.T) {
	var it Iter
	it.ResetItem([]byte(`{"a/b":[1,2]}`), "query.ids", 2)
	it.FirstKey()
	n := it.PushKey("a/b")
	for _, c := range []struct {
		at   Loc
		want string
	}{
		{it.Loc(), it.Pointer()},
		{it.LocKey("c~d"), it.PointerKey("c~d")},
		{it.LocKey(""), it.PointerKey("")},
		{it.LocIndex(1), it.PointerIndex(1)},
	} {
		if got := c.at.String(); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
		if got := string(c.at.AppendTo([]byte("x:"))); got != "x:"+c.want {
			t.Errorf("AppendTo: got %q, want %q", got, "x:"+c.want)
		}
	}

	if got := it.LocIndex(1).String(); got != "query.ids[2]/a~1b/1" {
		t.Errorf("LocIndex: got %q", got)
	}
	it.Pop(n)
	var sink Loc
	if allocs := testing.AllocsPerRun(100, func() {
		sink = it.LocKey("a")
		sink = it.LocIndex(3)
		sink = it.Loc()
	}); allocs != 0 {
		t.Fatalf("allocs = %v, want 0", allocs)
	}
	_ = sink
}

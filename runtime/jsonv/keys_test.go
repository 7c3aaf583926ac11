package jsonv

import (
	"testing"
)

func TestKeyRaw(t *testing.T) {
	var it Iter
	if it.Reset([]byte(`{}`)); it.KeyRaw() != nil {
		t.Fatal("KeyRaw before any key is not nil")
	}
	it.Reset([]byte(`{ "a" : 1, "b\u0063\"" :{"in":2}, "":3}`))
	var got []string
	for k := it.FirstKey(); k != nil; k = it.NextKey() {
		got = append(got, string(it.KeyRaw()))
		if it.Peek() == Object {
			for k := it.FirstKey(); k != nil; k = it.NextKey() {
				got = append(got, string(it.KeyRaw()))
				it.Skip()
			}
		} else {
			it.Skip()
		}
	}
	it.End()
	want := []string{`"a"`, `"b\u0063\""`, `"in"`, `""`}
	if it.Err() != nil || len(got) != len(want) {
		t.Fatalf("got %q, err %v", got, it.Err())
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("key %d: got %s, want %s", i, got[i], want[i])
		}
	}
	// A key read again through a second Iter, as propertyNames does.
	it.Reset([]byte(`{"x\u00e9":1}`))
	it.FirstKey()
	var sub Iter
	sub.ResetAt(it.KeyRaw(), "/body/key")
	if s := sub.String(); string(s) != "xé" || sub.Err() != nil {
		t.Fatalf("sub read %q, %v", s, sub.Err())
	}
}

func TestMember(t *testing.T) {
	doc := ` {"petType":"dog","a\u0062":[1, 2],"n":null,"dup":1,"dup":{"x":true},"":0 } `
	cases := []struct {
		name string
		raw  string
		kind Kind
		ok   bool
	}{
		{"petType", `"dog"`, String, true},
		{"ab", `[1, 2]`, Array, true},
		{"a\\u0062", ``, Invalid, false},
		{"n", `null`, Null, true},
		{"dup", `{"x":true}`, Object, true},
		{"", `0`, Number, true},
		{"missing", ``, Invalid, false},
	}
	var it Iter
	for _, c := range cases {
		it.Reset([]byte(doc))
		it.FirstKey() // make KeyRaw and the position something to keep
		it.Skip()
		it.Reset([]byte(doc))
		before := it.pos
		raw, kind, ok := it.Member(c.name)
		if string(raw) != c.raw || kind != c.kind || ok != c.ok {
			t.Errorf("Member(%q) = %q, %v, %v; want %q, %v, %v", c.name, raw, kind, ok, c.raw, c.kind, c.ok)
		}
		if it.HasKey(c.name) != c.ok {
			t.Errorf("HasKey(%q) != %v", c.name, c.ok)
		}
		if it.pos != before || it.depth != 0 {
			t.Errorf("Member(%q) moved the iterator", c.name)
		}
		// The object still reads in full afterwards.
		it.Skip()
		it.End()
		if it.Err() != nil {
			t.Errorf("after Member(%q): %v", c.name, it.Err())
		}
	}

	// Inside an object being read: position, key, pointer and the caller's
	// unescaped key all survive.
	it.Reset([]byte(`{"k\u00e9y":{"type":"cat","b":1},"z":2}`))
	k := it.FirstKey()
	n := it.PushKeyBytes(k)
	m := it.Mark()
	keyRaw := string(it.KeyRaw())
	if !it.HasKey("type") || it.HasKey("c") {
		t.Fatal("HasKey wrong on nested object")
	}
	raw, kind, ok := it.Member("type")
	if !ok || kind != String || string(Unquote(raw, nil)) != "cat" {
		t.Fatalf("Member(type) = %q %v %v", raw, kind, ok)
	}
	if string(k) != "kéy" || string(it.KeyRaw()) != keyRaw || it.Mark() != m || it.Pointer() != "/body/kéy" {
		t.Fatalf("state changed: key %q, raw %q, mark %v/%v, ptr %q", k, it.KeyRaw(), it.Mark(), m, it.Pointer())
	}
	it.Pop(n)
	it.Skip()
	if k := it.NextKey(); string(k) != "z" {
		t.Fatalf("next key %q", k)
	}
	it.Skip()
	it.NextKey()
	it.End()
	if it.Err() != nil {
		t.Fatal(it.Err())
	}

	// Not an object: nothing consumed, not even white space.
	for _, s := range []string{`  [1]`, ` "x"`, `1`, `null`} {
		it.Reset([]byte(s))
		if it.HasKey("a") {
			t.Errorf("%s: HasKey true", s)
		}
		if _, kind, ok := it.Member("a"); ok || kind != Invalid {
			t.Errorf("%s: Member ok", s)
		}
		if it.pos != 0 || it.Failed() {
			t.Errorf("%s: pos %d, err %v", s, it.pos, it.Err())
		}
	}

	// A syntax error is recorded.
	it.Reset([]byte(`{"a":1,"b":}`))
	if it.HasKey("b") || !it.Failed() {
		t.Fatalf("syntax error not recorded: %v", it.Err())
	}
	it.Reset([]byte(`{"a":1,}`))
	if _, _, ok := it.Member("a"); ok || !it.Failed() {
		t.Fatal("Member found a key in invalid JSON")
	}
}

func TestUnquote(t *testing.T) {
	cases := []struct{ in, want string }{
		{`""`, ""},
		{`"dog"`, "dog"},
		{`"a\"b\\c\/d\b\f\n\r\t"`, "a\"b\\c/d\b\f\n\r\t"},
		{`"\u0061\u00e9\u20ac"`, "aé€"},
		{`"\ud83d\ude00!"`, "😀!"},
		{`"\ud800"`, "\uFFFD"},
		{`"\udc00x"`, "\uFFFDx"},
		{`"\ud800\u0041"`, "\uFFFDA"},
		{`"é"`, "é"},
		{`x`, ""},
		{`"`, ""},
	}
	var it Iter
	for _, c := range cases {
		got := Unquote([]byte(c.in), make([]byte, 0, 1))
		if string(got) != c.want {
			t.Errorf("Unquote(%s) = %q, want %q", c.in, got, c.want)
		}
		if it.Reset([]byte(c.in)); len(c.in) > 1 && c.in[0] == '"' && string(it.String()) != c.want {
			t.Errorf("%s: Iter.String disagrees", c.in)
		}
	}
	raw := []byte(`"plain"`)
	if got := Unquote(raw, nil); &got[0] != &raw[1] {
		t.Error("Unquote copied a string without escapes")
	}
}

func TestMemberAllocs(t *testing.T) {
	b := []byte(`{"name":"Rex","petType":"dog","tags":["a","b"],"owner":{"name":"Ann"},"n\u00e4me":1}`)
	var it Iter
	var buf [64]byte
	it.Reset(b)
	it.HasKey("x") // warm up aux
	allocs := testing.AllocsPerRun(100, func() {
		it.Reset(b)
		if !it.HasKey("owner") || it.HasKey("missing") {
			t.Fatal("HasKey wrong")
		}
		raw, _, ok := it.Member("petType")
		if !ok || string(Unquote(raw, buf[:0])) != "dog" {
			t.Fatal("Member wrong")
		}
		if !it.HasKey("näme") {
			t.Fatal("escaped key not found")
		}
		it.Skip()
	})
	if allocs != 0 {
		t.Fatalf("allocs = %v, want 0", allocs)
	}
}

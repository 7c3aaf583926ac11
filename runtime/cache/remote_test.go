package cache

import (
	"bytes"
	"testing"
	"time"
)

func TestEntryRoundTrip(t *testing.T) {
	e := &entry{key: []byte("k"), status: 203, stored: time.Now().UnixNano(), fresh: int64(time.Minute), swr: 5, sie: -1,
		names:  [][]byte{[]byte("Content-Type"), []byte("Etag"), []byte("Last-Modified"), []byte("Link"), []byte("Link")},
		values: [][]byte{[]byte("text/plain"), []byte(`"v1"`), []byte("Mon, 07 Dec 2026 08:00:00 GMT"), []byte("<a>"), []byte("<b>")},
		body:   []byte("hello")}
	got, err := decodeEntry(e.key, encodeEntry(e))
	if err != nil {
		t.Fatal(err)
	}
	if got.status != e.status || got.stored != e.stored || got.fresh != e.fresh || got.swr != e.swr || got.sie != e.sie ||
		!bytes.Equal(got.body, e.body) || len(got.names) != 5 || string(got.values[4]) != "<b>" ||
		string(got.etag) != `"v1"` || got.lastMod.IsZero() {
		t.Fatalf("decoded %+v", got)
	}
	for _, bad := range [][]byte{nil, {2}, {1}, encodeEntry(e)[:9]} {
		if _, err := decodeEntry(nil, bad); err == nil {
			t.Errorf("%q decoded", bad)
		}
	}
}

// FuzzDecodeEntry: what another process left in the shared store never
// crashes the gateway, and what decodes encodes back the same.
func FuzzDecodeEntry(f *testing.F) {
	f.Add(encodeEntry(&entry{status: 200, names: [][]byte{[]byte("A")}, values: [][]byte{[]byte("b")}, body: []byte("x")}))
	f.Add([]byte{1, 0xc8, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := decodeEntry(nil, b)
		if err != nil {
			return
		}
		again, err := decodeEntry(nil, encodeEntry(e))
		if err != nil || again.status != e.status || !bytes.Equal(again.body, e.body) || len(again.names) != len(e.names) {
			t.Fatalf("re-encoding %q: %v", b, err)
		}
	})
}

package transform

import (
	"testing"

	"github.com/valyala/fasthttp"
)

func TestAppendSafe(t *testing.T) {
	for in, want := range map[string]string{
		"plain value":          "plain value",
		"a\r\nX-Admin: 1":      "a%0D%0AX-Admin: 1",
		"tab\tkept":            "tab\tkept",
		"nul\x00del\x7f":       "nul%00del%7F",
		"caf\xc3\xa9 %41 100%": "caf\xc3\xa9 %41 100%",
	} {
		if got := string(AppendSafe(nil, []byte(in))); got != want {
			t.Errorf("AppendSafe(%q) = %q, want %q", in, got, want)
		}
		if got := string(AppendSafeString(nil, in)); got != want {
			t.Errorf("AppendSafeString(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSyncQuery(t *testing.T) {
	var ctx fasthttp.RequestCtx
	ctx.Request.SetRequestURI("/pets?debug=1&limit=5&debug=2")
	q := ctx.QueryArgs()
	q.Del("debug")
	q.Set("source", "gate way")
	SyncQuery(&ctx, nil)
	if got := string(ctx.URI().QueryString()); got != "limit=5&source=gate+way" {
		t.Fatalf("query %q", got)
	}
}

func FuzzAppendSafe(f *testing.F) {
	f.Add([]byte("a\r\nb"))
	f.Fuzz(func(t *testing.T, v []byte) {
		for _, c := range AppendSafe(nil, v) {
			if c < 0x20 && c != '\t' || c == 0x7f {
				t.Fatalf("control character %q left in %q", c, v)
			}
		}
	})
}

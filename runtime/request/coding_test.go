package request

import (
	"testing"

	"github.com/valyala/fasthttp"
)

func TestContentCoding(t *testing.T) {
	for _, c := range []struct{ field, want string }{
		{"", ""}, {"identity", ""}, {" IDENTITY ", ""}, {"gzip", "gzip"}, {"br", "br"}, {"gzip, identity", "gzip, identity"},
	} {
		var h fasthttp.RequestHeader
		if c.field != "" {
			h.Set(fasthttp.HeaderContentEncoding, c.field)
		}
		if got := ContentCoding(&h); string(got) != c.want || (c.want == "") != (got == nil) {
			t.Errorf("ContentCoding(%q) = %q, want %q", c.field, got, c.want)
		}
	}
}

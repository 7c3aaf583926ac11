package request

import (
	"testing"

	"github.com/valyala/fasthttp"
)

func TestContentCoding(t *testing.T) {
	for _, c := range []struct {
		fields []string
		want   string
	}{
		{nil, ""}, {[]string{"identity"}, ""}, {[]string{" IDENTITY "}, ""}, {[]string{"gzip"}, "gzip"}, {[]string{"br"}, "br"},
		{[]string{"gzip, identity"}, "gzip, identity"},
		// A second line is more of the list: the first alone let a gzip
		// label through.
		{[]string{"identity", "gzip"}, "gzip"}, {[]string{"", "br"}, "br"}, {[]string{"identity", "identity"}, ""},
	} {
		var h fasthttp.RequestHeader
		for _, f := range c.fields {
			h.Add(fasthttp.HeaderContentEncoding, f)
		}
		if got := ContentCoding(&h); string(got) != c.want || (c.want == "") != (got == nil) {
			t.Errorf("ContentCoding(%q) = %q, want %q", c.fields, got, c.want)
		}
	}
	var h fasthttp.RequestHeader
	h.Add(fasthttp.HeaderContentEncoding, "identity")
	h.Add(fasthttp.HeaderContentEncoding, "identity")
	if n := testing.AllocsPerRun(100, func() { ContentCoding(&h) }); n != 0 {
		t.Errorf("ContentCoding allocates %v times", n)
	}
}

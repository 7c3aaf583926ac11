package lower

import (
	"strings"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// sampleRequest builds the request the generated tests and benchmarks send for o,
// from the values lower found for its parameters (Param.Example) and body
// (Media.Example, Media.Sample), and says whether it is complete: a request
// the gateway must accept. A required parameter or a required body without
// a value makes it incomplete, and Missing names them; the generated tests
// route such a request but do not expect it to pass.
func sampleRequest(o *ir.Operation) *ir.Sample {
	s := &ir.Sample{}
	var missing []string
	var query []string
	for _, p := range o.Params {
		if p.Example == "" {
			if p.Required {
				missing = append(missing, p.Location())
			}
			continue
		}
		switch p.In {
		case ir.InQuery:
			query = append(query, p.Example) // already name=value pairs
		case ir.InHeader:
			s.Headers = append(s.Headers, ir.NameValue{Name: p.Name, Value: p.Example})
		case ir.InCookie:
			// "name=value", or "a=1; b=2" for a form object with explode.
			for _, pair := range strings.Split(p.Example, "; ") {
				k, v, _ := strings.Cut(pair, "=")
				s.Cookies = append(s.Cookies, ir.NameValue{Name: k, Value: v})
			}
		}
	}
	s.Path = o.RoutePrefix + samplePath(o)
	s.Query = strings.Join(query, "&")
	s.ParamsComplete = len(missing) == 0
	if o.Body != nil {
		s.Body, s.ContentType = sampleBody(o.Body)
		if s.ContentType == "" && o.Body.Required {
			missing = append(missing, "the body")
		}
	}
	s.Complete = len(missing) == 0
	s.Missing = strings.Join(missing, ", ")
	return s
}

// samplePath fills o's path template with its path parameters' values, "1"
// where one has none.
func samplePath(o *ir.Operation) string {
	return fill(o.Path, func(name string) string {
		for _, p := range o.Params {
			if p.In == ir.InPath && p.Name == name && p.Example != "" {
				return p.Example // the segment as sent, escaped
			}
		}
		return "1"
	})
}

// sampleBody picks the body of a sample request and its Content-Type: the
// first JSON media type (not a range) with an example, else the first other
// one a sample was made for (a form or multipart body from the example
// object, a text or binary example). The content type is "" when there is
// none.
func sampleBody(b *ir.Body) (body, contentType string) {
	for _, m := range b.Media {
		if m.JSON && m.Example != "" && !strings.Contains(m.ContentType, "*") {
			return m.Example, m.ContentType
		}
	}
	for _, m := range b.Media {
		if m.Sample != "" {
			return m.Sample, m.SampleType
		}
	}
	return "", ""
}

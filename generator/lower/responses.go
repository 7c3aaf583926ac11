package lower

import (
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	json "github.com/goccy/go-json"

	"github.com/gatewaygen/gatewaygen/generator/diag"
	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// responses records the declared responses and picks the mock reply: the
// lowest 2xx response, answered with its example, else one of its named
// examples, else the schema's example, else a sample built from the schema.
func (l *lowerer) responses(o *ir.Operation, op *openapi3.Operation) {
	defer func() {
		if o.MockReply == nil {
			o.MockReply = &ir.Reply{Status: 200, ContentType: "application/json", Body: "{}"}
		}
	}()
	if op.Responses == nil {
		return
	}
	m := op.Responses.Map()
	codes := make([]string, 0, len(m))
	for c := range m {
		codes = append(codes, c)
	}
	sort.Strings(codes) // "200" < "201" < "2XX" < "default"
	for _, c := range codes {
		r := m[c]
		if r == nil || r.Value == nil {
			continue
		}
		resp := &ir.Response{Status: c}
		if r.Value.Description != nil {
			resp.Description = *r.Value.Description
		}
		ct, mt := pickMedia(r.Value.Content)
		resp.ContentType = ct
		resp.Status = strings.ToUpper(c) // "2xx" is "2XX"
		if c == "default" {
			resp.Status = c
		}
		resp.Pos = l.doc.Pos("paths", o.Path, strings.ToLower(o.Method), "responses", c)
		// Lowered whether or not responses are checked: the portal shows
		// every response's media and schema.
		resp.Media = l.responseMedia(r.Value.Content, resp.Pos)
		o.Responses = append(o.Responses, resp)
		if o.MockReply == nil && strings.HasPrefix(c, "2") {
			o.MockReply = mockReply(c, ct, mt)
		}
	}
}

// responseMedia lowers the content of a response for response checks: one
// entry per media type (parameters dropped), sorted, JSON ones with their
// schema.
func (l *lowerer) responseMedia(c openapi3.Content, pos diag.Pos) []*ir.Media {
	cts := make([]string, 0, len(c))
	for ct := range c {
		cts = append(cts, ct)
	}
	sort.Strings(cts)
	var out []*ir.Media
	seen := map[string]bool{}
	for _, ct := range cts {
		m := &ir.Media{ContentType: mediaType(ct)}
		if seen[m.ContentType] {
			continue
		}
		seen[m.ContentType] = true
		m.JSON = isJSON(m.ContentType)
		if mt := c[ct]; m.JSON && mt != nil && mt.Schema != nil {
			m.Schema = l.schema(mt.Schema, pos)
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ContentType < out[j].ContentType })
	return out
}

// pickMedia prefers JSON among a response's content types.
func pickMedia(c openapi3.Content) (string, *openapi3.MediaType) {
	cts := make([]string, 0, len(c))
	for ct := range c {
		cts = append(cts, ct)
	}
	sort.Strings(cts)
	for _, ct := range cts {
		if isJSON(mediaType(ct)) {
			return ct, c[ct]
		}
	}
	if len(cts) > 0 {
		return cts[0], c[cts[0]]
	}
	return "", nil
}

func mockReply(code, ct string, mt *openapi3.MediaType) *ir.Reply {
	status, err := strconv.Atoi(code)
	if err != nil {
		status = 200 // "2XX"
	}
	r := &ir.Reply{Status: status, ContentType: ct}
	if mt == nil || status == 204 || status == 205 {
		r.ContentType = ""
		return r
	}
	switch {
	case mt.Example != nil:
		r.Body = canonical(mt.Example)
	case len(mt.Examples) > 0:
		names := make([]string, 0, len(mt.Examples))
		for n := range mt.Examples {
			names = append(names, n)
		}
		sort.Strings(names)
		if ex := mt.Examples[names[0]]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
			r.Body = canonical(ex.Value.Value)
		}
	}
	if r.Body == "" && mt.Schema != nil {
		b, _ := json.Marshal(sample(mt.Schema, 0))
		r.Body = string(b)
	}
	if !isJSON(mediaType(ct)) {
		// A string example of a non-JSON type is sent as the text itself.
		var s string
		if json.Unmarshal([]byte(r.Body), &s) == nil {
			r.Body = s
		}
	}
	return r
}

// sample builds a value that satisfies the simple constraints of s, for
// mock replies of operations whose document gives no example.
func sample(ref *openapi3.SchemaRef, depth int) any {
	if ref == nil || ref.Value == nil || depth > 6 {
		return nil
	}
	s := ref.Value
	switch {
	case s.Example != nil:
		return s.Example
	case len(s.Examples) > 0:
		return s.Examples[0]
	case s.Default != nil:
		return s.Default
	case len(s.Enum) > 0:
		return s.Enum[0]
	case s.Const != nil:
		return s.Const
	case len(s.AllOf) > 0:
		out := map[string]any{}
		for _, a := range s.AllOf {
			if m, ok := sample(a, depth+1).(map[string]any); ok {
				for k, v := range m {
					out[k] = v
				}
			}
		}
		return out
	case len(s.OneOf) > 0:
		return sample(s.OneOf[0], depth+1)
	case len(s.AnyOf) > 0:
		return sample(s.AnyOf[0], depth+1)
	}
	switch {
	case s.Type.Includes("object") || len(s.Properties) > 0:
		out := map[string]any{}
		for name, p := range s.Properties {
			if p.Value != nil && p.Value.WriteOnly {
				continue
			}
			out[name] = sample(p, depth+1)
		}
		return out
	case s.Type.Includes("array"):
		n := int(s.MinItems)
		if n == 0 {
			n = 1
		}
		out := make([]any, 0, n)
		for i := 0; i < n && i < 3; i++ {
			out = append(out, sample(s.Items, depth+1))
		}
		return out
	case s.Type.Includes("integer"), s.Type.Includes("number"):
		switch {
		case s.Min != nil:
			return *s.Min
		case s.Max != nil && *s.Max < 0:
			return *s.Max
		}
		return 0
	case s.Type.Includes("boolean"):
		return true
	case s.Type.Includes("string"):
		if s.Format != "" {
			return formatSample(s.Format)
		}
		if s.MinLength > 0 {
			return strings.Repeat("x", int(min(s.MinLength, 64)))
		}
		if s.MaxLength != nil && *s.MaxLength < uint64(len("string")) {
			return "string"[:*s.MaxLength] // a sample must meet the schema it stands for
		}
		return "string"
	}
	return nil
}

func formatSample(f string) string {
	switch f {
	case "date-time":
		return "2026-01-01T00:00:00Z"
	case "date":
		return "2026-01-01"
	case "uuid":
		return "00000000-0000-4000-8000-000000000000"
	case "email":
		return "user@example.com"
	case "uri", "url":
		return "https://example.com/"
	}
	return "string"
}

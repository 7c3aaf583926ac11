package oracle

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// This file writes synthesized values on the wire: parameters in every
// style and explode value of OpenAPI 3.1 §4.8.12.4 (Style Examples), query
// parameters whose content is JSON (§4.8.12.3, "content"), and request
// bodies of application/x-www-form-urlencoded and multipart/form-data
// (§4.8.15, Encoding Object), text/plain and application/octet-stream.

// styleOf returns p's style and explode with the defaults of §4.8.12.2:
// form for query and cookie, simple for path and header; explode true for
// form only.
func styleOf(p *openapi3.Parameter) (string, bool) {
	style := p.Style
	if style == "" {
		switch p.In {
		case "query", "cookie":
			style = "form"
		default:
			style = "simple"
		}
	}
	explode := style == "form"
	if p.Explode != nil {
		explode = *p.Explode
	}
	return style, explode
}

// wire is a parameter as it goes in a request: a path segment (escaped),
// raw query pairs "k=v", a header value, or cookie pairs.
type wire struct {
	segment string
	pairs   []string
	header  string
	cookies [][2]string
}

// serialize writes the value v of parameter p (ctype is its content media
// type, "" when it has a schema) in p's style. Arrays and objects hold
// scalars; anything deeper is written as JSON.
func serialize(p *openapi3.Parameter, ctype string, v any) wire {
	var w wire
	if ctype != "" {
		s := scalar(v)
		if strings.Contains(ctype, "json") {
			b, _ := json.Marshal(v)
			s = string(b)
		}
		switch p.In {
		case "query":
			w.pairs = []string{url.QueryEscape(p.Name) + "=" + url.QueryEscape(s)}
		case "path":
			w.segment = url.PathEscape(s)
		case "header":
			w.header = s
		case "cookie":
			w.cookies = [][2]string{{p.Name, s}}
		}
		return w
	}
	style, explode := styleOf(p)
	esc := url.QueryEscape
	if p.In == "path" {
		esc = url.PathEscape
	} else if p.In != "query" {
		esc = func(s string) string { return s }
	}
	name := esc(p.Name)
	// items are the pieces of v: the items of an array, the names and
	// values of an object's properties in turn, or v alone.
	var items []string
	var keys []string
	obj, isObj := v.(map[string]any)
	arr, isArr := v.([]any)
	switch {
	case isObj:
		keys = sortedKeys(obj)
		for _, k := range keys {
			items = append(items, esc(k), esc(scalar(obj[k])))
		}
	case isArr:
		for _, e := range arr {
			items = append(items, esc(scalar(e)))
		}
	default:
		items = []string{esc(scalar(v))}
	}
	// joined writes items with sep between them, and for an exploded
	// object each name=value with sep between the pairs.
	joined := func(sep string, exploded bool) string {
		if isObj && exploded {
			var kv []string
			for i := 0; i+1 < len(items); i += 2 {
				kv = append(kv, items[i]+"="+items[i+1])
			}
			return strings.Join(kv, sep)
		}
		return strings.Join(items, sep)
	}
	switch style {
	case "simple":
		s := joined(",", explode)
		if p.In == "path" {
			w.segment = s
		} else {
			w.header = s
		}
	case "label":
		if explode {
			w.segment = "." + joined(".", true)
		} else {
			w.segment = "." + strings.Join(items, ",")
		}
	case "matrix":
		switch {
		case isObj && explode:
			w.segment = ";" + joined(";", true)
		case isArr && explode:
			for _, it := range items {
				w.segment += ";" + name + "=" + it
			}
		default:
			w.segment = ";" + name + "=" + strings.Join(items, ",")
		}
	case "form":
		switch {
		case isObj && explode:
			for i := 0; i+1 < len(items); i += 2 {
				w.pairs = append(w.pairs, items[i]+"="+items[i+1])
				w.cookies = append(w.cookies, [2]string{keys[i/2], items[i+1]})
			}
		case isArr && explode:
			for _, it := range items {
				w.pairs = append(w.pairs, name+"="+it)
				w.cookies = append(w.cookies, [2]string{p.Name, it})
			}
		default:
			s := strings.Join(items, ",")
			w.pairs = []string{name + "=" + s}
			w.cookies = [][2]string{{p.Name, s}}
		}
	case "spaceDelimited", "pipeDelimited":
		sep := "%20"
		if style == "pipeDelimited" {
			sep = "|"
		}
		if isArr && explode {
			for _, it := range items {
				w.pairs = append(w.pairs, name+"="+it)
			}
		} else {
			w.pairs = []string{name + "=" + strings.Join(items, sep)}
		}
	case "deepObject":
		if isObj {
			for i := 0; i+1 < len(items); i += 2 {
				w.pairs = append(w.pairs, name+"%5B"+items[i]+"%5D="+items[i+1])
			}
		} else {
			w.pairs = []string{name + "=" + strings.Join(items, ",")}
		}
	default:
		w.pairs = []string{name + "=" + strings.Join(items, ",")}
		w.segment, w.header = strings.Join(items, ","), strings.Join(items, ",")
	}
	return w
}

// paramMuts are the values that break a parameter of schema s whose valid
// value is v, by kind and location below the parameter ("", "[0]", "/R").
type paramMut struct {
	kind, at string
	v        any
}

// scalarMuts are the strings that break a scalar of schema s.
func scalarMuts(s *openapi3.Schema) []paramMut {
	var out []paramMut
	add := func(kind, v string) { out = append(out, paramMut{kind, "", v}) }
	t := mainType(s)
	switch t {
	case "integer", "number", "boolean":
		add(kWrongType, "abc")
	}
	if t == "integer" || t == "number" {
		if s.Max != nil {
			add(kRange, fmt.Sprint(*s.Max+1))
		} else if s.Min != nil {
			add(kRange, fmt.Sprint(*s.Min-1))
		} else if s.ExclusiveMin.Value != nil {
			add(kRange, fmt.Sprint(*s.ExclusiveMin.Value))
		}
	}
	if t == "string" {
		if s.MaxLength != nil && *s.MaxLength < 2000 {
			add(kRange, strings.Repeat("x", int(*s.MaxLength)+1))
		} else if s.MinLength > 0 {
			add(kRange, strings.Repeat("x", int(s.MinLength)-1))
		}
		if len(s.Enum) > 0 {
			add(kEnum, "zzNotInEnum")
		}
		if b, ok := formatBreakers[s.Format]; ok {
			add(kFormat, b)
		}
		if s.Pattern != "" {
			add(kPattern, "!~ ~!")
		}
	}
	return out
}

// paramMutations breaks a parameter of schema s (flattened) whose valid
// value is v: a scalar as before; an array in its first item or its item
// count; an object in one property, a missing required property or an
// extra property.
func paramMutations(s *openapi3.Schema, v any) []paramMut {
	switch v := v.(type) {
	case []any:
		var out []paramMut
		if s.Items != nil && s.Items.Value != nil && len(v) > 0 {
			for _, m := range scalarMuts(flat(s.Items.Value, 2)) {
				c := clone(v).([]any)
				c[0] = m.v
				out = append(out, paramMut{m.kind, "[0]", c})
			}
		}
		if s.UniqueItems && len(v) > 0 {
			// A repeat of the first item, as sent and, for numbers, in
			// another spelling of the same value (1 and 1.0), which JSON
			// Schema counts as equal.
			out = append(out, paramMut{kUnique, "", append(clone(v).([]any), v[0])})
			if f, ok := v[0].(float64); ok {
				out = append(out, paramMut{kUnique, "", append(clone(v).([]any), strconv.FormatFloat(f, 'f', 1, 64))})
			}
		}
		if s.MaxItems != nil && *s.MaxItems < 50 && len(v) > 0 {
			long := make([]any, *s.MaxItems+1)
			for i := range long {
				long[i] = v[0]
			}
			out = append(out, paramMut{kRange, "", long})
		}
		return out
	case map[string]any:
		var out []paramMut
		for _, k := range s.Required {
			if _, ok := v[k]; ok {
				c := clone(v).(map[string]any)
				delete(c, k)
				out = append(out, paramMut{kMissing, "/" + escapePtr(k), c})
				break
			}
		}
		if s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has {
			c := clone(v).(map[string]any)
			c["zzExtra"] = "1"
			out = append(out, paramMut{kExtra, "/zzExtra", c})
		}
		for _, k := range sortedKeys(v) {
			ps := s.Properties[k]
			if ps == nil || ps.Value == nil {
				continue
			}
			for _, m := range scalarMuts(flat(ps.Value, 2)) {
				c := clone(v).(map[string]any)
				c[k] = m.v
				out = append(out, paramMut{m.kind, "/" + escapePtr(k), c})
			}
		}
		return out
	}
	return scalarMuts(s)
}

// formBody encodes the object v as an application/x-www-form-urlencoded
// body following mt's Encoding Objects (§4.8.15): arrays in their style
// (form, exploded by default, spaceDelimited or pipeDelimited), objects in
// deepObject (x[R]=1) or, without explode, as names and values in one value
// (x=R,1,G,2), and otherwise as JSON, which the gateway reads for the
// contentType default and for form with explode alike. The items of a
// value sent in one are escaped each and joined by the delimiter as it is
// (a space as '+'), as RFC 6570 expands them: an escaped delimiter is data
// to the gateway, which splits before it decodes.
func formBody(mt *openapi3.MediaType, v map[string]any) []byte {
	var pairs []string
	add := func(k, s string) { pairs = append(pairs, url.QueryEscape(k)+"="+url.QueryEscape(s)) }
	addItems := func(k, sep string, items []string) {
		for i, it := range items {
			items[i] = url.QueryEscape(it)
		}
		if sep == " " {
			sep = "+"
		}
		pairs = append(pairs, url.QueryEscape(k)+"="+strings.Join(items, sep))
	}
	for _, k := range sortedKeys(v) {
		enc := mt.Encoding[k]
		style, explode := "form", true
		ct := ""
		if enc != nil {
			if enc.Style != "" {
				style = enc.Style
				explode = style == "form"
			}
			if enc.Explode != nil {
				explode = *enc.Explode
			}
			ct = enc.ContentType
		}
		switch e := v[k].(type) {
		case []any:
			if style == "deepObject" && nested(e) {
				deepPairs(k, e, add)
				continue
			}
			if explode {
				for _, it := range e {
					add(k, scalar(it))
				}
				continue
			}
			sep := map[string]string{"spaceDelimited": " ", "pipeDelimited": "|"}[style]
			if sep == "" {
				sep = ","
			}
			var items []string
			for _, it := range e {
				items = append(items, scalar(it))
			}
			addItems(k, sep, items)
		case map[string]any:
			if style == "deepObject" && !strings.Contains(ct, "json") {
				deepPairs(k, e, add)
				continue
			}
			if !explode && style != "deepObject" {
				sep := map[string]string{"spaceDelimited": " ", "pipeDelimited": "|"}[style]
				if sep == "" {
					sep = ","
				}
				var items []string
				for _, p := range sortedKeys(e) {
					items = append(items, p, scalar(e[p]))
				}
				addItems(k, sep, items)
				continue
			}
			b, _ := json.Marshal(e)
			add(k, string(b))
		default:
			add(k, scalar(e))
		}
	}
	return []byte(strings.Join(pairs, "&"))
}

// deepPairs writes a value of a deepObject field as Stripe's, Rails' and
// PHP's clients nest it, which the gateway reads beyond OAS 3.1.1
// §4.8.12.4 (one level of scalar properties): an object's properties as
// key[name], an array's items as key[index], as deep as the value goes.
func deepPairs(key string, v any, add func(k, s string)) {
	switch e := v.(type) {
	case map[string]any:
		for _, p := range sortedKeys(e) {
			deepPairs(key+"["+p+"]", e[p], add)
		}
	case []any:
		for i, it := range e {
			deepPairs(key+"["+strconv.Itoa(i)+"]", it, add)
		}
	default:
		add(key, scalar(e))
	}
}

// nested reports whether an array holds objects or arrays.
func nested(items []any) bool {
	for _, it := range items {
		switch it.(type) {
		case map[string]any, []any:
			return true
		}
	}
	return false
}

// multipartBody encodes the object v as a multipart/form-data body (§4.8.15,
// "Encoding multipart Media Types"): an array as one part per item, an
// object as a JSON part, a string with contentMediaType or format binary as
// a file part of that media type (or the Encoding Object's first), any
// other value as a text part. It returns the body and its Content-Type.
func multipartBody(mt *openapi3.MediaType, s *openapi3.Schema, v map[string]any) ([]byte, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	_ = w.SetBoundary("oracle-boundary-7f3a")
	part := func(k string, ps *openapi3.Schema, e any) {
		h := textproto.MIMEHeader{}
		ct := ""
		if enc := mt.Encoding[k]; enc != nil && enc.ContentType != "" {
			ct = strings.TrimSpace(strings.Split(enc.ContentType, ",")[0])
		}
		file := false
		if ps != nil {
			if ps.Format == "binary" {
				file = true
			}
			if ps.ContentMediaType != "" {
				file = true
				if ct == "" {
					ct = ps.ContentMediaType
				}
			}
		}
		body := scalar(e)
		if _, isObj := e.(map[string]any); isObj {
			if ct == "" {
				ct = "application/json"
			}
			bb, _ := json.Marshal(e)
			body = string(bb)
		}
		if file {
			if ct == "" {
				ct = "application/octet-stream"
			}
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename="%s.bin"`, k, k))
		} else {
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q`, k))
		}
		if ct != "" {
			h.Set("Content-Type", ct)
		}
		pw, _ := w.CreatePart(h)
		_, _ = pw.Write([]byte(body))
	}
	for _, k := range sortedKeys(v) {
		var ps *openapi3.Schema
		if r := s.Properties[k]; r != nil && r.Value != nil {
			ps = flat(r.Value, 2)
		}
		if arr, ok := v[k].([]any); ok {
			var is *openapi3.Schema
			if ps != nil && ps.Items != nil && ps.Items.Value != nil {
				is = flat(ps.Items.Value, 3)
			}
			for _, it := range arr {
				part(k, is, it)
			}
			continue
		}
		part(k, ps, v[k])
	}
	_ = w.Close()
	return b.Bytes(), w.FormDataContentType()
}

// isolatedParam says whether an optional parameter is sent only in cases of
// its own rather than in every request of its operation: openapi3filter
// refuses a content parameter of a media type other than JSON when it is
// present ("parameter has no content schema"), which would otherwise turn
// every other case of the operation into the same disagreement.
func isolatedParam(p *openapi3.Parameter, ctype string) bool {
	return ctype != "" && !strings.Contains(ctype, "json")
}

// isolatedField says the same of an optional field of a form body that
// declares no type: openapi3filter's urlencoded decoder reads it as null
// when it is present ("Value is not nullable"). (Object fields and arrays
// of untyped items it refuses whether present or not, "unsupported schema
// of request body's property": isolating them would not help.)
func isolatedField(s *openapi3.Schema) bool {
	return s.Type == nil || len(s.Type.Slice()) == 0
}

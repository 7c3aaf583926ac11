package oracle

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"regexp/syntax"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// This file builds requests from an operation: one valid request
// synthesized from its parameters' and body's schemas, then mutations of it,
// each breaking one rule at one place. Whether a mutation really breaks the
// request does not matter to the oracle; only whether both validators agree.

// Mutation kinds, as reported per kind.
const (
	kValid       = "valid"
	kWrongType   = "wrong-type"
	kRange       = "out-of-range"
	kMissing     = "missing-required"
	kExtra       = "extra-property"
	kFormat      = "bad-format"
	kEnum        = "bad-enum"
	kPattern     = "bad-pattern"
	kNull        = "null"
	kContentType = "wrong-content-type"
	kMalformed   = "malformed-json"
	kNoBody      = "missing-body"
	kUnique      = "repeated-item"
	kDuplicate   = "duplicate-items" // an item repeated in an array of uniqueItems
	kExample     = "example"         // the document's own example of a parameter or body, sent as it is
)

// sitesPerKind bounds how many places of one operation each kind mutates.
const sitesPerKind = 3

// maxDepth bounds the synthesized body's nesting; optional properties stop
// earlier, at optDepth.
const (
	maxDepth = 10
	optDepth = 3
)

// flat merges allOf into one schema view and picks the first branch of
// oneOf/anyOf, so that a value can be synthesized from it. It is a view for
// synthesis, never validation.
func flat(s *openapi3.Schema, depth int) *openapi3.Schema {
	if s == nil || depth > maxDepth || (len(s.AllOf) == 0 && len(s.OneOf) == 0 && len(s.AnyOf) == 0) {
		return s
	}
	c := *s
	c.AllOf, c.OneOf, c.AnyOf = nil, nil, nil
	parts := append(openapi3.SchemaRefs{}, s.AllOf...)
	if b := firstBranch(s.OneOf); b != nil {
		parts = append(parts, b)
	} else if b := firstBranch(s.AnyOf); b != nil {
		parts = append(parts, b)
	}
	props := openapi3.Schemas{}
	for k, v := range s.Properties {
		props[k] = v
	}
	for _, p := range parts {
		if p == nil || p.Value == nil {
			continue
		}
		sub := flat(p.Value, depth+1)
		for k, v := range sub.Properties {
			if _, ok := props[k]; !ok {
				props[k] = v
			}
		}
		c.Required = append(c.Required, sub.Required...)
		if c.Type == nil {
			c.Type = sub.Type
		}
		if c.Enum == nil {
			c.Enum = sub.Enum
		}
		if c.Format == "" {
			c.Format = sub.Format
		}
		if c.Pattern == "" {
			c.Pattern = sub.Pattern
		}
		if c.Items == nil {
			c.Items = sub.Items
		}
		if c.Min == nil {
			c.Min = sub.Min
		}
		if c.Max == nil {
			c.Max = sub.Max
		}
		if c.MaxLength == nil {
			c.MaxLength = sub.MaxLength
		}
		if c.MinLength == 0 {
			c.MinLength = sub.MinLength
		}
		if c.Const == nil {
			c.Const = sub.Const
		}
		c.UniqueItems = c.UniqueItems || sub.UniqueItems
		if c.AdditionalProperties.Has == nil && c.AdditionalProperties.Schema == nil {
			c.AdditionalProperties = sub.AdditionalProperties
		}
	}
	if len(props) > 0 {
		c.Properties = props
	}
	return &c
}

// firstBranch is the first branch that is not only null (3.1's nullable
// anyOf [{type: "null"}, X]: a null is no value a parameter or a form can
// send), or the first when all are.
func firstBranch(bs openapi3.SchemaRefs) *openapi3.SchemaRef {
	for _, b := range bs {
		if b != nil && b.Value != nil {
			if t := b.Value.Type; t == nil || len(t.Slice()) != 1 || !t.Includes("null") {
				return b
			}
		}
	}
	if len(bs) > 0 {
		return bs[0]
	}
	return nil
}

// mainType is the schema's first type other than null, guessed from its
// keywords when it declares none.
func mainType(s *openapi3.Schema) string {
	if s.Type != nil {
		for _, t := range s.Type.Slice() {
			if t != "null" {
				return t
			}
		}
	}
	switch {
	case len(s.Properties) > 0 || len(s.Required) > 0:
		return "object"
	case s.Items != nil:
		return "array"
	case s.Min != nil || s.Max != nil:
		return "number"
	}
	return "string"
}

func allowsType(s *openapi3.Schema, t string) bool {
	if s.Type == nil || len(s.Type.Slice()) == 0 {
		return true
	}
	if t == "integer" && s.Type.Includes("number") {
		return true
	}
	if t == "null" && s.Nullable {
		return true
	}
	return s.Type.Includes(t)
}

var formatSamples = map[string]string{
	"date-time": "2024-01-02T03:04:05Z",
	"date":      "2024-01-02",
	"time":      "03:04:05Z",
	"email":     "ann@example.com",
	"uri":       "https://example.com/a",
	"url":       "https://example.com/a",
	"uuid":      "123e4567-e89b-12d3-a456-426614174000",
	"ipv4":      "192.0.2.1",
	"ipv6":      "2001:db8::1",
	"hostname":  "example.com",
	"byte":      "aGVsbG8=",
}

var formatBreakers = map[string]string{
	"date-time": "2024-13-45T99:00:00Z",
	"date":      "2024-13-45",
	"time":      "99:99",
	"email":     "not-an-email",
	"uri":       "not a uri",
	"url":       "not a url",
	"uuid":      "not-a-uuid",
	"ipv4":      "999.1.1.1",
	"ipv6":      "not:an:ipv6:::",
	"hostname":  "-bad-.host-",
	"byte":      "%%%not base64%%%",
}

// patternCandidates are tried, in order, against a pattern no example fits.
var patternCandidates = []string{"abc", "a", "A", "1", "ab", "abc123", "a1b2c3d4", "1.0", "+44 20 7946 0000", "x-1", "AB12", "12345", "aaaaaaaa", "2024-01-02"}

func compilePattern(p string) *regexp.Regexp {
	re, err := regexp.Compile(p)
	if err != nil {
		return nil
	}
	return re
}

// synthString returns a valid string for s, or false.
func synthString(s *openapi3.Schema) (string, bool) {
	fits := func(v string) bool {
		n := uint64(len([]rune(v)))
		if n < s.MinLength || (s.MaxLength != nil && n > *s.MaxLength) {
			return false
		}
		if s.Pattern != "" {
			re := compilePattern(s.Pattern)
			return re != nil && re.MatchString(v)
		}
		return true
	}
	// A format's own sample comes first: real documents' examples often
	// break their format ("2015-07-01T00:00:00" for a date).
	var tries []string
	if v, ok := formatSamples[s.Format]; ok {
		tries = append(tries, v)
	}
	for _, e := range append([]any{s.Example, s.Default}, s.Examples...) {
		if v, ok := e.(string); ok {
			tries = append(tries, v)
		}
	}
	if s.Pattern != "" {
		tries = append(tries, fromPattern(s.Pattern)...)
	}
	n := max(int(s.MinLength), 3)
	if s.MaxLength != nil && uint64(n) > *s.MaxLength {
		n = int(*s.MaxLength)
	}
	tries = append(tries, strings.Repeat("x", n))
	if s.Pattern != "" {
		tries = append(tries, patternCandidates...)
	}
	for _, v := range tries {
		if fits(v) {
			return v, true
		}
	}
	return "", false
}

// synthNumber returns a number within s's bounds.
func synthNumber(s *openapi3.Schema, integer bool) any {
	lo, hi := math.Inf(-1), math.Inf(1)
	if s.Min != nil {
		lo = *s.Min
		if s.ExclusiveMin.IsTrue() {
			lo++
		}
	}
	if s.ExclusiveMin.Value != nil {
		lo = math.Max(lo, *s.ExclusiveMin.Value+1)
	}
	if s.Max != nil {
		hi = *s.Max
		if s.ExclusiveMax.IsTrue() {
			hi--
		}
	}
	if s.ExclusiveMax.Value != nil {
		hi = math.Min(hi, *s.ExclusiveMax.Value-1)
	}
	v := math.Max(lo, math.Min(1, hi))
	if s.MultipleOf != nil && *s.MultipleOf > 0 {
		v = math.Ceil(v / *s.MultipleOf) * *s.MultipleOf
	}
	if integer {
		v = math.Ceil(v)
	}
	return v
}

// synth returns a valid value for s, or false when it cannot make one.
func synth(ref *openapi3.SchemaRef, depth int) (any, bool) {
	if ref == nil || ref.Value == nil {
		return "x", true
	}
	if depth > maxDepth {
		return nil, false
	}
	s := flat(ref.Value, depth)
	if s.Const != nil {
		return s.Const, true
	}
	for _, e := range s.Enum {
		if e != nil {
			return e, true
		}
	}
	switch mainType(s) {
	case "string":
		return synthString(s)
	case "integer":
		return synthNumber(s, true), true
	case "number":
		return synthNumber(s, false), true
	case "boolean":
		return true, true
	case "array":
		n := max(int(s.MinItems), 1)
		if s.MaxItems != nil && uint64(n) > *s.MaxItems {
			n = int(*s.MaxItems)
		}
		out := []any{}
		for i := range n {
			v, ok := synth(s.Items, depth+1)
			if !ok {
				return nil, false
			}
			if s.UniqueItems {
				v = distinct(s.Items, v, i)
			}
			out = append(out, v)
		}
		return out, true
	case "object":
		out := map[string]any{}
		required := map[string]bool{}
		for _, k := range s.Required {
			required[k] = true
		}
		for _, k := range sortedKeys(s.Properties) {
			p := s.Properties[k]
			if p == nil || p.Value == nil || p.Value.ReadOnly {
				continue
			}
			if !required[k] && depth >= optDepth {
				continue
			}
			v, ok := synth(p, depth+1)
			if !ok {
				if required[k] {
					return nil, false
				}
				continue
			}
			out[k] = v
		}
		for k := range required {
			if _, ok := out[k]; !ok {
				if _, declared := s.Properties[k]; !declared {
					out[k] = "x" // required but undeclared: any value
				}
			}
		}
		return out, true
	}
	return nil, false
}

// distinct varies the synthesized item v into the i-th of items that
// uniqueItems allows together: the i-th enum member, or a number moved by
// i within its bounds when the items have neither enum nor multipleOf.
// Anything else stays v, which may repeat.
func distinct(items *openapi3.SchemaRef, v any, i int) any {
	if i == 0 || items == nil || items.Value == nil {
		return v
	}
	s := flat(items.Value, 1)
	if len(s.Enum) > 0 {
		return s.Enum[i%len(s.Enum)]
	}
	if f, ok := v.(float64); ok && s.MultipleOf == nil {
		g := f + float64(i)
		if s.Max == nil || g <= *s.Max {
			return g
		}
	}
	return v
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// site is a place in a synthesized body: its JSON pointer below /body, the
// schema there and the value.
type site struct {
	ptr    string
	schema *openapi3.Schema
	value  any
}

// sites walks value alongside ref, depth first.
func sites(ref *openapi3.SchemaRef, value any, ptr string, depth int, out *[]site) {
	if ref == nil || ref.Value == nil || depth > maxDepth {
		return
	}
	s := flat(ref.Value, depth)
	*out = append(*out, site{ptr, s, value})
	switch v := value.(type) {
	case map[string]any:
		for _, k := range sortedKeys(v) {
			sites(s.Properties[k], v[k], ptr+"/"+escapePtr(k), depth+1, out)
		}
	case []any:
		for i, e := range v {
			sites(s.Items, e, ptr+"/"+strconv.Itoa(i), depth+1, out)
		}
	}
}

func escapePtr(k string) string { return strings.NewReplacer("~", "~0", "/", "~1").Replace(k) }

// mutations returns, for one site, the values that break it, by kind.
func mutations(st site) map[string][]any {
	s := st.schema
	m := map[string][]any{}
	// wrong-type: the first of these values whose type s does not allow.
	for _, c := range []struct {
		t string
		v any
	}{{"string", "zz"}, {"integer", 12345}, {"boolean", true}, {"object", map[string]any{}}, {"array", []any{}}} {
		if !allowsType(s, c.t) && !(c.t == "integer" && allowsType(s, "number")) {
			m[kWrongType] = append(m[kWrongType], c.v)
			break
		}
	}
	if s.Type != nil && !allowsType(s, "null") && s.Enum == nil {
		m[kNull] = append(m[kNull], nil)
	}
	switch v := st.value.(type) {
	case float64, int:
		if s.Max != nil {
			m[kRange] = append(m[kRange], *s.Max+1)
		} else if s.Min != nil {
			m[kRange] = append(m[kRange], *s.Min-1)
		} else if s.ExclusiveMin.Value != nil {
			m[kRange] = append(m[kRange], *s.ExclusiveMin.Value)
		}
	case string:
		if s.MaxLength != nil && *s.MaxLength < 2000 {
			m[kRange] = append(m[kRange], strings.Repeat("x", int(*s.MaxLength)+1))
		} else if s.MinLength > 0 {
			m[kRange] = append(m[kRange], "")
		}
		if b, ok := formatBreakers[s.Format]; ok {
			m[kFormat] = append(m[kFormat], b)
		}
		if len(s.Enum) > 0 {
			m[kEnum] = append(m[kEnum], "zzNotInEnum")
		}
		if s.Pattern != "" {
			m[kPattern] = append(m[kPattern], "!~ ~!")
		}
	case []any:
		if s.UniqueItems && len(v) > 0 && (s.MaxItems == nil || uint64(len(v)) < *s.MaxItems) {
			m[kDuplicate] = append(m[kDuplicate], append(clone(v).([]any), clone(v[0])))
		}
		if s.MaxItems != nil && *s.MaxItems < 200 && len(v) > 0 {
			long := make([]any, *s.MaxItems+1)
			for i := range long {
				long[i] = v[0]
			}
			m[kRange] = append(m[kRange], long)
		} else if s.MinItems > 0 {
			m[kRange] = append(m[kRange], []any{})
		}
	case map[string]any:
		if s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has {
			extra := clone(v).(map[string]any)
			extra["zzExtra"] = 1
			m[kExtra] = append(m[kExtra], extra)
		}
		for _, k := range s.Required {
			if _, ok := v[k]; ok {
				less := clone(v).(map[string]any)
				delete(less, k)
				m[kMissing] = append(m[kMissing], less)
				break
			}
		}
	}
	return m
}

// clone deep-copies a JSON value.
func clone(v any) any {
	switch v := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(v))
		for k, e := range v {
			c[k] = clone(e)
		}
		return c
	case []any:
		c := make([]any, len(v))
		for i, e := range v {
			c[i] = clone(e)
		}
		return c
	}
	return v
}

// replace returns root with the value at ptr (below /body) replaced by v.
func replace(root any, ptr string, v any) any {
	if ptr == "" {
		return v
	}
	root = clone(root)
	parts := strings.Split(ptr[1:], "/")
	cur := root
	for i, p := range parts {
		p = strings.NewReplacer("~1", "/", "~0", "~").Replace(p)
		last := i == len(parts)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				c[p] = v
			} else {
				cur = c[p]
			}
		case []any:
			j, _ := strconv.Atoi(p)
			if last {
				c[j] = v
			} else {
				cur = c[j]
			}
		}
	}
	return root
}

// oracleCase is one request of the differential test.
type oracleCase struct {
	kind string
	at   string // the location the mutation breaks: "/body/name", "query.limit"
	r    req
}

// opCases builds the valid request and its mutations for one operation, or
// says why it cannot.
func opCases(method, template string, pi *openapi3.PathItem, op *openapi3.Operation) ([]oracleCase, string) {
	if strings.ContainsAny(template, "?#") {
		// formapi's /templates?desc=html, AWS's /#X-Amz-Target=…: a path
		// key is a path (OAS 3.1 §4.8.8.1), which a request cannot spell
		// with these; the gateway's lint reports them.
		return nil, "a path key with a query or fragment part"
	}
	base := req{method: method, params: map[string]string{}}
	type param struct {
		p     *openapi3.Parameter
		s     *openapi3.SchemaRef
		ctype string // the media type of a content parameter
		val   any
		alone bool // sent only in its own cases (isolated)
	}
	var params []param
	seen := map[string]bool{}
	for _, list := range []openapi3.Parameters{op.Parameters, pi.Parameters} {
		for _, pr := range list {
			if pr == nil || pr.Value == nil {
				continue
			}
			p := pr.Value
			key := p.In + "." + p.Name
			if seen[key] {
				continue
			}
			seen[key] = true
			if p.In == "header" && (strings.EqualFold(p.Name, "Accept") || strings.EqualFold(p.Name, "Content-Type") || strings.EqualFold(p.Name, "Authorization")) {
				continue // ignored by OpenAPI when declared as parameters
			}
			pv := param{p: p, s: p.Schema}
			if p.Schema == nil && len(p.Content) == 1 {
				for mt, m := range p.Content {
					if m != nil && m.Schema != nil && m.Schema.Value != nil {
						pv.ctype, pv.s = mt, m.Schema
					}
				}
			}
			if pv.s == nil || pv.s.Value == nil {
				if p.In == "path" {
					return nil, "a path parameter without a schema"
				}
				continue
			}
			v, ok := synth(pv.s, 1)
			if !ok {
				if !p.Required {
					continue
				}
				return nil, fmt.Sprintf("cannot synthesize parameter %s", key)
			}
			if pv.ctype == "" {
				if _, nested := v.(map[string]any); nested && p.In == "query" {
					// An exploded form object spreads its properties over
					// the query; a property named like another parameter
					// would be read twice.
					if st, ex := styleOf(p); st == "form" && ex {
						for k := range v.(map[string]any) {
							if seen["query."+k] {
								return nil, fmt.Sprintf("exploded object parameter %s shares a name with a parameter", key)
							}
						}
					}
				}
			}
			pv.val = v
			pv.alone = !p.Required && isolatedParam(p, pv.ctype)
			params = append(params, pv)
		}
	}
	// render writes the parameters into r, skipping drop and replacing the
	// value of swap.
	render := func(drop, swap string, swapVal any) req {
		r := base
		r.params = map[string]string{}
		r.header, r.cookie = nil, nil
		path := template
		var q []string
		for _, pv := range params {
			key := pv.p.In + "." + pv.p.Name
			if key == drop || (pv.alone && key != swap) {
				continue
			}
			val := pv.val
			if key == swap {
				val = swapVal
			}
			w := serialize(pv.p, pv.ctype, val)
			switch pv.p.In {
			case "path":
				path = strings.ReplaceAll(path, "{"+pv.p.Name+"}", w.segment)
				raw, err := url.PathUnescape(w.segment)
				if err != nil {
					raw = w.segment
				}
				r.params[pv.p.Name] = raw
			case "query":
				q = append(q, w.pairs...)
			case "header":
				r.header = append(r.header, [2]string{pv.p.Name, w.header})
			case "cookie":
				r.cookie = append(r.cookie, w.cookies...)
			}
		}
		r.path = path
		r.query = strings.Join(q, "&")
		return r
	}
	valid := render("", "", nil)
	if strings.Contains(valid.path, "{") {
		return nil, "a path template parameter is not declared"
	}

	// The body: JSON when the operation takes it, else a form, multipart,
	// text/plain or octet-stream body; encode writes a value of the body's
	// schema in its media type.
	var bodySchema *openapi3.SchemaRef
	var ctype string
	var body any
	var encode func(v any) ([]byte, string)
	var alone []string // optional form fields sent only in their own case
	var full any       // the body with them
	fileBody := false  // a multipart body declared as one binary string
	bodyRequired := false
	var bodyMT *openapi3.MediaType // the media type the body is written in
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		rb := op.RequestBody.Value
		bodyRequired = rb.Required
		for _, mt := range sortedKeys(rb.Content) {
			if mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")) {
				ctype, bodySchema, bodyMT = mt, rb.Content[mt].Schema, rb.Content[mt]
				encode = func(v any) ([]byte, string) { b, _ := json.Marshal(v); return b, ctype }
				break
			}
		}
		for _, mt := range []string{"*/*", "application/*"} {
			// A range covers JSON: Jira declares bodies under */* only,
			// and its clients send them as application/json.
			if m := rb.Content[mt]; ctype == "" && m != nil && m.Schema != nil && m.Schema.Value != nil {
				ctype, bodySchema, bodyMT = "application/json", m.Schema, m
				encode = func(v any) ([]byte, string) { b, _ := json.Marshal(v); return b, "application/json" }
			}
		}
		for _, mt := range []string{"application/x-www-form-urlencoded", "multipart/form-data", "text/plain", "application/octet-stream"} {
			m := rb.Content[mt]
			if ctype != "" || m == nil || m.Schema == nil || m.Schema.Value == nil {
				continue
			}
			if mt == "multipart/form-data" && m.Schema.Value.Format == "binary" {
				// Jira's addAttachment: the body is a file; parts of
				// files are all a client can send, and are not mutated.
				ctype, fileBody = mt, true
				encode = func(any) ([]byte, string) { return filesBody() }
				break
			}
			ctype, bodySchema, bodyMT = mt, m.Schema, m
			switch mt {
			case "application/x-www-form-urlencoded":
				encode = func(v any) ([]byte, string) {
					o, _ := v.(map[string]any)
					return formBody(m, o), mt
				}
			case "multipart/form-data":
				encode = func(v any) ([]byte, string) {
					o, _ := v.(map[string]any)
					return multipartBody(m, flat(m.Schema.Value, 1), o)
				}
			default:
				encode = func(v any) ([]byte, string) { return []byte(scalar(v)), mt }
			}
		}
		if ctype == "" && bodyRequired {
			return nil, "a required body of a media type the oracle does not write"
		}
		if fileBody {
			valid.body, valid.ctype = encode(nil)
		}
		if ctype != "" && !fileBody {
			v, ok := synth(bodySchema, 1)
			if !ok {
				return nil, "cannot synthesize the body"
			}
			if _, obj := v.(map[string]any); !obj && (ctype == "application/x-www-form-urlencoded" || ctype == "multipart/form-data") {
				return nil, "a form body whose schema is not an object"
			}
			if ctype == "application/x-www-form-urlencoded" {
				// deepObject sends no key for an empty object, which
				// synth leaves where it stops at optional properties.
				fillObjects(bodySchema, v, 1)
			}
			body = v
			valid.body, valid.ctype = encode(v)
			if ctype == "application/x-www-form-urlencoded" {
				// Optional fields openapi3filter cannot decode are sent only
				// in a case of their own, not in every mutation.
				s := flat(bodySchema.Value, 1)
				o := v.(map[string]any)
				req := map[string]bool{}
				for _, k := range s.Required {
					req[k] = true
				}
				for _, k := range sortedKeys(o) {
					if ps := s.Properties[k]; !req[k] && ps != nil && ps.Value != nil && isolatedField(flat(ps.Value, 2)) {
						alone = append(alone, k)
					}
				}
				if len(alone) > 0 {
					full = v
					body = clone(v)
					for _, k := range alone {
						delete(body.(map[string]any), k)
					}
					valid.body, valid.ctype = encode(body)
				}
			}
		}
	}
	cases := []oracleCase{{kValid, "", valid}}

	// The document's own examples, each in a request that is otherwise the
	// valid one: a gateway must not refuse what its document shows, unless
	// the example breaks the schema, which openapi3filter then says too.
	for _, pv := range params {
		key := pv.p.In + "." + pv.p.Name
		var exs []any
		if pv.ctype != "" {
			exs = mediaExamples(pv.p.Content[pv.ctype])
		} else {
			exs = exampleValues(pv.p.Example, pv.p.Examples)
		}
		for _, v := range exs {
			cases = append(cases, oracleCase{kExample, key, render("", key, v)})
		}
	}
	if encode != nil && !fileBody {
		for _, v := range mediaExamples(bodyMT) {
			if _, obj := v.(map[string]any); !obj && (ctype == "application/x-www-form-urlencoded" || ctype == "multipart/form-data") {
				continue
			}
			r := valid
			r.body, r.ctype = encode(v)
			cases = append(cases, oracleCase{kExample, "/body", r})
		}
	}

	// Parameter mutations: at most sitesPerKind of each kind per
	// parameter.
	for _, pv := range params {
		key := pv.p.In + "." + pv.p.Name
		if pv.p.In != "path" && pv.p.Required {
			cases = append(cases, oracleCase{kMissing, key, render(key, "", nil)})
		}
		if pv.alone {
			cases = append(cases, oracleCase{kValid, key, render("", key, pv.val)})
		}
		count := map[string]int{}
		if pv.ctype != "" {
			if !strings.Contains(pv.ctype, "json") {
				continue
			}
			var all []site
			sites(pv.s, pv.val, "", 1, &all)
			for _, st := range all {
				muts := mutations(st)
				for _, kind := range sortedKeys(muts) {
					for _, v := range muts[kind] {
						if count[kind] >= sitesPerKind {
							continue
						}
						count[kind]++
						cases = append(cases, oracleCase{kind, key + st.ptr, render("", key, replace(pv.val, st.ptr, v))})
					}
				}
			}
			continue
		}
		for _, v := range unionScalars(pv.s.Value) {
			cases = append(cases, oracleCase{kValid, key, render("", key, v)})
		}
		if unionScalars(pv.s.Value) != nil && !unionTakes(pv.s.Value, "string") {
			cases = append(cases, oracleCase{kWrongType, key, render("", key, "zz")})
		}
		for _, m := range paramMutations(flat(pv.s.Value, 1), pv.val) {
			if count[m.kind] >= sitesPerKind {
				continue
			}
			count[m.kind]++
			cases = append(cases, oracleCase{m.kind, key + m.at, render("", key, m.v)})
		}
	}

	// Body mutations.
	if ctype != "" && !fileBody {
		withBody := func(kind, at string, ct string, b []byte) {
			r := valid
			r.ctype, r.body = ct, b
			cases = append(cases, oracleCase{kind, at, r})
		}
		if encode != nil && strings.Contains(ctype, "json") {
			withBody(kContentType, "header.Content-Type", "text/plain", valid.body)
			withBody(kMalformed, "/body", ctype, []byte(`{"a":`))
		}
		if bodyRequired {
			r := valid
			r.ctype, r.body = "", nil
			cases = append(cases, oracleCase{kNoBody, "/body", r})
		}
		for _, k := range alone {
			b, ct := encode(replace(body, "/"+escapePtr(k), full.(map[string]any)[k]))
			withBody(kValid, "/body/"+escapePtr(k), ct, b)
		}
		if obj, ok := body.(map[string]any); ok && (ctype == "application/x-www-form-urlencoded" || ctype == "multipart/form-data") {
			// A property that is an object or array in one branch of
			// anyOf or oneOf and a plain value in another (Stripe's
			// metadata: anyOf [{type: object}, {enum: [""]}]) is sent
			// as that value too.
			s := flat(bodySchema.Value, 1)
			for _, k := range sortedKeys(obj) {
				if ps := s.Properties[k]; ps != nil && ps.Value != nil {
					if v, ok := plainBranch(ps.Value); ok {
						b, ct := encode(replace(body, "/"+escapePtr(k), v))
						withBody(kValid, "/body/"+escapePtr(k), ct, b)
					}
				}
			}
		}
		var all []site
		sites(bodySchema, body, "", 1, &all)
		count := map[string]int{}
		for _, st := range all {
			muts := mutations(st)
			for _, kind := range sortedKeys(muts) {
				for _, v := range muts[kind] {
					if count[kind] >= sitesPerKind {
						continue
					}
					count[kind]++
					b, ct := encode(replace(body, st.ptr, v))
					withBody(kind, "/body"+st.ptr, ct, b)
				}
			}
		}
	}
	return cases, ""
}

// exampleValues returns the example and the values of the examples, at
// most maxExamples of them: an Example Object's externalValue is not
// fetched.
func exampleValues(example any, examples openapi3.Examples) []any {
	var out []any
	if example != nil {
		out = append(out, example)
	}
	for _, k := range sortedKeys(examples) {
		if e := examples[k]; e != nil && e.Value != nil && e.Value.Value != nil && len(out) < maxExamples {
			out = append(out, e.Value.Value)
		}
	}
	return out
}

// maxExamples bounds the examples tried per parameter or body, which keeps
// documents with many examples per operation within their case cap.
const maxExamples = 3

// mediaExamples returns the example values of a media type, nil for none.
func mediaExamples(mt *openapi3.MediaType) []any {
	if mt == nil {
		return nil
	}
	return exampleValues(mt.Example, mt.Examples)
}

// unionScalars returns, for a parameter schema whose anyOf or oneOf
// offers an array or object branch beside scalar ones (Stripe's anyOf
// [{type: array}, {enum: [""]}]), a valid value of each scalar branch; nil
// for any other schema. Synthesis takes the first branch, so these are the
// values it would not send.
func unionScalars(s *openapi3.Schema) []any {
	container := false
	var out []any
	for _, b := range append(append(openapi3.SchemaRefs{}, s.AnyOf...), s.OneOf...) {
		if b == nil || b.Value == nil {
			continue
		}
		if t := b.Value.Type; t != nil && len(t.Slice()) == 1 && t.Includes("null") {
			continue // null is undefined in RFC 6570 (§2.3): never sent
		}
		switch mainType(flat(b.Value, 2)) {
		case "array", "object":
			container = true
		default:
			if v, ok := synth(b, 2); ok {
				out = append(out, v)
			}
		}
	}
	if !container {
		return nil
	}
	return out
}

// unionTakes says whether some scalar branch of s allows type t.
func unionTakes(s *openapi3.Schema, t string) bool {
	for _, b := range append(append(openapi3.SchemaRefs{}, s.AnyOf...), s.OneOf...) {
		if b == nil || b.Value == nil {
			continue
		}
		if bt := mainType(flat(b.Value, 2)); bt != "array" && bt != "object" && allowsType(flat(b.Value, 2), t) {
			return true
		}
	}
	return false
}

// fillObjects gives each empty object of v that its schema declares
// properties for one of them, the first that synth can make, so that a
// deepObject field sends a key for it.
func fillObjects(ref *openapi3.SchemaRef, v any, depth int) {
	if ref == nil || ref.Value == nil || depth > maxDepth {
		return
	}
	s := flat(ref.Value, depth)
	switch e := v.(type) {
	case map[string]any:
		if len(e) == 0 {
			for _, k := range sortedKeys(s.Properties) {
				if p := s.Properties[k]; p != nil && p.Value != nil && !p.Value.ReadOnly {
					if pv, ok := synth(p, depth+1); ok {
						e[k] = pv
						break
					}
				}
			}
		}
		for k, pv := range e {
			fillObjects(s.Properties[k], pv, depth+1)
		}
	case []any:
		for _, it := range e {
			fillObjects(s.Items, it, depth+1)
		}
	}
}

// filesBody is a multipart/form-data body of two file parts.
func filesBody() ([]byte, string) {
	const boundary = "oracle-boundary-7f3a"
	var b strings.Builder
	for _, f := range []struct{ name, ctype, data string }{{"file", "image/png", "\x89PNG"}, {"file", "text/plain", "notes"}} {
		b.WriteString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.name + "\"; filename=\"" + f.name + ".bin\"\r\nContent-Type: " + f.ctype + "\r\n\r\n" + f.data + "\r\n")
	}
	b.WriteString("--" + boundary + "--\r\n")
	return []byte(b.String()), "multipart/form-data; boundary=" + boundary
}

// plainBranch returns a value of the first branch of s's anyOf or oneOf
// that is neither an object nor an array, when the first branch, which
// synth follows, is one of those.
func plainBranch(s *openapi3.Schema) (any, bool) {
	branches := s.AnyOf
	if len(branches) == 0 {
		branches = s.OneOf
	}
	if len(branches) < 2 || branches[0] == nil || branches[0].Value == nil {
		return nil, false
	}
	if t := mainType(flat(branches[0].Value, 2)); t != "object" && t != "array" {
		return nil, false
	}
	for _, b := range branches[1:] {
		if b == nil || b.Value == nil {
			continue
		}
		if t := mainType(flat(b.Value, 2)); t != "object" && t != "array" {
			return synth(b, 2)
		}
	}
	return nil, false
}

// scalar renders a synthesized parameter value as it goes on the wire.
func scalar(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// fromPattern builds strings that match a simple pattern by walking its
// syntax tree: the first branch of each alternation, the first character of
// each class, each repetition at its minimum count (and once more at least
// once). Whatever it builds is checked against the pattern by the caller.
func fromPattern(p string) []string {
	re, err := syntax.Parse(p, syntax.Perl)
	if err != nil {
		return nil
	}
	re = re.Simplify()
	var out []string
	for _, extra := range []int{0, 1} {
		var b strings.Builder
		if build(re, extra, &b, 0) {
			out = append(out, b.String())
		}
	}
	return out
}

func build(re *syntax.Regexp, extra int, b *strings.Builder, depth int) bool {
	if depth > 50 {
		return false
	}
	switch re.Op {
	case syntax.OpLiteral:
		b.WriteString(string(re.Rune))
	case syntax.OpCharClass:
		if len(re.Rune) == 0 {
			return false
		}
		r := re.Rune[0]
		// Prefer a letter or digit inside the class when it has one.
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if lo, hi := re.Rune[i], re.Rune[i+1]; lo <= 'a' && 'a' <= hi {
				r = 'a'
				break
			} else if lo <= '0' && '0' <= hi {
				r = '0'
			}
		}
		b.WriteRune(r)
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteByte('a')
	case syntax.OpCapture:
		return build(re.Sub[0], extra, b, depth+1)
	case syntax.OpConcat:
		for _, s := range re.Sub {
			if !build(s, extra, b, depth+1) {
				return false
			}
		}
	case syntax.OpAlternate:
		return build(re.Sub[0], extra, b, depth+1)
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		n := re.Min
		if re.Op == syntax.OpPlus {
			n = 1
		}
		if extra > 0 && (re.Max < 0 || n+extra <= re.Max) && re.Op != syntax.OpQuest {
			n += extra
		}
		for range n {
			if !build(re.Sub[0], extra, b, depth+1) {
				return false
			}
		}
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
	default:
		return false
	}
	return true
}

// Package diff compares two versions of an API, both lowered to the IR,
// and classifies each change as breaking for existing clients or not:
// removed operations, responses and media types, new required parameters
// and properties, narrowed types and enums, tightened limits, stricter
// authentication. It reads only the IR.
package diff

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/gatewaygen/gatewaygen/generator/ir"
	"github.com/gatewaygen/gatewaygen/generator/xgateway"
)

// Change is one difference between the two versions.
type Change struct {
	Breaking  bool   `json:"breaking"`
	Operation string `json:"operation,omitempty"` // "GET /pets/{}", "" for the API itself
	Where     string `json:"where,omitempty"`     // "query.limit", "request body", "response 200 /items"
	What      string `json:"what"`
}

func (c Change) String() string {
	kind := "non-breaking"
	if c.Breaking {
		kind = "BREAKING    "
	}
	var where []string
	for _, s := range []string{c.Operation, c.Where} {
		if s != "" {
			where = append(where, s)
		}
	}
	return kind + " " + strings.Join(where, " ") + ": " + c.What
}

// Compare returns the changes from old to new, operations in path and
// method order, the API's own first.
func Compare(old, new *ir.API) []Change {
	c := &cmp{oldAPI: old, newAPI: new}
	if old.BasePath != new.BasePath {
		c.add(true, "", "", fmt.Sprintf("base path changed from %q to %q: every path moves", old.BasePath, new.BasePath))
	}
	olds, news := byKey(old), byKey(new)
	keys := map[string]bool{}
	for k := range olds {
		keys[k] = true
	}
	for k := range news {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Slice(sorted, func(i, j int) bool {
		pi, mi, _ := strings.Cut(sorted[i], " ")
		pj, mj, _ := strings.Cut(sorted[j], " ")
		if pi != pj {
			return pi < pj
		}
		return mi < mj
	})
	for _, k := range sorted {
		o, n := olds[k], news[k]
		switch {
		case n == nil:
			c.add(true, label(o), "", "operation removed")
		case o == nil:
			c.add(false, label(n), "", "operation added")
		default:
			c.op = label(n)
			c.operation(o, n)
		}
	}
	return c.out
}

// byKey indexes operations by path template, parameter names blanked, and
// method: a renamed path parameter is the same operation.
func byKey(api *ir.API) map[string]*ir.Operation {
	out := map[string]*ir.Operation{}
	for _, o := range api.Operations {
		out[templateKey(o.Path)+" "+o.Method] = o
	}
	return out
}

func templateKey(p string) string {
	var b strings.Builder
	for depth := 0; len(p) > 0; p = p[1:] {
		switch {
		case p[0] == '{':
			if depth == 0 {
				b.WriteString("{}")
			}
			depth++
		case p[0] == '}':
			depth--
		case depth == 0:
			b.WriteByte(p[0])
		}
	}
	return b.String()
}

func label(o *ir.Operation) string { return o.Method + " " + o.Path }

type cmp struct {
	oldAPI, newAPI *ir.API
	op             string
	out            []Change
}

func (c *cmp) add(breaking bool, op, where, what string) {
	c.out = append(c.out, Change{Breaking: breaking, Operation: op, Where: where, What: what})
}

func (c *cmp) operation(o, n *ir.Operation) {
	c.auth(o, n)
	if o.Body == nil && n.Body == nil {
		// The limit bounds bodies; an operation without one sends none.
	} else if n.MaxBody > 0 && (o.MaxBody == 0 || n.MaxBody < o.MaxBody) {
		c.add(true, c.op, "body limit", "lowered from "+size(o.MaxBody)+" to "+size(n.MaxBody))
	} else if n.MaxBody > o.MaxBody && o.MaxBody > 0 {
		c.add(false, c.op, "body limit", "raised from "+size(o.MaxBody)+" to "+size(n.MaxBody))
	}
	if o.Timeout > 0 && n.Timeout > 0 && n.Timeout != o.Timeout {
		c.add(n.Timeout < o.Timeout, c.op, "timeout", "changed from "+xgateway.FormatDuration(o.Timeout)+" to "+xgateway.FormatDuration(n.Timeout))
	}
	c.params(o, n)
	c.body(o.Body, n.Body)
	c.responses(o, n)
}

func size(n int64) string {
	if n == 0 {
		return "the default"
	}
	return xgateway.FormatSize(n)
}

// auth: a client holding the credentials of an old alternative must still
// pass some new one.
func (c *cmp) auth(o, n *ir.Operation) {
	accepts := func(reqs []ir.Requirement, alt ir.Requirement) bool {
		if len(reqs) == 0 {
			return true // no requirement, or public
		}
		for _, r := range reqs {
			if satisfies(alt, r) {
				return true
			}
		}
		return false
	}
	public := func(reqs []ir.Requirement) bool { return len(reqs) == 0 }
	switch {
	case public(o.Security) && !public(n.Security):
		optional := false
		for _, r := range n.Security {
			optional = optional || len(r) == 0
		}
		if !optional {
			c.add(true, c.op, "security", "now requires credentials: "+describeReqs(n.Security))
		}
		return
	case !public(o.Security) && public(n.Security):
		c.add(false, c.op, "security", "no longer requires credentials")
		return
	}
	for _, alt := range o.Security {
		if !accepts(n.Security, alt) {
			c.add(true, c.op, "security", "credentials "+describeReq(alt)+" no longer suffice; now "+describeReqs(n.Security))
		}
	}
	for _, alt := range n.Security {
		if !accepts(o.Security, alt) {
			c.add(false, c.op, "security", "also accepts "+describeReq(alt))
		}
	}
}

// satisfies reports whether credentials meeting have meet want: every
// scheme of want is in have with at least its scopes.
func satisfies(have, want ir.Requirement) bool {
	for _, w := range want {
		ok := false
		for _, h := range have {
			if h.Scheme == w.Scheme && subset(w.Scopes, h.Scopes) {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func subset(a, b []string) bool {
	for _, x := range a {
		found := false
		for _, y := range b {
			found = found || x == y
		}
		if !found {
			return false
		}
	}
	return true
}

func describeReq(r ir.Requirement) string {
	if len(r) == 0 {
		return "none"
	}
	var parts []string
	for _, s := range r {
		p := s.Scheme
		if len(s.Scopes) > 0 {
			p += " [" + strings.Join(s.Scopes, " ") + "]"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " and ")
}

func describeReqs(rs []ir.Requirement) string {
	var parts []string
	for _, r := range rs {
		parts = append(parts, describeReq(r))
	}
	return strings.Join(parts, " or ")
}

func (c *cmp) params(o, n *ir.Operation) {
	key := func(p *ir.Param) string {
		if p.In == ir.InHeader {
			return p.In + "." + strings.ToLower(p.Name)
		}
		return p.In + "." + p.Name
	}
	olds := map[string]*ir.Param{}
	for _, p := range o.Params {
		olds[key(p)] = p
	}
	seen := map[string]bool{}
	for _, p := range n.Params {
		k := key(p)
		seen[k] = true
		op := olds[k]
		if p.In == ir.InPath && op == nil {
			// A renamed path parameter: the operations matched by their
			// templates, so the one at the same position is this one.
			if i := indexOf(n.PathParams, p.Name); i >= 0 && i < len(o.PathParams) {
				if q := olds[ir.InPath+"."+o.PathParams[i]]; q != nil {
					op = q
					seen[key(q)] = true
				}
			}
		}
		where := p.Location()
		switch {
		case op == nil && p.Required:
			c.add(true, c.op, where, "new required parameter")
		case op == nil:
			c.add(false, c.op, where, "new optional parameter")
		default:
			if p.Required && !op.Required {
				c.add(true, c.op, where, "now required")
			} else if !p.Required && op.Required {
				c.add(false, c.op, where, "now optional")
			}
			if p.Style != op.Style || p.Explode != op.Explode {
				c.add(true, c.op, where, fmt.Sprintf("serialization changed from %s to %s", style(op), style(p)))
			}
			c.schema(where, op.Schema, p.Schema, true, 0, map[[2]*ir.Schema]bool{})
		}
	}
	for _, p := range o.Params {
		if !seen[key(p)] {
			c.add(false, c.op, p.Location(), "parameter removed (the gateway no longer checks it)")
		}
	}
}

func indexOf(l []string, s string) int {
	for i, v := range l {
		if v == s {
			return i
		}
	}
	return -1
}

func style(p *ir.Param) string {
	s := p.Style
	if s == "" {
		s = "content " + p.ContentType
	}
	if p.Explode {
		s += " exploded"
	}
	return s
}

func (c *cmp) body(o, n *ir.Body) {
	switch {
	case o == nil && n == nil:
		return
	case o == nil:
		if n.Required {
			c.add(true, c.op, "request body", "new required request body")
		} else {
			c.add(false, c.op, "request body", "new optional request body")
		}
		return
	case n == nil:
		c.add(true, c.op, "request body", "request body removed: one sent is no longer accepted")
		return
	}
	if n.Required && !o.Required {
		c.add(true, c.op, "request body", "now required")
	}
	nm := map[string]*ir.Media{}
	for _, m := range n.Media {
		nm[m.ContentType] = m
	}
	om := map[string]bool{}
	for _, m := range o.Media {
		om[m.ContentType] = true
		if x := nm[m.ContentType]; x == nil {
			c.add(true, c.op, "request body "+m.ContentType, "media type no longer accepted (415)")
		} else {
			c.schema("request body "+m.ContentType, m.Schema, x.Schema, true, 0, map[[2]*ir.Schema]bool{})
		}
	}
	for _, m := range n.Media {
		if !om[m.ContentType] {
			c.add(false, c.op, "request body "+m.ContentType, "media type now accepted")
		}
	}
}

func (c *cmp) responses(o, n *ir.Operation) {
	nr := map[string]*ir.Response{}
	for _, r := range n.Responses {
		nr[r.Status] = r
	}
	or := map[string]bool{}
	for _, r := range o.Responses {
		or[r.Status] = true
		x := nr[r.Status]
		if x == nil {
			c.add(true, c.op, "response "+r.Status, "response removed")
			continue
		}
		xm := map[string]*ir.Media{}
		for _, m := range x.Media {
			xm[m.ContentType] = m
		}
		for _, m := range r.Media {
			where := "response " + r.Status + " " + m.ContentType
			if xm[m.ContentType] == nil {
				c.add(true, c.op, where, "media type no longer returned")
				continue
			}
			c.schema(where, m.Schema, xm[m.ContentType].Schema, false, 0, map[[2]*ir.Schema]bool{})
		}
	}
	for _, r := range n.Responses {
		if !or[r.Status] {
			c.add(false, c.op, "response "+r.Status, "response added")
		}
	}
}

// schema compares one value's schema. In a request (req) a narrowing is
// breaking, since a value clients send may now be refused; in a response
// a widening is, since clients may now receive what they do not expect.
func (c *cmp) schema(where string, o, n *ir.Schema, req bool, depth int, seen map[[2]*ir.Schema]bool) {
	o, n = c.resolve(o, c.oldAPI), c.resolve(n, c.newAPI)
	if o == nil || n == nil || depth > 12 || seen[[2]*ir.Schema{o, n}] {
		return
	}
	seen[[2]*ir.Schema{o, n}] = true
	narrow := func(what string) { c.add(req, c.op, where, what) }
	widen := func(what string) { c.add(!req, c.op, where, what) }
	if o.Type != n.Type {
		switch {
		case covers(n.Type, o.Type):
			widen("type widened from " + typeName(o.Type) + " to " + typeName(n.Type))
		case covers(o.Type, n.Type):
			narrow("type narrowed from " + typeName(o.Type) + " to " + typeName(n.Type))
		default:
			c.add(true, c.op, where, "type changed from "+typeName(o.Type)+" to "+typeName(n.Type))
			return
		}
	}
	if len(o.Enum) > 0 || len(n.Enum) > 0 {
		gone, added := setDiff(o.Enum, n.Enum), setDiff(n.Enum, o.Enum)
		if len(o.Enum) == 0 {
			narrow("now limited to " + strings.Join(n.Enum, ", "))
		} else if len(n.Enum) == 0 {
			widen("no longer limited to " + strings.Join(o.Enum, ", "))
		} else {
			if len(gone) > 0 {
				narrow("enum no longer has " + strings.Join(gone, ", "))
			}
			if len(added) > 0 {
				widen("enum now also has " + strings.Join(added, ", "))
			}
		}
	}
	if o.Format != n.Format {
		switch {
		case o.Format == "":
			narrow("format " + n.Format + " now required")
		case n.Format == "":
			widen("format " + o.Format + " dropped")
		default:
			c.add(true, c.op, where, "format changed from "+o.Format+" to "+n.Format)
		}
	}
	if o.Pattern != n.Pattern {
		c.add(true, c.op, where, fmt.Sprintf("pattern changed from %q to %q", o.Pattern, n.Pattern))
	}
	lower := func(name string, a, b *float64, exA, exB bool) {
		switch {
		case a == nil && b == nil:
		case a == nil || b != nil && (*b > *a || *b == *a && exB && !exA):
			narrow(name + " raised from " + num(a) + " to " + num(b))
		case b == nil || *b < *a || *b == *a && exA && !exB:
			widen(name + " lowered from " + num(a) + " to " + num(b))
		}
	}
	upper := func(name string, a, b *float64, exA, exB bool) {
		switch {
		case a == nil && b == nil:
		case a == nil || b != nil && (*b < *a || *b == *a && exB && !exA):
			narrow(name + " lowered from " + num(a) + " to " + num(b))
		case b == nil || *b > *a || *b == *a && exA && !exB:
			widen(name + " raised from " + num(a) + " to " + num(b))
		}
	}
	lower("minimum", o.Minimum, n.Minimum, o.ExclusiveMinimum, n.ExclusiveMinimum)
	upper("maximum", o.Maximum, n.Maximum, o.ExclusiveMaximum, n.ExclusiveMaximum)
	lower("minLength", f(o.MinLength), f(n.MinLength), false, false)
	upper("maxLength", f(o.MaxLength), f(n.MaxLength), false, false)
	lower("minItems", f(o.MinItems), f(n.MinItems), false, false)
	upper("maxItems", f(o.MaxItems), f(n.MaxItems), false, false)
	lower("minProperties", f(o.MinProperties), f(n.MinProperties), false, false)
	upper("maxProperties", f(o.MaxProperties), f(n.MaxProperties), false, false)
	if n.UniqueItems && !o.UniqueItems {
		narrow("items must now be unique")
	}
	if n.NoAdditional && !o.NoAdditional {
		narrow("no longer allows other properties")
	} else if o.NoAdditional && !n.NoAdditional {
		widen("now allows other properties")
	}
	required := func(s *ir.Schema) []string {
		switch {
		case req && s.RequestRequired != nil:
			return s.RequestRequired
		case !req && s.ResponseRequired != nil:
			return s.ResponseRequired
		}
		return s.Required
	}
	for _, r := range setDiff(required(n), required(o)) {
		narrow("property " + r + " now required")
	}
	for _, r := range setDiff(required(o), required(n)) {
		widen("property " + r + " no longer required")
	}
	op := map[string]*ir.Schema{}
	for _, p := range o.Properties {
		op[p.Name] = p.Schema
	}
	for _, p := range n.Properties {
		if s, ok := op[p.Name]; ok {
			c.schema(where+"/"+p.Name, s, p.Schema, req, depth+1, seen)
			delete(op, p.Name)
		} else if !req {
			c.add(false, c.op, where+"/"+p.Name, "property added")
		} else if !contains(required(n), p.Name) {
			c.add(false, c.op, where+"/"+p.Name, "optional property added")
		}
	}
	for _, p := range o.Properties {
		if _, gone := op[p.Name]; gone {
			// A response that stops sending a property breaks clients that
			// read it; a request property dropped from the schema breaks
			// only when others are refused.
			c.add(!req || n.NoAdditional, c.op, where+"/"+p.Name, "property removed")
		}
	}
	if o.Items != nil && n.Items != nil {
		c.schema(where+"/[]", o.Items, n.Items, req, depth+1, seen)
	}
	for _, pair := range []struct {
		name string
		a, b []*ir.Schema
	}{{"oneOf", o.OneOf, n.OneOf}, {"anyOf", o.AnyOf, n.AnyOf}} {
		switch {
		case len(pair.b) < len(pair.a):
			narrow(pair.name + " has " + strconv.Itoa(len(pair.a)-len(pair.b)) + " fewer alternatives")
		case len(pair.b) > len(pair.a):
			widen(pair.name + " has " + strconv.Itoa(len(pair.b)-len(pair.a)) + " more alternatives")
		default:
			for i := range pair.a {
				c.schema(where+"/"+pair.name+"["+strconv.Itoa(i)+"]", pair.a[i], pair.b[i], req, depth+1, seen)
			}
		}
	}
}

// resolve follows a reference to its named schema.
func (c *cmp) resolve(s *ir.Schema, api *ir.API) *ir.Schema {
	for i := 0; s != nil && s.Ref != "" && i < 16; i++ {
		var next *ir.Schema
		for _, n := range api.Schemas {
			if n.GoName == s.Ref {
				next = n
				break
			}
		}
		s = next
	}
	return s
}

// covers reports whether type set a admits every value b does.
func covers(a, b ir.Type) bool {
	if a == ir.TAny {
		return true
	}
	if b == ir.TAny {
		return false
	}
	for bit := ir.Type(1); bit != 0 && bit <= ir.TInteger; bit <<= 1 {
		if b&bit != 0 && !a.Has(bit) {
			return false
		}
	}
	return true
}

func typeName(t ir.Type) string {
	if t == ir.TAny {
		return "any"
	}
	return t.String()
}

func f(p *int64) *float64 {
	if p == nil {
		return nil
	}
	v := float64(*p)
	return &v
}

func num(p *float64) string {
	if p == nil {
		return "none"
	}
	return strconv.FormatFloat(*p, 'g', -1, 64)
}

// setDiff is what a has and b does not, sorted.
func setDiff(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !contains(b, x) {
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}

func contains(l []string, s string) bool {
	for _, v := range l {
		if v == s {
			return true
		}
	}
	return false
}

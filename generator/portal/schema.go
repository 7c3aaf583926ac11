package portal

import (
	"html/template"
	"sort"
	"strconv"
	"strings"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// Limits that keep a page readable and its size bounded on documents with
// thousands of schemas: named schemas are expanded inline up to refDepth
// levels and while the page's budget lasts; past that they are links to
// their own page. Recursion always ends at a schema already being shown.
const (
	refDepth   = 3
	pageBudget = 1500 // schema nodes written inline on one page
	maxDepth   = 24   // nesting of inline (unnamed) schemas
	maxEnum    = 24   // enum members listed before "…"
)

// schemaWriter writes the HTML of schemas for one page: nested levels in
// <details>, allOf merged into one object, oneOf/anyOf as alternatives.
type schemaWriter struct {
	s      *site
	root   string // relative path from the page to the portal's root
	b      strings.Builder
	stack  []string // named schemas being expanded, outermost first
	budget int
	// plain: the type label is being written inside a <summary>, which
	// must hold no link (it is interactive itself); the link goes first
	// into the folded content instead.
	plain bool
}

func (s *site) newWriter(root string) *schemaWriter {
	return &schemaWriter{s: s, root: root, budget: pageBudget}
}

// html renders sch as a top-level block and resets the writer's buffer.
func (w *schemaWriter) html(sch *ir.Schema, req bool) template.HTML {
	if sch == nil {
		return ""
	}
	w.b.Reset()
	w.b.WriteString(`<div class="sch">`)
	w.head(sch, req)
	top := sch
	if sch.Ref != "" && w.s.named[sch.Ref] != nil {
		top = w.s.named[sch.Ref]
	}
	w.describe(top)
	w.body(sch, 0, req)
	w.b.WriteString(`</div>`)
	return template.HTML(w.b.String())
}

// describe writes a schema's title and description, if it has them.
func (w *schemaWriter) describe(sch *ir.Schema) {
	if sch.Title != "" {
		w.b.WriteString(`<p class="ti">`)
		w.text(sch.Title)
		w.b.WriteString(`</p>`)
	}
	if sch.Description != "" {
		w.b.WriteString(`<div class="md">`)
		w.b.WriteString(string(w.s.markdown(sch.Description)))
		w.b.WriteString(`</div>`)
	}
}

// inline renders a compact description (type and constraints), with nested
// content in <details> when there is any: for parameters.
func (w *schemaWriter) inline(sch *ir.Schema) template.HTML {
	if sch == nil {
		return template.HTML(`<span class="ty">any</span>`)
	}
	w.b.Reset()
	w.b.WriteString(`<div class="sch">`)
	w.head(sch, true)
	if w.hasChildren(sch) {
		w.b.WriteString(`<details><summary>Structure</summary>`)
		w.body(sch, 0, true)
		w.b.WriteString(`</details>`)
	}
	w.b.WriteString(`</div>`)
	return template.HTML(w.b.String())
}

func (w *schemaWriter) text(s string) { w.b.WriteString(template.HTMLEscapeString(s)) }

// head writes the type and the constraints of sch on one line.
func (w *schemaWriter) head(sch *ir.Schema, req bool) {
	w.typ(sch)
	if cs := constraints(w.view(sch), w.s.schemaName); len(cs) > 0 {
		w.b.WriteString(` <span class="cs">`)
		w.text(strings.Join(cs, " · "))
		w.b.WriteString(`</span>`)
	}
}

// typ writes the type label: a named schema as a link to its page.
func (w *schemaWriter) typ(sch *ir.Schema) {
	if sch.Ref != "" && w.plain {
		w.b.WriteString(`<span class="ty">`)
		w.text(w.s.schemaName(sch.Ref))
		w.b.WriteString(`</span>`)
		return
	}
	if sch.Ref != "" {
		w.b.WriteString(`<a class="ty" href="`)
		w.text(w.root + schemaURL(sch.Ref))
		w.b.WriteString(`">`)
		w.text(w.s.schemaName(sch.Ref))
		w.b.WriteString(`</a>`)
		return
	}
	w.b.WriteString(`<span class="ty">`)
	w.text(typeLabel(sch, w.s.schemaName))
	w.b.WriteString(`</span>`)
}

// view is sch with its allOf merged in, following named schemas.
func (w *schemaWriter) view(sch *ir.Schema) *ir.Schema {
	if sch.Ref != "" {
		return sch
	}
	return merge(sch, w.s.named, map[string]bool{})
}

// hasChildren reports whether sch has anything to show below its head.
func (w *schemaWriter) hasChildren(sch *ir.Schema) bool {
	if sch.Ref != "" {
		n := w.s.named[sch.Ref]
		return n != nil && w.hasChildren(n)
	}
	v := w.view(sch)
	if len(v.Properties) > 0 || len(v.OneOf) > 0 || len(v.AnyOf) > 0 || len(v.AllOf) > 0 || v.Not != nil || v.If != nil ||
		len(v.PrefixItems) > 0 || v.AdditionalProperties != nil || len(v.PatternProperties) > 0 {
		return true
	}
	if v.Items != nil {
		return v.Items.Ref != "" || w.hasChildren(v.Items)
	}
	return false
}

// body writes what lies below sch's head: properties, items,
// alternatives. A named schema is expanded when it is not already being
// shown, the page's budget lasts and the nesting allows; otherwise its
// head (a link) says it all.
func (w *schemaWriter) body(sch *ir.Schema, depth int, req bool) {
	if depth > maxDepth {
		return
	}
	if sch.Ref != "" {
		n := w.s.named[sch.Ref]
		if n == nil {
			return
		}
		for _, on := range w.stack {
			if on == sch.Ref {
				w.b.WriteString(`<p class="cs">recursive: the same `)
				w.typ(sch)
				w.b.WriteString(` again</p>`)
				return
			}
		}
		if len(w.stack) >= refDepth || w.budget <= 0 {
			return
		}
		w.stack = append(w.stack, sch.Ref)
		w.body(n, depth+1, req)
		w.stack = w.stack[:len(w.stack)-1]
		return
	}
	w.budget--
	v := w.view(sch)
	if len(v.Properties) > 0 {
		required := map[string]bool{}
		for _, r := range v.Required {
			required[r] = true
		}
		w.b.WriteString(`<ul>`)
		for _, p := range v.Properties {
			w.prop(p.Name, p.Schema, required[p.Name], depth, req)
		}
		w.b.WriteString(`</ul>`)
	}
	for _, p := range v.PatternProperties {
		w.b.WriteString(`<ul>`)
		w.prop("/"+p.Name+"/", p.Schema, false, depth, req)
		w.b.WriteString(`</ul>`)
	}
	if v.AdditionalProperties != nil {
		w.b.WriteString(`<ul>`)
		w.prop("*", v.AdditionalProperties, false, depth, req)
		w.b.WriteString(`</ul>`)
	}
	for i, it := range v.PrefixItems {
		w.b.WriteString(`<ul>`)
		w.prop("["+strconv.Itoa(i)+"]", it, false, depth, req)
		w.b.WriteString(`</ul>`)
	}
	if v.Items != nil && (v.Items.Ref != "" || w.hasChildren(v.Items)) {
		w.b.WriteString(`<ul>`)
		w.prop("[item]", v.Items, false, depth, req)
		w.b.WriteString(`</ul>`)
	}
	for _, a := range v.AllOf { // branches merge could not absorb (recursive ones)
		w.b.WriteString(`<p class="cs">also matches `)
		w.typ(a)
		w.b.WriteString(`</p>`)
	}
	w.alternatives("One of", v.OneOf, v.Discriminator, depth, req)
	w.alternatives("Any of", v.AnyOf, v.Discriminator, depth, req)
	if v.Not != nil {
		w.b.WriteString(`<ul>`)
		w.prop("not", v.Not, false, depth, req)
		w.b.WriteString(`</ul>`)
	}
	if v.If != nil {
		w.b.WriteString(`<ul>`)
		w.prop("if", v.If, false, depth, req)
		if v.Then != nil {
			w.prop("then", v.Then, false, depth, req)
		}
		if v.Else != nil {
			w.prop("else", v.Else, false, depth, req)
		}
		w.b.WriteString(`</ul>`)
	}
}

// prop writes one property (or item, or branch) as a list item; its own
// content, if any, folds into <details>.
func (w *schemaWriter) prop(name string, sch *ir.Schema, required bool, depth int, req bool) {
	if sch == nil {
		return
	}
	w.b.WriteString(`<li>`)
	nested := w.hasChildren(sch) && !w.stopsAt(sch)
	if nested {
		w.b.WriteString(`<details><summary>`)
	}
	w.b.WriteString(`<span class="pn">`)
	w.text(name)
	w.b.WriteString(`</span> `)
	w.plain = nested
	w.head(sch, req)
	w.plain = false
	if required {
		w.b.WriteString(` <span class="req">required</span>`)
	}
	if !nested {
		w.describe(sch)
	}
	if nested {
		w.b.WriteString(`</summary>`)
		if sch.Ref != "" {
			w.b.WriteString(`<p class="cs">`)
			w.typ(sch)
			w.b.WriteString(`</p>`)
		}
		w.describe(sch)
		w.body(sch, depth+1, req)
		w.b.WriteString(`</details>`)
	}
	w.b.WriteString(`</li>`)
}

// stopsAt reports whether body would write nothing for a named schema:
// one already being shown, or past the depth or the budget.
func (w *schemaWriter) stopsAt(sch *ir.Schema) bool {
	if sch.Ref == "" {
		return false
	}
	for _, on := range w.stack {
		if on == sch.Ref {
			return false // body says it is recursive
		}
	}
	return len(w.stack) >= refDepth || w.budget <= 0
}

// alternatives writes oneOf or anyOf branches, each folded, with the
// discriminator's values when there is one.
func (w *schemaWriter) alternatives(title string, alts []*ir.Schema, d *ir.Discriminator, depth int, req bool) {
	if len(alts) == 0 {
		return
	}
	w.b.WriteString(`<div class="alt"><p>`)
	w.text(title)
	w.b.WriteString(`:</p>`)
	if d != nil {
		w.b.WriteString(`<p class="disc">Chosen by the property <code>`)
		w.text(d.Property)
		w.b.WriteString(`</code>`)
		if len(d.Mapping) > 0 {
			w.b.WriteString(`: `)
			for i, m := range d.Mapping {
				if i > 0 {
					w.b.WriteString(", ")
				}
				w.b.WriteString(`<code>`)
				w.text(m.Value)
				w.b.WriteString(`</code> → `)
				if m.Branch >= 0 && m.Branch < len(alts) {
					w.typ(alts[m.Branch])
				}
			}
		}
		if d.Fallback {
			w.b.WriteString(`; other values: the last option`)
		}
		w.b.WriteString(`</p>`)
	}
	w.b.WriteString(`<ul>`)
	for i, a := range alts {
		w.prop("option "+strconv.Itoa(i+1), a, false, depth, req)
	}
	w.b.WriteString(`</ul></div>`)
}

// typeLabel names an unnamed schema's type: "string", "array of Pet",
// "integer | null", "one of 3".
func typeLabel(s *ir.Schema, name func(string) string) string {
	if s.False {
		return "nothing (false)"
	}
	t := s.Type
	label := ""
	switch {
	case t == ir.TAny && len(s.Properties) > 0:
		label = "object"
	case t == ir.TAny && s.Items != nil:
		label = "array"
	case t == ir.TAny:
		switch {
		case len(s.OneOf) > 0:
			label = "one of " + strconv.Itoa(len(s.OneOf))
		case len(s.AnyOf) > 0:
			label = "any of " + strconv.Itoa(len(s.AnyOf))
		case len(s.AllOf) > 0:
			label = "all of " + strconv.Itoa(len(s.AllOf))
		case len(s.Enum) > 0:
			label = "enum"
		default:
			label = "any"
		}
	default:
		label = strings.ReplaceAll(t.String(), "|", " | ")
	}
	if t.Has(ir.TArray) && t != ir.TAny && s.Items != nil {
		if s.Items.Ref != "" {
			label = strings.Replace(label, "array", "array of "+name(s.Items.Ref), 1)
		} else if it := typeLabel(s.Items, name); !strings.Contains(it, " ") {
			label = strings.Replace(label, "array", "array of "+it, 1)
		}
	}
	return label
}

// constraints lists the keywords of s that restrict or describe a value,
// as a reader would write them.
func constraints(s *ir.Schema, name func(string) string) []string {
	var out []string
	if s.Format != "" {
		out = append(out, "format "+s.Format)
	}
	if len(s.Enum) > 0 {
		vals := s.Enum
		more := ""
		if len(vals) > maxEnum {
			vals, more = vals[:maxEnum], ", …"
		}
		shown := make([]string, len(vals))
		for i, v := range vals {
			shown[i] = jsonText(v)
		}
		if len(s.Enum) == 1 {
			out = append(out, "exactly "+shown[0])
		} else {
			out = append(out, "one of "+strings.Join(shown, ", ")+more)
		}
	}
	num := func(f *float64) string { return strconv.FormatFloat(*f, 'g', -1, 64) }
	if s.Minimum != nil {
		op := ">= "
		if s.ExclusiveMinimum {
			op = "> "
		}
		out = append(out, op+num(s.Minimum))
	}
	if s.Maximum != nil {
		op := "<= "
		if s.ExclusiveMaximum {
			op = "< "
		}
		out = append(out, op+num(s.Maximum))
	}
	if s.MultipleOf != nil {
		out = append(out, "multiple of "+num(s.MultipleOf))
	}
	count := func(lo, hi *int64, unit string) {
		if (lo == nil || *lo == 1) && (hi == nil || *hi == 1) {
			unit = strings.TrimSuffix(unit, "s") // "at least 1 item"
		}
		switch {
		case lo != nil && hi != nil && *lo == *hi:
			out = append(out, "exactly "+strconv.FormatInt(*lo, 10)+" "+unit)
		case lo != nil && hi != nil:
			out = append(out, strconv.FormatInt(*lo, 10)+"–"+strconv.FormatInt(*hi, 10)+" "+unit)
		case lo != nil:
			out = append(out, "at least "+strconv.FormatInt(*lo, 10)+" "+unit)
		case hi != nil:
			out = append(out, "at most "+strconv.FormatInt(*hi, 10)+" "+unit)
		}
	}
	count(s.MinLength, s.MaxLength, "characters")
	if s.Pattern != "" {
		out = append(out, "pattern "+s.Pattern)
	}
	count(s.MinItems, s.MaxItems, "items")
	if s.UniqueItems {
		out = append(out, "unique items")
	}
	if s.Contains != nil {
		out = append(out, "contains "+typeLabel(s.Contains, name))
	}
	count(s.MinProperties, s.MaxProperties, "properties")
	if s.NoAdditional {
		out = append(out, "no other properties")
	}
	for _, d := range s.DependentRequired {
		out = append(out, "with "+d.Name+" also "+strings.Join(d.Required, ", "))
	}
	if s.ReadOnly {
		out = append(out, "read-only")
	}
	if s.WriteOnly {
		out = append(out, "write-only")
	}
	if s.Default != "" {
		out = append(out, "default "+jsonText(s.Default))
	}
	if s.Example != "" {
		out = append(out, "example "+clip(jsonText(s.Example), 80))
	}
	return out
}

// merge returns s with its allOf branches folded in: properties (the first
// declaration of a name wins), required names, the type, and the first
// oneOf/anyOf with its discriminator. A branch that is a named schema
// already being merged (a recursive allOf) stays in AllOf.
func merge(s *ir.Schema, named map[string]*ir.Schema, seen map[string]bool) *ir.Schema {
	if len(s.AllOf) == 0 {
		return s
	}
	out := *s
	out.AllOf = nil
	out.Properties = append([]*ir.Property(nil), s.Properties...)
	out.Required = append([]string(nil), s.Required...)
	have := map[string]bool{}
	for _, p := range out.Properties {
		have[p.Name] = true
	}
	for _, br := range s.AllOf {
		b := br
		if b.Ref != "" {
			if seen[b.Ref] || named[b.Ref] == nil {
				out.AllOf = append(out.AllOf, br)
				continue
			}
			seen[b.Ref] = true
			b = named[b.Ref]
		}
		b = merge(b, named, seen)
		for _, p := range b.Properties {
			if !have[p.Name] {
				have[p.Name] = true
				out.Properties = append(out.Properties, p)
			}
		}
		out.Required = append(out.Required, b.Required...)
		if out.Type == ir.TAny {
			out.Type = b.Type
		}
		switch {
		case len(b.OneOf) > 0 && len(out.OneOf) == 0 && len(out.AnyOf) == 0:
			out.OneOf, out.Discriminator = b.OneOf, b.Discriminator
		case len(b.AnyOf) > 0 && len(out.OneOf) == 0 && len(out.AnyOf) == 0:
			out.AnyOf, out.Discriminator = b.AnyOf, b.Discriminator
		case len(b.OneOf) > 0 || len(b.AnyOf) > 0:
			out.AllOf = append(out.AllOf, br)
		}
		if out.Items == nil {
			out.Items = b.Items
		}
		if out.AdditionalProperties == nil {
			out.AdditionalProperties = b.AdditionalProperties
		}
		out.NoAdditional = out.NoAdditional || b.NoAdditional
		if out.Format == "" {
			out.Format = b.Format
		}
		if len(out.Enum) == 0 {
			out.Enum = b.Enum
		}
		for _, f := range []struct{ dst, src **int64 }{{&out.MinLength, &b.MinLength}, {&out.MaxLength, &b.MaxLength}, {&out.MinItems, &b.MinItems}, {&out.MaxItems, &b.MaxItems}} {
			if *f.dst == nil {
				*f.dst = *f.src
			}
		}
		if out.Minimum == nil {
			out.Minimum, out.ExclusiveMinimum = b.Minimum, b.ExclusiveMinimum
		}
		if out.Maximum == nil {
			out.Maximum, out.ExclusiveMaximum = b.Maximum, b.ExclusiveMaximum
		}
		if out.Pattern == "" {
			out.Pattern = b.Pattern
		}
	}
	sort.SliceStable(out.Properties, func(i, j int) bool { return out.Properties[i].Name < out.Properties[j].Name })
	sort.Strings(out.Required)
	out.Required = dedupe(out.Required)
	return &out
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// clip shortens s to at most n bytes at a rune boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// jsonText shows canonical JSON as it was written: the IR escapes <, >
// and & as Go's encoder does, which a reader need not see (the page
// escapes them itself).
func jsonText(s string) string {
	return jsonUnescaper.Replace(s)
}

// jsonUnescaper is built once: a Replacer prepares its lookup tables on
// first use, which took more time than the replacing when every value of a
// large document's pages built its own (mist.com: 0.08 CPU s a generate).
var jsonUnescaper = strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&")

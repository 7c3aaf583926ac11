package load

import (
	"encoding/json"
	"net/url"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"
)

// The resolution pass runs before kin-openapi loads the document. kin-openapi
// resolves a schema $ref by JSON pointer only, so a reference that relies on
// a base URI set by $id (id in 3.0's draft-4 dialect), on an $anchor or on a
// URN does not load. The pass walks the schema objects of the main file with
// the base URI in scope (RFC 3986 §5.2 against the nearest enclosing $id),
// indexes every schema resource by its absolute URI and every anchor by
// base#name, and rewrites each $ref whose target it finds in the file to the
// equivalent document-local pointer:
//
//	$id: http://example.com/a.json        ─┐
//	$ref: "#/$defs/x"                      ├▶ $ref: "#/components/schemas/A/$defs/x"
//	(under components.schemas.A)          ─┘
//
// In a 3.1 document a $ref with sibling keywords that assert something is
// also wrapped, {$ref: X, k: v} becoming {allOf: [{$ref: X}], k: v}, so that
// both apply side by side (JSON Schema 2020-12 §8.2.3.1) instead of
// kin-openapi merging the siblings into the target.
//
// The edits are made to the raw bytes of the $ref entries, so every line of
// the document keeps its number and only the columns after a rewritten $ref
// on its own line move; kin-openapi's origins and the node tree agree with
// the file as written. A $ref the pass cannot resolve (another file, a remote
// document) is left as it is, for the checks that follow to report.

// refSite is one schema $ref (or 3.1 $dynamicRef) of the main file.
type refSite struct {
	m, key, val *yaml.Node // the schema mapping and its $ref entry
	base        string     // the base URI in scope
	dynamic     bool       // the entry is a $dynamicRef
}

type refResolver struct {
	version   string
	docBase   string
	resources map[string]string // absolute URI (no fragment) → pointer in the file
	anchors   map[string]string // absolute URI#name → pointer in the file
	sites     []refSite
	nullConst [][2]*yaml.Node // key and value of each 3.1 `const: null`
}

// byteEdit replaces data[start:end] with text.
type byteEdit struct {
	start, end int
	text       string
}

// resolveRefs runs the pass over l.root and returns the edited bytes of the
// file, or nil when nothing changed. It updates the node tree to match.
func (l *loader) resolveRefs(data []byte, version string) []byte {
	abs, err := filepath.Abs(l.file)
	if err != nil {
		abs = l.file
	}
	r := &refResolver{
		version:   version,
		docBase:   (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String(),
		resources: map[string]string{},
		anchors:   map[string]string{},
	}
	r.resources[r.docBase] = ""
	r.walkDoc(l.root, "", 0)

	lines := newLineIndex(data)
	var edits []byteEdit
	for _, s := range r.sites {
		edits = append(edits, r.rewrite(s, lines, l.root)...)
	}
	for _, kv := range r.nullConst {
		ks, ke, kok := scalarSpan(lines, kv[0])
		vs, ve, vok := scalarSpan(lines, kv[1])
		if !kok || !vok || ke > vs {
			continue
		}
		edits = append(edits, byteEdit{ks, ke, `"enum"`}, byteEdit{vs, ve, `[null]`})
		kv[0].Value, kv[0].Style = "enum", yaml.DoubleQuotedStyle
		*kv[1] = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle, Line: kv[1].Line, Column: kv[1].Column,
			Content: []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null", Line: kv[1].Line, Column: kv[1].Column}}}
	}
	if len(edits) == 0 {
		return nil
	}
	return applyEdits(data, edits)
}

// rewrite returns the edits for one $ref or $dynamicRef site and updates the
// node tree to match them.
func (r *refResolver) rewrite(s refSite, lines *lineIndex, root *yaml.Node) []byteEdit {
	ref := s.val.Value
	target, ok := r.resolve(s.base, ref)
	var targetNode *yaml.Node
	if ok {
		targetNode, ok = lookupPointer(root, target)
	}
	if s.dynamic {
		if !ok {
			return nil // lowering warns that it is not compiled
		}
		if isDynamic(ref, targetNode) {
			// It stays a $dynamicRef, naming its initial target by a
			// document pointer; lowering resolves it against the dynamic
			// scope (JSON Schema 2020-12 §8.2.3.2).
			vs, ve, vok := scalarSpan(lines, s.val)
			if !vok {
				return nil
			}
			q, _ := json.Marshal("#" + target)
			s.val.Value, s.val.Style = "#"+target, yaml.DoubleQuotedStyle
			return []byteEdit{{vs, ve, string(q)}}
		}
		if k, _ := entry(s.m, "$ref"); k != nil {
			return nil // a $ref beside it: left to lowering's warning
		}
		// Any other $dynamicRef behaves as a $ref, and becomes one.
	}
	var edits []byteEdit
	newRef := ref
	if ok {
		newRef = "#" + target
		if r.version == "3.1" {
			edits = append(edits, boolTarget(lines, root, target)...)
		}
	}
	wrap := ""
	if r.version == "3.1" {
		wrap = wrapperFor(s.m, s.key)
	}
	vs, ve, vok := scalarSpan(lines, s.val)
	ks, _, kok := scalarSpan(lines, s.key)
	if !vok || (s.dynamic && (!kok || ks >= vs)) {
		return edits
	}
	q, _ := json.Marshal(newRef)
	if wrap == "" || !kok || ks >= vs {
		switch {
		case s.dynamic:
			edits = append(edits, byteEdit{ks, ve, `"$ref": ` + string(q)})
			s.key.Value, s.key.Style = "$ref", yaml.DoubleQuotedStyle
			s.val.Value, s.val.Style = newRef, yaml.DoubleQuotedStyle
		case newRef != ref:
			edits = append(edits, byteEdit{vs, ve, string(q)})
			s.val.Value, s.val.Style = newRef, yaml.DoubleQuotedStyle
		}
		return edits
	}
	edits = append(edits, byteEdit{ks, ve, `"` + wrap + `": [{"$ref": ` + string(q) + `}]`})
	inner := &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle, Line: s.key.Line, Column: s.key.Column,
		Content: []*yaml.Node{
			{Kind: yaml.ScalarNode, Tag: "!!str", Value: "$ref", Line: s.key.Line, Column: s.key.Column},
			{Kind: yaml.ScalarNode, Tag: "!!str", Value: newRef, Style: yaml.DoubleQuotedStyle, Line: s.val.Line, Column: s.val.Column},
		}}
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle, Line: s.val.Line, Column: s.val.Column, Content: []*yaml.Node{inner}}
	for i := 0; i+1 < len(s.m.Content); i += 2 {
		if s.m.Content[i] == s.key {
			s.m.Content[i+1] = seq
		}
	}
	s.key.Value, s.key.Style = wrap, 0
	return edits
}

// isDynamic reports whether a $dynamicRef resolves dynamically: its
// fragment is a plain name and the schema it first resolves to declares
// that name as its $dynamicAnchor (the "bookend" of 2020-12 §8.2.3.2).
// Otherwise it behaves exactly like $ref.
func isDynamic(ref string, target *yaml.Node) bool {
	_, frag, _ := strings.Cut(ref, "#")
	if frag == "" || frag[0] == '/' || target == nil {
		return false
	}
	_, a := entry(target, "$dynamicAnchor")
	return isString(a) && a.Value == frag
}

// boolTarget turns a boolean schema that a $ref names into its object form,
// true into {} and false into {"not": {}}: kin-openapi loads a boolean schema
// in place but not as the target of a $ref.
func boolTarget(lines *lineIndex, root *yaml.Node, ptr string) []byteEdit {
	n, _ := lookupPointer(root, ptr)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		return nil
	}
	start, end, ok := scalarSpan(lines, n)
	if !ok {
		return nil
	}
	text := "{}"
	if v, err := strconv.ParseBool(n.Value); err == nil && !v {
		text = `{"not": {}}`
		n.Content = []*yaml.Node{
			{Kind: yaml.ScalarNode, Tag: "!!str", Value: "not", Line: n.Line, Column: n.Column},
			{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle, Line: n.Line, Column: n.Column},
		}
	}
	n.Kind, n.Tag, n.Value, n.Style = yaml.MappingNode, "!!map", "", yaml.FlowStyle
	return []byteEdit{{start, end, text}}
}

// walkDoc visits the OpenAPI part of the document, looking for schemas:
// components.schemas and every "schema" field. Examples and extensions are
// data and are not entered; aliases are not followed.
func (r *refResolver) walkDoc(n *yaml.Node, ptr string, depth int) {
	if n == nil || depth > 200 {
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i].Value, n.Content[i+1]
			p := ptr + "/" + escapeToken(k)
			switch {
			case strings.HasPrefix(k, "x-"), k == "example", k == "examples":
			case k == "schema":
				r.walkSchema(v, p, r.docBase, 0)
			case k == "schemas" && ptr == "/components":
				r.walkSchemaMap(v, p, r.docBase, 0)
			default:
				r.walkDoc(v, p, depth+1)
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			r.walkDoc(c, ptr+"/"+itoa(i), depth+1)
		}
	}
}

// Keywords whose value is a map of schemas, one schema, or a list of
// schemas (items, additionalItems and dependencies take more than one form).
var (
	schemaMapKeywords  = map[string]bool{"properties": true, "patternProperties": true, "$defs": true, "definitions": true, "dependentSchemas": true, "dependencies": true}
	schemaKeywords     = map[string]bool{"additionalProperties": true, "items": true, "additionalItems": true, "not": true, "if": true, "then": true, "else": true, "contains": true, "propertyNames": true, "unevaluatedItems": true, "unevaluatedProperties": true, "contentSchema": true}
	schemaListKeywords = map[string]bool{"allOf": true, "anyOf": true, "oneOf": true, "prefixItems": true, "items": true}
)

func (r *refResolver) walkSchemaMap(n *yaml.Node, ptr, base string, depth int) {
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		r.walkSchema(n.Content[i+1], ptr+"/"+escapeToken(n.Content[i].Value), base, depth+1)
	}
}

func (r *refResolver) walkSchema(n *yaml.Node, ptr, base string, depth int) {
	if n == nil || n.Kind != yaml.MappingNode || depth > 500 {
		return
	}
	_, ref := entry(n, "$ref")
	if ref != nil && ref.Kind != yaml.ScalarNode {
		ref = nil
	}
	if r.version == "3.1" {
		if _, id := entry(n, "$id"); isString(id) {
			if u, ok := resolveURI(base, id.Value); ok {
				base, _, _ = strings.Cut(u, "#")
				setOnce(r.resources, base, ptr)
			}
		}
		for _, kw := range []string{"$anchor", "$dynamicAnchor"} {
			if _, a := entry(n, kw); isString(a) && a.Value != "" {
				setOnce(r.anchors, base+"#"+a.Value, ptr)
			}
		}
	} else if _, id := entry(n, "id"); isString(id) && ref == nil {
		// Draft 4: id sets the base unless $ref makes every sibling void;
		// a fragment-only id ("#foo") names a location, like $anchor.
		if u, ok := resolveURI(base, id.Value); ok {
			abs, frag, _ := strings.Cut(u, "#")
			if !strings.HasPrefix(id.Value, "#") {
				base = abs
				setOnce(r.resources, base, ptr)
			}
			if frag != "" && !strings.HasPrefix(frag, "/") {
				setOnce(r.anchors, base+"#"+frag, ptr)
			}
		}
	}
	if ref != nil {
		k, _ := entry(n, "$ref")
		r.sites = append(r.sites, refSite{m: n, key: k, val: ref, base: base})
	}
	if k, dref := entry(n, "$dynamicRef"); r.version == "3.1" && isString(dref) {
		r.sites = append(r.sites, refSite{m: n, key: k, val: dref, base: base, dynamic: true})
	}
	if r.version == "3.1" {
		// kin-openapi reads `const: null` as no const at all; `enum: [null]`
		// says the same and survives.
		if k, c := entry(n, "const"); c != nil && c.Kind == yaml.ScalarNode && c.Tag == "!!null" {
			if _, e := entry(n, "enum"); e == nil {
				r.nullConst = append(r.nullConst, [2]*yaml.Node{k, c})
			}
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i].Value, n.Content[i+1]
		p := ptr + "/" + escapeToken(k)
		if schemaMapKeywords[k] {
			r.walkSchemaMap(v, p, base, depth+1)
		}
		if schemaKeywords[k] {
			r.walkSchema(v, p, base, depth+1)
		}
		if schemaListKeywords[k] && v.Kind == yaml.SequenceNode {
			for j, c := range v.Content {
				r.walkSchema(c, p+"/"+itoa(j), base, depth+1)
			}
		}
	}
}

// resolve returns the document pointer that ref, read against base, names,
// and whether the file holds such a resource or anchor.
func (r *refResolver) resolve(base, ref string) (string, bool) {
	u, ok := resolveURI(base, ref)
	if !ok {
		return "", false
	}
	abs, frag, _ := strings.Cut(u, "#")
	if frag == "" || frag[0] == '/' {
		p, ok := r.resources[abs]
		return p + frag, ok
	}
	p, ok := r.anchors[abs+"#"+frag]
	return p, ok
}

// wrapperFor returns the applicator to wrap a 3.1 $ref in when the schema
// m has a sibling keyword that asserts something, or "" when its siblings
// are only identifiers and annotations (or every applicator is taken).
// Siblings that make m a schema resource or bind a dynamic anchor ($id,
// $dynamicAnchor, $defs) also wrap it: kin-openapi would replace m by the
// target and lose them, and the dynamic scope needs them.
func wrapperFor(m, site *yaml.Node) string {
	asserts := false
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i].Value
		if m.Content[i] != site && (!annotationKeywords[k] || scopeKeywords[k]) && !strings.HasPrefix(k, "x-") {
			asserts = true
		}
	}
	if !asserts {
		return ""
	}
	for _, w := range []string{"allOf", "anyOf", "oneOf"} {
		if k, _ := entry(m, w); k == nil {
			return w
		}
	}
	return ""
}

var scopeKeywords = map[string]bool{"$id": true, "$dynamicAnchor": true, "$defs": true}

var annotationKeywords = map[string]bool{
	"$ref": true, "$id": true, "$anchor": true, "$dynamicAnchor": true, "$schema": true, "$comment": true,
	"$defs": true, "definitions": true, "$vocabulary": true, "title": true, "description": true, "summary": true,
	"default": true, "examples": true, "example": true, "deprecated": true, "readOnly": true, "writeOnly": true,
	"externalDocs": true, "xml": true, "discriminator": true,
}

// resolveURI resolves ref against base (RFC 3986 §5.2) and returns the result
// in normal form. A URN or other opaque base takes fragment-only references.
func resolveURI(base, ref string) (string, bool) {
	r, err := url.Parse(ref)
	if err != nil {
		return "", false
	}
	if r.Scheme != "" {
		return r.String(), true
	}
	if strings.HasPrefix(ref, "#") {
		b, _, _ := strings.Cut(base, "#")
		return b + ref, true
	}
	b, err := url.Parse(base)
	if err != nil || b.Opaque != "" {
		return "", false
	}
	return b.ResolveReference(r).String(), true
}

// lookupPointer follows a JSON pointer (tokens escaped with ~0 ~1 and
// percent-encoding) from root.
func lookupPointer(root *yaml.Node, ptr string) (*yaml.Node, bool) {
	n := root
	if ptr == "" {
		return n, true
	}
	if ptr[0] != '/' {
		return nil, false
	}
	for _, tok := range strings.Split(ptr[1:], "/") {
		if t, err := url.PathUnescape(tok); err == nil {
			tok = t
		}
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		n = deAlias(n)
		var next *yaml.Node
		switch {
		case n == nil:
		case n.Kind == yaml.MappingNode:
			_, next = entry(n, tok)
		case n.Kind == yaml.SequenceNode:
			for i, c := range n.Content {
				if itoa(i) == tok {
					next = c
				}
			}
		}
		if next == nil {
			return nil, false
		}
		n = next
	}
	return n, true
}

func escapeToken(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func isString(n *yaml.Node) bool {
	return n != nil && n.Kind == yaml.ScalarNode && (n.Tag == "!!str" || n.Tag == "")
}

func setOnce(m map[string]string, k, v string) {
	if _, ok := m[k]; !ok {
		m[k] = v
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// lineIndex turns a yaml.Node's line and column (columns count
// characters) into a byte offset of the file. A minified JSON document is one
// line of megabytes holding thousands of $refs: walking each line from its
// start for every node made the pass quadratic, so an ASCII line is indexed
// directly and any other line through checkpoints every colStride characters,
// both built once per line on first use.
type lineIndex struct {
	data   []byte
	starts []int   // byte offset of each line
	marks  [][]int // per line: nil until used; the offset of every colStride-th character
	ascii  []int8  // per line: 0 unknown, 1 ASCII only, -1 not
}

const colStride = 256

func newLineIndex(data []byte) *lineIndex {
	starts := []int{0}
	for i, c := range data {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &lineIndex{data: data, starts: starts, marks: make([][]int, len(starts)), ascii: make([]int8, len(starts))}
}

// lineEnd is the offset of the newline ending line l (0-based), or len(data).
func (x *lineIndex) lineEnd(l int) int {
	if l+1 < len(x.starts) {
		return x.starts[l+1] - 1
	}
	return len(x.data)
}

// offset returns the byte offset of column col (1-based) of line line
// (1-based); ok is false when the line has fewer characters.
func (x *lineIndex) offset(line, col int) (int, bool) {
	if line < 1 || line > len(x.starts) || col < 1 {
		return 0, false
	}
	l := line - 1
	start, end := x.starts[l], x.lineEnd(l)
	if x.ascii[l] == 0 {
		x.ascii[l] = 1
		for _, c := range x.data[start:end] {
			if c >= utf8.RuneSelf {
				x.ascii[l] = -1
				break
			}
		}
	}
	if x.ascii[l] == 1 {
		off := start + col - 1
		return off, off < end
	}
	if x.marks[l] == nil {
		var marks []int
		for i, c := start, 0; i < end; c++ {
			if c%colStride == 0 {
				marks = append(marks, i)
			}
			_, size := utf8.DecodeRune(x.data[i:end])
			i += size
		}
		x.marks[l] = append(marks, end)
	}
	marks := x.marks[l]
	k := (col - 1) / colStride
	if k >= len(marks) {
		return 0, false
	}
	off := marks[k]
	for c := k * colStride; c < col-1; c++ {
		if off >= end {
			return 0, false
		}
		_, size := utf8.DecodeRune(x.data[off:end])
		off += size
	}
	return off, off < end
}

// scalarSpan returns the bytes of data that scalar node n was parsed from:
// plain, single- or double-quoted on one line. ok is false for any other
// form, and when the bytes found do not match the node.
func scalarSpan(x *lineIndex, n *yaml.Node) (start, end int, ok bool) {
	if n.Kind != yaml.ScalarNode {
		return 0, 0, false
	}
	off, ok := x.offset(n.Line, n.Column)
	if !ok {
		return 0, 0, false
	}
	data := x.data
	rest := data[off:]
	switch n.Style {
	case 0:
		if n.Value != "" && len(rest) >= len(n.Value) && string(rest[:len(n.Value)]) == n.Value {
			return off, off + len(n.Value), true
		}
	case yaml.DoubleQuotedStyle:
		if len(rest) > 0 && rest[0] == '"' {
			for i := 1; i < len(rest) && rest[i] != '\n'; i++ {
				switch rest[i] {
				case '\\':
					i++
				case '"':
					return off, off + i + 1, true
				}
			}
		}
	case yaml.SingleQuotedStyle:
		if len(rest) > 0 && rest[0] == '\'' {
			for i := 1; i < len(rest) && rest[i] != '\n'; i++ {
				if rest[i] == '\'' {
					if i+1 < len(rest) && rest[i+1] == '\'' {
						i++
						continue
					}
					return off, off + i + 1, true
				}
			}
		}
	}
	return 0, 0, false
}

// applyEdits returns data with non-overlapping edits applied.
func applyEdits(data []byte, edits []byteEdit) []byte {
	sort.Slice(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	var out []byte
	at := 0
	for _, e := range edits {
		if e.start < at {
			continue // overlapping: keep the first
		}
		out = append(out, data[at:e.start]...)
		out = append(out, e.text...)
		at = e.end
	}
	return append(out, data[at:]...)
}

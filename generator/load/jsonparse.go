package load

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"

	"github.com/gatewaygen/gatewaygen/runtime/jsonv"
)

// parseJSON builds, for a plain JSON document, the node tree that go-yaml
// builds for it: the same kinds, styles, tags, values, lines and columns.
// go-yaml reads a document that starts with "{" keeping every token of it
// queued until the closing "}" (the "{" could still be a mapping key), so on
// a large one-line JSON document most of its time and memory went into
// growing that queue (mist.com: 0.84 of the 1.7 GB the whole generation
// allocated, half of it here and half in kin-openapi's own parse).
//
// ok is false, and the caller parses with go-yaml, for anything outside the
// subset whose YAML reading is known to equal its JSON reading: a root
// other than an object, a byte order mark, a tab outside an object, a lone
// CR, a raw character that YAML breaks lines on (NEL, U+2028, U+2029) or
// refuses as non-printable, a surrogate escape, a key and its colon (or the
// colon and its value) on different lines, anything that is not JSON, and
// nesting beyond jsonMaxDepth. So an error, and its position, always comes
// from go-yaml.
func parseJSON(data []byte) (*yaml.Node, bool) {
	p := &jsonParser{data: data, src: string(data), line: 1, tags: map[string]string{}}
	if !p.space(false) || p.i >= len(data) || data[p.i] != '{' {
		return nil, false
	}
	root, ok := p.value(0)
	if !ok || !p.space(false) || p.i != len(data) {
		return nil, false
	}
	return &yaml.Node{Kind: yaml.DocumentNode, Line: root.Line, Column: root.Column, Content: []*yaml.Node{root}}, true
}

// jsonMaxDepth bounds the nesting the fast path takes; go-yaml's own limit
// (10,000) is far above it, so a deeper document gets go-yaml's verdict.
const jsonMaxDepth = 1000

type jsonParser struct {
	data      []byte
	src       string // data as a string: scalar values are slices of it
	i         int
	line      int // 1-based
	lineStart int // offset of the current line
	cont      int // UTF-8 continuation bytes between lineStart and i
	slab      []yaml.Node
	kids      []*yaml.Node      // children of the collections being read
	tags      map[string]string // tag go-yaml resolves each plain literal to
	buf       strings.Builder   // an escaped string's value
}

// col is go-yaml's column of offset i: characters, not bytes, from 1.
func (p *jsonParser) col() int { return p.i - p.lineStart - p.cont + 1 }

// node returns a new node at the current position; nodes come from slabs,
// one allocation for many.
func (p *jsonParser) node(kind yaml.Kind) *yaml.Node {
	if len(p.slab) == 0 {
		p.slab = make([]yaml.Node, 1024)
	}
	n := &p.slab[0]
	p.slab = p.slab[1:]
	n.Kind, n.Line, n.Column = kind, p.line, p.col()
	return n
}

// space skips JSON whitespace. Tabs are taken only inside a collection,
// where YAML's flow context takes them too.
func (p *jsonParser) space(tabs bool) bool {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ':
			p.i++
		case '\t':
			if !tabs {
				return false
			}
			p.i++
		case '\n':
			p.i++
			p.line, p.lineStart, p.cont = p.line+1, p.i, 0
		case '\r':
			if p.i+1 >= len(p.data) || p.data[p.i+1] != '\n' {
				return false
			}
			p.i += 2
			p.line, p.lineStart, p.cont = p.line+1, p.i, 0
		default:
			return true
		}
	}
	return true
}

func (p *jsonParser) value(depth int) (*yaml.Node, bool) {
	if p.i >= len(p.data) {
		return nil, false
	}
	switch c := p.data[p.i]; {
	case c == '{':
		return p.object(depth + 1)
	case c == '[':
		return p.array(depth + 1)
	case c == '"':
		return p.str()
	default:
		return p.literal()
	}
}

func (p *jsonParser) object(depth int) (*yaml.Node, bool) {
	if depth > jsonMaxDepth {
		return nil, false
	}
	n := p.node(yaml.MappingNode)
	n.Style, n.Tag = yaml.FlowStyle, "!!map"
	p.i++
	base := len(p.kids)
	if !p.space(true) || p.i >= len(p.data) {
		return nil, false
	}
	if p.data[p.i] != '}' {
		for {
			if p.i >= len(p.data) || p.data[p.i] != '"' {
				return nil, false
			}
			k, ok := p.str()
			if !ok {
				return nil, false
			}
			line := p.line
			if !p.space(true) || p.i >= len(p.data) || p.data[p.i] != ':' || p.line != line {
				return nil, false
			}
			p.i++
			if !p.space(true) || p.line != line {
				return nil, false
			}
			v, ok := p.value(depth)
			if !ok || !p.space(true) || p.i >= len(p.data) {
				return nil, false
			}
			p.kids = append(p.kids, k, v)
			if p.data[p.i] == '}' {
				break
			}
			if p.data[p.i] != ',' {
				return nil, false
			}
			p.i++
			if !p.space(true) {
				return nil, false
			}
		}
	}
	p.i++
	n.Content = p.collect(base)
	return n, true
}

func (p *jsonParser) array(depth int) (*yaml.Node, bool) {
	if depth > jsonMaxDepth {
		return nil, false
	}
	n := p.node(yaml.SequenceNode)
	n.Style, n.Tag = yaml.FlowStyle, "!!seq"
	p.i++
	base := len(p.kids)
	if !p.space(true) || p.i >= len(p.data) {
		return nil, false
	}
	if p.data[p.i] != ']' {
		for {
			v, ok := p.value(depth)
			if !ok || !p.space(true) || p.i >= len(p.data) {
				return nil, false
			}
			p.kids = append(p.kids, v)
			if p.data[p.i] == ']' {
				break
			}
			if p.data[p.i] != ',' {
				return nil, false
			}
			p.i++
			if !p.space(true) {
				return nil, false
			}
		}
	}
	p.i++
	n.Content = p.collect(base)
	return n, true
}

// collect moves the children read since base into the collection's own
// slice; go-yaml leaves an empty collection's Content nil too.
func (p *jsonParser) collect(base int) []*yaml.Node {
	if len(p.kids) == base {
		return nil
	}
	c := make([]*yaml.Node, len(p.kids)-base)
	copy(c, p.kids[base:])
	clear(p.kids[base:])
	p.kids = p.kids[:base]
	return c
}

// str reads a string at p.i (its opening quote) as a double-quoted scalar.
func (p *jsonParser) str() (*yaml.Node, bool) {
	n := p.node(yaml.ScalarNode)
	n.Style, n.Tag = yaml.DoubleQuotedStyle, "!!str"
	p.i++
	start := p.i
	escaped := false
	for {
		if p.i >= len(p.data) {
			return nil, false
		}
		c := p.data[p.i]
		switch {
		case c == '"':
			if escaped {
				n.Value = p.buf.String()
			} else {
				n.Value = p.src[start:p.i]
			}
			p.i++
			return n, true
		case c == '\\':
			if !escaped {
				escaped = true
				p.buf.Reset()
				p.buf.WriteString(p.src[start:p.i])
			}
			if !p.escape() {
				return nil, false
			}
			continue
		case c < 0x20 || c == 0x7f:
			return nil, false // raw control characters are not JSON, and YAML reads some of them otherwise
		case c < utf8.RuneSelf:
			if escaped {
				p.buf.WriteByte(c)
			}
			p.i++
		default:
			r, size := utf8.DecodeRune(p.data[p.i:])
			if size == 1 || !printable(r) { // size 1: not UTF-8
				return nil, false
			}
			if escaped {
				p.buf.Write(p.data[p.i : p.i+size])
			}
			p.i += size
			p.cont += size - 1
		}
	}
}

// printable reports whether YAML takes the non-ASCII character r as it is,
// as content and not as a line break: YAML 1.2's c-printable less NEL, the
// line and paragraph separators and the byte order mark.
func printable(r rune) bool {
	switch {
	case r < 0xa0, r == 0x2028, r == 0x2029, r == 0xfeff:
		return false
	case r <= 0xd7ff, r >= 0xe000 && r <= 0xfffd, r >= 0x10000 && r <= 0x10ffff:
		return true
	}
	return false
}

// escape decodes the escape sequence at p.i into p.buf.
func (p *jsonParser) escape() bool {
	if p.i+1 >= len(p.data) {
		return false
	}
	c := p.data[p.i+1]
	p.i += 2
	switch c {
	case '"', '\\', '/':
		p.buf.WriteByte(c)
	case 'b':
		p.buf.WriteByte('\b')
	case 'f':
		p.buf.WriteByte('\f')
	case 'n':
		p.buf.WriteByte('\n')
	case 'r':
		p.buf.WriteByte('\r')
	case 't':
		p.buf.WriteByte('\t')
	case 'u':
		r, ok := jsonv.Hex4(p.data, p.i)
		if !ok {
			return false
		}
		p.i += 4
		if r >= 0xd800 && r <= 0xdfff {
			// A character beyond the BMP is a pair of escapes (RFC 8259
			// §7), which JSON writers that escape all non-ASCII text
			// (Python's json, PHP's json_encode) emit for every emoji.
			// go-yaml refuses even a pair, so this path decodes it;
			// a lone surrogate is no character and is left to go-yaml's
			// refusal.
			lo, ok := jsonv.Hex4(p.data, p.i+2)
			if r > 0xdbff || !ok || p.data[p.i] != '\\' || p.data[p.i+1] != 'u' || lo < 0xdc00 || lo > 0xdfff {
				return false
			}
			r = utf16.DecodeRune(r, lo)
			p.i += 6
		}
		p.buf.WriteRune(r)
	default:
		return false
	}
	return true
}

// literal reads true, false, null or a number as a plain scalar, tagged as
// go-yaml resolves it ("-0" and integers beyond 64 bits are !!float there).
func (p *jsonParser) literal() (*yaml.Node, bool) {
	n := p.node(yaml.ScalarNode)
	start := p.i
	for p.i < len(p.data) && isLiteralByte(p.data[p.i]) {
		p.i++
	}
	lit := p.src[start:p.i]
	if p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ', '\t', '\n', '\r', ',', ']', '}':
		default:
			return nil, false
		}
	}
	if lit != "true" && lit != "false" && lit != "null" && !isJSONNumber(lit) {
		return nil, false
	}
	tag, ok := p.tags[lit]
	if !ok {
		var seq yaml.Node
		if err := yaml.Unmarshal([]byte("["+lit+"]"), &seq); err != nil || len(seq.Content) != 1 || len(seq.Content[0].Content) != 1 {
			return nil, false
		}
		tag = seq.Content[0].Content[0].Tag
		p.tags[lit] = tag
	}
	n.Tag, n.Value = tag, lit
	return n, true
}

func isLiteralByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'E'
}

// isJSONNumber reports whether s is a number as RFC 8259 §6 writes one.
func isJSONNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - j
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

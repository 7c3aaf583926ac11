package portal

import (
	"bytes"
	"html/template"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// md renders the Markdown of descriptions with goldmark, a maintained
// CommonMark implementation, rather than a hand-written subset: real
// documents use lists, tables, code fences and nested emphasis that a
// subset would mangle. Safety comes from goldmark's defaults, which this
// package relies on and its injection golden pins: without
// html.WithUnsafe, raw HTML blocks and inline tags are dropped (replaced by
// a comment), and a link or image whose URL is javascript:, vbscript:,
// file: or data: (but images) gets an empty href. Images are written as
// links to their source instead, since the portal loads nothing from
// another origin.
var md = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough),
	goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(imageAsLink{}, 100))),
)

// markdown renders s; "" stays "".
func markdown(s string) template.HTML {
	if s == "" {
		return ""
	}
	var b bytes.Buffer
	if err := md.Convert([]byte(s), &b); err != nil {
		// goldmark fails only when writing fails, which a bytes.Buffer
		// does not; the text is still shown, escaped.
		return template.HTML("<p>" + template.HTMLEscapeString(s) + "</p>")
	}
	return template.HTML(b.String())
}

// markdown is the package's markdown, remembered for the rest of the render:
// a schema's description is written on every page that shows the schema
// (OpenAI's portal made some 34,000 conversions, mostly of the same texts:
// 0.4 of its 1.1 CPU seconds). Pages render in parallel, hence the
// sync.Map.
func (s *site) markdown(text string) template.HTML {
	if h, ok := s.md.Load(text); ok {
		return h.(template.HTML)
	}
	h := markdown(text)
	s.md.Store(text, h)
	return h
}

// imageAsLink writes ![alt](src) as a link to src whose text is alt.
type imageAsLink struct{}

func (imageAsLink) RegisterFuncs(r renderer.NodeRendererFuncRegisterer) {
	r.Register(ast.KindImage, func(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkSkipChildren, nil
		}
		n := node.(*ast.Image)
		_, _ = w.WriteString(`<a href="`)
		if !isDangerous(n.Destination) {
			_, _ = w.Write(util.EscapeHTML(util.URLEscape(n.Destination, true)))
		}
		_, _ = w.WriteString(`">[image: `)
		_, _ = w.Write(util.EscapeHTML(imageAlt(n, src)))
		_, _ = w.WriteString(`]</a>`)
		return ast.WalkSkipChildren, nil
	})
}

// imageAlt is the text of an image's children.
func imageAlt(n ast.Node, src []byte) []byte {
	var b bytes.Buffer
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			if t, ok := c.(*ast.Text); ok {
				b.Write(t.Segment.Value(src))
			}
		}
		return ast.WalkContinue, nil
	})
	return b.Bytes()
}

// isDangerous is goldmark's own rule for link destinations, with data: URLs
// refused too, since an image here becomes a link.
func isDangerous(url []byte) bool {
	l := bytes.ToLower(bytes.TrimSpace(url))
	for _, p := range []string{"javascript:", "vbscript:", "file:", "data:"} {
		if bytes.HasPrefix(l, []byte(p)) {
			return true
		}
	}
	return false
}

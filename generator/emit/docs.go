package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/gatewaygen/gatewaygen/generator/portal"
)

// The developer portal: rendered from the IR by generator/portal into the
// package's docs/ directory, embedded, and served by Handle at
// api.DocsPath ahead of the API's routes. None of it is per operation, so
// it is not a stage; gateway.go calls the hooks below.

// docsDir is the directory of the generated package that holds the portal.
const docsDir = "docs"

// docsFiles renders the portal into files below docsDir; nil when the
// gateway serves none.
func (g *gen) docsFiles() (map[string][]byte, error) {
	if g.api.DocsPath == "" {
		return nil, nil
	}
	site, err := portal.Render(g.api)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]byte, len(site))
	for name, b := range site {
		out[docsDir+"/"+name] = b
	}
	return out, nil
}

// docs emits docs.go:
//
//	//go:embed docs
//	var docsFiles embed.FS
//	const docsPath = "/docs"
//	const docsCSP = "default-src 'none'; ..."
func (g *gen) docs(f *jen.File) {
	comment(f, "docsFiles are the pages of the developer portal, rendered from the\ndocument when this package was generated.")
	f.Comment("")
	f.Comment("//go:embed " + docsDir)
	f.Var().Id("docsFiles").Qual("embed", "FS")
	f.Comment("docsPath is where Handle serves the portal (x-gateway.docs.path).")
	f.Const().Id("docsPath").Op("=").Lit(g.api.DocsPath)
	comment(f, "docsCSP is the pages' Content-Security-Policy, sent as a header too, where\nframe-ancestors (which a <meta> policy cannot carry) keeps them out of frames.")
	f.Const().Id("docsCSP").Op("=").Lit(portal.CSP + "; frame-ancestors 'none'")
}

// docsField adds the Gateway field that serves the portal.
func (g *gen) docsField(gr *jen.Group) {
	if g.api.DocsPath != "" {
		gr.Id("docs").Op("*").Qual(g.rt("portal"), "Site").Comment("the developer portal at " + g.api.DocsPath)
	}
}

// docsSetup adds the statements of New that load the portal.
//
//	{
//		site, err := portal.New(docsFiles, "docs", docsPath, docsCSP)
//		if err != nil {
//			return nil, err
//		}
//		g.docs = site
//	}
func (g *gen) docsSetup(b *jen.Group) {
	if g.api.DocsPath == "" {
		return
	}
	b.Block(
		jen.List(jen.Id("site"), jen.Err()).Op(":=").Qual(g.rt("portal"), "New").Call(jen.Id("docsFiles"), jen.Lit(docsDir), jen.Id("docsPath"), jen.Id("docsCSP")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		jen.Id("g").Dot("docs").Op("=").Id("site"),
	)
}

// docsRoute adds Handle's first match: a path of the portal is answered
// from it before the base path and the API's routes are looked at.
//
//	if g.docs.Match(path) {
//		g.docs.Serve(ctx, path)
//		return
//	}
func (g *gen) docsRoute(b *jen.Group) {
	if g.api.DocsPath == "" {
		return
	}
	b.If(jen.Id("g").Dot("docs").Dot("Match").Call(jen.Id("path"))).Block(
		jen.Id("g").Dot("docs").Dot("Serve").Call(jen.Id("ctx"), jen.Id("path")),
		jen.Return(),
	)
}

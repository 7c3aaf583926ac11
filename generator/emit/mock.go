package emit

import (
	"github.com/dave/jennifer/jen"
)

// mocks emits one reply function per operation for mock mode, with the
// example lower picked baked in as a constant:
//
//	func replyGetPet(ctx *fasthttp.RequestCtx) {
//		ctx.SetStatusCode(200)
//		ctx.SetContentType("application/json")
//		ctx.SetBodyString(`{"id":1,"name":"Rex"}`)
//	}
func (g *gen) mocks(f *jen.File) {
	comment(f, "pathValue percent-decodes a raw path parameter for the upstream path; a\nmalformed escape was rejected while decoding parameters.")
	f.Func().Id("pathValue").Params(jen.Id("raw").Index().Byte()).Index().Byte().Block(
		jen.List(jen.Id("v"), jen.Id("ok")).Op(":=").Qual(g.rt("param"), "Unescape").Call(jen.Id("raw"), jen.False()),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Id("raw"))),
		jen.Return(jen.Id("v")),
	)
	for _, o := range g.api.Operations {
		r := o.MockReply
		f.Comment(replyName(o) + " answers " + o.Method + " " + o.Path + " in mock mode.")
		f.Func().Id(replyName(o)).Params(jen.Id("ctx").Op("*").Qual(fasthttp, "RequestCtx")).BlockFunc(func(b *jen.Group) {
			b.Id("ctx").Dot("SetStatusCode").Call(jen.Lit(r.Status))
			if r.ContentType != "" {
				b.Id("ctx").Dot("SetContentType").Call(jen.Lit(r.ContentType))
				b.Id("ctx").Dot("SetBodyString").Call(jen.Lit(r.Body))
			}
		})
	}
}

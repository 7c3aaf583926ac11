package emit

import (
	"github.com/dave/jennifer/jen"
)

// mocks emits the canned answers of mock mode as a table indexed by
// operation, with the example lower picked baked in, and the one function
// that writes an entry:
//
//	var mockReplies = [...]mockReply{
//		opGetPet: {200, "application/json", `{"id":1,"name":"Rex"}`},
//	}
//	func replyMock(ctx *fasthttp.RequestCtx, op opID) { ... }
func (g *gen) mocks(f *jen.File) {
	f.Comment("mockReply is the canned answer of one operation in mock mode.")
	f.Type().Id("mockReply").Struct(
		jen.Id("status").Int(),
		jen.Id("contentType").String(),
		jen.Id("body").String(),
	)
	f.Comment("mockReplies are taken from the document's examples, or built from the\nresponse schema where it gives none.")
	f.Var().Id("mockReplies").Op("=").Index(jen.Op("...")).Id("mockReply").ValuesFunc(func(vg *jen.Group) {
		for _, o := range g.api.Operations {
			r := o.MockReply
			vg.Id(opConst(o)).Op(":").Values(jen.Lit(r.Status), jen.Lit(r.ContentType), jen.Lit(r.Body))
		}
	})
	comment(f, "replyMock answers op from mockReplies.")
	f.Func().Id("replyMock").Params(jen.Id("ctx").Op("*").Qual(fasthttp, "RequestCtx"), jen.Id("op").Id("opID")).Block(
		jen.Id("r").Op(":=").Op("&").Id("mockReplies").Index(jen.Id("op")),
		jen.Id("ctx").Dot("SetStatusCode").Call(jen.Id("r").Dot("status")),
		jen.If(jen.Id("r").Dot("contentType").Op("!=").Lit("")).Block(
			jen.Id("ctx").Dot("SetContentType").Call(jen.Id("r").Dot("contentType")),
			jen.Id("ctx").Dot("SetBodyString").Call(jen.Id("r").Dot("body")),
		),
	)
}

package emit

import (
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// handlers emits one handler per operation, straight-line:
//
//	func (g *Gateway) serveGetPet(ctx *fasthttp.RequestCtx, args *pathArgs) {
//		st := request.Acquire()
//		defer request.Release(st)
//		if !admitGetPet(ctx, args, st) {
//			return
//		}
//		if g.mock { replyMock(ctx, opGetPet); return }
//		st.Path = append(st.Path, "/pets/"...)
//		...
//		g.upPets.Forward(ctx, st.Path, 500*time.Millisecond)
//	}
//
// The steps before and after the upstream call are the stages' (stages.go),
// in their order: with response validation (responses.go) the last line
// becomes
//
//	answered := g.upPets.Forward(ctx, st.Path, 500*time.Millisecond)
//	if answered && g.resp[respGetPet].Sample() {
//		checkGetPetResponse(ctx, g.resp[respGetPet])
//	}
func (g *gen) handlers(f *jen.File) {
	emitted := map[string]bool{}
	for _, o := range g.api.Operations {
		g.handler(f, o)
		if o.Body != nil && !emitted[o.Body.Gate] {
			emitted[o.Body.Gate] = true
			g.bodyCheck(f, o)
		}
	}
}

func (g *gen) upstream(name string) *ir.Upstream {
	for _, u := range g.api.Upstreams {
		if u.Name == name {
			return u
		}
	}
	return nil
}

// checks reports whether an operation has anything to validate.
func checks(o *ir.Operation) bool { return len(o.Params) > 0 || o.Body != nil }

func admitName(o *ir.Operation) string { return "admit" + o.GoName }

// admit emits the checks of one operation's request, shared by its handler
// and by Validate: parameters, then the body; on a violation it answers
// with the problem document and returns false.
func (g *gen) admit(f *jen.File, o *ir.Operation) {
	comment(f, admitName(o)+" checks the parameters and body of "+o.Method+" "+o.Path+". It answers the\nrequest itself (400, 413, 415) and returns false when they break the contract.")
	f.Func().Id(admitName(o)).Params(
		jen.Id("ctx").Op("*").Qual(fasthttp, "RequestCtx"),
		jen.Id("args").Op("*").Id("pathArgs"),
		jen.Id("st").Op("*").Qual(g.rt("request"), "State"),
	).Bool().BlockFunc(func(b *jen.Group) {
		if len(o.Params) > 0 {
			b.Var().Id("p").Id(o.GoName + "Params")
			b.Id("p").Dot("decode").Call(jen.Id("ctx"), jen.Id("args"), jen.Id("st"))
		}
		if o.Body != nil {
			b.If(jen.Op("!").Id(o.Body.Gate).Call(jen.Id("ctx"), jen.Id("st"), jen.Lit(int(o.MaxBody)))).Block(jen.Return(jen.False()))
		}
		b.If(jen.Id("st").Dot("Errs").Dot("Len").Call().Op(">").Lit(0)).Block(
			jen.Id("st").Dot("Errs").Dot("Write").Call(jen.Id("ctx")),
			jen.Return(jen.False()),
		)
		b.Return(jen.True())
	})
}

func (g *gen) handler(f *jen.File, o *ir.Operation) {
	if checks(o) {
		g.admit(f, o)
	}
	doc := handlerName(o) + " serves " + o.Method + " " + o.Path
	if o.Summary != "" {
		doc += ": " + oneLine(o.Summary)
	}
	f.Comment(doc + ".")
	f.Func().Params(jen.Id("g").Op("*").Id("Gateway")).Id(handlerName(o)).Params(
		jen.Id("ctx").Op("*").Qual(fasthttp, "RequestCtx"),
		jen.Id("args").Op("*").Id("pathArgs"),
	).BlockFunc(func(b *jen.Group) {
		b.Id("st").Op(":=").Qual(g.rt("request"), "Acquire").Call()
		b.Defer().Qual(g.rt("request"), "Release").Call(jen.Id("st"))
		stages := g.stages()
		for _, s := range stages {
			for _, c := range s.enter(o) {
				b.Add(c)
			}
		}
		for _, s := range stages {
			for _, c := range s.before(o) {
				b.Add(c)
			}
		}
		u := g.upstream(o.Upstream)
		switch {
		case o.Mock:
			b.Id("replyMock").Call(jen.Id("ctx"), jen.Id(opConst(o)))
			return
		case u == nil:
			b.If(jen.Id("g").Dot("mock")).Block(jen.Id("replyMock").Call(jen.Id("ctx"), jen.Id(opConst(o))), jen.Return())
			b.Qual(g.rt("problem"), "ServiceUnavailable").Call(jen.Id("ctx"), jen.Lit("no upstream is configured for this operation"))
			return
		}
		b.If(jen.Id("g").Dot("mock")).Block(jen.Id("replyMock").Call(jen.Id("ctx"), jen.Id(opConst(o))), jen.Return())
		for _, part := range o.Rewrite {
			if part.Param == "" {
				if part.Literal != "" {
					b.Id("st").Dot("Path").Op("=").Append(jen.Id("st").Dot("Path"), jen.Lit(part.Literal).Op("..."))
				}
				continue
			}
			i := 0
			for j, n := range o.PathParams {
				if n == part.Param {
					i = j
				}
			}
			b.Id("st").Dot("Path").Op("=").Qual(g.rt("param"), "AppendSegment").Call(jen.Id("st").Dot("Path"), jen.Id("pathValue").Call(jen.Id("args").Index(jen.Lit(i))))
		}
		timeout := jen.Code(jen.Lit(0))
		if o.Timeout > 0 {
			timeout = duration(o.Timeout)
		}
		forward := jen.Id("g").Dot(u.GoName).Dot("Forward").Call(jen.Id("ctx"), jen.Id("st").Dot("Path"), timeout)
		if u.HashKey != nil && u.HashKey.Kind == "consumer" {
			forward = jen.Id("g").Dot(u.GoName).Dot("ForwardFor").Call(jen.Id("ctx"), jen.Id("st").Dot("Path"), timeout, jen.Id("st").Dot("Consumer"))
		}
		var after []jen.Code
		for _, s := range stages {
			after = append(after, s.after(o, jen.Id("answered"))...)
		}
		if g.timesCalls() {
			b.Id("sent").Op(":=").Qual("time", "Now").Call()
			b.Id("answered").Op(":=").Add(forward)
			b.List(jen.Id("st").Dot("Upstream"), jen.Id("st").Dot("Answered")).Op("=").List(jen.Qual("time", "Since").Call(jen.Id("sent")), jen.Id("answered"))
		} else if len(after) == 0 {
			b.Add(forward)
			return
		} else {
			b.Id("answered").Op(":=").Add(forward)
		}
		for _, c := range after {
			b.Add(c)
		}
	})
}

// bodyCheck emits the body gate of one operation: size, presence, content
// type, then the schema of the matching media type.
//
//	func checkCreatePetBody(ctx *fasthttp.RequestCtx, st *request.State) bool
//
// It returns false when it has answered the request itself (413, or 415
// for a media type it does not take or a Content-Encoding); schema
// violations go to st.Errs.
func (g *gen) bodyCheck(f *jen.File, o *ir.Operation) {
	// lower put the media types in the order they are matched.
	var exact, ranges []*ir.Media
	var allowed []string
	for _, m := range o.Body.Media {
		allowed = append(allowed, m.ContentType)
		if m.Range {
			ranges = append(ranges, m)
		} else {
			exact = append(exact, m)
		}
	}
	g.plans(f, o)
	var users []string
	for _, x := range g.api.Operations {
		if x.Body != nil && x.Body.Gate == o.Body.Gate {
			users = append(users, x.Method+" "+x.Path)
		}
	}
	comment(f, o.Body.Gate+" checks the request body of "+strings.Join(users, " and ")+";\nit returns false when it has answered the request itself (413 over limit\nbytes, 415).")
	f.Func().Id(o.Body.Gate).Params(
		jen.Id("ctx").Op("*").Qual(fasthttp, "RequestCtx"),
		jen.Id("st").Op("*").Qual(g.rt("request"), "State"),
		jen.Id("limit").Int(),
	).Bool().BlockFunc(func(b *jen.Group) {
		b.Id("body").Op(":=").Id("ctx").Dot("PostBody").Call()
		b.If(jen.Len(jen.Id("body")).Op(">").Id("limit")).Block(
			jen.Qual(g.rt("problem"), "PayloadTooLarge").Call(jen.Id("ctx"), jen.Id("int64").Call(jen.Id("limit"))),
			jen.Return(jen.False()),
		)
		absent := []jen.Code{}
		if o.Body.Required {
			absent = append(absent, jen.Id("st").Dot("Errs").Dot("Add").Call(jen.Lit("/body"), jen.Lit("required"), jen.Lit("a request body is required")))
		}
		absent = append(absent, jen.Return(jen.True()))
		b.If(jen.Len(jen.Id("body")).Op("==").Lit(0)).Block(absent...)
		// The schema is checked on the bytes as sent: a coded body is not
		// the one the upstream reads once it has decoded it.
		b.If(
			jen.Id("c").Op(":=").Qual(g.rt("request"), "ContentCoding").Call(jen.Op("&").Id("ctx").Dot("Request").Dot("Header")),
			jen.Id("c").Op("!=").Nil(),
		).Block(
			jen.Qual(g.rt("problem"), "UnsupportedContentCoding").Call(jen.Id("ctx"), jen.Id("c")),
			jen.Return(jen.False()),
		)
		b.Id("mt").Op(":=").Id("st").Dot("MediaType").Call(jen.Id("ctx").Dot("Request").Dot("Header").Dot("ContentType").Call())
		unsupported := []jen.Code{
			jen.Qual(g.rt("problem"), "UnsupportedMediaType").Call(jen.Id("ctx"), jen.String().Parens(jen.Id("mt")), jen.Lit(strings.Join(allowed, ", "))),
			jen.Return(jen.False()),
		}
		validate := func(m *ir.Media) []jen.Code { return g.readBody(o, m) }
		def := unsupported
		if len(ranges) > 0 {
			def = []jen.Code{jen.Switch().BlockFunc(func(sw *jen.Group) {
				for _, m := range ranges {
					cond := jen.Code(jen.True())
					if m.ContentType != "*/*" {
						cond = jen.Qual("bytes", "HasPrefix").Call(jen.Id("mt"), jen.Index().Byte().Parens(jen.Lit(strings.TrimSuffix(m.ContentType, "*"))))
					}
					sw.Case(cond).Block(validate(m)...)
				}
				sw.Default().Block(unsupported...)
			})}
		}
		b.Switch(jen.String().Parens(jen.Id("mt"))).BlockFunc(func(sw *jen.Group) {
			for _, m := range exact {
				sw.Case(jen.Lit(m.ContentType)).Block(validate(m)...)
			}
			sw.Default().Block(def...)
		})
		b.Return(jen.True())
	})
}

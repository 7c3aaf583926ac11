package emit

import (
	"strings"
	"time"

	"github.com/dave/jennifer/jen"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// gateway emits the Gateway type, its defaults and the entry handler:
//
//	func Defaults() server.Config { return server.Config{Name: "petstore", ...} }
//	type Gateway struct { mock bool; pets *proxy.Upstream }
//	func New(cfg server.Config) (*Gateway, error) { ... }
//	func (g *Gateway) Handle(ctx *fasthttp.RequestCtx) { ...route, dispatch... }
func (g *gen) gateway(f *jen.File) {
	api := g.api
	title := api.Title
	if title == "" {
		title = api.Name
	}
	f.PackageComment("Package " + api.Name + " is the gateway of " + oneLine(title) + " " + oneLine(api.Version) + ",")
	f.PackageComment("generated from its OpenAPI document: a router, parameter and body")
	f.PackageComment("validators compiled to Go, and a proxy to each operation's upstream.")

	comment(f, "Defaults is the configuration the document declares; flags and the\nenvironment override it at start-up.")
	f.Func().Id("Defaults").Params().Qual(g.rt("server"), "Config").Block(
		jen.Return(jen.Qual(g.rt("server"), "Config").Values(jen.DictFunc(func(d jen.Dict) {
			d[jen.Id("Name")] = jen.Lit(api.Name)
			d[jen.Id("Listen")] = jen.Lit(api.Listen)
			d[jen.Id("MaxRequestBody")] = jen.Lit(int(api.MaxBody))
			// Body limits (bodylimit.go): each operation's, before its body is read.
			if limits, _ := g.bodyLimitOps(); len(limits) > 0 {
				d[jen.Id("BodyLimit")] = jen.Id("bodyLimit")
			}
			if api.MaxHeaderBytes > 0 {
				d[jen.Id("MaxHeaderBytes")] = jen.Lit(int(api.MaxHeaderBytes))
			}
			if api.Timeout > 0 {
				d[jen.Id("Timeout")] = duration(api.Timeout)
			}
			if api.HeaderTimeout > 0 {
				d[jen.Id("HeaderTimeout")] = duration(api.HeaderTimeout)
			}
			if api.IdleTimeout > 0 {
				d[jen.Id("IdleTimeout")] = duration(api.IdleTimeout)
			}
			if api.MaxConns > 0 {
				d[jen.Id("MaxConns")] = jen.Lit(api.MaxConns)
			}
			if api.MaxConnsPerIP > 0 {
				d[jen.Id("MaxConnsPerIP")] = jen.Lit(api.MaxConnsPerIP)
			}
			// Rate limits: the document's trusted proxies.
			if len(api.TrustedProxies) > 0 {
				d[jen.Id("TrustedProxies")] = jen.Index().String().ValuesFunc(func(vg *jen.Group) {
					for _, p := range api.TrustedProxies {
						vg.Lit(p)
					}
				})
			}
			if api.ClientIPHeader != "" {
				d[jen.Id("ClientIPHeader")] = jen.Lit(api.ClientIPHeader)
			}
			if api.Admin != "" {
				d[jen.Id("Admin")] = jen.Lit(api.Admin)
			}
		}))),
	)

	f.Comment("Gateway serves the API. Build it with New; Handle is safe for concurrent use.")
	f.Type().Id("Gateway").StructFunc(func(gr *jen.Group) {
		gr.Id("mock").Bool().Comment("answer every operation from the document's examples")
		for _, u := range api.Upstreams {
			gr.Id(u.GoName).Op("*").Qual(g.rt("proxy"), "Upstream").Comment("upstream " + u.Name)
		}
		for _, s := range g.stages() {
			s.fields(gr)
		}
		g.docsField(gr)
	})

	f.Comment("New builds the gateway for cfg, with one connection pool per upstream target.")
	f.Func().Id("New").Params(jen.Id("cfg").Qual(g.rt("server"), "Config")).Params(jen.Op("*").Id("Gateway"), jen.Error()).BlockFunc(func(b *jen.Group) {
		known := make([]jen.Code, len(api.Upstreams))
		for i, u := range api.Upstreams {
			known[i] = jen.Lit(u.Name)
		}
		b.If(jen.Err().Op(":=").Id("cfg").Dot("CheckUpstreams").Call(known...), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Nil(), jen.Err()),
		)
		b.Id("g").Op(":=").Op("&").Id("Gateway").Values(jen.Dict{jen.Id("mock"): jen.Id("cfg").Dot("Mock")})
		if len(api.Upstreams) > 0 {
			b.Var().Id("err").Error()
		}
		for _, u := range api.Upstreams {
			targets := jen.Index().Qual(g.rt("balance"), "Target").ValuesFunc(func(vg *jen.Group) {
				for _, t := range u.Targets {
					vg.Values(jen.Dict{jen.Id("URL"): jen.Lit(t.URL), jen.Id("Weight"): jen.Lit(t.Weight)})
				}
			})
			conf := jen.Qual(g.rt("proxy"), "UpstreamConfig").Values(jen.DictFunc(func(d jen.Dict) {
				d[jen.Id("Name")] = jen.Lit(u.Name)
				d[jen.Id("Targets")] = jen.Id("cfg").Dot("Targets").Call(jen.Lit(u.Name), targets)
				if u.Timeout > 0 {
					d[jen.Id("Timeout")] = duration(u.Timeout)
				}
				g.upstreamPolicy(d, u)
			}))
			b.If(
				jen.List(jen.Id("g").Dot(u.GoName), jen.Id("err")).Op("=").Qual(g.rt("proxy"), "NewUpstream").Call(conf),
				jen.Id("err").Op("!=").Nil(),
			).Block(jen.Return(jen.Nil(), jen.Id("err")))
			b.Id("cfg").Dot("Reload").Dot("Upstream").Call(jen.Lit(u.Name), jen.Id("g").Dot(u.GoName))
		}
		for _, s := range g.stages() {
			s.setup(b)
		}
		g.docsSetup(b)
		b.Return(jen.Id("g"), jen.Nil())
	})

	if api.BasePath != "" {
		f.Comment("basePath is the public path prefix, from servers[0].url or x-gateway.base-path.")
		f.Var().Id("basePath").Op("=").Index().Byte().Parens(jen.Lit(api.BasePath))
	}
	g.bodyLimit(f)

	comment(f, "Handle serves one request: it routes the raw path, then hands over to the\noperation's handler; unknown paths get 404 and known paths with another\nmethod 405, both as problem+json.")
	f.Func().Params(jen.Id("g").Op("*").Id("Gateway")).Id("Handle").Params(jen.Id("ctx").Op("*").Qual(fasthttp, "RequestCtx")).BlockFunc(func(b *jen.Group) {
		miss := func(answer jen.Code) []jen.Code {
			out := []jen.Code{answer}
			if g.timesCalls() { // metrics.go: misses are observed under no operation
				out = append(out, jen.Id("g").Dot("observeMiss").Call(jen.Id("ctx")))
			}
			return out
		}
		b.Qual(g.rt("requestid"), "Ensure").Call(jen.Id("ctx"))
		b.Id("path").Op(":=").Id("ctx").Dot("URI").Call().Dot("PathOriginal").Call()
		g.docsRoute(b)
		if api.BasePath != "" {
			b.If(jen.Op("!").Qual("bytes", "HasPrefix").Call(jen.Id("path"), jen.Id("basePath"))).Block(
				append(miss(jen.Qual(g.rt("problem"), "NotFound").Call(jen.Id("ctx"))), jen.Return())...,
			)
			b.Id("path").Op("=").Id("path").Index(jen.Len(jen.Id("basePath")).Op(":"))
		}
		if g.hasCORS() { // cors.go
			b.If(jen.Id("g").Dot("preflight").Call(jen.Id("ctx"), jen.Id("path"))).Block(jen.Return())
		}
		b.Var().Id("args").Id("pathArgs")
		b.List(jen.Id("op"), jen.Id("allow")).Op(":=").Id("route").Call(jen.Id("ctx").Dot("Method").Call(), jen.Id("path"), jen.Op("&").Id("args"))
		b.Switch(jen.Id("op")).BlockFunc(func(sw *jen.Group) {
			sw.Case(jen.Id("opNone")).Block(miss(jen.Qual(g.rt("problem"), "NotFound").Call(jen.Id("ctx")))...)
			sw.Case(jen.Id("opWrongMethod")).Block(miss(jen.Qual(g.rt("problem"), "MethodNotAllowed").Call(jen.Id("ctx"), jen.Id("allow")))...)
			for _, o := range api.Operations {
				if o.TwinOf != nil {
					continue // the router answers with its twin's constant
				}
				sw.Case(jen.Id(opConst(o))).Block(twinDispatch(o, func(o *ir.Operation) jen.Code {
					return jen.Id("g").Dot(handlerName(o)).Call(jen.Id("ctx"), jen.Op("&").Id("args"))
				}))
			}
		})
	})
	g.validate(f)
	g.pathRefused(f)
}

// twinDispatch is the code that hands a request the router gave o to the
// operation it belongs to, call(that operation): o itself unless o has
// twins (ir.Operation.Twins), when the first of o and its twins whose path
// parameters accept the request's values gets it, and o when none does, so
// that o's problem says what is wrong.
func twinDispatch(o *ir.Operation, call func(*ir.Operation) jen.Code) jen.Code {
	if len(o.Twins) == 0 {
		return call(o)
	}
	return jen.Switch().BlockFunc(func(sw *jen.Group) {
		for _, t := range append([]*ir.Operation{o}, o.Twins...) {
			sw.Case(jen.Op("!").Id(pathRefusedName(t)).Call(jen.Id("ctx"), jen.Op("&").Id("args"))).Block(call(t))
		}
		sw.Default().Block(call(o))
	})
}

func pathRefusedName(o *ir.Operation) string { return "pathRefused" + o.GoName }

// pathRefused emits, for each operation with twins and each twin, the
// check that tells them apart: whether the operation's path parameters
// refuse the request's values. It decodes the parameters into a state of
// its own, so the handler that follows starts afresh.
func (g *gen) pathRefused(f *jen.File) {
	for _, o := range g.api.Operations {
		if len(o.Twins) == 0 && o.TwinOf == nil {
			continue
		}
		twin := o.TwinOf
		if twin == nil {
			twin = o.Twins[0]
		}
		comment(f, pathRefusedName(o)+" reports whether the path parameters of "+o.Method+" "+o.Path+"\nrefuse the request's values, which tells it apart from "+twin.Method+" "+twin.Path+",\nthe same route under other parameter names.")
		f.Func().Id(pathRefusedName(o)).Params(
			jen.Id("ctx").Op("*").Qual(fasthttp, "RequestCtx"),
			jen.Id("args").Op("*").Id("pathArgs"),
		).Bool().BlockFunc(func(b *jen.Group) {
			if len(o.Params) == 0 {
				b.Return(jen.False()) // no declared parameter to refuse anything
				return
			}
			b.Id("st").Op(":=").Qual(g.rt("request"), "Acquire").Call()
			b.Defer().Qual(g.rt("request"), "Release").Call(jen.Id("st"))
			b.Var().Id("p").Id(o.GoName + "Params")
			b.Id("p").Dot("decode").Call(jen.Id("ctx"), jen.Id("args"), jen.Id("st"))
			b.Return(jen.Id("st").Dot("Errs").Dot("AnyAt").Call(jen.Lit("path.")))
		})
	}
}

// validate emits Gateway.Validate: the checks of Handle without the
// answer, so that the generated validation can run in another server, and
// be measured on its own.
func (g *gen) validate(f *jen.File) {
	api := g.api
	comment(f, "Validate checks a request as Handle does — its path, method, parameters and\nbody — without proxying or answering it when it passes. When it breaks the\ncontract, Validate answers it as Handle would (problem+json: 400, 404,\n405, 413 or 415) and returns false.")
	f.Func().Params(jen.Id("g").Op("*").Id("Gateway")).Id("Validate").Params(jen.Id("ctx").Op("*").Qual(fasthttp, "RequestCtx")).Bool().BlockFunc(func(b *jen.Group) {
		b.Id("path").Op(":=").Id("ctx").Dot("URI").Call().Dot("PathOriginal").Call()
		if api.BasePath != "" {
			b.If(jen.Op("!").Qual("bytes", "HasPrefix").Call(jen.Id("path"), jen.Id("basePath"))).Block(
				jen.Qual(g.rt("problem"), "NotFound").Call(jen.Id("ctx")),
				jen.Return(jen.False()),
			)
			b.Id("path").Op("=").Id("path").Index(jen.Len(jen.Id("basePath")).Op(":"))
		}
		b.Var().Id("args").Id("pathArgs")
		b.List(jen.Id("op"), jen.Id("allow")).Op(":=").Id("route").Call(jen.Id("ctx").Dot("Method").Call(), jen.Id("path"), jen.Op("&").Id("args"))
		var checked []*ir.Operation
		for _, o := range api.Operations {
			if checks(o) || len(o.Twins) > 0 {
				checked = append(checked, o)
			}
		}
		if len(checked) > 0 {
			b.Id("st").Op(":=").Qual(g.rt("request"), "Acquire").Call()
			b.Defer().Qual(g.rt("request"), "Release").Call(jen.Id("st"))
		}
		b.Switch(jen.Id("op")).BlockFunc(func(sw *jen.Group) {
			sw.Case(jen.Id("opNone")).Block(jen.Qual(g.rt("problem"), "NotFound").Call(jen.Id("ctx")), jen.Return(jen.False()))
			sw.Case(jen.Id("opWrongMethod")).Block(jen.Qual(g.rt("problem"), "MethodNotAllowed").Call(jen.Id("ctx"), jen.Id("allow")), jen.Return(jen.False()))
			for _, o := range checked {
				if o.TwinOf != nil {
					continue // the router answers with its twin's constant
				}
				sw.Case(jen.Id(opConst(o))).Block(twinDispatch(o, func(o *ir.Operation) jen.Code {
					if !checks(o) {
						return jen.Return(jen.True())
					}
					return jen.Return(jen.Id(admitName(o)).Call(jen.Id("ctx"), jen.Op("&").Id("args"), jen.Id("st")))
				}))
			}
		})
		b.Return(jen.True())
	})
}

func duration(d time.Duration) jen.Code {
	switch {
	case d%time.Second == 0:
		return jen.Lit(int(d/time.Second)).Op("*").Qual("time", "Second")
	case d%time.Millisecond == 0:
		return jen.Lit(int(d/time.Millisecond)).Op("*").Qual("time", "Millisecond")
	}
	return jen.Qual("time", "Duration").Call(jen.Lit(int64(d)))
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func opConst(o *ir.Operation) string { return "op" + o.GoName }

func handlerName(o *ir.Operation) string { return "serve" + o.GoName }

// main emits the thin command of the gateway binary.
//
//	func main() { server.Main(petstore.Defaults(), func(cfg server.Config) (fasthttp.RequestHandler, error) { ... }) }
func (g *gen) main(f *jen.File) {
	f.PackageComment("Command " + g.api.Name + "-gateway serves the generated " + g.api.Name + " gateway.")
	f.PackageComment("Run it with -help for its flags.")
	f.Func().Id("main").Params().Block(
		jen.Qual(g.rt("server"), "Main").Call(
			jen.Qual(g.cfg.ImportPath, "Defaults").Call(),
			jen.Func().Params(jen.Id("cfg").Qual(g.rt("server"), "Config")).Params(jen.Qual(fasthttp, "RequestHandler"), jen.Error()).Block(
				jen.List(jen.Id("gw"), jen.Id("err")).Op(":=").Qual(g.cfg.ImportPath, "New").Call(jen.Id("cfg")),
				jen.If(jen.Id("err").Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Id("err"))),
				jen.Return(jen.Id("gw").Dot("Handle"), jen.Nil()),
			),
		),
	)
}

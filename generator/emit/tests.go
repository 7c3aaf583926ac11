package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// tests emits gateway_test.go, so every generated gateway carries the proof
// of its own hot paths: a routing table test over the document's paths, an
// allocation assertion and a benchmark for the router, a benchmark of each
// parameter decoder on a valid request, and fuzz targets for the router and
// the decoders seeded with the document's paths.
func (g *gen) tests(f *jen.File) {
	api := g.api
	f.Comment("routeCases are requests built from the document's own paths, with the\noperation each must reach.")
	f.Var().Id("routeCases").Op("=").Index().Struct(
		jen.List(jen.Id("method"), jen.Id("path"), jen.Id("query")).String(),
		jen.Id("op").Id("opID"),
	).ValuesFunc(func(vg *jen.Group) {
		for _, o := range api.Operations {
			routed := o
			if o.TwinOf != nil {
				routed = o.TwinOf // the router's answer; Handle tells the twins apart
			}
			vg.Values(jen.Lit(o.Method), jen.Lit(o.Sample.Path), jen.Lit(o.Sample.Query), jen.Id(opConst(routed)))
		}
	})

	f.Func().Id("TestRoute").Params(jen.Id("t").Op("*").Qual("testing", "T")).Block(
		jen.For(jen.List(jen.Id("_"), jen.Id("c")).Op(":=").Range().Id("routeCases")).Block(
			jen.Var().Id("args").Id("pathArgs"),
			jen.List(jen.Id("op"), jen.Id("_")).Op(":=").Id("route").Call(jen.Index().Byte().Parens(jen.Id("c").Dot("method")), jen.Index().Byte().Parens(jen.Id("c").Dot("path")), jen.Op("&").Id("args")),
			jen.If(jen.Id("op").Op("!=").Id("c").Dot("op")).Block(
				jen.Id("t").Dot("Errorf").Call(jen.Lit("%s %s: routed to %d, want %d"), jen.Id("c").Dot("method"), jen.Id("c").Dot("path"), jen.Id("op"), jen.Id("c").Dot("op")),
			),
		),
		jen.Var().Id("args").Id("pathArgs"),
		jen.If(jen.List(jen.Id("op"), jen.Id("_")).Op(":=").Id("route").Call(jen.Index().Byte().Parens(jen.Lit("GET")), jen.Index().Byte().Parens(jen.Lit("/no/such/path/at/all")), jen.Op("&").Id("args")), jen.Id("op").Op("!=").Id("opNone")).Block(
			jen.Id("t").Dot("Errorf").Call(jen.Lit("unknown path routed to %d"), jen.Id("op")),
		),
	)

	comment(f, "TestRouteAllocs asserts what the router promises: routing allocates nothing.")
	f.Func().Id("TestRouteAllocs").Params(jen.Id("t").Op("*").Qual("testing", "T")).Block(
		jen.For(jen.List(jen.Id("_"), jen.Id("c")).Op(":=").Range().Id("routeCases")).Block(
			jen.List(jen.Id("method"), jen.Id("path")).Op(":=").List(jen.Index().Byte().Parens(jen.Id("c").Dot("method")), jen.Index().Byte().Parens(jen.Id("c").Dot("path"))),
			jen.Var().Id("args").Id("pathArgs"),
			jen.If(jen.Id("n").Op(":=").Qual("testing", "AllocsPerRun").Call(jen.Lit(100), jen.Func().Params().Block(
				jen.Id("route").Call(jen.Id("method"), jen.Id("path"), jen.Op("&").Id("args")),
			)), jen.Id("n").Op("!=").Lit(0)).Block(
				jen.Id("t").Dot("Errorf").Call(jen.Lit("%s %s: %v allocations per route, want 0"), jen.Id("c").Dot("method"), jen.Id("c").Dot("path"), jen.Id("n")),
			),
		),
	)

	comment(f, "BenchmarkRoute routes each of the document's paths in turn.")
	f.Func().Id("BenchmarkRoute").Params(jen.Id("b").Op("*").Qual("testing", "B")).Block(
		jen.Id("methods").Op(":=").Make(jen.Index().Index().Byte(), jen.Len(jen.Id("routeCases"))),
		jen.Id("paths").Op(":=").Make(jen.Index().Index().Byte(), jen.Len(jen.Id("routeCases"))),
		jen.For(jen.List(jen.Id("i"), jen.Id("c")).Op(":=").Range().Id("routeCases")).Block(
			jen.List(jen.Id("methods").Index(jen.Id("i")), jen.Id("paths").Index(jen.Id("i"))).Op("=").List(jen.Index().Byte().Parens(jen.Id("c").Dot("method")), jen.Index().Byte().Parens(jen.Id("c").Dot("path"))),
		),
		jen.Var().Id("args").Id("pathArgs"),
		jen.Id("b").Dot("ReportAllocs").Call(),
		jen.For(jen.Id("i").Op(":=").Lit(0), jen.Id("b").Dot("Loop").Call(), jen.Id("i").Op("++")).Block(
			jen.Id("j").Op(":=").Id("i").Op("%").Len(jen.Id("routeCases")),
			jen.Id("route").Call(jen.Id("methods").Index(jen.Id("j")), jen.Id("paths").Index(jen.Id("j")), jen.Op("&").Id("args")),
		),
	)

	comment(f, "sampleRequest builds a request context for method and the path and query of a\nroute case, below the base path.")
	f.Func().Id("sampleRequest").Params(jen.List(jen.Id("method"), jen.Id("path"), jen.Id("query")).String()).Op("*").Qual(fasthttp, "RequestCtx").BlockFunc(func(b *jen.Group) {
		b.Var().Id("ctx").Qual(fasthttp, "RequestCtx")
		b.Id("ctx").Dot("Request").Dot("Header").Dot("SetMethod").Call(jen.Id("method"))
		b.Id("uri").Op(":=").Lit(api.BasePath).Op("+").Id("path")
		b.If(jen.Id("query").Op("!=").Lit("")).Block(jen.Id("uri").Op("+=").Lit("?").Op("+").Id("query"))
		b.Id("ctx").Dot("Request").Dot("SetRequestURI").Call(jen.Id("uri"))
		b.Return(jen.Op("&").Id("ctx"))
	})

	// One benchmark per operation with parameters that all have a sample
	// value: route, then decode.
	var withParams []*ir.Operation
	for _, o := range api.Operations {
		if len(o.Params) > 0 && o.Sample.ParamsComplete {
			withParams = append(withParams, o)
		}
	}
	if len(withParams) > 0 {
		comment(f, "BenchmarkDecodeParams decodes and checks each operation's parameters from\na request carrying sample values.")
		f.Func().Id("BenchmarkDecodeParams").Params(jen.Id("b").Op("*").Qual("testing", "B")).BlockFunc(func(b *jen.Group) {
			for _, o := range withParams {
				b.Id("b").Dot("Run").Call(jen.Lit(o.GoName), jen.Func().Params(jen.Id("b").Op("*").Qual("testing", "B")).BlockFunc(func(bb *jen.Group) {
					bb.Id("ctx").Op(":=").Id("sampleRequest").Call(jen.Lit(o.Method), jen.Lit(o.Sample.Path), jen.Lit(o.Sample.Query))
					sampleHeaders(bb, o.Sample)
					bb.Var().Id("args").Id("pathArgs")
					bb.Id("route").Call(jen.Id("ctx").Dot("Method").Call(), jen.Id("ctx").Dot("URI").Call().Dot("PathOriginal").Call().Index(jen.Len(jen.Lit(api.BasePath)).Op(":")), jen.Op("&").Id("args"))
					bb.Id("b").Dot("ReportAllocs").Call()
					bb.For(jen.Id("b").Dot("Loop").Call()).Block(
						jen.Id("st").Op(":=").Qual(g.rt("request"), "Acquire").Call(),
						jen.Var().Id("p").Id(o.GoName+"Params"),
						jen.Id("p").Dot("decode").Call(jen.Id("ctx"), jen.Op("&").Id("args"), jen.Id("st")),
						jen.If(jen.Id("st").Dot("Errs").Dot("Len").Call().Op(">").Lit(0)).Block(
							jen.Id("b").Dot("Fatalf").Call(jen.Lit("sample request rejected: %+v"), jen.Id("st").Dot("Errs").Dot("List")),
						),
						jen.Qual(g.rt("request"), "Release").Call(jen.Id("st")),
					)
				}))
			}
		})
	}

	comment(f, "sampleRequests builds one request per operation from the values lower\nfound in the document: path, query, headers, cookies and body. A valid one\nhas a value for everything the operation requires, and the gateway must\naccept it.")
	f.Type().Id("sampleCase").Struct(
		jen.Id("name").String(),
		jen.Id("valid").Bool(),
		jen.Id("ctx").Op("*").Qual(fasthttp, "RequestCtx"),
	)
	f.Func().Id("sampleRequests").Params().Index().Id("sampleCase").BlockFunc(func(b *jen.Group) {
		b.Var().Id("out").Index().Id("sampleCase")
		for _, o := range api.Operations {
			b.BlockFunc(func(bb *jen.Group) {
				if !o.Sample.Complete {
					bb.Comment("Not valid: no value for " + o.Sample.Missing + ".")
				}
				bb.Id("ctx").Op(":=").Id("sampleRequest").Call(jen.Lit(o.Method), jen.Lit(o.Sample.Path), jen.Lit(o.Sample.Query))
				sampleHeaders(bb, o.Sample)
				if o.Sample.ContentType != "" {
					bb.Id("ctx").Dot("Request").Dot("Header").Dot("SetContentType").Call(jen.Lit(o.Sample.ContentType))
					bb.Id("ctx").Dot("Request").Dot("SetBodyString").Call(jen.Lit(o.Sample.Body))
				}
				if needsCredential(o) {
					bb.Comment("Not valid: it carries no credential, which the operation's security needs.")
				}
				bb.Id("out").Op("=").Append(jen.Id("out"), jen.Id("sampleCase").Values(jen.Lit(o.GoName), jen.Lit(o.Sample.Complete && !needsCredential(o)), jen.Id("ctx")))
			})
		}
		b.Return(jen.Id("out"))
	})

	comment(f, "validSamples are the sample requests the gateway must accept.")
	f.Func().Id("validSamples").Params().Index().Id("sampleCase").Block(
		jen.Var().Id("out").Index().Id("sampleCase"),
		jen.For(jen.List(jen.Id("_"), jen.Id("c")).Op(":=").Range().Id("sampleRequests").Call()).Block(
			jen.If(jen.Id("c").Dot("valid")).Block(jen.Id("out").Op("=").Append(jen.Id("out"), jen.Id("c"))),
		),
		jen.Return(jen.Id("out")),
	)

	comment(f, "mockGateway builds the gateway in mock mode, which answers from the\ndocument's examples, so that the tests need no upstream.")
	authActive := authStage{gen: g}.active()
	f.Func().Id("mockGateway").Params(jen.Id("tb").Qual("testing", "TB")).Op("*").Id("Gateway").BlockFunc(func(b *jen.Group) {
		cfg := jen.Dict{jen.Id("Mock"): jen.True()}
		if authActive {
			cfg[jen.Id("Auth")] = jen.Id("testAuth").Call(jen.Id("tb"))
		}
		b.List(jen.Id("g"), jen.Id("err")).Op(":=").Id("New").Call(jen.Qual(g.rt("server"), "Config").Values(cfg))
		b.If(jen.Id("err").Op("!=").Nil()).Block(jen.Id("tb").Dot("Fatal").Call(jen.Id("err")))
		b.Return(jen.Id("g"))
	})
	if authActive {
		g.authTests(f)
	}

	comment(f, "TestSamplesAccepted asserts that the gateway, in mock mode, accepts every\nvalid sample request: lower made each from the document's own examples.")
	f.Func().Id("TestSamplesAccepted").Params(jen.Id("t").Op("*").Qual("testing", "T")).Block(
		jen.Id("g").Op(":=").Id("mockGateway").Call(jen.Id("t")),
		jen.For(jen.List(jen.Id("_"), jen.Id("c")).Op(":=").Range().Id("validSamples").Call()).Block(
			jen.Id("g").Dot("Handle").Call(jen.Id("c").Dot("ctx")),
			jen.If(jen.Id("c").Dot("ctx").Dot("Response").Dot("StatusCode").Call().Op(">=").Lit(400)).Block(
				jen.Id("t").Dot("Errorf").Call(jen.Lit("%s: valid sample rejected: %s"), jen.Id("c").Dot("name"), jen.Id("c").Dot("ctx").Dot("Response").Dot("Body").Call()),
			),
		),
	)

	comment(f, "BenchmarkHandle sends each valid sample request through the whole gateway\nin mock mode: routing, parameters, body validation and the reply.")
	f.Func().Id("BenchmarkHandle").Params(jen.Id("b").Op("*").Qual("testing", "B")).Block(
		jen.Id("g").Op(":=").Id("mockGateway").Call(jen.Id("b")),
		jen.For(jen.List(jen.Id("_"), jen.Id("c")).Op(":=").Range().Id("validSamples").Call()).Block(
			jen.Id("b").Dot("Run").Call(jen.Id("c").Dot("name"), jen.Func().Params(jen.Id("b").Op("*").Qual("testing", "B")).Block(
				jen.Id("g").Dot("Handle").Call(jen.Id("c").Dot("ctx")),
				jen.If(jen.Id("c").Dot("ctx").Dot("Response").Dot("StatusCode").Call().Op(">=").Lit(400)).Block(
					jen.Id("b").Dot("Fatalf").Call(jen.Lit("valid sample rejected: %s"), jen.Id("c").Dot("ctx").Dot("Response").Dot("Body").Call()),
				),
				jen.Id("b").Dot("ReportAllocs").Call(),
				jen.For(jen.Id("b").Dot("Loop").Call()).Block(
					jen.Id("c").Dot("ctx").Dot("Response").Dot("Reset").Call(),
					jen.Id("g").Dot("Handle").Call(jen.Id("c").Dot("ctx")),
				),
			)),
		),
	)

	comment(f, "FuzzRoute feeds arbitrary methods and paths to the router: it must never\npanic, and a path parameter it returns must be a piece of the path.")
	f.Func().Id("FuzzRoute").Params(jen.Id("f").Op("*").Qual("testing", "F")).Block(
		jen.For(jen.List(jen.Id("_"), jen.Id("c")).Op(":=").Range().Id("routeCases")).Block(
			jen.Id("f").Dot("Add").Call(jen.Id("c").Dot("method"), jen.Index().Byte().Parens(jen.Id("c").Dot("path"))),
		),
		jen.Id("f").Dot("Fuzz").Call(jen.Func().Params(jen.Id("t").Op("*").Qual("testing", "T"), jen.Id("method").String(), jen.Id("path").Index().Byte()).Block(
			jen.Var().Id("args").Id("pathArgs"),
			jen.List(jen.Id("op"), jen.Id("allow")).Op(":=").Id("route").Call(jen.Index().Byte().Parens(jen.Id("method")), jen.Id("path"), jen.Op("&").Id("args")),
			jen.If(jen.Id("op").Op("==").Id("opWrongMethod").Op("&&").Id("allow").Op("==").Lit("")).Block(
				jen.Id("t").Dot("Fatalf").Call(jen.Lit("405 without an Allow value for %q"), jen.Id("path")),
			),
			jen.For(jen.List(jen.Id("_"), jen.Id("a")).Op(":=").Range().Id("args")).Block(
				jen.If(jen.Len(jen.Id("a")).Op(">").Lit(0).Op("&&").Op("!").Qual("bytes", "Contains").Call(jen.Id("path"), jen.Id("a"))).Block(
					jen.Id("t").Dot("Fatalf").Call(jen.Lit("argument %q is not part of path %q"), jen.Id("a"), jen.Id("path")),
				),
			),
		)),
	)

	comment(f, "FuzzHandle sends arbitrary requests through the whole gateway in mock mode\n(routing, parameter and body validation): it must never panic, and every\nrejection must be problem+json.")
	f.Func().Id("FuzzHandle").Params(jen.Id("f").Op("*").Qual("testing", "F")).Block(
		jen.For(jen.List(jen.Id("_"), jen.Id("c")).Op(":=").Range().Id("routeCases")).Block(
			jen.Id("f").Dot("Add").Call(jen.Id("c").Dot("method"), jen.Lit(api.BasePath).Op("+").Id("c").Dot("path").Op("+").Lit("?").Op("+").Id("c").Dot("query"), jen.Lit("application/json"), jen.Index().Byte().Parens(jen.Lit(`{"name":"x"}`))),
		),
		jen.Comment("The sample requests give the fuzzer every declared media type and body shape to start from."),
		jen.For(jen.List(jen.Id("_"), jen.Id("c")).Op(":=").Range().Id("sampleRequests").Call()).Block(
			jen.Id("r").Op(":=").Op("&").Id("c").Dot("ctx").Dot("Request"),
			jen.Id("f").Dot("Add").Call(
				jen.String().Parens(jen.Id("r").Dot("Header").Dot("Method").Call()),
				jen.String().Parens(jen.Id("r").Dot("RequestURI").Call()),
				jen.String().Parens(jen.Id("r").Dot("Header").Dot("ContentType").Call()),
				jen.Id("r").Dot("Body").Call(),
			),
		),
		jen.Id("g").Op(":=").Id("mockGateway").Call(jen.Id("f")),
		jen.Id("f").Dot("Fuzz").Call(jen.Func().Params(jen.Id("t").Op("*").Qual("testing", "T"), jen.List(jen.Id("method"), jen.Id("uri"), jen.Id("ctype")).String(), jen.Id("body").Index().Byte()).Block(
			jen.Var().Id("ctx").Qual(fasthttp, "RequestCtx"),
			jen.Id("ctx").Dot("Request").Dot("Header").Dot("SetMethod").Call(jen.Id("method")),
			jen.Id("ctx").Dot("Request").Dot("SetRequestURI").Call(jen.Id("uri")),
			jen.Id("ctx").Dot("Request").Dot("Header").Dot("SetContentType").Call(jen.Id("ctype")),
			jen.Id("ctx").Dot("Request").Dot("SetBody").Call(jen.Id("body")),
			jen.Id("g").Dot("Handle").Call(jen.Op("&").Id("ctx")),
			jen.If(jen.Id("code").Op(":=").Id("ctx").Dot("Response").Dot("StatusCode").Call(), jen.Id("code").Op(">=").Lit(400).Op("&&").String().Parens(jen.Id("ctx").Dot("Response").Dot("Header").Dot("ContentType").Call()).Op("!=").Lit("application/problem+json")).Block(
				jen.Id("t").Dot("Fatalf").Call(jen.Lit("status %d with content type %q"), jen.Id("code"), jen.Id("ctx").Dot("Response").Dot("Header").Dot("ContentType").Call()),
			),
		)),
	)
}

// allocTests emits alloc_test.go: the assertion that a valid request costs
// no allocation from routing to reply. It is built without the race
// detector only, which makes sync.Pool drop items at random.
func (g *gen) allocTests(f *jen.File) {
	comment(f, "TestHandleAllocs asserts that each valid sample request is served, in mock\nmode, without a single allocation (TestSamplesAccepted asserts that it is\naccepted).")
	f.Func().Id("TestHandleAllocs").Params(jen.Id("t").Op("*").Qual("testing", "T")).Block(
		jen.Id("g").Op(":=").Id("mockGateway").Call(jen.Id("t")),
		jen.For(jen.List(jen.Id("_"), jen.Id("c")).Op(":=").Range().Id("validSamples").Call()).Block(
			jen.Id("n").Op(":=").Qual("testing", "AllocsPerRun").Call(jen.Lit(100), jen.Func().Params().Block(
				jen.Id("c").Dot("ctx").Dot("Response").Dot("Reset").Call(),
				jen.Id("g").Dot("Handle").Call(jen.Id("c").Dot("ctx")),
			)),
			jen.If(jen.Id("n").Op("!=").Lit(0)).Block(
				jen.Id("t").Dot("Errorf").Call(jen.Lit("%s: %v allocations per request, want 0"), jen.Id("c").Dot("name"), jen.Id("n")),
			),
		),
	)
}

// testJWKS is a JWKS of an Ed25519 public key whose private half nobody
// holds: the generated tests build their gateway with it, and no token can
// pass.
const testJWKS = `{"keys":[{"kty":"OKP","crv":"Ed25519","kid":"generated-test","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}`

// testSecret is an HMAC secret no request's token is signed with.
const testSecret = "generated-test-secret-that-nobody-signs-with"

// testUsers is an http basic users file whose one password, 32 random
// bytes, nobody kept.
const testUsers = "test:$2a$04$ydQaZ65zzOYA9v4hXvaUhuIJ7uPIklnV0dkQB3lkuXxHvE7qphmDG"

// testClientCA is a CA certificate whose private key was thrown away when
// it was made: no client certificate it signed exists.
const testClientCA = `-----BEGIN CERTIFICATE-----
MIIBQDCB86ADAgECAgEBMAUGAytlcDAnMSUwIwYDVQQDExxnYXRld2F5Z2VuIGdl
bmVyYXRlZC10ZXN0IENBMCAXDTI2MDEwMTAwMDAwMFoYDzIxMjYwMTAxMDAwMDAw
WjAnMSUwIwYDVQQDExxnYXRld2F5Z2VuIGdlbmVyYXRlZC10ZXN0IENBMCowBQYD
K2VwAyEAtzy+AJZbPeKYkMQQlpDPzEpQbN2sFok6X45zbGY58nujQjBAMA4GA1Ud
DwEB/wQEAwICBDAPBgNVHRMBAf8EBTADAQH/MB0GA1UdDgQWBBTO3Yjc+z+pTbV3
uW+YSiHZmJt0nDAFBgMrZXADQQAlwHIxiFEkmU21L4B6TqYMwvxq9HdKLDccXz96
TaaxTdgkg609zCXIu2+zF05GJNmYfoWmnT/D5pv3qLZxlZ0K
-----END CERTIFICATE-----
`

// needsCredential reports whether o refuses a request without one.
func needsCredential(o *ir.Operation) bool {
	if !protected(o) {
		return false
	}
	for _, alt := range o.Auth.Alternatives {
		if len(alt) == 0 {
			return false
		}
	}
	return true
}

// authTests emits testAuth, the throwaway verification material the tests
// build their gateway with, and TestAuthRefusesAnonymous.
func (g *gen) authTests(f *jen.File) {
	comment(f, "testAuth writes throwaway verification material for every security scheme\n(a key no request carries, a JWKS whose private key nobody has) and returns\nthe --auth overrides that point at it.")
	f.Func().Id("testAuth").Params(jen.Id("tb").Qual("testing", "TB")).Map(jen.String()).String().BlockFunc(func(b *jen.Group) {
		b.Id("dir").Op(":=").Id("tb").Dot("TempDir").Call()
		b.Id("out").Op(":=").Map(jen.String()).String().Values()
		b.For(jen.List(jen.Id("name"), jen.Id("material")).Op(":=").Range().Map(jen.String()).String().Values(jen.DictFunc(func(d jen.Dict) {
			for _, a := range g.api.AuthSchemes {
				switch a.Kind {
				case ir.AuthJWT:
					d[jen.Lit(a.Name)] = jen.Lit(testJWKS)
				case ir.AuthBasic:
					d[jen.Lit(a.Name)] = jen.Lit(testUsers)
				case ir.AuthIntrospect:
					d[jen.Lit(a.Name)] = jen.Lit(testSecret)
				case ir.AuthMutualTLS:
					d[jen.Lit(a.Name)] = jen.Lit(testClientCA)
				default:
					d[jen.Lit(a.Name)] = jen.Lit("test:generated-test-key-nobody-sends")
				}
				if a.SecretEnv != "" || a.SecretFile != "" {
					d[jen.Lit(a.Name+".secret")] = jen.Lit(testSecret)
				}
			}
		}))).Block(
			jen.Id("p").Op(":=").Qual("path/filepath", "Join").Call(jen.Id("dir"), jen.Lit("auth-").Op("+").Id("name")),
			jen.If(jen.Err().Op(":=").Qual("os", "WriteFile").Call(jen.Id("p"), jen.Index().Byte().Parens(jen.Id("material")), jen.Lit(0o600)), jen.Err().Op("!=").Nil()).Block(
				jen.Id("tb").Dot("Fatal").Call(jen.Err()),
			),
			jen.Id("out").Index(jen.Id("name")).Op("=").Lit("file:").Op("+").Id("p"),
		)
		b.Return(jen.Id("out"))
	})
	var needs []*ir.Operation
	for _, o := range g.api.Operations {
		if needsCredential(o) {
			needs = append(needs, o)
		}
	}
	if len(needs) == 0 {
		return
	}
	comment(f, "TestAuthRefusesAnonymous asserts that every operation whose security needs a\ncredential refuses its sample request, which carries none, with 401.")
	f.Func().Id("TestAuthRefusesAnonymous").Params(jen.Id("t").Op("*").Qual("testing", "T")).Block(
		jen.Id("g").Op(":=").Id("mockGateway").Call(jen.Id("t")),
		jen.Id("needs").Op(":=").Map(jen.String()).Bool().Values(jen.DictFunc(func(d jen.Dict) {
			for _, o := range needs {
				d[jen.Lit(o.GoName)] = jen.True()
			}
		})),
		jen.For(jen.List(jen.Id("_"), jen.Id("c")).Op(":=").Range().Id("sampleRequests").Call()).Block(
			jen.If(jen.Op("!").Id("needs").Index(jen.Id("c").Dot("name"))).Block(jen.Continue()),
			jen.Id("g").Dot("Handle").Call(jen.Id("c").Dot("ctx")),
			jen.If(jen.Id("code").Op(":=").Id("c").Dot("ctx").Dot("Response").Dot("StatusCode").Call(), jen.Id("code").Op("!=").Lit(401)).Block(
				jen.Id("t").Dot("Errorf").Call(jen.Lit("%s without a credential: status %d, want 401"), jen.Id("c").Dot("name"), jen.Id("code")),
			),
		),
	)
}

// sampleHeaders emits the statements that put a sample's headers and
// cookies on the request ctx.
func sampleHeaders(b *jen.Group, s *ir.Sample) {
	for _, h := range s.Headers {
		b.Id("ctx").Dot("Request").Dot("Header").Dot("Set").Call(jen.Lit(h.Name), jen.Lit(h.Value))
	}
	for _, c := range s.Cookies {
		b.Id("ctx").Dot("Request").Dot("Header").Dot("SetCookie").Call(jen.Lit(c.Name), jen.Lit(c.Value))
	}
}

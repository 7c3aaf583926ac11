package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// metricsStage counts every request an operation's handler serves
// (runtime/metrics), whoever answers it: the handler defers the
// observation at its top, so a refusal by auth or validation is counted
// with its reason, and the upstream call is timed apart from the rest.
//
//	func (g *Gateway) serveGetPet(ctx *fasthttp.RequestCtx, args *pathArgs) {
//		st := request.Acquire()
//		defer request.Release(st)
//		defer g.observe(ctx, st, opGetPet)
//		...
//		sent := time.Now()
//		answered := g.upPets.Forward(ctx, st.Path, 500*time.Millisecond)
//		st.Upstream, st.Answered = time.Since(sent), answered
//	}
//
// metrics.go holds the operations' names, indexed by opID, and observe.
// Deferred calls run last in first out, so observe reads st before
// request.Release resets it.
type metricsStage struct {
	noStage
	*gen
}

func (metricsStage) file() string { return "metrics.go" }

func (s metricsStage) active() bool { return len(s.api.Operations) > 0 }

func (s metricsStage) fields(gr *jen.Group) {
	gr.Id("metrics").Op("*").Qual(s.rt("metrics"), "Gateway").Comment("per-operation series for the admin listener's /metrics; nil without one")
	gr.Id("access").Op("*").Qual(s.rt("accesslog"), "Logger").Comment("the JSON access log; nil when it is off")
}

func (s metricsStage) setup(b *jen.Group) {
	b.If(jen.Id("cfg").Dot("Admin").Op("!=").Lit("")).Block(
		jen.Comment("only /metrics reads the series"),
		jen.Id("g").Dot("metrics").Op("=").Qual(s.rt("metrics"), "New").Call(
			jen.Qual(s.rt("metrics"), "Info").Values(jen.Dict{
				jen.Id("Gateway"):    jen.Lit(s.api.Name),
				jen.Id("APIVersion"): jen.Lit(s.api.Version),
			}),
			jen.Id("metricNames").Index(jen.Op(":")),
		),
	)
	var secret []jen.Code
	for _, sc := range s.api.SecuritySchemes {
		if sc.Type == "apiKey" && sc.In == "query" {
			secret = append(secret, jen.Lit(sc.ParamName))
		}
	}
	b.Id("g").Dot("access").Op("=").Qual(s.rt("accesslog"), "New").Call(jen.Id("cfg").Dot("AccessLogConfig").Call(secret...))
}

func (s metricsStage) enter(o *ir.Operation) []jen.Code {
	return []jen.Code{jen.Defer().Id("g").Dot("observe").Call(jen.Id("ctx"), jen.Id("st"), jen.Id(opConst(o)))}
}

func (s metricsStage) decls(f *jen.File) {
	comment(f, "metricNames names each operation in the metrics (its operationId, or its\nGo name when it has none), indexed by opID; opNone stands for every request\nthat matches no operation (404, 405).")
	f.Var().Id("metricNames").Op("=").Index(jen.Op("...")).String().ValuesFunc(func(vg *jen.Group) {
		vg.Line().Id("opNone").Op(":").Lit(MissLabel)
		labels := metricLabels(s.api.Operations)
		for _, o := range s.api.Operations {
			vg.Line().Id(opConst(o)).Op(":").Lit(labels[o])
		}
		vg.Line()
	})
	comment(f, "observe records the outcome of one request of operation op in the metrics\nand the access log, deferred at the top of its handler: the time since its\nheader was read, the part spent waiting on the upstream, and whether the\nanswer is the upstream's.")
	f.Func().Params(jen.Id("g").Op("*").Id("Gateway")).Id("observe").Params(
		jen.Id("ctx").Op("*").Qual(fasthttp, "RequestCtx"),
		jen.Id("st").Op("*").Qual(s.rt("request"), "State"),
		jen.Id("op").Id("opID"),
	).Block(
		jen.If(jen.Id("g").Dot("metrics").Op("==").Nil().Op("&&").Id("g").Dot("access").Op("==").Nil()).Block(jen.Return()),
		jen.Id("took").Op(":=").Qual("time", "Since").Call(jen.Id("ctx").Dot("Time").Call()),
		jen.If(jen.Id("g").Dot("metrics").Op("!=").Nil()).Block(
			jen.Id("g").Dot("metrics").Dot("Op").Call(jen.Int().Call(jen.Id("op"))).Dot("Observe").Call(
				jen.Id("ctx"), jen.Id("took"), jen.Id("st").Dot("Upstream"), jen.Id("st").Dot("Answered"),
			),
		),
		jen.If(jen.Id("g").Dot("access").Op("!=").Nil()).Block(
			jen.Id("reason").Op(":=").Qual(s.rt("metrics"), "Classify").Call(jen.Id("ctx").Dot("Response").Dot("StatusCode").Call(), jen.Id("st").Dot("Answered")),
			jen.Id("g").Dot("access").Dot("Log").Call(
				jen.Id("ctx"), jen.Id("metricNames").Index(jen.Id("op")), jen.Id("st").Dot("Consumer"), jen.Id("reason").Dot("String").Call(),
				jen.Id("took").Op("-").Id("st").Dot("Upstream"), jen.Id("st").Dot("Upstream"), jen.Qual(s.rt("metrics"), "ResponseSize").Call(jen.Op("&").Id("ctx").Dot("Response")),
			),
		),
	)
	s.missDecl(f)
}

// MissLabel is the operation label of requests that match no operation:
// parentheses keep it apart from any operationId a document can have
// that is also a Go identifier.
const MissLabel = "(none)"

func (s metricsStage) missDecl(f *jen.File) {
	comment(f, "observeMiss records a request that matched no operation (404, 405).")
	f.Func().Params(jen.Id("g").Op("*").Id("Gateway")).Id("observeMiss").Params(jen.Id("ctx").Op("*").Qual(fasthttp, "RequestCtx")).BlockFunc(func(b *jen.Group) {
		b.Id("st").Op(":=").Qual(s.rt("request"), "Acquire").Call()
		b.Id("g").Dot("observe").Call(jen.Id("ctx"), jen.Id("st"), jen.Id("opNone"))
		if (anomalyStage{gen: s.gen}).active() { // anomaly: scans over unknown paths count too
			b.Id("g").Dot("spot").Call(jen.Id("ctx"), jen.Id("st"), jen.Id("opNone"))
		}
		b.Qual(s.rt("request"), "Release").Call(jen.Id("st"))
	})
}

// metricLabels names each operation in the metrics by its operationId,
// or by its Go name (unique) when it has none, shares it with another
// operation, or would read as the misses' label.
func metricLabels(ops []*ir.Operation) map[*ir.Operation]string {
	count := map[string]int{}
	for _, o := range ops {
		count[o.OperationID]++
	}
	out := map[*ir.Operation]string{}
	for _, o := range ops {
		if o.OperationID != "" && count[o.OperationID] == 1 && o.OperationID != MissLabel {
			out[o] = o.OperationID
		} else {
			out[o] = o.GoName
		}
	}
	return out
}

// timesCalls reports whether handlers time their upstream call into
// st.Upstream and record st.Answered, for the observers.
func (g *gen) timesCalls() bool { return metricsStage{gen: g}.active() }

package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// stage is one per-operation policy of the generated gateway (DESIGN.md,
// "Policies are stages"): what it keeps on the Gateway, how New builds that,
// and the handler's steps before and after the upstream call. The handler
// emitter walks g.stages() in order, so each handler stays straight-line
// code with only its own operation's steps in it: nothing is looked up or
// dispatched at run time.
//
// A stage reads only the IR (its ir.Operation field) and prints calls into
// its runtime/<concern> package; it never reaches into another stage's
// code. docs/architecture.md says how to add one.
type stage interface {
	// file names the output file of the stage's package-level code (its
	// tables and functions), written by decls; "" when it has none.
	file() string
	// active reports whether some operation has the policy. An inactive
	// stage adds nothing, not even its file: g.stages() leaves it out.
	active() bool
	// decls writes the stage's package-level code into its file.
	decls(f *jen.File)
	// fields adds the Gateway fields that hold the stage's state.
	fields(gr *jen.Group)
	// enter returns o's steps at the top of its handler, once st is
	// acquired and ahead of every stage's before steps: an observer defers
	// its observation there, so that it also sees the answers that earlier
	// stages give when they refuse a request.
	enter(o *ir.Operation) []jen.Code
	// setup adds the statements of New that build them; cfg is the
	// server.Config and g the Gateway being built, and a statement may
	// return nil and an error.
	setup(b *jen.Group)
	// before returns o's steps ahead of the upstream call. ctx, args and
	// st (the pooled request.State) are in scope; a step that answers the
	// request itself returns from the handler.
	before(o *ir.Operation) []jen.Code
	// after returns o's steps once the upstream call is made; answered is
	// true when ctx holds the upstream's answer, false when it holds the
	// gateway's own problem (502, 504). They run in stage order too.
	after(o *ir.Operation, answered jen.Code) []jen.Code
}

// stages returns the active policies in the order a request meets them
// (DESIGN.md, "Request path"): CORS, auth and rate limit, then the
// request's parameters and body, a cache lookup, the upstream call (the
// handler's own), the cache store and the observers (metrics, access log,
// anomaly detector, response checking). A policy takes its slot in the
// list below; after steps run in the same order, so a cache placed before
// the observers stores an answer before they observe it.
func (g *gen) stages() []stage {
	var out []stage
	for _, s := range []stage{
		// cors: preflights and origins, ahead of auth (a preflight carries
		// no credentials)
		corsStage{gen: g},
		// tracing: the trace id is set before anything can refuse
		traceStage{gen: g},
		authStage{gen: g},
		// anomaly: a blocked consumer, once auth has named it
		anomalyConsumerStage{gen: g},
		rateLimitStage{gen: g}, // rate limits: after auth (keys on the consumer), before validation
		requestStage{gen: g},
		transformStage{gen: g},
		cacheStage{gen: g},
		responseStage{gen: g},
		// operations: metrics observe every outcome, refusals included
		metricsStage{gen: g},
		anomalyStage{gen: g}, // anomaly: after metrics, so that its refusals are still counted
	} {
		if s.active() {
			out = append(out, s)
		}
	}
	return out
}

// noStage is the stage that does nothing; a stage embeds it and overrides
// the methods it needs.
type noStage struct{}

func (noStage) file() string                             { return "" }
func (noStage) active() bool                             { return false }
func (noStage) decls(*jen.File)                          {}
func (noStage) fields(*jen.Group)                        {}
func (noStage) setup(*jen.Group)                         {}
func (noStage) enter(*ir.Operation) []jen.Code           { return nil }
func (noStage) before(*ir.Operation) []jen.Code          { return nil }
func (noStage) after(*ir.Operation, jen.Code) []jen.Code { return nil }

// requestStage checks the parameters, then the body, of a request: the
// admit function of handlers.go, which Validate shares.
//
//	if !admitGetPet(ctx, args, st) {
//		return
//	}
type requestStage struct {
	noStage
	*gen
}

func (requestStage) active() bool { return true }

func (s requestStage) before(o *ir.Operation) []jen.Code {
	if !checks(o) {
		return nil
	}
	return []jen.Code{jen.If(jen.Op("!").Id(admitName(o)).Call(jen.Id("ctx"), jen.Id("args"), jen.Id("st"))).Block(jen.Return())}
}

var (
	_ stage = authStage{}
	_ stage = requestStage{}
	_ stage = responseStage{}
	_ stage = metricsStage{}
	_ stage = corsStage{}
	_ stage = traceStage{}
)

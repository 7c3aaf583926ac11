package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// traceStage carries W3C Trace Context through every operation
// (runtime/traceparent): at the top of the handler, ahead of any refusal,
// the request gets the gateway's traceparent, continuing the client's
// trace or starting one, so that the access log line and the upstream
// share a trace id.
//
//	traceparent.Propagate(ctx)
type traceStage struct {
	noStage
	*gen
}

func (s traceStage) active() bool { return len(s.api.Operations) > 0 }

func (s traceStage) enter(*ir.Operation) []jen.Code {
	return []jen.Code{jen.Qual(s.rt("traceparent"), "Propagate").Call(jen.Id("ctx"))}
}

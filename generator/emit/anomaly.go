package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// anomalyStage runs the gateway's anomaly detector (runtime/anomaly/guard)
// when the document asks for one (x-gateway anomaly). Each handler first
// defers feeding the detector, then refuses (or tags) a client an event
// named, by address, before auth and the upstream:
//
//	defer g.spot(ctx, st, opGetPet)
//	if g.anomaly.Refused(ctx, "") {
//		return
//	}
//
// It comes after metricsStage, so that a refusal is still counted and
// logged. anomalyConsumerStage does the same check by consumer once auth
// has named one.
type anomalyStage struct {
	noStage
	*gen
}

func (anomalyStage) file() string { return "anomaly.go" }

func (s anomalyStage) active() bool { return s.api.Anomaly != nil && len(s.api.Operations) > 0 }

func (s anomalyStage) fields(gr *jen.Group) {
	gr.Id("anomaly").Op("*").Qual(s.rt("anomaly/guard"), "Guard").Comment("the anomaly detector and what acts on its events")
}

var anomalyActions = map[string]string{"log": "Log", "header": "Header", "block": "Block"}

// setup builds the guard, lists its events at the admin listener and
// starts its clock, which runs as long as the process.
func (s anomalyStage) setup(b *jen.Group) {
	a := s.api.Anomaly
	det := jen.Dict{}
	if a.WarmUp > 0 {
		det[jen.Id("WarmUp")] = duration(a.WarmUp)
	}
	if a.KeyAuth > 0 {
		det[jen.Id("KeyAuth")] = jen.Lit(int(a.KeyAuth))
	}
	conf := jen.Dict{
		jen.Id("Gateway"):  jen.Lit(s.api.Name),
		jen.Id("Ops"):      jen.Id("metricNames").Index(jen.Op(":")),
		jen.Id("Action"):   jen.Qual(s.rt("anomaly/guard"), anomalyActions[a.Action]),
		jen.Id("Detector"): jen.Qual(s.rt("anomaly"), "Config").Values(det),
		jen.Id("Export"):   jen.Id("cfg").Dot("Admin").Op("!=").Lit(""),
	}
	if a.TTL > 0 {
		conf[jen.Id("TTL")] = duration(a.TTL)
	}
	if a.Capacity > 0 {
		conf[jen.Id("Capacity")] = jen.Lit(float64(a.Capacity))
	}
	b.Id("g").Dot("anomaly").Op("=").Qual(s.rt("anomaly/guard"), "New").Call(jen.Qual(s.rt("anomaly/guard"), "Config").Values(conf))
	b.Qual(s.rt("server"), "HandleAdmin").Call(jen.Qual(s.rt("server"), "PathAnomalies"), jen.Id("g").Dot("anomaly").Dot("ServeEvents"))
	b.Go().Id("g").Dot("anomaly").Dot("Run").Call(jen.Nil())
}

func (s anomalyStage) enter(o *ir.Operation) []jen.Code {
	return []jen.Code{
		jen.Defer().Id("g").Dot("spot").Call(jen.Id("ctx"), jen.Id("st"), jen.Id(opConst(o))),
		jen.If(jen.Id("g").Dot("anomaly").Dot("Refused").Call(jen.Id("ctx"), jen.Lit(""))).Block(jen.Return()),
	}
}

func (s anomalyStage) decls(f *jen.File) {
	comment(f, "spot feeds one finished request of operation op to the anomaly detector,\ndeferred at the top of its handler.")
	f.Func().Params(jen.Id("g").Op("*").Id("Gateway")).Id("spot").Params(
		jen.Id("ctx").Op("*").Qual(fasthttp, "RequestCtx"),
		jen.Id("st").Op("*").Qual(s.rt("request"), "State"),
		jen.Id("op").Id("opID"),
	).Block(
		jen.Id("invalid").Op(":=").Qual(s.rt("metrics"), "Classify").Call(jen.Id("ctx").Dot("Response").Dot("StatusCode").Call(), jen.Id("st").Dot("Answered")).Op("==").Qual(s.rt("metrics"), "Validation"),
		jen.Id("g").Dot("anomaly").Dot("Observe").Call(jen.Id("ctx"), jen.Int().Call(jen.Id("op")), jen.Id("st").Dot("Consumer"), jen.Id("st").Dot("Upstream"), jen.Id("invalid")),
	)
}

// anomalyConsumerStage refuses (or tags) a verified consumer an event
// named, right after auth:
//
//	if st.Consumer != "" && g.anomaly.Refused(ctx, st.Consumer) {
//		return
//	}
type anomalyConsumerStage struct {
	noStage
	*gen
}

func (s anomalyConsumerStage) active() bool { return anomalyStage{gen: s.gen}.active() }

func (s anomalyConsumerStage) before(o *ir.Operation) []jen.Code {
	if !protected(o) {
		return nil
	}
	return []jen.Code{jen.If(jen.Id("st").Dot("Consumer").Op("!=").Lit("").Op("&&").Id("g").Dot("anomaly").Dot("Refused").Call(jen.Id("ctx"), jen.Id("st").Dot("Consumer"))).Block(jen.Return())}
}

var (
	_ stage = anomalyStage{}
	_ stage = anomalyConsumerStage{}
)

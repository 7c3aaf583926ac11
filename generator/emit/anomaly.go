package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// anomalyStage runs the gateway's anomaly detector (runtime/anomaly/guard)
// when the document asks for one (x-gateway anomaly). Each handler first
// defers feeding the detector, then refuses (or tags) a client an event
// named (or holds it to the throttle's rate), by address, before auth and
// the upstream:
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

var anomalyActions = map[string]string{"log": "Log", "header": "Header", "throttle": "Throttle", "block": "Block"}

// setup builds the guard, which reads the client's address through cfg's
// trusted proxies as the rate limits do, lists its events at the admin
// listener and starts its clock, which runs as long as the process.
func (s anomalyStage) setup(b *jen.Group) {
	a := s.api.Anomaly
	det := jen.Dict{}
	if a.WarmUp > 0 {
		det[jen.Id("WarmUp")] = duration(a.WarmUp)
	}
	counts := []struct {
		field string
		n     int64
	}{{"KeyAuth", a.KeyAuth}, {"KeyRate", a.KeyRate}, {"KeyNotFound", a.KeyNotFound}, {"KeyValidation", a.KeyValidation}, {"KeyThrottled", a.KeyThrottled}}
	for _, c := range counts {
		if c.n > 0 {
			det[jen.Id(c.field)] = jen.Lit(int(c.n))
		}
	}
	if a.Cooldown > 0 {
		det[jen.Id("Cooldown")] = duration(a.Cooldown)
	}
	factors := []struct {
		field string
		f     float64
	}{{"RateRatio", a.RateFactor}, {"ShareRatio", a.ShareFactor}, {"LatencyRate", a.LatencyFactor}, {"SizeRatio", a.SizeFactor}}
	for _, f := range factors {
		if f.f > 0 {
			det[jen.Id(f.field)] = jen.Lit(f.f)
		}
	}
	conf := jen.Dict{
		jen.Id("Gateway"):  jen.Lit(s.api.Name),
		jen.Id("Ops"):      jen.Id("metricNames").Index(jen.Op(":")),
		jen.Id("Action"):   jen.Qual(s.rt("anomaly/guard"), anomalyActions[a.Action]),
		jen.Id("Detector"): jen.Qual(s.rt("anomaly"), "Config").Values(det),
		jen.Id("Export"):   jen.Id("cfg").Dot("Admin").Op("!=").Lit(""),
		jen.Id("Proxies"):  jen.Id("proxies"),
	}
	if a.TTL > 0 {
		conf[jen.Id("TTL")] = duration(a.TTL)
	}
	if a.Capacity > 0 {
		conf[jen.Id("Capacity")] = jen.Lit(float64(a.Capacity))
	}
	if t := a.Throttle; t != nil {
		rate := jen.Dict{jen.Id("Count"): jen.Lit(int(t.Count)), jen.Id("Period"): duration(t.Period)}
		if t.Burst > 0 {
			rate[jen.Id("Burst")] = jen.Lit(int(t.Burst))
		}
		conf[jen.Id("Throttle")] = jen.Qual(s.rt("anomaly/guard"), "Rate").Values(rate)
	}
	b.Block(
		jen.List(jen.Id("proxies"), jen.Err()).Op(":=").Qual(s.rt("ratelimit"), "ParseProxies").Call(jen.Id("cfg").Dot("TrustedProxies"), jen.Id("cfg").Dot("ClientIPHeader")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		jen.Id("g").Dot("anomaly").Op("=").Qual(s.rt("anomaly/guard"), "New").Call(jen.Qual(s.rt("anomaly/guard"), "Config").Values(conf)),
	)
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

// anomalyConsumerStage refuses (throttles, tags) a verified consumer an
// event named, right after auth:
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

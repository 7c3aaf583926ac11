package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// cacheStage serves cached operations from the response cache and stores
// what the upstream answers (runtime/cache):
//
//	fill, cached := g.cacheGetPet.Lookup(ctx, st)
//	if cached {
//		return
//	}
//	...
//	answered := g.upPets.Forward(ctx, st.Path, 500*time.Millisecond)
//	g.cacheGetPet.Store(ctx, &fill, answered)
//
// In mock mode the caches are not built, and a nil cache never serves.
type cacheStage struct {
	noStage
	*gen
}

func (cacheStage) file() string { return "cache.go" }

func (s cacheStage) active() bool {
	for _, o := range s.api.Operations {
		if o.Cache != nil {
			return true
		}
	}
	return false
}

func cacheName(o *ir.Operation) string { return "cache" + o.GoName }

func (s cacheStage) fields(gr *jen.Group) {
	for _, o := range s.api.Operations {
		if o.Cache != nil {
			gr.Id(cacheName(o)).Op("*").Qual(s.rt("cache"), "Cache").Comment(o.Method + " " + o.Path + "'s response cache")
		}
	}
}

func (s cacheStage) setup(b *jen.Group) {
	b.If(jen.Op("!").Id("cfg").Dot("Mock")).Block(
		jen.If(jen.Err().Op(":=").Id("g").Dot("setupCache").Call(jen.Id("cfg")), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Nil(), jen.Err()),
		),
	)
}

func (s cacheStage) decls(f *jen.File) {
	rt := s.rt("cache")
	if s.api.CacheRedis {
		comment(f, "setupCache builds the response caches of the cached operations over one\nstore in the Redis of --redis, which every copy of the gateway shares.")
	} else {
		comment(f, "setupCache builds the response caches of the cached operations over one\nstore, whose byte budget they share.")
	}
	f.Func().Params(jen.Id("g").Op("*").Id("Gateway")).Id("setupCache").Params(jen.Id("cfg").Qual(s.rt("server"), "Config")).Error().BlockFunc(func(b *jen.Group) {
		if s.api.CacheRedis {
			b.List(jen.Id("remote"), jen.Err()).Op(":=").Qual(s.rt("cache/rediscache"), "New").Call(jen.Qual(s.rt("cache/rediscache"), "Config").Values(jen.Dict{
				jen.Id("Prefix"): jen.Lit(s.api.Name),
				jen.Id("Redis"): jen.Qual(s.rt("ratelimit/redisstore"), "Config").Values(jen.Dict{
					jen.Id("URL"):      jen.Id("cfg").Dot("Redis"),
					jen.Id("Password"): jen.Id("cfg").Dot("RedisPassword"),
					jen.Id("Name"):     jen.Lit(s.api.Name + "-gateway"),
				}),
			}))
			b.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))
			b.Id("store").Op(":=").Qual(rt, "NewRemoteStore").Call(jen.Id("remote"), jen.Lit(0))
		} else {
			maxBytes := jen.Code(jen.Lit(0))
			if s.api.CacheMaxBytes > 0 {
				maxBytes = jen.Lit(int(s.api.CacheMaxBytes))
			}
			b.List(jen.Id("store"), jen.Err()).Op(":=").Qual(rt, "NewStore").Call(maxBytes)
			b.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))
		}
		for _, o := range s.api.Operations {
			c := o.Cache
			if c == nil {
				continue
			}
			p := jen.Dict{}
			setDuration(p, "TTL", c.TTL)
			if len(c.Vary) > 0 {
				p[jen.Id("Vary")] = stringList(c.Vary)
			}
			if c.QueryAll {
				p[jen.Id("QueryAll")] = jen.True()
			} else if len(c.Query) > 0 {
				p[jen.Id("Query")] = stringList(c.Query)
			}
			if c.PerConsumer {
				p[jen.Id("PerConsumer")] = jen.True()
			}
			setDuration(p, "StaleWhileRevalidate", c.SWR)
			setDuration(p, "StaleIfError", c.SIE)
			setDuration(p, "Wait", o.Timeout)
			b.If(
				jen.List(jen.Id("g").Dot(cacheName(o)), jen.Err()).Op("=").Qual(rt, "New").Call(jen.Id("store"), jen.Qual(rt, "Policy").Values(p)),
				jen.Err().Op("!=").Nil(),
			).Block(jen.Return(jen.Err()))
		}
		b.Return(jen.Nil())
	})
}

func stringList(ss []string) jen.Code {
	return jen.Index().String().ValuesFunc(func(g *jen.Group) {
		for _, s := range ss {
			g.Lit(s)
		}
	})
}

func (s cacheStage) before(o *ir.Operation) []jen.Code {
	if o.Cache == nil {
		return nil
	}
	return []jen.Code{
		jen.List(jen.Id("fill"), jen.Id("cached")).Op(":=").Id("g").Dot(cacheName(o)).Dot("Lookup").Call(jen.Id("ctx"), jen.Id("st")),
		jen.If(jen.Id("cached")).Block(jen.Return()),
	}
}

func (s cacheStage) after(o *ir.Operation, answered jen.Code) []jen.Code {
	if o.Cache != nil {
		return []jen.Code{jen.Id("g").Dot(cacheName(o)).Dot("Store").Call(jen.Id("ctx"), jen.Op("&").Id("fill"), answered)}
	}
	// An unsafe method's success invalidates the cached answers of its path
	// (RFC 9111 §4.4):
	//
	//	if answered && ctx.Response.StatusCode() < 400 {
	//		g.cacheListPets.Invalidate()
	//	}
	var drop []jen.Code
	for _, c := range s.invalidates(o) {
		drop = append(drop, jen.Id("g").Dot(cacheName(c)).Dot("Invalidate").Call())
	}
	if len(drop) == 0 {
		return nil
	}
	return []jen.Code{jen.If(jen.Add(answered).Op("&&").Id("ctx").Dot("Response").Dot("StatusCode").Call().Op("<").Lit(400)).Block(drop...)}
}

// invalidates returns the cached operations whose answers a success of o
// makes stale: those of o's path template when o's method is unsafe
// (anything but GET, HEAD, OPTIONS and TRACE). A template stands for every
// path it matches, so PUT /pets/1 drops GET /pets/2's answers too: more
// than the RFC requires, which it allows.
func (s cacheStage) invalidates(o *ir.Operation) []*ir.Operation {
	switch o.Method {
	case "GET", "HEAD", "OPTIONS", "TRACE":
		return nil
	}
	var cs []*ir.Operation
	for _, c := range s.api.Operations {
		if c.Cache != nil && c.Path == o.Path {
			cs = append(cs, c)
		}
	}
	return cs
}

var _ stage = cacheStage{}

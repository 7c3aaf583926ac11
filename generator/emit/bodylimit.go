package emit

import (
	"sort"
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// bodyLimitOps groups the operations whose limits.max-body is below the
// API's largest by that limit, smallest first. Empty means the server-wide
// limit (Defaults' MaxRequestBody) is already every operation's.
func (g *gen) bodyLimitOps() (limits []int64, ops map[int64][]*ir.Operation) {
	ops = map[int64][]*ir.Operation{}
	for _, o := range g.api.Operations {
		if o.MaxBody > 0 && o.MaxBody < g.api.MaxBody {
			if len(ops[o.MaxBody]) == 0 {
				limits = append(limits, o.MaxBody)
			}
			ops[o.MaxBody] = append(ops[o.MaxBody], o)
		}
	}
	sort.Slice(limits, func(i, j int) bool { return limits[i] < limits[j] })
	return limits, ops
}

// bodyLimit emits the function server.New asks for each request's body
// limit once its header is in, so that a body over its operation's
// limits.max-body is refused before it is read:
//
//	func bodyLimit(method, path []byte) int {
//		var args pathArgs
//		op, _ := route(method, path[len(basePath):], &args)
//		switch op {
//		case opCreatePet:
//			return 4096
//		}
//		return 0
//	}
//
// 0 leaves the API's largest limit, which is right for a request Handle
// answers 404 or 405: it never reads the body.
func (g *gen) bodyLimit(f *jen.File) {
	limits, ops := g.bodyLimitOps()
	if len(limits) == 0 {
		return
	}
	comment(f, "bodyLimit is the body limit of the operation that method and the raw path\n(no query) route to, for the server to refuse a larger body before\nreading it; 0 leaves the API's largest, "+strconv.FormatInt(g.api.MaxBody, 10)+" bytes.")
	f.Func().Id("bodyLimit").Params(jen.List(jen.Id("method"), jen.Id("path")).Index().Byte()).Int().BlockFunc(func(b *jen.Group) {
		if g.api.BasePath != "" {
			b.If(jen.Op("!").Qual("bytes", "HasPrefix").Call(jen.Id("path"), jen.Id("basePath"))).Block(jen.Return(jen.Lit(0)))
			b.Id("path").Op("=").Id("path").Index(jen.Len(jen.Id("basePath")).Op(":"))
		}
		b.Var().Id("args").Id("pathArgs")
		b.List(jen.Id("op"), jen.Id("_")).Op(":=").Id("route").Call(jen.Id("method"), jen.Id("path"), jen.Op("&").Id("args"))
		b.Switch(jen.Id("op")).BlockFunc(func(sw *jen.Group) {
			for _, n := range limits {
				sw.CaseFunc(func(c *jen.Group) {
					for _, o := range ops[n] {
						c.Id(opConst(o))
					}
				}).Block(jen.Return(jen.Lit(int(n))))
			}
		})
		b.Return(jen.Lit(0))
	})
}

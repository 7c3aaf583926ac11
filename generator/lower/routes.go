package lower

import (
	"slices"
	"sort"
	"strings"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// routes builds the decision tree the router is generated from. Literal
// segments are tried before parameters (OpenAPI: concrete paths match before
// templated ones); among parameter children, the one with the longer literal
// prefix and suffix is tried first.
func (l *lowerer) routes() *ir.Node {
	root := &ir.Node{}
	for _, o := range l.api.Operations {
		if o.TwinOf != nil {
			continue // reached through its twin (ir.Operation.Twins)
		}
		segs, _ := splitTemplate(o.RoutePrefix + o.Path)
		n := root
		for _, s := range segs {
			n = child(n, s)
		}
		n.Methods = append(n.Methods, ir.Route{Method: o.Method, Op: o})
	}
	names := namer{}
	names.unique("route") // the entry point the emitter writes
	finish(root, "routeRoot", names)
	return root
}

func child(n *ir.Node, s segment) *ir.Node {
	if len(s.params) == 0 {
		for _, c := range n.Literals {
			if c.Literal == s.literal {
				return c
			}
		}
		c := &ir.Node{Literal: s.literal}
		n.Literals = append(n.Literals, c)
		return c
	}
	for _, c := range n.Params {
		if c.Prefix == s.prefix && c.Suffix == s.suffix && slices.Equal(c.Seps, s.seps) {
			return c
		}
	}
	c := &ir.Node{Param: true, Prefix: s.prefix, Suffix: s.suffix, Seps: s.seps}
	n.Params = append(n.Params, c)
	return c
}

// finish sorts children and methods, names every node and fills Allow.
func finish(n *ir.Node, name string, names namer) {
	n.GoName = names.unique(name)
	sort.Slice(n.Literals, func(i, j int) bool { return n.Literals[i].Literal < n.Literals[j].Literal })
	sort.SliceStable(n.Params, func(i, j int) bool {
		a, b := n.Params[i], n.Params[j]
		if la, lb := a.LiteralLen(), b.LiteralLen(); la != lb {
			return la > lb
		}
		return a.Shape() < b.Shape()
	})
	sort.Slice(n.Methods, func(i, j int) bool { return methodRank(n.Methods[i].Method) < methodRank(n.Methods[j].Method) })
	var allow []string
	hasGet, hasHead := false, false
	for _, r := range n.Methods {
		allow = append(allow, r.Method)
		hasGet = hasGet || r.Method == "GET"
		hasHead = hasHead || r.Method == "HEAD"
	}
	if hasGet && !hasHead {
		// HEAD is answered by GET's handler (RFC 9110 §9.3.2), so it is allowed.
		allow = append(allow, "HEAD")
		sort.Slice(allow, func(i, j int) bool { return methodRank(allow[i]) < methodRank(allow[j]) })
	}
	n.Allow = strings.Join(allow, ", ")
	for _, c := range n.Literals {
		finish(c, strings.TrimSuffix(name, "Root")+segName(c.Literal), names)
	}
	for _, c := range n.Params {
		ps := affix(c.Prefix) + "X"
		for _, sep := range c.Seps {
			ps += affix(sep) + "X"
		}
		finish(c, strings.TrimSuffix(name, "Root")+ps+affix(c.Suffix), names)
	}
}

func methodRank(m string) int {
	for i, x := range methodOrder {
		if x == m {
			return i
		}
	}
	return len(methodOrder)
}

func segName(s string) string {
	if s == "" {
		return "Slash" // the empty segment of "/" or of a trailing slash
	}
	n := goName(s)
	if n == "X" || strings.HasPrefix(n, "X") && !strings.HasPrefix(strings.ToUpper(s), "X") {
		n = strings.TrimPrefix(n, "X")
	}
	if n == "" {
		return "Seg"
	}
	return n
}

func affix(s string) string {
	if s == "" {
		return ""
	}
	return segName(s)
}

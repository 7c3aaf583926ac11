package lower

import (
	"strings"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// shareAuth names the authorize function of every protected operation
// (ir.Auth.Func), one per distinct requirement: the generated check depends
// on nothing but the alternatives, so operations that declare the same
// requirement (typically all those under the root's) share one function
// instead of each compiling its own copy.
//
// A requirement of one operation keeps that operation's name
// (authorizeDeletePet). One shared by several is named after what it
// checks (authorizeAPIKeyOrBearer); when that name is taken, for two
// requirements over the same schemes with other scopes, it is named after
// its first operation instead. Every authorize<Operation> name is kept for
// its operation, so no name can be given twice.
func (l *lowerer) shareAuth() {
	type group struct {
		first *ir.Operation
		n     int
	}
	groups := map[string]*group{}
	var order []string
	keys := make([]string, len(l.api.Operations))
	reserved := map[string]bool{}
	for i, o := range l.api.Operations {
		reserved["authorize"+o.GoName] = true
		if o.Auth == nil || o.Auth.Public {
			continue
		}
		k := authKey(o.Auth.Alternatives)
		keys[i] = k
		g := groups[k]
		if g == nil {
			g = &group{first: o}
			groups[k] = g
			order = append(order, k)
		}
		g.n++
	}
	names := map[string]string{}
	taken := map[string]bool{}
	for _, k := range order {
		g := groups[k]
		name := "authorize" + g.first.GoName
		if g.n > 1 {
			if by := "authorize" + l.authTitle(g.first.Auth.Alternatives); !reserved[by] && !taken[by] {
				name = by
			}
		}
		taken[name] = true
		names[k] = name
	}
	for i, o := range l.api.Operations {
		if keys[i] != "" {
			o.Auth.Func = names[keys[i]]
		}
	}
}

// authKey identifies the alternatives of a requirement: their schemes and
// scopes, in order. It is never "".
func authKey(alts []ir.AuthAlternative) string {
	var b strings.Builder
	b.WriteString("auth")
	for _, alt := range alts {
		b.WriteString("|")
		for _, c := range alt {
			b.WriteString(itoa(c.Scheme))
			for _, s := range c.Scopes {
				b.WriteString(" ")
				b.WriteString(s)
			}
			b.WriteString(";")
		}
	}
	return b.String()
}

// authTitle spells out what alternatives check, for a function name:
// APITokenOrBasicAuth, KeyAndJWTOrAnonymous; Nothing when no alternative
// can be checked.
func (l *lowerer) authTitle(alts []ir.AuthAlternative) string {
	if len(alts) == 0 {
		return "Nothing"
	}
	var or []string
	for _, alt := range alts {
		if len(alt) == 0 {
			or = append(or, "Anonymous")
			continue
		}
		var and []string
		for _, c := range alt {
			and = append(and, strings.TrimPrefix(l.api.AuthSchemes[c.Scheme].GoName, "auth"))
		}
		or = append(or, strings.Join(and, "And"))
	}
	return strings.Join(or, "Or")
}

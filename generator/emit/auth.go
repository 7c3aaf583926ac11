package emit

import (
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// authStage enforces each operation's security requirement before anything
// else reads the request, so that an anonymous caller learns nothing about
// the contract from a 400. Its file, auth.go, builds the schemes in New,
// from the document's sources or the start-up overrides (--auth), and holds
// one function per protected operation, the requirement compiled to
// straight-line checks:
//
//	func (g *Gateway) authorizeDeletePet(ctx *fasthttp.RequestCtx, st *request.State) bool {
//		var v auth.Verdict
//		if !v.Begin(ctx) {
//			return false
//		}
//		if v.Alt() && g.authPetsKey.Check(&v) {
//			return v.Pass(st)
//		}
//		if v.Alt() && g.authAdmin.Check(&v, authScopesDeletePet1) {
//			return v.Pass(st)
//		}
//		return v.Refuse()
//	}
//
// A handler starts with
//
//	if !g.authorizeDeletePet(ctx, st) {
//		return
//	}
//
// and an operation without a requirement, or a public one, with
// auth.StripIdentity(ctx): no client may send its own X-Consumer.
type authStage struct {
	noStage
	*gen
}

func (authStage) file() string { return "auth.go" }

// active: some operation is protected, even when none of its schemes can
// be checked (then it is refused, never served).
func (s authStage) active() bool {
	for _, o := range s.api.Operations {
		if protected(o) {
			return true
		}
	}
	return false
}

func (s authStage) fields(gr *jen.Group) {
	for _, a := range s.api.AuthSchemes {
		typ := "APIKey"
		switch a.Kind {
		case ir.AuthJWT:
			typ = "JWT"
		case ir.AuthBasic:
			typ = "Basic"
		case ir.AuthIntrospect:
			typ = "Introspection"
		case ir.AuthMutualTLS:
			typ = "MutualTLS"
		}
		gr.Id(a.GoName).Op("*").Qual(s.rt("auth"), typ).Comment("security scheme " + a.Name)
	}
}

func (s authStage) setup(b *jen.Group) {
	if len(s.api.AuthSchemes) == 0 {
		return // every protected operation is refused: nothing to build
	}
	b.If(jen.Err().Op(":=").Id("g").Dot("setupAuth").Call(jen.Id("cfg")), jen.Err().Op("!=").Nil()).Block(
		jen.Return(jen.Nil(), jen.Err()),
	)
}

// protected reports whether o has checks to run, not only identity
// headers to strip.
func protected(o *ir.Operation) bool { return o.Auth != nil && !o.Auth.Public }

// authorizeName is the check function of o, which operations with the same
// requirement share (ir.Auth.Func); IR built by hand may leave it unset.
func authorizeName(o *ir.Operation) string {
	if o.Auth != nil && o.Auth.Func != "" {
		return o.Auth.Func
	}
	return "authorize" + o.GoName
}

func (s authStage) before(o *ir.Operation) []jen.Code {
	if !protected(o) {
		if len(s.api.AuthIdentity) > 0 {
			return []jen.Code{jen.Id("authIdentity").Dot("Strip").Call(jen.Id("ctx")), jen.Qual(s.rt("auth"), "StripIdentity").Call(jen.Id("ctx"))}
		}
		return []jen.Code{jen.Qual(s.rt("auth"), "StripIdentity").Call(jen.Id("ctx"))}
	}
	return []jen.Code{jen.If(jen.Op("!").Id("g").Dot(authorizeName(o)).Call(jen.Id("ctx"), jen.Id("st"))).Block(jen.Return())}
}

func (s authStage) decls(f *jen.File) {
	api := s.api
	if len(api.AuthIdentity) > 0 {
		comment(f, "authIdentity are the headers a scheme forwards an identity in, besides\nX-Consumer: no request keeps its own copies, public or not.")
		f.Var().Id("authIdentity").Op("=").Qual(s.rt("auth"), "Identity").ValuesFunc(func(vg *jen.Group) {
			for _, h := range api.AuthIdentity {
				vg.Lit(h)
			}
		})
	}
	if len(api.AuthSchemes) > 0 {
		s.setupAuth(f)
	}
	// One function per name, written where its first operation comes.
	users := map[string][]*ir.Operation{}
	var order []string
	for _, o := range api.Operations {
		if protected(o) {
			name := authorizeName(o)
			if users[name] == nil {
				order = append(order, name)
			}
			users[name] = append(users[name], o)
		}
	}
	for _, name := range order {
		s.authorize(f, name, users[name])
	}
}

// maxAuthUsers bounds the operations a shared authorize function's comment
// lists by method and path; the others are counted.
const maxAuthUsers = 8

// setupAuth writes the Gateway method that builds the schemes in New.
func (s authStage) setupAuth(f *jen.File) {
	api := s.api
	comment(f, "setupAuth builds the security schemes the operations check, each from\nthe source the operator gave with --auth (GATEWAY_AUTH), else the\ndocument's. Their material is read here, and again on SIGHUP.")
	f.Func().Params(jen.Id("g").Op("*").Id("Gateway")).Id("setupAuth").Params(jen.Id("cfg").Qual(s.rt("server"), "Config")).Error().BlockFunc(func(b *jen.Group) {
		b.Var().Id("err").Error()
		b.Var().Id("src").Qual(s.rt("auth"), "Source")
		for _, a := range api.AuthSchemes {
			def := jen.Qual(s.rt("auth"), "Source").Values(jen.DictFunc(func(d jen.Dict) {
				if a.Env != "" {
					d[jen.Id("Env")] = jen.Lit(a.Env)
				}
				if a.File != "" {
					d[jen.Id("File")] = jen.Lit(a.File)
				}
				if a.URL != "" {
					d[jen.Id("URL")] = jen.Lit(a.URL)
				}
				if a.Discovery != "" {
					d[jen.Id("Discovery")] = jen.Lit(a.Discovery)
				}
			}))
			pick := "Pick"
			if a.SecretEnv != "" || a.SecretFile != "" {
				pick = "PickOptional" // HS* alone needs no JWKS
				b.Var().Id(a.GoName+"Secret").Qual(s.rt("auth"), "Source")
				sdef := jen.Qual(s.rt("auth"), "Source").Values(jen.DictFunc(func(d jen.Dict) {
					if a.SecretEnv != "" {
						d[jen.Id("Env")] = jen.Lit(a.SecretEnv)
					}
					if a.SecretFile != "" {
						d[jen.Id("File")] = jen.Lit(a.SecretFile)
					}
				}))
				b.If(jen.List(jen.Id(a.GoName+"Secret"), jen.Id("err")).Op("=").Qual(s.rt("auth"), "Pick").Call(jen.Id("cfg").Dot("Auth"), jen.Lit(a.Name+".secret"), sdef), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))
			}
			// A scheme with no material stops the start, except in mock
			// mode, where auth.Material locks it (every credential refused).
			pickCall := jen.Qual(s.rt("auth"), "Material").Call(jen.Id("cfg").Dot("Auth"), jen.Id("cfg").Dot("Mock"), jen.Lit(a.Name), def, jen.Qual("os", "Stderr"))
			if pick == "PickOptional" {
				pickCall = jen.Qual(s.rt("auth"), pick).Call(jen.Id("cfg").Dot("Auth"), jen.Lit(a.Name), def)
			}
			b.If(jen.List(jen.Id("src"), jen.Id("err")).Op("=").Add(pickCall), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))
			var call jen.Code
			switch a.Kind {
			case ir.AuthIntrospect:
				call = jen.Qual(s.rt("auth"), "NewIntrospection").Call(jen.Qual(s.rt("auth"), "IntrospectionConfig").Values(jen.DictFunc(func(d jen.Dict) {
					d[jen.Id("Scheme")] = jen.Lit(a.Name)
					d[jen.Id("Realm")] = jen.Lit(api.Name)
					d[jen.Id("URL")] = jen.Lit(a.IntrospectionURL)
					d[jen.Id("ClientID")] = jen.Lit(a.ClientID)
					d[jen.Id("ClientSecret")] = jen.Id("src")
					if a.Keep {
						d[jen.Id("Keep")] = jen.True()
					}
					if a.Forward {
						d[jen.Id("Forward")] = jen.True()
					}
					if a.ConsumerHeader != "" {
						d[jen.Id("ConsumerHeader")] = jen.Lit(a.ConsumerHeader)
					}
				})))
			case ir.AuthMutualTLS:
				call = jen.Qual(s.rt("auth"), "NewMutualTLS").Call(jen.Qual(s.rt("auth"), "MutualTLSConfig").Values(jen.DictFunc(func(d jen.Dict) {
					d[jen.Id("Scheme")] = jen.Lit(a.Name)
					d[jen.Id("CA")] = jen.Id("src")
					if a.Forward {
						d[jen.Id("Forward")] = jen.True()
					}
					if a.ConsumerHeader != "" {
						d[jen.Id("ConsumerHeader")] = jen.Lit(a.ConsumerHeader)
					}
				})))
			case ir.AuthBasic:
				call = jen.Qual(s.rt("auth"), "NewBasic").Call(jen.Qual(s.rt("auth"), "BasicConfig").Values(jen.DictFunc(func(d jen.Dict) {
					d[jen.Id("Scheme")] = jen.Lit(a.Name)
					d[jen.Id("Realm")] = jen.Lit(api.Name)
					d[jen.Id("Users")] = jen.Id("src")
					if a.Keep {
						d[jen.Id("Keep")] = jen.True()
					}
					if a.Forward {
						d[jen.Id("Forward")] = jen.True()
					}
					if a.ConsumerHeader != "" {
						d[jen.Id("ConsumerHeader")] = jen.Lit(a.ConsumerHeader)
					}
				})))
			case ir.AuthAPIKey:
				call = jen.Qual(s.rt("auth"), "NewAPIKey").Call(jen.Qual(s.rt("auth"), "APIKeyConfig").Values(jen.DictFunc(func(d jen.Dict) {
					d[jen.Id("Scheme")] = jen.Lit(a.Name)
					d[jen.Id("Realm")] = jen.Lit(api.Name)
					d[jen.Id("In")] = jen.Lit(a.In)
					d[jen.Id("Name")] = jen.Lit(a.ParamName)
					d[jen.Id("Keys")] = jen.Id("src")
					if a.Keep {
						d[jen.Id("Keep")] = jen.True()
					}
					if a.Forward {
						d[jen.Id("Forward")] = jen.True()
					}
					if a.ConsumerHeader != "" {
						d[jen.Id("ConsumerHeader")] = jen.Lit(a.ConsumerHeader)
					}
				})))
			default:
				call = jen.Qual(s.rt("auth"), "NewJWT").Call(jen.Qual(s.rt("auth"), "JWTConfig").Values(jen.DictFunc(func(d jen.Dict) {
					d[jen.Id("Scheme")] = jen.Lit(a.Name)
					d[jen.Id("Realm")] = jen.Lit(api.Name)
					d[jen.Id("JWKS")] = jen.Id("src")
					if a.SecretEnv != "" || a.SecretFile != "" {
						d[jen.Id("Secret")] = jen.Id(a.GoName + "Secret")
					}
					if a.Issuer != "" {
						d[jen.Id("Issuer")] = jen.Lit(a.Issuer)
					}
					if a.Audience != "" {
						d[jen.Id("Audience")] = jen.Lit(a.Audience)
					}
					d[jen.Id("Leeway")] = duration(a.Leeway)
					if a.RolesClaim != "" {
						d[jen.Id("RolesClaim")] = jen.Lit(a.RolesClaim)
					}
					if len(a.Claims) > 0 {
						d[jen.Id("Claims")] = jen.Index().Qual(s.rt("auth"), "ClaimHeader").ValuesFunc(func(vg *jen.Group) {
							for _, c := range a.Claims {
								d := jen.Dict{jen.Id("Claim"): jen.Lit(c.Claim)}
								if c.Header != "" {
									d[jen.Id("Header")] = jen.Lit(c.Header)
								}
								vg.Values(d)
							}
						})
					}
					if a.Refresh > 0 {
						d[jen.Id("Refresh")] = duration(a.Refresh)
					}
					if a.MinRefetch > 0 {
						d[jen.Id("MinRefetch")] = duration(a.MinRefetch)
					}
					if len(a.Algorithms) > 0 {
						d[jen.Id("Algorithms")] = jen.Index().String().ValuesFunc(func(vg *jen.Group) {
							for _, alg := range a.Algorithms {
								vg.Lit(alg)
							}
						})
					}
					if a.Keep {
						d[jen.Id("Keep")] = jen.True()
					}
					if a.Forward {
						d[jen.Id("Forward")] = jen.True()
					}
					if a.ConsumerHeader != "" {
						d[jen.Id("ConsumerHeader")] = jen.Lit(a.ConsumerHeader)
					}
				})))
			}
			b.If(jen.List(jen.Id("g").Dot(a.GoName), jen.Id("err")).Op("=").Add(call), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))
			if a.Kind == ir.AuthMutualTLS {
				// The TLS listener verifies client certificates against
				// the scheme's authorities (nil when embedded: no listener).
				b.If(jen.Id("cfg").Dot("ClientCAs").Op("!=").Nil()).Block(
					jen.Id("cfg").Dot("ClientCAs").Dot("Add").Call(jen.Id("g").Dot(a.GoName).Dot("ClientCAs")),
				)
			}
		}
		b.Comment("SIGHUP reads every scheme's material again; a broken file keeps the old.")
		for _, a := range api.AuthSchemes {
			b.Qual(s.rt("auth"), "ReloadOnHangup").Call(jen.Id("g").Dot(a.GoName))
		}
		b.Return(jen.Nil())
	})
}

// authorize writes the check function name of the operations ops, which
// share one requirement, and the scope lists it needs.
func (s authStage) authorize(f *jen.File, name string, ops []*ir.Operation) {
	api := s.api
	o := ops[0]
	var alts []string
	for _, alt := range o.Auth.Alternatives {
		var names []string
		for _, c := range alt {
			n := api.AuthSchemes[c.Scheme].Name
			if len(c.Scopes) > 0 {
				n += " (" + strings.Join(c.Scopes, ", ") + ")"
			}
			names = append(names, n)
		}
		if len(names) == 0 {
			names = []string{"anonymous"}
		}
		alts = append(alts, strings.Join(names, " and "))
	}
	doc := name + " enforces the security of " + o.Method + " " + o.Path + ": "
	if len(ops) > 1 {
		doc = name + " enforces the security requirement of " + strconv.Itoa(len(ops)) + " operations: "
	}
	if len(alts) == 0 {
		doc += "no alternative the gateway can check, so every request is refused."
	} else {
		doc += strings.Join(alts, ", or ") + "."
	}
	if len(ops) > 1 {
		doc += "\nIt serves:\n"
		for _, u := range ops[:min(len(ops), maxAuthUsers)] {
			doc += "\n  - " + u.Method + " " + u.Path
		}
		if len(ops) > maxAuthUsers {
			doc += "\n  - and " + strconv.Itoa(len(ops)-maxAuthUsers) + " more"
		}
	}
	scopeVar := map[[2]int]string{}
	for i, alt := range o.Auth.Alternatives {
		for j, c := range alt {
			if len(c.Scopes) == 0 {
				continue
			}
			v := "authScopes" + strings.TrimPrefix(name, "authorize") + strconv.Itoa(len(scopeVar))
			scopeVar[[2]int{i, j}] = v
			f.Var().Id(v).Op("=").Index().String().ValuesFunc(func(vg *jen.Group) {
				for _, sc := range c.Scopes {
					vg.Lit(sc)
				}
			})
		}
	}
	comment(f, doc)
	f.Func().Params(jen.Id("g").Op("*").Id("Gateway")).Id(name).Params(
		jen.Id("ctx").Op("*").Qual(fasthttp, "RequestCtx"),
		jen.Id("st").Op("*").Qual(s.rt("request"), "State"),
	).Bool().BlockFunc(func(b *jen.Group) {
		if len(api.AuthIdentity) > 0 {
			b.Id("authIdentity").Dot("Strip").Call(jen.Id("ctx"))
		}
		b.Var().Id("v").Qual(s.rt("auth"), "Verdict")
		b.If(jen.Op("!").Id("v").Dot("Begin").Call(jen.Id("ctx"))).Block(jen.Return(jen.False()))
		for i, alt := range o.Auth.Alternatives {
			if len(alt) == 0 {
				b.Comment("Anonymous callers pass too (an empty alternative).")
				b.Return(jen.Id("v").Dot("Pass").Call(jen.Id("st")))
				return
			}
			alt := authAlt(alt)
			cond := jen.Id("v").Dot("Alt").Call()
			for j, c := range alt {
				a := api.AuthSchemes[c.Scheme]
				check := jen.Id("g").Dot(a.GoName).Dot("Check")
				switch {
				case a.Kind == ir.AuthAPIKey, a.Kind == ir.AuthBasic, a.Kind == ir.AuthMutualTLS:
					check = check.Call(jen.Op("&").Id("v"))
				case scopeVar[[2]int{i, j}] != "":
					check = check.Call(jen.Op("&").Id("v"), jen.Id(scopeVar[[2]int{i, j}]))
				default:
					check = check.Call(jen.Op("&").Id("v"), jen.Nil())
				}
				cond = cond.Op("&&").Add(check)
			}
			b.If(cond).BlockFunc(func(bb *jen.Group) {
				// The credentials of the requirement's other schemes go no
				// further than the gateway either (Pass strips those it read).
				for _, other := range requirementSchemes(o) {
					if !alt.uses(other) && !tried(o, i, other) {
						bb.Id("g").Dot(api.AuthSchemes[other].GoName).Dot("Strip").Call(jen.Id("ctx"), jen.Id("st"))
					}
				}
				bb.Return(jen.Id("v").Dot("Pass").Call(jen.Id("st")))
			})
		}
		b.Return(jen.Id("v").Dot("Refuse").Call())
	})
}

type authAlt ir.AuthAlternative

func (a authAlt) uses(scheme int) bool {
	for _, c := range a {
		if c.Scheme == scheme {
			return true
		}
	}
	return false
}

// requirementSchemes lists the schemes o's requirement names, each once.
func requirementSchemes(o *ir.Operation) []int {
	var out []int
	seen := map[int]bool{}
	for _, alt := range o.Auth.Alternatives {
		for _, c := range alt {
			if !seen[c.Scheme] {
				seen[c.Scheme] = true
				out = append(out, c.Scheme)
			}
		}
	}
	return out
}

// tried reports whether an alternative before the i-th checks scheme: the
// verdict then strips its credential in Pass.
func tried(o *ir.Operation, i, scheme int) bool {
	for _, alt := range o.Auth.Alternatives[:i] {
		if authAlt(alt).uses(scheme) {
			return true
		}
	}
	return false
}

package lower

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gatewaygen/gatewaygen/generator/diag"
	"github.com/gatewaygen/gatewaygen/generator/ir"
	"github.com/gatewaygen/gatewaygen/generator/xgateway"
	"github.com/gatewaygen/gatewaygen/runtime/auth"
)

// auth compiles the requirement of op (o.Security, already resolved
// between the operation and the root) into o.Auth: each alternative's
// schemes as indexes into api.AuthSchemes, with their scopes. A scheme the
// gateway cannot enforce yet never passes: its alternatives are dropped,
// with a warning, so that nothing is served that the document protects.
func (l *lowerer) auth(o *ir.Operation, op *openapi3.Operation) {
	if o.Security == nil {
		return
	}
	at := []string{"security"}
	if op.Security != nil {
		at = []string{"paths", o.Path, strings.ToLower(o.Method), "security"}
	}
	a := &ir.Auth{Public: len(o.Security) == 0}
	optional := false
	for i, req := range o.Security {
		if len(req) == 0 {
			optional = true
			continue
		}
		var alt ir.AuthAlternative
		ok, unsupported := true, false
		for _, ss := range req {
			pos := l.doc.Pos(append(append([]string(nil), at...), strconv.Itoa(i), ss.Scheme)...)
			// The root's requirement applies to many operations: its
			// problems are reported once.
			n, seen := len(l.diags), l.warned[pos]
			l.warned[pos] = true
			idx, enforced, known := l.authScheme(ss.Scheme, pos)
			scoped := known && enforced && l.checkScopes(ss, pos)
			if seen {
				l.diags = l.diags[:n]
			}
			if !known {
				ok = false
				continue
			}
			if !enforced {
				ok, unsupported = false, true
				continue
			}
			if !scoped {
				ok = false
				continue
			}
			alt = append(alt, ir.AuthCheck{Scheme: idx, Scopes: ss.Scopes})
		}
		switch {
		case ok:
			a.Alternatives = append(a.Alternatives, alt)
		case unsupported:
			a.Unenforceable++
		}
	}
	if optional {
		a.Alternatives = append(a.Alternatives, ir.AuthAlternative{})
	}
	if !a.Public && len(a.Alternatives) == 0 && a.Unenforceable > 0 {
		l.diags.Warnf(o.Pos, "%s %s: no alternative of its security requirement can be enforced yet; the gateway refuses every request to it with 401", o.Method, o.Path)
	}
	o.Auth = a
}

// authScheme returns the index in api.AuthSchemes of the scheme named
// name, adding it on first use. enforced is false for a scheme type the
// gateway does not check yet (warned once per scheme); known is false for a
// name components.securitySchemes does not define (an error at pos).
func (l *lowerer) authScheme(name string, pos diag.Pos) (idx int, enforced, known bool) {
	if i, ok := l.authIndex[name]; ok {
		return i, i >= 0, true
	}
	var s *ir.SecurityScheme
	var defined []string
	for _, x := range l.api.SecuritySchemes {
		defined = append(defined, x.Name)
		if x.Name == name {
			s = x
		}
	}
	if s == nil {
		l.diags.Errorf(pos, "security: scheme %q is not defined in components.securitySchemes (defined: %s)", name, listOrNone(defined))
		return 0, false, false
	}
	out := &ir.AuthScheme{Name: name, Pos: s.Pos}
	oidcURL := ""
	switch {
	case s.Type == "apiKey":
		out.Kind, out.In, out.ParamName = ir.AuthAPIKey, s.In, s.ParamName
	case s.Type == "http" && strings.EqualFold(s.Scheme, "bearer"), s.Type == "oauth2", s.Type == "openIdConnect":
		out.Kind, out.OIDC = ir.AuthJWT, s.Type == "openIdConnect"
		if out.OIDC {
			oidcURL = s.OpenIDConnectURL
		}
	case s.Type == "http" && strings.EqualFold(s.Scheme, "basic"):
		out.Kind = ir.AuthBasic
	case s.Type == "mutualTLS":
		out.Kind = ir.AuthMutualTLS
	default:
		what := s.Type
		if s.Type == "http" {
			what = "http " + s.Scheme
		}
		l.diags.Warnf(s.Pos, "components.securitySchemes.%s: %s is not enforced yet (enforced: apiKey, http basic, http bearer, oauth2 and openIdConnect with JWT access tokens, mutualTLS); the alternatives that need it are refused", name, what)
		l.authIndex[name] = -1
		return 0, false, true
	}
	l.material(out, oidcURL)
	out.GoName = "auth" + l.authNames.unique(goName(name))
	l.authIndex[name] = len(l.api.AuthSchemes)
	l.api.AuthSchemes = append(l.api.AuthSchemes, out)
	return len(l.api.AuthSchemes) - 1, true, true
}

// material fills s from x-gateway.security.<name> or the scheme's own
// x-gateway. Without a source the gateway needs one at start-up, and New
// fails until it gets it: a warning here, never an open door. An
// openIdConnect scheme without a jwks source discovers its JWKS (and its
// issuer, unless one is given) from oidcURL, its openIdConnectUrl.
func (l *lowerer) material(s *ir.AuthScheme, oidcURL string) {
	if oidcURL != "" && auth.CheckURL(oidcURL) != nil {
		l.diags.Errorf(s.Pos, "components.securitySchemes.%s.openIdConnectUrl: %v", s.Name, auth.CheckURL(oidcURL))
		oidcURL = ""
	}
	var m *xgateway.SchemeAuth
	for i := range l.doc.Gateway.Security {
		if l.doc.Gateway.Security[i].Scheme == s.Name {
			m = &l.doc.Gateway.Security[i]
		}
	}
	s.Leeway = auth.DefaultLeeway
	if m == nil {
		if oidcURL != "" {
			s.Discovery = oidcURL
			return
		}
		l.diags.Warnf(s.Pos, "components.securitySchemes.%s: no verification material (x-gateway.security.%s.%s); the gateway will not start until it is given with --auth %s=file:PATH or env:NAME", s.Name, s.Name, materialKey(s), s.Name)
		return
	}
	if m.Introspection.Set {
		l.introspection(s, m)
		s.Keep, s.Forward = m.KeepCredential.V, m.ForwardConsumer.V
		l.forward(s, m)
		if m.RolesClaim.Set {
			l.diags.Errorf(m.RolesClaim.Pos, "x-gateway.security.%s.roles-claim: an introspected token's roles are read from the scope of the introspection answer; drop roles-claim", s.Name)
		}
		return
	}
	// Each kind takes one material key; another kind's is a mistake.
	given := map[string]xgateway.Secret{"keys": m.Keys, "jwks": m.JWKS, "users": m.Users, "client-ca": m.ClientCA}
	want := materialKey(s)
	src := given[want]
	for _, k := range []string{"keys", "jwks", "users", "client-ca"} {
		if k != want && given[k].Set() {
			l.diags.Errorf(given[k].Pos, "x-gateway.security.%s.%s: %s; give its material with %s", s.Name, k, kindTakes(s), want)
		}
	}
	if s.Kind != ir.AuthJWT {
		for _, v := range []xgateway.Value[string]{m.Issuer, m.Audience} {
			if v.Set {
				l.diags.Errorf(v.Pos, "x-gateway.security.%s: issuer and audience apply to JWT schemes only", s.Name)
			}
		}
		if m.Algorithms.Set || m.Leeway.Set {
			l.diags.Errorf(m.Pos, "x-gateway.security.%s: algorithms and leeway apply to JWT schemes only", s.Name)
		}
	}
	hmac := l.secret(s, m)
	if !src.Set() && oidcURL != "" {
		s.Discovery = oidcURL
	} else if !src.Set() && !hmac {
		l.diags.Warnf(m.Pos, "x-gateway.security.%s: no %s source; the gateway will not start until it is given with --auth %s=file:PATH or env:NAME", s.Name, materialKey(s), s.Name)
	}
	s.Env, s.File = src.Env.V, src.File.V
	s.URL, s.Refresh, s.MinRefetch = src.URL.V, src.Refresh.V, src.MinRefetch.V
	for _, t := range []xgateway.Value[time.Duration]{src.Refresh, src.MinRefetch} {
		if t.Set && !src.URL.Set {
			l.diags.Errorf(t.Pos, "x-gateway.security.%s.jwks: refresh and min-refetch apply to a JWKS fetched from a url", s.Name)
		}
	}
	s.Issuer, s.Audience = m.Issuer.V, m.Audience.V
	if m.Leeway.Set {
		s.Leeway = m.Leeway.V
	}
	s.Algorithms = m.Algorithms.V
	s.Keep, s.Forward = m.KeepCredential.V, m.ForwardConsumer.V
	l.forward(s, m)
	l.rolesClaim(s, m)
}

// rolesClaim fills the claim an http bearer scheme's roles are read from,
// besides scope and scp. Only such a scheme lists roles (OpenAPI 3.1); on
// oauth2 or openIdConnect the requirement lists scopes, which a roles
// claim must not be able to grant.
func (l *lowerer) rolesClaim(s *ir.AuthScheme, m *xgateway.SchemeAuth) {
	rc := m.RolesClaim
	if !rc.Set {
		return
	}
	var def *ir.SecurityScheme
	for _, x := range l.api.SecuritySchemes {
		if x.Name == s.Name {
			def = x
		}
	}
	switch {
	case def == nil || def.Type != "http" || !strings.EqualFold(def.Scheme, "bearer"):
		l.diags.Errorf(rc.Pos, "x-gateway.security.%s.roles-claim: only an http bearer scheme has roles (OpenAPI 3.1); an oauth2 or openIdConnect scheme's requirement lists scopes, read from scope and scp", s.Name)
	case rc.V == "" || strings.ContainsAny(rc.V, " \t\r\n"):
		l.diags.Errorf(rc.Pos, "x-gateway.security.%s.roles-claim: expected a claim name like roles, found %q", s.Name, rc.V)
	default:
		s.RolesClaim = rc.V
	}
}

func materialKey(s *ir.AuthScheme) string {
	switch s.Kind {
	case ir.AuthJWT:
		return "jwks"
	case ir.AuthBasic:
		return "users"
	case ir.AuthMutualTLS:
		return "client-ca"
	}
	return "keys"
}

// kindTakes says what a scheme's credential is, for a misplaced key.
func kindTakes(s *ir.AuthScheme) string {
	switch s.Kind {
	case ir.AuthJWT:
		return "the scheme takes a JWT"
	case ir.AuthBasic:
		return "an http basic scheme checks passwords against users"
	case ir.AuthMutualTLS:
		return "a mutualTLS scheme checks client certificates against a client-ca"
	}
	return "an apiKey scheme takes keys"
}

// checkScopes reports scopes the scheme cannot check: any on an apiKey or
// http scheme, and on oauth2 one that none of its flows declares. An
// openIdConnect scheme's scopes are the provider's, unknown here.
func (l *lowerer) checkScopes(ss ir.SchemeScopes, pos diag.Pos) bool {
	if len(ss.Scopes) == 0 {
		return true
	}
	var s *ir.SecurityScheme
	for _, x := range l.api.SecuritySchemes {
		if x.Name == ss.Scheme {
			s = x
		}
	}
	switch s.Type {
	case "openIdConnect":
		return true
	case "oauth2":
		declared := map[string]bool{}
		var names []string
		for _, f := range s.Flows {
			for _, sc := range f.Scopes {
				if !declared[sc.Name] {
					names = append(names, sc.Name)
				}
				declared[sc.Name] = true
			}
		}
		sort.Strings(names)
		ok := true
		for _, sc := range ss.Scopes {
			if !declared[sc] {
				l.diags.Errorf(pos, "security: scope %q is not declared by the flows of scheme %s (declared: %s)", sc, ss.Scheme, listOrNone(names))
				ok = false
			} else if strings.ContainsAny(sc, " \"\\") {
				l.diags.Errorf(pos, "security: scope %q of scheme %s has a space, quote or backslash, which a token's scope claim cannot hold", sc, ss.Scheme)
				ok = false
			}
		}
		return ok
	}
	if l.api.OpenAPI != "3.1" {
		l.diags.Errorf(pos, "security: scheme %s (%s) has no scopes, found %s (OpenAPI 3.0 requires an empty list for a scheme that is not oauth2 or openIdConnect)", ss.Scheme, s.Type, strings.Join(ss.Scopes, ", "))
		return false
	}
	return l.checkRoles(s, ss, pos)
}

// checkRoles takes the roles an OpenAPI 3.1 requirement may list for a
// scheme that is not oauth2 or openIdConnect. A bearer token carries them
// as it carries scopes (scope, scp, and the scheme's roles-claim), so they
// are checked like scopes and refused with insufficient_scope. An API key,
// a password or a client certificate maps to a consumer only: nothing
// would say which roles it holds, and a requirement the gateway cannot
// check must not be served, so that is an error.
func (l *lowerer) checkRoles(s *ir.SecurityScheme, ss ir.SchemeScopes, pos diag.Pos) bool {
	if s.Type != "http" || !strings.EqualFold(s.Scheme, "bearer") {
		what := s.Type
		if s.Type == "http" {
			what = "http " + s.Scheme
		}
		l.diags.Errorf(pos, "security: scheme %s (%s) cannot check the roles %s: its credential maps to a consumer only, with no roles; require them of an http bearer scheme (the token's scope, scp or roles-claim) or drop them", ss.Scheme, what, strings.Join(ss.Scopes, ", "))
		return false
	}
	ok := true
	for _, r := range ss.Scopes {
		if r == "" || strings.ContainsAny(r, " \"\\") {
			l.diags.Errorf(pos, "security: role %q of scheme %s is empty or has a space, quote or backslash, which a token's scope claim cannot hold", r, ss.Scheme)
			ok = false
		}
	}
	return ok
}

// checkMaterial reports material given for a scheme the document does not
// define.
func (l *lowerer) checkMaterial() {
	for _, m := range l.doc.Gateway.Security {
		found := false
		for _, s := range l.api.SecuritySchemes {
			found = found || s.Name == m.Scheme
		}
		if !found {
			var names []string
			for _, s := range l.api.SecuritySchemes {
				names = append(names, s.Name)
			}
			l.diags.Errorf(m.Pos, "x-gateway.security.%s: no such scheme in components.securitySchemes (defined: %s)", m.Scheme, listOrNone(names))
		}
	}
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// forward fills what s sends upstream of the identity it verifies.
func (l *lowerer) forward(s *ir.AuthScheme, m *xgateway.SchemeAuth) {
	f := m.Forward
	if f.Consumer.Set && m.ForwardConsumer.Set {
		l.diags.Errorf(f.Consumer.Pos, "x-gateway.security.%s.forward.consumer: forward-consumer is given too; keep one", s.Name)
	}
	s.ConsumerHeader = f.Consumer.V
	if len(f.Claims) > 0 && s.Kind != ir.AuthJWT {
		l.diags.Errorf(f.Pos, "x-gateway.security.%s.forward.claims: only a JWT has claims; the scheme's identity is its consumer (forward.consumer)", s.Name)
		return
	}
	used := map[string]string{}
	if s.ConsumerHeader != "" {
		used[strings.ToLower(s.ConsumerHeader)] = "the consumer"
	}
	for _, c := range f.Claims {
		if prev, dup := used[strings.ToLower(c.Header.V)]; dup {
			l.diags.Errorf(c.Header.Pos, "x-gateway.security.%s.forward.claims.%s: header %s already carries %s", s.Name, c.Claim, c.Header.V, prev)
			continue
		}
		used[strings.ToLower(c.Header.V)] = "claim " + c.Claim
		s.Claims = append(s.Claims, ir.ClaimHeader{Claim: c.Claim, Header: c.Header.V})
	}
}

// authIdentity lists the headers the enforced schemes forward an identity
// in, besides X-Consumer, which every request is stripped of anyway.
func (l *lowerer) authIdentity() {
	seen := map[string]bool{strings.ToLower(auth.ConsumerHeader): true}
	var out []string
	add := func(h string) {
		if h != "" && !seen[strings.ToLower(h)] {
			seen[strings.ToLower(h)] = true
			out = append(out, h)
		}
	}
	for _, s := range l.api.AuthSchemes {
		add(s.ConsumerHeader)
		for _, c := range s.Claims {
			add(c.Header)
		}
	}
	sort.Strings(out)
	l.api.AuthIdentity = out
}

// secret fills the HMAC secret of s and holds HS* and the secret to each
// other: HS* in algorithms needs a secret, a secret needs HS* named. It
// reports whether s has a secret (then a JWKS is optional).
func (l *lowerer) secret(s *ir.AuthScheme, m *xgateway.SchemeAuth) bool {
	var hs []string
	for _, a := range m.Algorithms.V {
		if strings.HasPrefix(a, "HS") {
			hs = append(hs, a)
		}
	}
	switch {
	case m.Secret.Set() && s.Kind != ir.AuthJWT:
		l.diags.Errorf(m.Secret.Pos, "x-gateway.security.%s.secret: an HMAC secret applies to JWT schemes only", s.Name)
		return false
	case len(hs) > 0 && !m.Secret.Set():
		l.diags.Errorf(m.Algorithms.Pos, "x-gateway.security.%s.algorithms: the HMAC algorithms %s need a shared secret; give secret: {env: NAME} or {file: PATH} (a JWKS public key is never taken as one)", s.Name, strings.Join(hs, ", "))
		return false
	case m.Secret.Set() && len(hs) == 0:
		l.diags.Errorf(m.Secret.Pos, "x-gateway.security.%s.secret: algorithms lists no HS256, HS384 or HS512, so the secret would never be used; name them in algorithms", s.Name)
		return false
	case !m.Secret.Set():
		return false
	}
	s.SecretEnv, s.SecretFile = m.Secret.Env.V, m.Secret.File.V
	return true
}

// introspection makes s a scheme of opaque tokens checked at an RFC 7662
// endpoint; its source (overridable with --auth) is the client secret.
func (l *lowerer) introspection(s *ir.AuthScheme, m *xgateway.SchemeAuth) {
	in := m.Introspection
	at := "x-gateway.security." + s.Name + ".introspection"
	if s.Kind != ir.AuthJWT {
		l.diags.Errorf(in.Pos, "%s: only a bearer scheme (http bearer, oauth2, openIdConnect) takes introspection", at)
		return
	}
	for _, x := range []struct {
		key string
		set bool
	}{{"jwks", m.JWKS.Set()}, {"secret", m.Secret.Set()}, {"keys", m.Keys.Set()}, {"users", m.Users.Set()}} {
		if x.set {
			l.diags.Errorf(in.Pos, "%s: the scheme's tokens are checked by introspection or by signature, not both; drop %s", at, x.key)
		}
	}
	if !in.URL.Set || !in.ClientID.Set || !in.ClientSecret.Set() {
		l.diags.Errorf(in.Pos, "%s: url, client-id and client-secret are all required", at)
	}
	s.Kind = ir.AuthIntrospect
	s.IntrospectionURL, s.ClientID = in.URL.V, in.ClientID.V
	s.Env, s.File = in.ClientSecret.Env.V, in.ClientSecret.File.V
}

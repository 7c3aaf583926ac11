package lower

import (
	"sort"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// about lowers what the document says about itself, for the developer
// portal and for the policies that read the security schemes: its
// description, servers, tags and security schemes. No emitter of the
// gateway needs them yet; the IR carries them so that none has to go back
// to the document.
func (l *lowerer) about() {
	t := l.doc.T
	if t.Info != nil {
		l.api.Description = t.Info.Description
	}
	for _, s := range t.Servers {
		if s != nil {
			l.api.Servers = append(l.api.Servers, ir.Server{URL: s.URL, Description: s.Description})
		}
	}
	for _, tag := range t.Tags {
		if tag != nil {
			l.api.Tags = append(l.api.Tags, ir.Tag{Name: tag.Name, Description: tag.Description})
		}
	}
	if t.Components == nil {
		return
	}
	names := make([]string, 0, len(t.Components.SecuritySchemes))
	for n := range t.Components.SecuritySchemes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		ref := t.Components.SecuritySchemes[n]
		if ref == nil || ref.Value == nil {
			continue
		}
		s := ref.Value
		out := &ir.SecurityScheme{
			Name:             n,
			Type:             s.Type,
			Description:      s.Description,
			Scheme:           s.Scheme,
			BearerFormat:     s.BearerFormat,
			In:               s.In,
			ParamName:        s.Name,
			OpenIDConnectURL: s.OpenIdConnectUrl,
			Pos:              l.doc.Pos("components", "securitySchemes", n),
		}
		if f := s.Flows; f != nil {
			for _, fl := range []struct {
				name string
				flow *openapi3.OAuthFlow
			}{{"implicit", f.Implicit}, {"password", f.Password}, {"clientCredentials", f.ClientCredentials}, {"authorizationCode", f.AuthorizationCode}} {
				if fl.flow == nil {
					continue
				}
				flow := ir.OAuthFlow{Flow: fl.name, AuthorizationURL: fl.flow.AuthorizationURL, TokenURL: fl.flow.TokenURL, RefreshURL: fl.flow.RefreshURL}
				for scope, desc := range fl.flow.Scopes {
					flow.Scopes = append(flow.Scopes, ir.Scope{Name: scope, Description: desc})
				}
				sort.Slice(flow.Scopes, func(i, j int) bool { return flow.Scopes[i].Name < flow.Scopes[j].Name })
				out.Flows = append(out.Flows, flow)
			}
		}
		l.api.SecuritySchemes = append(l.api.SecuritySchemes, out)
	}
}

// security is the requirement that applies to op: its own security, else
// the document's. An empty list (security: []) makes the operation public;
// nil means neither declares one.
func (l *lowerer) security(op *openapi3.Operation) []ir.Requirement {
	reqs := l.doc.T.Security
	if op.Security != nil {
		reqs = *op.Security
	}
	if reqs == nil {
		return nil
	}
	out := []ir.Requirement{}
	for _, r := range reqs {
		names := make([]string, 0, len(r))
		for n := range r {
			names = append(names, n)
		}
		sort.Strings(names)
		req := ir.Requirement{}
		for _, n := range names {
			req = append(req, ir.SchemeScopes{Scheme: n, Scopes: r[n]})
		}
		out = append(out, req)
	}
	return out
}

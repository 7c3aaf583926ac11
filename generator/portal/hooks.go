package portal

import (
	"html/template"
	"strings"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// hookView is one webhook or callback on the webhooks page: a request the
// API sends to the client's own server, which the gateway does not route.
type hookView struct {
	hook        *ir.Webhook
	Slug        string
	Title       string // the webhook's name, or "callback NAME of OPERATION"
	Method      string
	MethodLower string
	Target      string // a callback's URL expression; "" for a webhook
	OpURL       string // the page of the operation a callback belongs to
	Summary     string
	Description template.HTML
	Body        []mediaView
	Responses   []respView
}

func newHookView(h *ir.Webhook, slug string) *hookView {
	v := &hookView{hook: h, Slug: slug, Title: h.Name, Method: h.Method, MethodLower: strings.ToLower(h.Method), Target: h.Expression}
	if h.Operation != "" {
		v.Title = "callback " + h.Name + " of " + h.Operation
	}
	return v
}

// fillHooks computes what the webhooks page shows; it is one page, so it
// is filled once, before it is rendered.
func (s *site) fillHooks() {
	w := s.newWriter("")
	byID := map[string]*opView{}
	for _, o := range s.Ops {
		byID[o.ID] = o
	}
	for _, v := range s.Webhooks {
		h := v.hook
		v.Summary, v.Description = h.Summary, s.markdown(h.Description)
		if o := byID[h.Operation]; h.Operation != "" && o != nil {
			v.OpURL = o.URL
		}
		for _, m := range h.Body {
			mv := mediaView{ContentType: m.ContentType}
			if m.Schema != nil {
				mv.Schema = w.html(m.Schema, true)
			}
			v.Body = append(v.Body, mv)
		}
		for _, r := range h.Responses {
			v.Responses = append(v.Responses, respView{Status: r.Status, Description: r.Description})
		}
	}
}

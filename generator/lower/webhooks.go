package lower

import (
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// webhooks lowers the requests the API sends rather than serves, for the
// portal: the document's 3.1 webhooks by name, then each operation's
// callbacks. Nothing of the gateway reads them: they are never routed,
// and their schemas are lowered only so that the portal can show them.
func (l *lowerer) webhooks() {
	t := l.doc.T
	for _, n := range slices.Sorted(maps.Keys(t.Webhooks)) {
		l.hooks(t.Webhooks[n], n, "", "", []string{"webhooks", n})
	}
	for _, o := range l.api.Operations {
		item := t.Paths.Value(o.Path)
		if item == nil {
			continue
		}
		op := item.GetOperation(o.Method)
		if op == nil || len(op.Callbacks) == 0 {
			continue
		}
		id := o.OperationID
		if id == "" {
			id = o.GoName
		}
		for _, n := range slices.Sorted(maps.Keys(op.Callbacks)) {
			cb := op.Callbacks[n]
			if cb == nil || cb.Value == nil {
				continue
			}
			m := cb.Value.Map()
			for _, e := range slices.Sorted(maps.Keys(m)) {
				l.hooks(m[e], n, id, e, []string{"paths", o.Path, strings.ToLower(o.Method), "callbacks", n, e})
			}
		}
	}
}

// hooks adds one Webhook per method of item.
func (l *lowerer) hooks(item *openapi3.PathItem, name, op, expr string, at []string) {
	if item == nil {
		return
	}
	ops := item.Operations()
	for _, m := range methodOrder {
		h := ops[m]
		if h == nil {
			continue
		}
		pos := l.doc.Pos(append(at, strings.ToLower(m))...)
		w := &ir.Webhook{Name: name, Operation: op, Expression: expr, Method: m, Summary: h.Summary, Description: h.Description, Pos: pos}
		if h.RequestBody != nil && h.RequestBody.Value != nil {
			w.Body = l.responseMedia(h.RequestBody.Value.Content, pos)
		}
		if h.Responses != nil {
			rs := h.Responses.Map()
			for _, c := range slices.Sorted(maps.Keys(rs)) {
				r := &ir.Response{Status: c}
				if v := rs[c]; v != nil && v.Value != nil && v.Value.Description != nil {
					r.Description = *v.Value.Description
				}
				w.Responses = append(w.Responses, r)
			}
		}
		l.api.Webhooks = append(l.api.Webhooks, w)
	}
}

package lower

import (
	"strings"

	"github.com/gatewaygen/gatewaygen/generator/xgateway"
)

// docs decides where the gateway serves its developer portal: at
// x-gateway.docs.path, /docs by default, unless docs is switched off. The
// portal is matched before the API's routes, so an operation whose path
// the portal's path covers is shadowed, and said to be.
func (l *lowerer) docs() {
	d := l.doc.Gateway.Docs
	if d.Enabled.Set && !d.Enabled.V {
		return
	}
	p := xgateway.DefaultDocsPath
	pos := l.doc.Gateway.Pos
	if d.Path.Set {
		p, pos = d.Path.V, d.Path.Pos
	}
	l.api.DocsPath = p
	for _, o := range l.api.Operations {
		if covers(p, l.api.BasePath+o.Path) {
			l.diags.Warnf(pos, "x-gateway.docs.path %s covers operation %s %s, which the portal shadows; set x-gateway.docs.path elsewhere or docs: false", p, o.Method, o.Path)
		}
	}
}

// covers reports whether a request for some path the operation's template
// matches would be taken by the portal at prefix.
func covers(prefix, template string) bool {
	want := strings.Split(strings.TrimPrefix(prefix, "/"), "/")
	got := strings.Split(strings.TrimPrefix(template, "/"), "/")
	if len(got) < len(want) {
		return false
	}
	for i, w := range want {
		if got[i] != w && !strings.Contains(got[i], "{") {
			return false
		}
	}
	return true
}

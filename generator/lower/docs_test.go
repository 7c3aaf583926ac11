package lower

import (
	"strings"
	"testing"
)

// TestDocsPath: where the portal is served, whether at all, and the
// operations it would shadow.
func TestDocsPath(t *testing.T) {
	for _, c := range []struct {
		name, gateway, server, paths string
		want, warn                   string
	}{
		{"default", "{}", "/v1", "/pets", "/docs", ""},
		{"off", "{docs: false}", "/v1", "/pets", "", ""},
		{"off object", "{docs: {enabled: false}}", "/v1", "/pets", "", ""},
		{"on object", "{docs: {enabled: true}}", "/v1", "/pets", "/docs", ""},
		{"moved", "{docs: {path: /portal/v1}}", "/v1", "/pets", "/portal/v1", ""},
		{"shadows a literal", "{}", "/", "/docs/{page}", "/docs", "x-gateway.docs.path /docs covers operation GET /docs/{page}"},
		{"shadows a parameter", "{docs: {path: /help}}", "/", "/{name}", "/help", "covers operation GET /{name}"},
		{"shorter path is not covered", "{docs: {path: /a/b}}", "/", "/a", "/a/b", ""},
		{"under the base path", "{docs: {path: /v1/docs}}", "/v1", "/docs", "/v1/docs", "covers operation GET /docs"},
	} {
		t.Run(c.name, func(t *testing.T) {
			spec := "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nservers: [{url: '" + c.server + "'}]\n" +
				"x-gateway: " + c.gateway + "\npaths:\n  " + c.paths + ":\n    get:\n" +
				"      " + params(c.paths) + "\n      responses: {'200': {description: ok}}\n"
			api, diags := lowerAt(t, spec)
			if api.DocsPath != c.want {
				t.Errorf("DocsPath %q, want %q", api.DocsPath, c.want)
			}
			got := diags.String()
			if c.warn == "" && strings.Contains(got, "docs") {
				t.Errorf("unexpected diagnostic:\n%s", got)
			}
			if c.warn != "" && !strings.Contains(got, c.warn) {
				t.Errorf("diagnostics lack %q:\n%s", c.warn, got)
			}
		})
	}
}

// params declares the path parameters a template names.
func params(path string) string {
	var ps []string
	for _, n := range []string{"page", "name"} {
		if strings.Contains(path, "{"+n+"}") {
			ps = append(ps, "{name: "+n+", in: path, required: true, schema: {type: string}}")
		}
	}
	return "parameters: [" + strings.Join(ps, ", ") + "]"
}

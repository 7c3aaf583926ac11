// Package deploy renders the deployment files of a generated gateway from
// the embedded templates/deploy: a multi-stage Dockerfile producing a
// static, non-root image, and a sandboxed systemd unit. They are written
// beside a standalone module's source, where `docker build .` and
// `go build ./cmd/<name>-gateway` work as they are.
package deploy

import (
	"bytes"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"text/template"

	gatewaygen "github.com/gatewaygen/gatewaygen"
	"github.com/gatewaygen/gatewaygen/generator/ir"
	"github.com/gatewaygen/gatewaygen/runtime/server"
)

// DefaultAdmin is the admin address the unit gives a gateway whose
// document sets none: loopback, beside the default public port.
const DefaultAdmin = "127.0.0.1:9091"

type data struct {
	Name, Title, Listen, Admin, GoVersion string
}

var goDirective = regexp.MustCompile(`(?m)^go (\d+\.\d+(?:\.\d+)?)\s*$`)

// Files returns the deployment files of api by output path.
func Files(api *ir.API) (map[string][]byte, error) {
	mod, err := fs.ReadFile(gatewaygen.Source, "go.mod")
	if err != nil {
		return nil, fmt.Errorf("deploy: %w", err)
	}
	m := goDirective.FindSubmatch(mod)
	if m == nil {
		return nil, fmt.Errorf("deploy: go.mod has no go directive")
	}
	d := data{Name: api.Name, Title: oneLine(api.Title), Listen: api.Listen, Admin: api.Admin, GoVersion: string(m[1])}
	if d.Title == "" {
		d.Title = api.Name
	}
	if d.Listen == "" {
		d.Listen = server.DefaultListen
	}
	if d.Admin == "" {
		d.Admin = DefaultAdmin
	}
	out := map[string][]byte{}
	for name, tmpl := range map[string]string{
		"Dockerfile":                  "templates/deploy/Dockerfile.tmpl",
		api.Name + "-gateway.service": "templates/deploy/gateway.service.tmpl",
	} {
		src, err := fs.ReadFile(gatewaygen.Templates, tmpl)
		if err != nil {
			return nil, fmt.Errorf("deploy: %w", err)
		}
		t, err := template.New(tmpl).Option("missingkey=error").Parse(string(src))
		if err != nil {
			return nil, fmt.Errorf("deploy: %s: %w", tmpl, err)
		}
		var b bytes.Buffer
		if err := t.Execute(&b, d); err != nil {
			return nil, fmt.Errorf("deploy: %s: %w", tmpl, err)
		}
		out[name] = b.Bytes()
	}
	return out, nil
}

// oneLine keeps a title on one line, for a unit's Description.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

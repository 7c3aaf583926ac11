package generator

import (
	"github.com/gatewaygen/gatewaygen/generator/diag"
	"github.com/gatewaygen/gatewaygen/generator/portal"
)

// Docs loads and lowers spec and renders its developer portal: files keyed
// by slash-separated path relative to the portal's root. Warnings come back
// in Diags; errors make it fail as Generate does.
func Docs(spec string) (*Result, error) {
	api, diags := Lower(spec)
	if api == nil || diags.HasFatal() {
		if api == nil && !diags.HasFatal() {
			diags.Errorf(diag.Pos{File: spec}, "the document could not be loaded")
		}
		return nil, diagError(diags)
	}
	files, err := portal.Render(api)
	if err != nil {
		return nil, err
	}
	return &Result{Name: api.Name, Files: files, Diags: warnings(diags)}, nil
}

package generator

import (
	"path"
	"path/filepath"

	"github.com/gatewaygen/gatewaygen/generator/diag"
	"github.com/gatewaygen/gatewaygen/generator/diff"
	"github.com/gatewaygen/gatewaygen/generator/ir"
	"github.com/gatewaygen/gatewaygen/generator/portal"
)

// Docs loads and lowers spec and renders its developer portal: files keyed
// by slash-separated path relative to the portal's root. Warnings come back
// in Diags; errors make it fail as Generate does.
func Docs(spec string) (*Result, error) { return DocsSince(spec, "") }

// DocsSince is Docs with a changelog page of the changes since the
// version at previous ("" for none).
func DocsSince(spec, previous string) (*Result, error) {
	api, diags := lowerOrFail(spec)
	if api == nil {
		return nil, diagError(diags)
	}
	var opts portal.Options
	if previous != "" {
		old, more := lowerOrFail(previous)
		if old == nil {
			return nil, diagError(more)
		}
		// The version names the previous document, not its path, which
		// may be anywhere on the machine that rendered the portal.
		opts.Previous = "version " + old.Version
		if old.Version == "" {
			opts.Previous = path.Base(filepath.ToSlash(previous))
		}
		opts.Changes = append([]diff.Change{}, diff.Compare(old, api)...)
	}
	files, err := portal.RenderWith(api, opts)
	if err != nil {
		return nil, err
	}
	return &Result{Name: api.Name, Files: files, Diags: warnings(diags)}, nil
}

// lowerOrFail lowers spec, returning a nil API when it has errors.
func lowerOrFail(spec string) (*ir.API, diag.List) {
	api, diags := Lower(spec)
	if api == nil && !diags.HasFatal() {
		diags.Errorf(diag.Pos{File: spec}, "the document could not be loaded")
	}
	if diags.HasFatal() {
		return nil, diags
	}
	return api, diags
}

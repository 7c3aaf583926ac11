// Package lint checks a spec the way the generator will read it and reports
// every problem at once: YAML syntax, OpenAPI validity and x-gateway.
package lint

import (
	"github.com/gatewaygen/gatewaygen/generator/diag"
	"github.com/gatewaygen/gatewaygen/generator/load"
)

// Lint loads file and returns every diagnostic (errors and warnings), sorted
// by position. An empty list means the spec is clean.
func Lint(file string) diag.List {
	_, diags := load.Load(file)
	diags.Sort()
	return diags
}

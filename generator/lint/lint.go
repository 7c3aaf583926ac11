// Package lint checks a spec the way the generator will read it and reports
// every problem at once: YAML syntax, OpenAPI validity, x-gateway, and what
// lowering to the IR finds (constructs not compiled yet, routes that clash).
// It writes nothing.
package lint

import (
	"github.com/gatewaygen/gatewaygen/generator/diag"
	"github.com/gatewaygen/gatewaygen/generator/load"
	"github.com/gatewaygen/gatewaygen/generator/lower"
)

// Lint loads file and returns every diagnostic (errors, Invalid findings and
// warnings), sorted by position. An empty list means the spec is clean.
func Lint(file string) diag.List {
	doc, diags := load.Load(file)
	if doc != nil && !diags.HasFatal() {
		_, more := lower.Lower(doc)
		diags = append(diags, more...)
	}
	diags.Sort()
	return diags
}

// Package generator turns an OpenAPI document into the Go source of a
// gateway: load → lower to IR → emit. It returns files in memory so that the
// CLI, the golden tests and the end-to-end tests share one path; it writes
// nothing to disk itself.
package generator

import (
	"github.com/gatewaygen/gatewaygen/generator/diag"
)

// RepoModule is the module path of this repository. Output generated inside
// the repository imports the runtime from here.
const RepoModule = "github.com/gatewaygen/gatewaygen"

// Options says what to generate and how the output is imported.
type Options struct {
	// Spec is the path of the OpenAPI document, as the user wrote it; it is
	// what diagnostics and the generated header name.
	Spec string
	// Standalone makes the output a self-contained Go module: it adds go.mod,
	// go.sum and a copy of runtime/, so that it builds outside this
	// repository with plain `go build`.
	Standalone bool
	// ImportPath is the import path of the generated package. In standalone
	// mode it is also the module path (default "<name>-gateway"); in repo mode
	// it is e.g. "github.com/gatewaygen/gatewaygen/gen/petstore".
	ImportPath string
}

// Result is the generated output. File names are slash-separated and
// relative to the output directory.
type Result struct {
	Name  string // the API's name: x-gateway.name, else derived from the file name
	Files map[string][]byte
	Diags diag.List // warnings; errors make Generate fail
}

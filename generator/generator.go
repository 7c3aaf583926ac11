// Package generator turns an OpenAPI document into the Go source of a
// gateway: load → lower to IR → emit. It returns files in memory so that the
// CLI, the golden tests and the end-to-end tests share one path; it writes
// nothing to disk itself.
package generator

import (
	"strings"

	"github.com/gatewaygen/gatewaygen/generator/deploy"
	"github.com/gatewaygen/gatewaygen/generator/diag"
	"github.com/gatewaygen/gatewaygen/generator/emit"
	"github.com/gatewaygen/gatewaygen/generator/ir"
	"github.com/gatewaygen/gatewaygen/generator/load"
	"github.com/gatewaygen/gatewaygen/generator/lower"
	"github.com/gatewaygen/gatewaygen/generator/module"
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
	// RuntimeImport overrides the import path of the runtime directory
	// (default: this repository's runtime, or ImportPath+"/runtime" when
	// Standalone). Tests that compile many outputs against one copy use it.
	RuntimeImport string

	// Stage, when set, is called as each stage begins ("load", "lower",
	// "emit"), for a command that shows its progress.
	Stage func(name string)
}

// Result is the generated output. File names are slash-separated and
// relative to the output directory.
type Result struct {
	Name  string // the API's name: x-gateway.name, else derived from the file name
	Files map[string][]byte
	Diags diag.List // warnings and Invalid findings; errors make Generate fail
}

// Generate loads opts.Spec, lowers it and emits the gateway. Warnings come
// back in Result.Diags; errors make it fail with every diagnostic in the
// error, each as file:line:col: message.
func Generate(opts Options) (*Result, error) {
	stage := opts.Stage
	if stage == nil {
		stage = func(string) {}
	}
	// The standalone module's own files (go.mod, go.sum, the runtime copy)
	// depend only on the import path: when the caller names it they are
	// made beside the load, which on a large document leaves a CPU idle
	// while kin-openapi parses; otherwise beside emitting.
	var modFiles <-chan moduleResult
	if opts.Standalone && opts.ImportPath != "" {
		modFiles = moduleFiles(opts.ImportPath)
	}
	stage("load")
	// kin-openapi's validation runs beside lowering and emitting, which
	// only read the document.
	doc, diags, validated := load.LoadValidating(opts.Spec)
	defer validated() // no goroutine outlives Generate
	// all is the list as Load gives it, its findings then validation's,
	// followed by more; a validation that panicked leaves only its
	// internal error, as Load does.
	all := func(more diag.List) diag.List {
		v := validated()
		if v.HasFatal() {
			return v
		}
		l := append(append(diag.List{}, diags...), v...)
		l = append(l, more...)
		l.Sort()
		return l
	}
	if doc == nil && !diags.HasFatal() {
		diags.Errorf(diag.Pos{File: opts.Spec}, "the document could not be loaded")
	}
	if doc == nil || diags.HasFatal() {
		return nil, diagError(all(nil))
	}
	stage("lower")
	api, more := lower.Lower(doc)
	if more.HasFatal() {
		return nil, diagError(all(more))
	}
	stage("emit")
	importPath := opts.ImportPath
	if importPath == "" {
		importPath = api.Name + "-gateway"
	}
	runtimePath := RepoModule + "/runtime"
	if opts.Standalone {
		runtimePath = importPath + "/runtime"
	}
	if opts.RuntimeImport != "" {
		runtimePath = opts.RuntimeImport
	}
	if opts.Standalone && modFiles == nil {
		modFiles = moduleFiles(importPath)
	}
	files, err := emit.Files(api, emit.Config{ImportPath: importPath, Runtime: runtimePath})
	if err != nil {
		return nil, err
	}
	if opts.Standalone {
		r := <-modFiles
		mod, err := r.files, r.err
		if err != nil {
			return nil, err
		}
		for name, b := range mod {
			files[name] = b
		}
		// operations: Dockerfile and systemd unit beside the module
		dep, err := deploy.Files(api)
		if err != nil {
			return nil, err
		}
		for name, b := range dep {
			files[name] = b
		}
	}
	diags = all(more)
	if diags.HasFatal() {
		return nil, diagError(diags)
	}
	return &Result{Name: api.Name, Files: files, Diags: warnings(diags)}, nil
}

type moduleResult struct {
	files map[string][]byte
	err   error
}

// moduleFiles starts module.Files on another goroutine.
func moduleFiles(importPath string) <-chan moduleResult {
	c := make(chan moduleResult, 1)
	go func() {
		files, err := module.Files(importPath)
		c <- moduleResult{files, err}
	}()
	return c
}

// Lower loads and lowers spec, for commands that print the IR.
func Lower(spec string) (*ir.API, diag.List) {
	doc, diags := load.Load(spec)
	if doc == nil || diags.HasFatal() {
		diags.Sort()
		return nil, diags
	}
	api, more := lower.Lower(doc)
	diags = append(diags, more...)
	diags.Sort()
	return api, diags
}

func warnings(l diag.List) diag.List {
	var out diag.List
	for _, d := range l {
		if d.Severity != diag.Error {
			out = append(out, d)
		}
	}
	return out
}

// DiagError is the error of a spec with errors; List holds every diagnostic.
type DiagError struct{ List diag.List }

func (e *DiagError) Error() string { return strings.TrimSuffix(e.List.String(), "\n") }

func diagError(l diag.List) error {
	return &DiagError{List: l}
}

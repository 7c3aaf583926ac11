// Package emit prints the IR as Go source with jennifer: one emitter per
// output file, each reading only the IR. Output is deterministic and gofmt'ed,
// starts with the "Code generated" header and names its source.
package emit

import (
	"bytes"
	"fmt"
	"path"
	"runtime"
	"strings"
	"sync"

	"github.com/dave/jennifer/jen"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// Config says how the generated package imports its dependencies.
type Config struct {
	// ImportPath is the generated package's own import path; main.go
	// imports it.
	ImportPath string
	// Runtime is the import path of the runtime directory, e.g.
	// "github.com/gatewaygen/gatewaygen/runtime".
	Runtime string
}

const fasthttp = "github.com/valyala/fasthttp"

// gen holds what every emitter of one API shares.
type gen struct {
	api      *ir.API
	cfg      Config
	patterns map[string]string // pattern → variable name
	enums    map[string]string // NUL-joined members → function name

	respChecks map[*ir.Operation]string // name of each operation's response check
	schemas    *bodyGen                 // validator functions asked for so far, emitted into validators.go
}

func (g *gen) rt(pkg string) string { return g.cfg.Runtime + "/" + pkg }

// Files returns the generated files of api, keyed by slash-separated path
// relative to the output directory.
func Files(api *ir.API, cfg Config) (map[string][]byte, error) {
	g := newGen(api, cfg)
	// The portal reads only the IR, as the Go emitters do: on a document
	// of hundreds of operations rendering it takes as long as the Go
	// files, so the two run side by side.
	type site struct {
		files map[string][]byte
		err   error
	}
	docsDone := make(chan site, 1)
	go func() {
		docs, err := g.docsFiles()
		docsDone <- site{docs, err}
	}()
	out, err := g.files(g.emitters())
	docs := <-docsDone
	if err != nil {
		return nil, err
	}
	if docs.err != nil {
		return nil, docs.err
	}
	for name, b := range docs.files {
		out[name] = b
	}
	return out, nil
}

func newGen(api *ir.API, cfg Config) *gen {
	g := &gen{api: api, cfg: cfg, patterns: map[string]string{}, enums: map[string]string{}}
	g.schemas = &bodyGen{gen: g, validators: &validators{}}
	g.respChecks = g.responseCheckNames()
	return g
}

// emitter writes one output file.
type emitter struct {
	name string
	fn   func(*jen.File)
	pkg  string
}

// emitters are the output files but validators.go: the fixed ones, then the
// files of the active stages.
func (g *gen) emitters() []emitter {
	name := g.api.Name
	out := []emitter{
		{"gateway.go", g.gateway, name},
		{"router.go", g.router, name},
		{"params.go", g.params, name},
		{"handlers.go", g.handlers, name},
		{"mock.go", g.mocks, name},
		{"gateway_test.go", g.tests, name},
		{"alloc_test.go", g.allocTests, name},
		{path.Join("cmd", name+"-gateway", "main.go"), g.main, "main"},
	}
	for _, s := range g.stages() {
		if s.file() != "" {
			out = append(out, emitter{s.file(), s.decls, name})
		}
	}
	if g.api.DocsPath != "" { // the developer portal
		out = append(out, emitter{"docs.go", g.docs, name})
	}
	return out
}

// files builds and renders the files of emitters, in any order, and then
// validators.go: an emitter that needs a schema validator asks for it
// (g.validator) and validators.go, built once every other file is, holds all
// that were asked for, with the pattern and enum tables.
func (g *gen) files(emitters []emitter) (map[string][]byte, error) {
	emitters = append(emitters[:len(emitters):len(emitters)], emitter{"validators.go", g.validatorFile, g.api.Name})
	built := make([]*jen.File, len(emitters))
	for i, e := range emitters {
		built[i] = g.newFile(e.pkg)
		e.fn(built[i])
	}
	// Rendering (jennifer prints and gofmts each file) is most of the
	// time on a large document and each file is independent of the others
	// once built, so the files render in parallel.
	rendered := make([][]byte, len(emitters))
	errs := make([]error, len(emitters))
	next := make(chan int, len(emitters))
	for i := range emitters {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(emitters)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				rendered[i], errs[i] = g.render(emitters[i].name, built[i])
			}
		}()
	}
	wg.Wait()
	out := make(map[string][]byte, len(emitters))
	for i, e := range emitters {
		if errs[i] != nil {
			return nil, fmt.Errorf("emit %s: %w", e.name, errs[i])
		}
		out[e.name] = rendered[i]
	}
	return out, nil
}

// render prints f, the built file called name.
func (g *gen) render(name string, f *jen.File) ([]byte, error) {
	var buf bytes.Buffer
	if err := f.Render(&buf); err != nil {
		return nil, err
	}
	b := groupImports(buf.Bytes(), g.isStd)
	if name == "alloc_test.go" {
		// Allocation counts hold only without the race detector, which
		// makes sync.Pool drop items at random.
		b = bytes.Replace(b, []byte("\n\npackage "), []byte("\n\n//go:build !race\n\npackage "), 1)
	}
	return b, nil
}

// newFile starts an output file of package pkg with the generated header.
func (g *gen) newFile(pkg string) *jen.File {
	f := jen.NewFile(pkg)
	g.importNames(f)
	f.HeaderComment("Code generated by gatewaygen. DO NOT EDIT.")
	f.HeaderComment("Source: " + g.api.Source)
	return f
}

// importNames makes jennifer write plain imports instead of aliases.
func (g *gen) importNames(f *jen.File) {
	f.ImportName(fasthttp, "fasthttp")
	for _, p := range []string{"balance", "contract", "form", "format", "jsonv", "param", "pattern", "problem", "proxy", "request", "requestid", "server"} {
		f.ImportName(g.rt(p), p)
	}
	f.ImportName(g.rt("portal"), "portal") // the developer portal
	f.ImportName(g.cfg.ImportPath, g.api.Name)
}

// comment adds a // comment of several lines; jennifer would turn a
// multi-line Comment into a /* */ block.
func comment(f *jen.File, text string) {
	for _, line := range strings.Split(text, "\n") {
		f.Comment(line)
	}
}

// groupImports puts the standard library's imports first and the others
// after a blank line, as goimports does; jennifer sorts them in one block.
// src is jennifer's gofmt'ed output, and splitting a sorted import block in
// two sorted groups leaves it gofmt'ed: formatting it again, which took as
// long as jennifer's own pass on a large file, would change nothing.
func groupImports(src []byte, isStd func(path string) bool) []byte {
	start := bytes.Index(src, []byte("\nimport (\n"))
	if start < 0 {
		return src
	}
	body := start + len("\nimport (\n")
	end := bytes.Index(src[body:], []byte("\n)\n"))
	if end < 0 {
		return src
	}
	var std, other []string
	for _, line := range strings.Split(string(src[body:body+end]), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if isStd(strings.Trim(line[strings.IndexByte(line, '"'):], `"`)) {
			std = append(std, line)
		} else {
			other = append(other, line)
		}
	}
	var b bytes.Buffer
	b.Write(src[:body])
	for _, l := range std {
		b.WriteString("\t" + l + "\n")
	}
	if len(std) > 0 && len(other) > 0 {
		b.WriteString("\n")
	}
	for _, l := range other {
		b.WriteString("\t" + l + "\n")
	}
	b.Write(src[body+end+1:])
	return b.Bytes()
}

// isStd reports whether path is in the standard library: no dot in its first
// element, and not under the output's own module (a standalone module path
// such as "petstore-gateway" has no dot either).
func (g *gen) isStd(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	for _, own := range []string{g.cfg.ImportPath, g.cfg.Runtime} {
		if o, _, _ := strings.Cut(own, "/"); o == first {
			return false
		}
	}
	return !strings.Contains(first, ".")
}

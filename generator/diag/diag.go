// Package diag carries source positions and the diagnostics the generator
// reports against a spec. A diagnostic always names file:line:col so that an
// editor can jump to it; it never carries an absolute path of the machine the
// generator ran on unless the user passed one.
package diag

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Pos is a position in a source document. Line and Col are 1-based; a zero
// Line means the position is unknown and only the file is reported.
type Pos struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	Col  int    `json:"col,omitempty"`
}

func (p Pos) String() string {
	if p.Line == 0 {
		return p.File + ":1:1"
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Severity says whether a diagnostic stops generation.
type Severity int

const (
	// Error stops generation: the document cannot be compiled.
	Error Severity = iota
	// Warning is worth knowing and changes nothing.
	Warning
	// Invalid marks a document that breaks the OpenAPI specification in a
	// way gatewaygen can still compile around (real documents are full of
	// them): lint fails on it, generation reports it and goes on.
	Invalid
)

// Diagnostic is one located message about the spec.
type Diagnostic struct {
	Pos      Pos
	Severity Severity
	Msg      string
}

func (d Diagnostic) Error() string {
	if d.Severity == Warning {
		return d.Pos.String() + ": warning: " + d.Msg
	}
	return d.Pos.String() + ": " + d.Msg
}

// List collects diagnostics in the order they were found.
type List []Diagnostic

// Errorf appends an error at pos.
func (l *List) Errorf(pos Pos, format string, args ...any) {
	*l = append(*l, Diagnostic{Pos: pos, Severity: Error, Msg: fmt.Sprintf(format, args...)})
}

// Warnf appends a warning at pos.
func (l *List) Warnf(pos Pos, format string, args ...any) {
	*l = append(*l, Diagnostic{Pos: pos, Severity: Warning, Msg: fmt.Sprintf(format, args...)})
}

// HasErrors reports whether any diagnostic is an error or marks the
// document invalid: what lint fails on.
func (l List) HasErrors() bool {
	for _, d := range l {
		if d.Severity != Warning {
			return true
		}
	}
	return false
}

// HasFatal reports whether any diagnostic stops generation.
func (l List) HasFatal() bool {
	for _, d := range l {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Invalidf appends an Invalid diagnostic at pos.
func (l *List) Invalidf(pos Pos, format string, args ...any) {
	*l = append(*l, Diagnostic{Pos: pos, Severity: Invalid, Msg: fmt.Sprintf(format, args...)})
}

// Sort orders diagnostics by file, line and column so output is stable.
func (l List) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i].Pos, l[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// String renders one diagnostic per line.
func (l List) String() string {
	var b strings.Builder
	for _, d := range l {
		b.WriteString(d.Error())
		b.WriteByte('\n')
	}
	return b.String()
}

// Err returns an error holding every error diagnostic, or nil when there is none.
func (l List) Err() error {
	if !l.HasErrors() {
		return nil
	}
	var errs []error
	for _, d := range l {
		if d.Severity != Warning {
			errs = append(errs, d)
		}
	}
	return errors.Join(errs...)
}

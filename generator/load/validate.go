package load

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gatewaygen/gatewaygen/runtime/pattern"

	"github.com/gatewaygen/gatewaygen/generator/diag"
)

// validate runs kin-openapi's validation and reports each failure at the
// most precise position it can find: the Origin an error carries, else the
// element its context wrappers name (section, path, operation, component),
// else — when nothing in the whole-document result could be located — the
// pieces of the document validated one by one.
//
// Three kinds of finding are warnings, not errors, because real documents are
// full of them and the API is still usable: examples and defaults that do not
// match their schema, and patterns that Go's regexp cannot compile (lower
// decides what to do with those).
func (l *loader) validate(t *openapi3.T) {
	opts := []openapi3.ValidationOption{
		openapi3.EnableMultiError(),
		openapi3.DisableExamplesValidation(),
		openapi3.DisableSchemaDefaultsValidation(),
		openapi3.DisableSchemaPatternValidation(),
	}
	errs := l.safeValidate(func(ctx context.Context) error { return t.Validate(ctx, opts...) })
	seen := map[string]bool{}
	located := false
	var unlocated []error
	for _, err := range errs {
		pos, msg, ok := l.locate(err)
		if !ok {
			unlocated = append(unlocated, err)
			continue
		}
		located = true
		l.report(seen, pos, msg, false)
	}
	if len(unlocated) > 0 {
		if !located && l.validatePieces(t, opts, seen) {
			unlocated = nil
		}
		for _, err := range unlocated {
			pos, msg, _ := l.locate(err)
			l.report(seen, pos, msg, false)
		}
	}
	// The second pass also checks examples, defaults and that patterns
	// compile with Go's regexp; what only it finds is a warning.
	exOpts := []openapi3.ValidationOption{openapi3.EnableMultiError(), openapi3.SetRegexCompiler(newPatterns().compile)}
	for _, err := range l.safeValidate(func(ctx context.Context) error { return t.Validate(ctx, exOpts...) }) {
		pos, msg, _ := l.locate(err)
		if pe := (*openapi3.SchemaPatternRegexError)(nil); errors.As(err, &pe) {
			msg = fmt.Sprintf("pattern %q is not an ECMA-262 regular expression (%v): the gateway refuses every value it applies to", pe.Pattern, pattern.Check(pe.Pattern))
		}
		l.report(seen, pos, msg, true)
	}
}

// patterns compiles schema patterns for kin-openapi's second pass as the
// gateway does: OpenAPI's patterns are ECMA-262, which Go's regexp does not
// all read (lookaround, backreferences), and the gateway runs those on a
// backtracking engine. With Go's regexp kin-openapi would warn about every
// such pattern, and stop checking an operation's other parameters at the
// first; so only a pattern that no engine reads is reported.
type patterns struct {
	mu   sync.Mutex
	done map[string]patternMatcher
}

type patternMatcher struct {
	p   *pattern.Pattern
	err error
}

func (m patternMatcher) MatchString(s string) bool { return m.p.Match([]byte(s)) }

func newPatterns() *patterns { return &patterns{done: map[string]patternMatcher{}} }

func (ps *patterns) compile(expr string) (openapi3.RegexMatcher, error) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	m, ok := ps.done[expr]
	if !ok {
		if m.err = pattern.Check(expr); m.err == nil {
			m.p = pattern.MustCompile(expr)
		}
		ps.done[expr] = m
	}
	if m.err != nil {
		return nil, m.err
	}
	return m, nil
}

func (l *loader) report(seen map[string]bool, pos diag.Pos, msg string, warn bool) {
	k := pos.String() + msg
	if seen[k] {
		return
	}
	seen[k] = true
	if warn {
		l.diags.Warnf(pos, "%s", msg)
	} else {
		// The document breaks OpenAPI, but it loaded: lint fails on it while
		// generation goes on, so one bad operation does not sink an API.
		l.diags.Invalidf(pos, "%s", msg)
	}
}

// safeValidate runs fn and flattens its result into independent errors. A
// panic inside kin-openapi becomes an error rather than a crash.
func (l *loader) safeValidate(fn func(ctx context.Context) error) (errs []error) {
	defer func() {
		if r := recover(); r != nil {
			errs = append(errs, fmt.Errorf("internal error in kin-openapi validation (please report): %v", r))
		}
	}()
	return flatten(fn(context.Background()))
}

// flatten splits a MultiError, and the MultiErrors it holds, into their
// errors. One found deeper in an error's chain stays whole: splitting it
// would lose the context its wrappers give (the path and operation of an
// example that does not match its schema).
func flatten(err error) []error {
	if err == nil {
		return nil
	}
	if me, ok := err.(openapi3.MultiError); ok && len(me) > 0 {
		var out []error
		for _, e := range me {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

var componentSections = map[string]string{
	"schema": "schemas", "parameter": "parameters", "header": "headers",
	"request body": "requestBodies", "response": "responses",
	"security scheme": "securitySchemes", "example": "examples",
	"link": "links", "callback": "callbacks", "path item": "pathItems",
}

var docSections = map[string]string{"external docs": "externalDocs"}

// locate finds where err happened and the message without the context that
// the position already says. ok is false when only the file is known.
func (l *loader) locate(err error) (pos diag.Pos, msg string, ok bool) {
	var keys []string
	var origin *openapi3.Location
	full := firstLine(err.Error())
	msg = err.Error()
	for e := err; e != nil; e = errors.Unwrap(e) {
		strip := true
		switch x := e.(type) {
		case *openapi3.SectionValidationError:
			if x.Section != "components" {
				s := x.Section
				if m, ok := docSections[s]; ok {
					s = m
				}
				keys = append(keys, s)
			}
		case *openapi3.PathValidationError:
			keys = append(keys, x.Path)
		case *openapi3.OperationValidationError:
			keys = append(keys, strings.ToLower(x.Method))
		case *openapi3.WebhookValidationError:
			keys = append(keys, x.Name)
		case *openapi3.ComponentValidationError:
			sec := componentSections[x.Section]
			if sec == "" {
				sec = x.Section
			}
			keys = append(keys, "components", sec, x.Name)
		case *openapi3.ConflictingPathsError:
			keys = []string{"paths", x.Path1}
			strip = false
			origin = nil
		case *openapi3.PathMustStartWithSlashError:
			keys = []string{"paths", x.Path}
			strip = false
			origin = nil
		case *openapi3.PathParametersError:
			keys = []string{"paths", x.Path, strings.ToLower(x.Method)}
			strip = false
		default:
			strip = false
		}
		if pathKeyError(e) {
			// Its origin is the paths object; the path key is more precise.
		} else if o := originOf(e); o != nil {
			origin = o
		}
		if strip {
			if u := errors.Unwrap(e); u != nil {
				msg = u.Error()
			}
		}
		if _, isMulti := e.(openapi3.MultiError); isMulti {
			break
		}
	}
	msg = firstLine(msg)
	if me := (openapi3.MultiError)(nil); errors.As(err, &me) && len(me) > 1 && !strings.Contains(msg, " | ") {
		// One example breaking its schema in several places: the first
		// line names the first, so say how many follow.
		msg += fmt.Sprintf(" (and %d more)", len(me)-1)
	}
	pos, exact := posExact(l.file, l.root, keys...)
	if !exact {
		// The context names something the document lacks ("invalid info:
		// must be an object"): keep it in the message.
		msg = full
	}
	if origin != nil && origin.Line > 0 {
		file := origin.File
		if file == "" || file == toSlash(l.file) {
			file = l.file
		}
		line, col := l.shift.pos(origin)
		return diag.Pos{File: file, Line: line, Col: col}, msg, true
	}
	return pos, msg, pos.Line > 0 && len(keys) > 0
}

// pathKeyError reports whether e is about one key of the paths object,
// whose Origin is the whole object's.
func pathKeyError(e error) bool {
	switch e.(type) {
	case *openapi3.ConflictingPathsError, *openapi3.PathMustStartWithSlashError:
		return true
	}
	return false
}

func toSlash(p string) string { return strings.ReplaceAll(p, "\\", "/") }

var originType = reflect.TypeFor[*openapi3.Origin]()

// originOf returns the key location of the Origin field an error carries.
func originOf(e error) *openapi3.Location {
	v := reflect.ValueOf(e)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil
	}
	f := v.FieldByName("Origin")
	if !f.IsValid() || f.Type() != originType || f.IsNil() {
		return nil
	}
	o := f.Interface().(*openapi3.Origin)
	return o.Key
}

// validatePieces validates each path item, each operation and each component
// on its own and reports the failures at that piece. It reports whether any
// piece failed.
func (l *loader) validatePieces(t *openapi3.T, opts []openapi3.ValidationOption, seen map[string]bool) bool {
	if t.IsOpenAPI31OrLater() {
		opts = append(opts, openapi3.IsOpenAPI31OrLater())
	}
	ctx := openapi3.WithValidationOptions(context.Background(), opts...)
	found := false
	piece := func(fn func() error, keys ...string) {
		for _, err := range l.safeValidate(func(context.Context) error { return fn() }) {
			pos, msg, ok := l.locate(err)
			if !ok {
				pos = l.at(keys...)
			}
			found = true
			l.report(seen, pos, msg, false)
		}
	}
	if t.Paths != nil {
		for _, p := range t.Paths.InMatchingOrder() {
			item := t.Paths.Value(p)
			if item == nil {
				continue
			}
			for m, op := range item.Operations() {
				one := &openapi3.PathItem{Parameters: item.Parameters}
				one.SetOperation(m, op)
				piece(func() error { return openapi3.NewPaths(openapi3.WithPath(p, one)).Validate(ctx) }, "paths", p, strings.ToLower(m))
			}
			piece(func() error { return item.Validate(ctx) }, "paths", p)
		}
	}
	if c := t.Components; c != nil {
		for name, s := range c.Schemas {
			piece(func() error { return s.Validate(ctx) }, "components", "schemas", name)
		}
		for name, s := range c.Parameters {
			piece(func() error { return s.Validate(ctx) }, "components", "parameters", name)
		}
		for name, s := range c.Responses {
			piece(func() error { return s.Validate(ctx) }, "components", "responses", name)
		}
		for name, s := range c.RequestBodies {
			piece(func() error { return s.Validate(ctx) }, "components", "requestBodies", name)
		}
		for name, s := range c.SecuritySchemes {
			piece(func() error { return s.Validate(ctx) }, "components", "securitySchemes", name)
		}
	}
	return found
}

// firstLine drops the schema and value dumps kin-openapi appends to a
// message; the position already says where to look.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	return s
}

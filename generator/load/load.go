// Package load reads an OpenAPI 3.0/3.1 document with kin-openapi, validates
// it and decodes its x-gateway extensions. Every problem it finds is a
// diagnostic located at file:line:col of the source; it never panics on any
// input.
package load

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"

	"github.com/gatewaygen/gatewaygen/generator/diag"
	"github.com/gatewaygen/gatewaygen/generator/xgateway"
)

// OpKey identifies an operation by method and path template, never by
// operationId (which real documents omit or duplicate).
type OpKey struct {
	Method string // upper case: "GET"
	Path   string // the template as written: "/pets/{petId}"
}

func (k OpKey) String() string { return k.Method + " " + k.Path }

// Document is a loaded, validated OpenAPI document with its x-gateway
// settings decoded.
type Document struct {
	File    string      // the path as given; used verbatim in diagnostics
	Version string      // "3.0" or "3.1"
	T       *openapi3.T // read the positions of its origins with OriginPos

	Gateway    xgateway.Root
	PathItems  map[string]xgateway.Settings // by path template
	Operations map[OpKey]xgateway.Settings

	root  *yaml.Node  // the main file's top-level mapping
	shift originShift // of T's origins, see OriginPos
}

// OriginPos returns the line and column in the file as written of loc, a
// location kin-openapi recorded in T. Read T's origins through it: those
// on the first line of the main file may lie to the right of their place
// (see kinLoadStarted).
func (d *Document) OriginPos(loc *openapi3.Location) (line, col int) {
	return d.shift.pos(loc)
}

// Methods are the OpenAPI operation keys of a path item, in document order
// of the specification.
var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// Pos returns the position of the node reached by keys from the document
// root of the main file, e.g. d.Pos("paths", "/pets", "get"). A mapping entry
// is located at its key, a list item at the item. When the full path does not
// exist it returns the deepest existing node's position, and File:1:1 when
// nothing matches.
func (d *Document) Pos(keys ...string) diag.Pos {
	return posIn(d.File, d.root, keys...)
}

func posIn(file string, root *yaml.Node, keys ...string) diag.Pos {
	p, _ := posExact(file, root, keys...)
	return p
}

// posExact is posIn that also reports whether every key was found.
func posExact(file string, root *yaml.Node, keys ...string) (diag.Pos, bool) {
	best := diag.Pos{File: file}
	found := 0
	n := root
	for _, k := range keys {
		if n == nil {
			break
		}
		n = deAlias(n)
		var at, next *yaml.Node
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == k {
					at, next = n.Content[i], n.Content[i+1]
					break
				}
			}
		case yaml.SequenceNode:
			if i, err := strconv.Atoi(k); err == nil && i >= 0 && i < len(n.Content) {
				at, next = n.Content[i], n.Content[i]
			}
		}
		if at == nil {
			break
		}
		if at.Line > 0 {
			best = diag.Pos{File: file, Line: at.Line, Col: at.Column}
		}
		found++
		n = next
	}
	return best, found == len(keys)
}

// Load reads, parses and validates file and decodes its x-gateway settings.
// It returns the Document whenever the OpenAPI part loaded, even when there
// are x-gateway errors, so that a linter can report everything at once; it
// returns nil when the document could not be loaded at all. The list holds
// errors and warnings in the order found.
func Load(file string) (*Document, diag.List) {
	return safely(&loader{file: file}, func(l *loader) *Document {
		d := l.load()
		if d != nil {
			l.validate(d.T)
		}
		return d
	})
}

// LoadValidating is Load with kin-openapi's validation of the document
// left running on another goroutine, for a caller that has other work to
// do with the document meanwhile: on some documents validation takes
// longer than lowering and building the Go code together (OpenAI: 0.7 to
// 1.0 CPU seconds, most of it compiling schemas to check examples).
// It returns as soon as the document is loaded. validated waits for the
// validation and returns its findings, the list that Load appends to the
// others; they are Invalid or Warning findings, or an Error when the
// validation panics. validated is never nil and may be called more than
// once. Neither validation nor lowering writes to the Document.
func LoadValidating(file string) (doc *Document, diags diag.List, validated func() diag.List) {
	l := &loader{file: file}
	doc, diags = safely(l, (*loader).load)
	if doc == nil {
		return doc, diags, func() diag.List { return nil }
	}
	v := &loader{file: l.file, root: l.root, data: l.data, shift: l.shift}
	var found diag.List
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, found = safely(v, func(v *loader) *Document {
			v.validate(doc.T)
			return nil
		})
	}()
	return doc, diags, func() diag.List {
		<-done
		return found
	}
}

// safely runs fn and returns what it returns with l's diagnostics; a panic
// becomes one internal error, and no document.
func safely(l *loader, fn func(*loader) *Document) (doc *Document, diags diag.List) {
	defer func() {
		if r := recover(); r != nil {
			doc = nil
			diags.Errorf(diag.Pos{File: l.file}, "internal error while loading (please report): %v\n%s", r, firstFrames(debug.Stack()))
		}
	}()
	doc = fn(l)
	return doc, l.diags
}

type loader struct {
	file  string
	diags diag.List
	root  *yaml.Node
	data  []byte      // the main file as resolveRefs edited it, or nil
	shift originShift // of the loaded document's origins
	// others holds the node trees of the files beside the main one that
	// decodeGateway followed a $ref into (nil for one that cannot be read).
	others map[string]*yaml.Node
}

func (l *loader) pos(n *yaml.Node) diag.Pos {
	if n == nil || n.Line == 0 {
		return diag.Pos{File: l.file}
	}
	return diag.Pos{File: l.file, Line: n.Line, Col: n.Column}
}

func (l *loader) at(keys ...string) diag.Pos { return posIn(l.file, l.root, keys...) }

func (l *loader) load() *Document {
	data, err := os.ReadFile(l.file)
	if err != nil {
		l.diags.Errorf(diag.Pos{File: l.file}, "cannot read spec: %v", unwrapPathError(err))
		return nil
	}
	// kin-openapi parses the file again, on its own, and needs it as
	// resolveRefs leaves it. A 3.0 document is almost never edited, so its
	// parse starts at once on another CPU and its result is kept when
	// resolveRefs changed nothing. A 3.1 document usually is (a $ref with
	// asserting siblings is wrapped), and a parse of the file as written
	// would be thrown away: its parse waits for resolveRefs. Either way
	// checkRefs and decodeGateway run beside it.
	var kin *kinAsync
	if !looks31(data) {
		kin = l.kinLoadAsync(data)
		defer kin.wait()
	}
	root, ok := l.parse(data)
	if !ok {
		return nil
	}
	l.root = root
	version, ok := l.checkVersion()
	if !ok {
		l.decodeGateway() // report x-gateway problems too
		return nil
	}
	l.data = l.resolveRefs(data, version)
	src := data // the main file as kin-openapi is to read it
	if l.data != nil {
		src = l.data
	}
	if kin == nil {
		kin = l.kinLoadAsync(src)
		defer kin.wait()
	} else if l.data != nil {
		kin = l.kinLoadAsync(src) // the early parse is wasted
		defer kin.wait()
	}
	refsOK := l.checkRefs()
	gw := l.decodeGateway()

	var t *openapi3.T
	if r := kin.wait(); !r.panicked {
		t, l.shift, err = r.t, r.shift, r.err
	} else {
		// again here, so that the panic surfaces where it did before
		t, l.shift, err = l.kinLoad(src)
	}
	if err != nil && strings.Contains(err.Error(), "into []string") {
		// required: true in a schema, which published documents carry
		// (Spotify's among them): each is renamed x-required, which
		// nothing reads, said, and the document loaded again.
		if edited := l.dropBooleanRequired(src); edited != nil {
			if t, l.shift, err = l.kinLoad(edited); err == nil {
				l.data = edited
			}
		}
	}
	if err != nil && strings.Contains(err.Error(), "(expecting ref to schema object)") {
		// A schema given by a $ref to a response (rumble.run's) or another
		// component that is not a schema: each such $ref is renamed x-ref,
		// said, and the document loaded again.
		if edited := l.dropStrayRefs(src); edited != nil {
			if t, l.shift, err = l.kinLoad(edited); err == nil {
				l.data = edited
			}
		}
	}
	d := &Document{File: l.file, Version: version, root: root, shift: l.shift}
	d.Gateway, d.PathItems, d.Operations = gw.root, gw.pathItems, gw.ops
	if err != nil {
		l.loadError(err, refsOK)
		return nil
	}
	d.T = t
	return d
}

// parse reads data as YAML (which covers JSON) into a node tree.
func (l *loader) parse(data []byte) (*yaml.Node, bool) {
	var doc yaml.Node
	d, json := parseJSON(data)
	if json {
		doc = *d
	} else if err := yaml.Unmarshal(data, &doc); err != nil {
		var le *yaml.LoadError
		if errors.As(err, &le) {
			l.diags.Errorf(diag.Pos{File: l.file, Line: le.Mark.Line, Col: max(le.Mark.Column, 1)}, "syntax error: %s", le.Message)
		} else {
			l.diags.Errorf(diag.Pos{File: l.file}, "syntax error: %s", strings.TrimPrefix(err.Error(), "yaml: "))
		}
		return nil, false
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		l.diags.Errorf(diag.Pos{File: l.file}, "empty document: expected an OpenAPI 3.0 or 3.1 object")
		return nil, false
	}
	root := deAlias(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		l.diags.Errorf(l.pos(root), "not an OpenAPI document: expected an object at the top level, found %s", kindName(root))
		return nil, false
	}
	// A JSON document the fast path leaves to go-yaml (one nested
	// deeper than it goes) is still JSON by its name.
	json = json || strings.HasSuffix(strings.ToLower(l.file), ".json")
	if !l.checkDuplicateKeys(root, json) {
		return nil, false
	}
	return root, true
}

func (l *loader) checkVersion() (string, bool) {
	if k, v := entry(l.root, "swagger"); k != nil {
		l.diags.Errorf(l.pos(k), "swagger %s is not supported; convert to OpenAPI 3 first (for example with swagger2openapi)", v.Value)
		return "", false
	}
	k, v := entry(l.root, "openapi")
	if k == nil {
		l.diags.Errorf(diag.Pos{File: l.file, Line: l.root.Line, Col: l.root.Column}, "missing openapi version: add openapi: 3.1.0 (3.0.x and 3.1.x are supported)")
		return "", false
	}
	s := v.Value
	if v.Kind == yaml.ScalarNode {
		switch {
		case strings.HasPrefix(s, "3.0.") && len(s) > 4:
			return "3.0", true
		case strings.HasPrefix(s, "3.1.") && len(s) > 4:
			return "3.1", true
		}
	}
	l.diags.Errorf(l.pos(k), "openapi version %q is not supported: want 3.0.x or 3.1.x", s)
	return "", false
}

// kinLoad loads the file with kin-openapi. Relative file $refs are followed;
// anything with a scheme or host is refused. main is the main file's bytes
// as kin-openapi is to read them (as resolveRefs left them), or nil to let
// it read the file. shift says where the document's origins lie.
func (l *loader) kinLoad(main []byte) (*openapi3.T, originShift, error) {
	if t, shift, ok := l.kinLoadStarted(main); ok {
		return t, shift, nil
	}
	t, err := l.kinLoadBytes(main)
	return t, originShift{}, err
}

// kinLoadBytes is kinLoad without kinLoadStarted's shortcut.
func (l *loader) kinLoadBytes(main []byte) (*openapi3.T, error) {
	kl := openapi3.NewLoader()
	kl.IncludeOrigin = true
	kl.IsExternalRefsAllowed = true
	kl.ReadFromURIFunc = readLocalOnly
	if main != nil {
		mainPath := path.Clean(filepath.ToSlash(l.file))
		kl.ReadFromURIFunc = func(kl *openapi3.Loader, u *url.URL) ([]byte, error) {
			if u.Scheme == "" && u.Host == "" && path.Clean(u.Path) == mainPath {
				return main, nil
			}
			return readLocalOnly(kl, u)
		}
	}
	return kl.LoadFromFile(l.file)
}

// kinResult is the outcome of a kinLoad run on another goroutine.
type kinResult struct {
	t        *openapi3.T
	shift    originShift
	err      error
	panicked bool
}

// kinAsync is a kinLoad running on another goroutine.
type kinAsync struct {
	done chan struct{}
	res  kinResult
}

// kinLoadAsync starts kinLoad(main).
func (l *loader) kinLoadAsync(main []byte) *kinAsync {
	a := &kinAsync{done: make(chan struct{})}
	go func() {
		defer close(a.done)
		defer func() {
			if recover() != nil {
				a.res = kinResult{panicked: true}
			}
		}()
		a.res.t, a.res.shift, a.res.err = l.kinLoad(main)
	}()
	return a
}

// looks31 reports whether data seems to declare openapi 3.1: an "openapi"
// key (quoted or not) whose value starts with 3.1. It only decides when
// kin-openapi's parse starts, never what it reads, so a false answer either
// way costs time, not correctness.
func looks31(data []byte) bool {
	for rest := data; ; {
		i := bytes.Index(rest, []byte("openapi"))
		if i < 0 {
			return false
		}
		rest = rest[i+len("openapi"):]
		v := bytes.TrimLeft(rest, `"' `)
		if len(v) == 0 || v[0] != ':' {
			continue
		}
		v = bytes.TrimLeft(v[1:], `"' `)
		return bytes.HasPrefix(v, []byte("3.1"))
	}
}

// wait returns the result, as often as it is called.
func (a *kinAsync) wait() kinResult {
	<-a.done
	return a.res
}

// errRemoteRef is returned by readLocalOnly for a URL.
var errRemoteRef = errors.New("remote $ref is not supported; download the file and refer to it by a path relative to the spec")

func readLocalOnly(kl *openapi3.Loader, u *url.URL) ([]byte, error) {
	if (u.Scheme != "" && u.Scheme != "file") || u.Host != "" {
		return nil, fmt.Errorf("%s: %w", u.Redacted(), errRemoteRef)
	}
	return openapi3.ReadFromFile(kl, u)
}

// loadError reports a kin-openapi load failure, at the $ref it names when
// there is one. When checkRefs already reported broken refs, a failure naming
// one of them is not repeated.
func (l *loader) loadError(err error, refsOK bool) {
	msg := cleanKinMessage(err.Error())
	if strings.Contains(msg, "into []string") && l.booleanRequired() {
		return
	}
	var best *yaml.Node
	walk(l.root, func(n *yaml.Node, _ []string) bool {
		if k, v := entry(n, "$ref"); k != nil && v.Kind == yaml.ScalarNode && v.Value != "" && strings.Contains(err.Error(), v.Value) {
			if best == nil || len(v.Value) > len(best.Value) {
				best = v
			}
		}
		return true
	})
	if !refsOK && best != nil {
		return
	}
	if !refsOK && best == nil && strings.Contains(msg, "$ref") {
		return
	}
	pos := diag.Pos{File: l.file}
	if best != nil {
		pos = l.pos(best)
	} else if m := pointerRE.FindStringSubmatch(msg); m != nil {
		var keys []string
		for _, tok := range strings.Split(m[1], "/")[1:] {
			keys = append(keys, strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~"))
		}
		pos = l.at(keys...)
		msg = strings.TrimSuffix(msg, m[0])
		msg = lineRE.ReplaceAllString(msg, "")
	} else if m := lineRE.FindStringSubmatch(msg); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil {
			pos = diag.Pos{File: l.file, Line: n, Col: 1}
		}
	}
	l.diags.Errorf(pos, "%s", strings.TrimPrefix(msg, "yaml error: yaml: "))
}

// booleanSites returns the key and value of each required: true (or
// false) in a schema, the Swagger 2 and JSON Schema draft 3 spelling, which
// kin-openapi refuses as "cannot construct !!bool into []string".
// Parameters, headers and request bodies do take a boolean required; a
// mapping with in, name, content or schema beside it is one of those and is
// left alone. Called only once kin-openapi has refused the document, so a
// valid one is never searched.
func (l *loader) booleanSites() [][2]*yaml.Node {
	var sites [][2]*yaml.Node
	walk(l.root, func(n *yaml.Node, _ []string) bool {
		k, v := entry(n, "required")
		if k == nil || v.Kind != yaml.ScalarNode || (v.Value != "true" && v.Value != "false") {
			return true
		}
		for _, other := range []string{"in", "name", "content", "schema"} {
			if ok, _ := entry(n, other); ok != nil {
				return true
			}
		}
		sites = append(sites, [2]*yaml.Node{k, v})
		return true
	})
	return sites
}

// booleanRequired reports each boolean required of a schema as an error;
// false when there is none, the refusal being about something else.
func (l *loader) booleanRequired() bool {
	sites := l.booleanSites()
	for _, kv := range sites {
		l.diags.Errorf(l.pos(kv[0]), "required: %s in a schema: a schema's required is the list of its properties that must be present (OpenAPI 3, JSON Schema); to require this property, name it in its parent object's required list, e.g. required: [name]", kv[1].Value)
	}
	return len(sites) > 0
}

// dropBooleanRequired returns src, the bytes kin-openapi refused, with the
// key of each boolean required of a schema renamed x-required, an
// extension nothing reads, and warns of each: the document means something
// by it (that a property, or a body, must be present) but says it in a way
// neither OpenAPI 3 nor JSON Schema defines, and a gateway that refused to
// load a published document for it would help no one; one that guessed
// would refuse requests on a guess. nil when some site cannot be edited in
// place (the refusal then stands, reported as before).
func (l *loader) dropBooleanRequired(src []byte) []byte {
	sites := l.booleanSites()
	edited := renameKeys(src, sites, "x-required")
	if edited == nil {
		return nil
	}
	for _, kv := range sites {
		l.diags.Warnf(l.pos(kv[0]), "required: %s in a schema is ignored: a schema's required is the list of its properties that must be present (OpenAPI 3, JSON Schema); to require this property, name it in its parent object's required list, e.g. required: [name]", kv[1].Value)
		kv[0].Value = "x-required"
	}
	return edited
}

// renameKeys returns src with the key of each of sites renamed to, quoted
// as it was; nil when there is no site or one cannot be edited in place.
func renameKeys(src []byte, sites [][2]*yaml.Node, to string) []byte {
	if len(sites) == 0 {
		return nil
	}
	lines := newLineIndex(src)
	var edits []byteEdit
	for _, kv := range sites {
		start, end, ok := scalarSpan(lines, kv[0])
		if !ok {
			return nil
		}
		text := to
		if kv[0].Style == yaml.DoubleQuotedStyle {
			text = `"` + to + `"`
		} else if kv[0].Style == yaml.SingleQuotedStyle {
			text = "'" + to + "'"
		}
		edits = append(edits, byteEdit{start, end, text})
	}
	return applyEdits(src, edits)
}

// strayRefSites returns the key and value of each $ref in a schema's place
// (under a schema or schemas key) that names a component of another kind,
// #/components/responses/… and the like, which kin-openapi refuses as "bad
// data … (expecting ref to schema object)". A $ref in a response's or a
// parameter's own place is left alone. Called only once kin-openapi has
// refused the document.
func (l *loader) strayRefSites() [][2]*yaml.Node {
	var sites [][2]*yaml.Node
	walk(l.root, func(n *yaml.Node, path []string) bool {
		k, v := entry(n, "$ref")
		if k == nil || v.Kind != yaml.ScalarNode || !inSchema(path) {
			return true
		}
		kind, ok := strings.CutPrefix(v.Value, "#/components/")
		if !ok {
			return true
		}
		if kind, _, _ = strings.Cut(kind, "/"); kind != "schemas" {
			sites = append(sites, [2]*yaml.Node{k, v})
		}
		return true
	})
	return sites
}

// inSchema reports whether path leads into a schema: through a schema or
// schemas key, the way every schema of an OpenAPI document is reached.
func inSchema(path []string) bool {
	for _, p := range path {
		if p == "schema" || p == "schemas" {
			return true
		}
	}
	return false
}

// dropStrayRefs returns src, the bytes kin-openapi refused, with each $ref
// of strayRefSites renamed x-ref, and warns of each: the schema is then the
// empty one, which accepts any value. The document's evident meaning (that
// response's schema, say) is not guessed: a response may have several
// media types, or none. nil when some site cannot be edited in place.
func (l *loader) dropStrayRefs(src []byte) []byte {
	sites := l.strayRefSites()
	edited := renameKeys(src, sites, "x-ref")
	if edited == nil {
		return nil
	}
	for _, kv := range sites {
		hint := "refer to a schema (#/components/schemas/…) instead"
		name := kv[1].Value[strings.LastIndexByte(kv[1].Value, '/')+1:]
		if _, schemas := entry(l.root, "components"); schemas != nil {
			if _, s := entry(schemas, "schemas"); s != nil {
				if k, _ := entry(s, name); k != nil {
					hint = "if #/components/schemas/" + name + ", of the same name, is the one meant, refer to it instead"
				}
			}
		}
		l.diags.Warnf(l.pos(kv[0]), "$ref %q names a %s, not a schema: this schema is taken as {}, which accepts any value; %s", kv[1].Value, componentKind(kv[1].Value), hint)
		kv[0].Value = "x-ref"
	}
	return edited
}

// componentKind names what a #/components/<kind>/… pointer points at.
func componentKind(ref string) string {
	kind, _, _ := strings.Cut(strings.TrimPrefix(ref, "#/components/"), "/")
	switch kind {
	case "responses":
		return "response"
	case "parameters":
		return "parameter"
	case "requestBodies":
		return "request body"
	case "securitySchemes":
		return "security scheme"
	case "pathItems":
		return "path item"
	}
	return strings.TrimSuffix(kind, "s")
}

var (
	pointerRE = regexp.MustCompile(` in (/[^ ]*)$`)
	lineRE    = regexp.MustCompile(`line (\d+): `)
)

func cleanKinMessage(s string) string {
	s = strings.TrimPrefix(s, "failed to unmarshal data: ")
	return s
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func firstFrames(stack []byte) string {
	lines := strings.Split(string(stack), "\n")
	if len(lines) > 16 {
		lines = lines[:16]
	}
	return strings.Join(lines, "\n")
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "an object"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return "a scalar"
	}
	return "nothing"
}

func deAlias(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// entry returns the key and value nodes of key in mapping m, or nils.
func entry(m *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
	m = deAlias(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], deAlias(m.Content[i+1])
		}
	}
	return nil, nil
}

// walk visits every node of the tree below n, depth first, with the keys
// leading to it; fn returns false to skip a node's children. Aliases are not
// followed, so a cyclic document terminates.
func walk(n *yaml.Node, fn func(n *yaml.Node, path []string) bool) {
	var rec func(n *yaml.Node, path []string, depth int)
	rec = func(n *yaml.Node, path []string, depth int) {
		if n == nil || depth > 10000 || !fn(n, path) {
			return
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				rec(n.Content[i+1], append(path, n.Content[i].Value), depth+1)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				rec(c, append(path, strconv.Itoa(i)), depth+1)
			}
		}
	}
	rec(n, nil, 0)
}

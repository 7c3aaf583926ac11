package load

import (
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/gatewaygen/gatewaygen/generator/diag"
	"github.com/gatewaygen/gatewaygen/generator/xgateway"
)

type gateway struct {
	root      xgateway.Root
	pathItems map[string]xgateway.Settings
	ops       map[OpKey]xgateway.Settings
}

// decodeGateway decodes every x-gateway object of the main file and runs the
// cross checks that need the whole document: upstream references, path
// rewrites and operations with no upstream. It reads only the node tree, so it
// reports even when kin-openapi could not load the document.
func (l *loader) decodeGateway() gateway {
	dec := &xgateway.Decoder{File: l.file}
	g := gateway{pathItems: map[string]xgateway.Settings{}, ops: map[OpKey]xgateway.Settings{}}
	if k, v := entry(l.root, "x-gateway"); k != nil {
		g.root = dec.DecodeRoot(k, v)
	}
	dec.CheckUpstream(&g.root, g.root.Upstream)

	type opRef struct {
		key OpKey
		pos diag.Pos
	}
	var ops []opRef
	if _, paths := entry(l.root, "paths"); paths != nil && paths.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(paths.Content); i += 2 {
			tmpl := paths.Content[i].Value
			// A path item given by $ref (a document split over files puts
			// each in its own) is read where it is, and what is decoded
			// there is located in that file.
			local := deAlias(paths.Content[i+1])
			item, file := l.follow(local, l.file)
			// An x-gateway beside the $ref is the document's own word on
			// the path item (the file referred to may be shared) and wins.
			xgItem, xgFile := item, file
			if k, _ := entry(local, "x-gateway"); k != nil {
				xgItem, xgFile = local, l.file
			}
			dec.File = xgFile
			if k, v := entry(xgItem, "x-gateway"); k != nil {
				s := dec.DecodeSettings(k, v, xgateway.WherePathItem)
				dec.CheckUpstream(&g.root, s.Upstream)
				dec.CheckPath(s.Path, tmpl)
				g.pathItems[tmpl] = s
			}
			for _, m := range methods {
				mk, op := entry(item, m)
				if mk == nil || op == nil || op.Kind != yaml.MappingNode {
					continue
				}
				key := OpKey{Method: strings.ToUpper(m), Path: tmpl}
				ops = append(ops, opRef{key, posAt(file, mk)})
				dec.File = file
				if k, v := entry(op, "x-gateway"); k != nil {
					s := dec.DecodeSettings(k, v, xgateway.WhereOperation)
					dec.CheckUpstream(&g.root, s.Upstream)
					dec.CheckPath(s.Path, tmpl)
					g.ops[key] = s
				}
			}
		}
		dec.File = l.file
	}
	// Verification material on a security scheme itself joins the root's
	// x-gateway.security; one scheme may have it in one place only.
	if _, comps := entry(l.root, "components"); comps != nil {
		if _, schemes := entry(comps, "securitySchemes"); schemes != nil && schemes.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(schemes.Content); i += 2 {
				name := schemes.Content[i].Value
				local := deAlias(schemes.Content[i+1])
				scheme, file := l.follow(local, l.file)
				if k, _ := entry(local, "x-gateway"); k != nil {
					scheme, file = local, l.file // beside the $ref: the document's own, as for a path item
				}
				k, v := entry(scheme, "x-gateway")
				if k == nil {
					continue
				}
				dec.File = file
				a := dec.SchemeAuth(name, posAt(file, k), deAlias(v), "components.securitySchemes."+name+".x-gateway")
				dec.File = l.file
				dup := false
				for _, prev := range g.root.Security {
					if prev.Scheme == name {
						dec.Diags.Errorf(a.Pos, "components.securitySchemes.%s.x-gateway: the scheme's material is also given at %s; keep one", name, prev.Pos)
						dup = true
					}
				}
				if !dup {
					g.root.Security = append(g.root.Security, a)
				}
			}
		}
	}

	// Where to proxy: an operation with no upstream can still be served by a
	// gateway started with --mock or --upstream, so this is a warning.
	var missing []opRef
	for _, op := range ops {
		if g.root.Upstream.Set || g.pathItems[op.key.Path].Upstream.Set || g.ops[op.key].Upstream.Set {
			continue
		}
		missing = append(missing, op)
	}
	anyUpstream := g.root.Upstream.Set || len(g.root.Upstreams) > 0
	for _, s := range g.pathItems {
		anyUpstream = anyUpstream || s.Upstream.Set
	}
	for _, s := range g.ops {
		anyUpstream = anyUpstream || s.Upstream.Set
	}
	switch {
	case len(missing) == 0:
	case !anyUpstream:
		// A document with no x-gateway routing at all gets one warning, not
		// one per operation.
		dec.Diags.Warnf(diag.Pos{File: l.file}, "no upstream is set for any of the %d operations; they go to the upstream named \"default\", which has no targets until the gateway starts with --upstream default=URL (or set x-gateway.upstreams and x-gateway.upstream at the root; --mock answers from examples)", len(missing))
	default:
		for _, op := range missing {
			dec.Diags.Warnf(op.pos, "%s: no upstream is set; it goes to the upstream named \"default\", which has no targets until the gateway starts with --upstream default=URL (or set x-gateway.upstream at the root, path item or operation)", op.key)
		}
	}
	l.diags = append(l.diags, dec.Diags...)
	return g
}

// maxRefHops bounds a chain of $refs that follow tries: a longer one is
// a loop, which kin-openapi reports.
const maxRefHops = 16

// follow returns the object n stands for, following a $ref in it (to a
// pointer in its own file, or to a file beside it and a pointer there) and
// any $ref the target holds in turn, with the file the object is in. What
// cannot be followed (a remote URL, a file that cannot be read or parsed,
// a pointer to nothing, a loop) leaves n as it is: checkRefs and
// kin-openapi report those.
func (l *loader) follow(n *yaml.Node, file string) (*yaml.Node, string) {
	for range maxRefHops {
		_, ref := entry(n, "$ref")
		if ref == nil || ref.Kind != yaml.ScalarNode {
			return n, file
		}
		u, err := url.Parse(ref.Value)
		if err != nil || u.Scheme != "" || u.Host != "" {
			return n, file
		}
		root, at := l.fileRoot(file), file
		if u.Path != "" {
			p := filepath.FromSlash(u.Path)
			if !filepath.IsAbs(p) {
				p = filepath.Join(filepath.Dir(file), p)
			}
			root, at = l.fileRoot(p), p
		}
		if root == nil {
			return n, file
		}
		target, ok := lookupPointer(root, u.EscapedFragment())
		if !ok || target == nil {
			return n, file
		}
		target = deAlias(target)
		n, file = target, at
	}
	return n, file
}

// fileRoot is the node tree of file: the main file's, or another's, read
// and parsed once; nil when it cannot be.
func (l *loader) fileRoot(file string) *yaml.Node {
	if file == l.file {
		return l.root
	}
	if n, ok := l.others[file]; ok {
		return n
	}
	var root *yaml.Node
	if data, err := os.ReadFile(file); err == nil {
		var doc yaml.Node
		if d, ok := parseJSON(data); ok {
			doc = *d
		} else if yaml.Unmarshal(data, &doc) != nil {
			doc = yaml.Node{}
		}
		if len(doc.Content) > 0 {
			root = deAlias(doc.Content[0])
		}
	}
	if l.others == nil {
		l.others = map[string]*yaml.Node{}
	}
	l.others[file] = root
	return root
}

// walkPointer follows the JSON pointer frag ("/a/b~1c") from root: the node
// reached, or nil with the token not found and the tokens before it.
func walkPointer(root *yaml.Node, frag string) (n *yaml.Node, missing string, at []string) {
	n = root
	for _, tok := range strings.Split(frag[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		var next *yaml.Node
		switch n.Kind {
		case yaml.MappingNode:
			_, next = entry(n, tok)
		case yaml.SequenceNode:
			next = posIndex(n, tok)
		}
		if next == nil {
			return nil, tok, at
		}
		at = append(at, tok)
		n = deAlias(next)
	}
	return n, "", at
}

// posAt is where n is in file.
func posAt(file string, n *yaml.Node) diag.Pos {
	if n == nil || n.Line == 0 {
		return diag.Pos{File: file}
	}
	return diag.Pos{File: file, Line: n.Line, Col: n.Column}
}

// checkRefs reports every $ref of the main file that cannot work: a remote
// URL, a local pointer to nothing, a relative file that does not exist. It
// returns false when it reported something.
func (l *loader) checkRefs() bool {
	ok := true
	dir := filepath.Dir(l.file)
	walk(l.root, func(n *yaml.Node, keys []string) bool {
		if len(keys) > 0 {
			last := keys[len(keys)-1]
			// Data, not schema: a "$ref" inside is a value.
			if last == "example" || last == "examples" || last == "default" || last == "enum" || last == "const" || strings.HasPrefix(last, "x-") {
				return false
			}
		}
		k, v := entry(n, "$ref")
		if k == nil || v.Kind != yaml.ScalarNode {
			return true
		}
		// A property named "$ref" under properties is a schema, not a ref.
		if len(keys) > 0 && keys[len(keys)-1] == "properties" {
			return true
		}
		ref := v.Value
		u, err := url.Parse(ref)
		switch {
		case err != nil:
			l.diags.Errorf(l.pos(v), "bad $ref %q: %v", ref, err)
			ok = false
		case u.Scheme != "" || u.Host != "":
			l.diags.Errorf(l.pos(v), "$ref %q: remote $ref is not supported; download the file and refer to it by a path relative to the spec", ref)
			ok = false
		case u.Path == "":
			if msg := l.resolvePointer(u.Fragment); msg != "" {
				l.diags.Errorf(l.pos(v), "broken $ref %q: %s", ref, msg)
				ok = false
			}
		default:
			p := filepath.FromSlash(u.Path)
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
			if _, err := os.Stat(p); err != nil {
				l.diags.Errorf(l.pos(v), "broken $ref %q: file %s not found", ref, path.Clean(filepath.ToSlash(p)))
				ok = false
			}
		}
		return true
	})
	return ok
}

// resolvePointer follows a JSON pointer fragment in the main file and
// describes what is missing, or returns "".
func (l *loader) resolvePointer(frag string) string {
	if !strings.HasPrefix(frag, "/") {
		return "" // none, or a plain-name fragment ($anchor), left to kin-openapi
	}
	n, missing, at := walkPointer(l.root, frag)
	if n != nil {
		return ""
	}
	where := "the document root"
	if len(at) > 0 {
		where = strings.Join(at, ".")
	}
	return "no " + strconvQuote(missing) + " in " + where
}

func posIndex(n *yaml.Node, tok string) *yaml.Node {
	i := 0
	for _, c := range tok {
		if c < '0' || c > '9' || i > 1<<20 {
			return nil
		}
		i = i*10 + int(c-'0')
	}
	if tok == "" || i >= len(n.Content) {
		return nil
	}
	return n.Content[i]
}

func strconvQuote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

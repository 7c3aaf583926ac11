package load

import (
	"go.yaml.in/yaml/v4"
)

// checkDuplicateKeys reports every key that a mapping of the document
// repeats. YAML 1.2 requires the keys of a mapping to be unique (§3.2.1.1):
// in a YAML document a repeat is an error at the second key, naming the
// first, since kin-openapi would keep the last and drop the first without a
// word (a second "/pets:" silently removing the first's operations). RFC
// 8259 leaves a JSON object with repeated names to each parser, and the
// parsers a JSON document's author checks it with (JavaScript's, Python's,
// Go's) all keep the last: so in JSON a repeat is a warning that says which
// one is dropped, and the earlier pair is removed from the tree, so that
// what gatewaygen reads of the document (x-gateway, positions) is what
// kin-openapi reads. Within x-gateway, which is gatewaygen's own, a repeat
// is an error in either syntax.
func (l *loader) checkDuplicateKeys(root *yaml.Node, json bool) bool {
	ok := true
	var seen map[string]int // reused across large mappings
	var rec func(n *yaml.Node, depth int, gateway bool)
	rec = func(n *yaml.Node, depth int, gateway bool) {
		if n == nil || depth > 10000 {
			return
		}
		switch n.Kind {
		case yaml.MappingNode:
			var drop map[int]bool // earlier keys a JSON repeat replaces
			repeat := func(i, j int) {
				k := n.Content[i]
				if !json || gateway || k.Value == "x-gateway" {
					l.duplicate(k, n.Content[j])
					ok = false
					return
				}
				l.diags.Warnf(l.pos(k), "duplicate key %q: the one at line %d, column %d is dropped and this one read, as JSON parsers keep the last (RFC 8259 §4 leaves it to them); remove one of the two", k.Value, n.Content[j].Line, n.Content[j].Column)
				if drop == nil {
					drop = map[int]bool{}
				}
				drop[j] = true
			}
			// Most mappings are small: a linear scan costs less than a map.
			if len(n.Content) <= 32 {
				for i := 2; i+1 < len(n.Content); i += 2 {
					for j := i - 2; j >= 0; j -= 2 {
						if sameKey(n.Content[i], n.Content[j]) {
							repeat(i, j)
							break
						}
					}
				}
			} else {
				if seen == nil {
					seen = make(map[string]int, len(n.Content)/2)
				}
				clear(seen)
				for i := 0; i+1 < len(n.Content); i += 2 {
					k := n.Content[i]
					if k.Kind != yaml.ScalarNode || k.Value == "<<" {
						continue
					}
					if j, dup := seen[k.Value]; dup {
						repeat(i, j)
					}
					seen[k.Value] = i
				}
			}
			if drop != nil {
				kept := n.Content[:0]
				for i := 0; i+1 < len(n.Content); i += 2 {
					if !drop[i] {
						kept = append(kept, n.Content[i], n.Content[i+1])
					}
				}
				n.Content = kept
			}
			for i := 1; i < len(n.Content); i += 2 {
				rec(n.Content[i], depth+1, gateway || n.Content[i-1].Value == "x-gateway")
			}
		case yaml.SequenceNode, yaml.DocumentNode:
			for _, c := range n.Content {
				rec(c, depth+1, gateway)
			}
		}
		// An alias repeats a node checked where it was anchored.
	}
	rec(root, 0, false)
	return ok
}

// sameKey reports whether two mapping keys are the same scalar; a merge
// key (<<) may appear more than once.
func sameKey(a, b *yaml.Node) bool {
	return a.Kind == yaml.ScalarNode && b.Kind == yaml.ScalarNode && a.Value == b.Value && a.Value != "<<"
}

func (l *loader) duplicate(k, first *yaml.Node) {
	l.diags.Errorf(l.pos(k), "duplicate key %q: it is also at line %d, column %d; the keys of a mapping must be unique, and only one of the two would be read", k.Value, first.Line, first.Column)
}

package load

import (
	"go.yaml.in/yaml/v4"
)

// checkDuplicateKeys reports every key that a mapping of the document
// repeats. YAML 1.2 requires the keys of a mapping to be unique (§3.2.1.1)
// and RFC 8259 leaves a JSON object with repeated names to each parser;
// kin-openapi keeps the last and drops the first without a word, so a
// second "/pets:" would silently remove the operations of the first from
// the gateway. A repeat is an error at the second key, naming the first.
func (l *loader) checkDuplicateKeys(root *yaml.Node) bool {
	ok := true
	var seen map[string]*yaml.Node // reused across large mappings
	var rec func(n *yaml.Node, depth int)
	rec = func(n *yaml.Node, depth int) {
		if n == nil || depth > 10000 {
			return
		}
		switch n.Kind {
		case yaml.MappingNode:
			// Most mappings are small: a linear scan costs less than a map.
			if len(n.Content) <= 32 {
				for i := 2; i+1 < len(n.Content); i += 2 {
					for j := 0; j < i; j += 2 {
						if sameKey(n.Content[i], n.Content[j]) {
							l.duplicate(n.Content[i], n.Content[j])
							ok = false
							break
						}
					}
				}
			} else {
				if seen == nil {
					seen = make(map[string]*yaml.Node, len(n.Content)/2)
				}
				clear(seen)
				for i := 0; i+1 < len(n.Content); i += 2 {
					k := n.Content[i]
					if k.Kind != yaml.ScalarNode || k.Value == "<<" {
						continue
					}
					if first, dup := seen[k.Value]; dup {
						l.duplicate(k, first)
						ok = false
						continue
					}
					seen[k.Value] = k
				}
			}
			for i := 1; i < len(n.Content); i += 2 {
				rec(n.Content[i], depth+1)
			}
		case yaml.SequenceNode, yaml.DocumentNode:
			for _, c := range n.Content {
				rec(c, depth+1)
			}
		}
		// An alias repeats a node checked where it was anchored.
	}
	rec(root, 0)
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

package portal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// maxBlob bounds the searchable text of one entry, so that the index of a
// document with long descriptions stays small enough to load on demand.
const maxBlob = 1200

// searchIndex is search.js: one array, each entry [url, method or
// "schema", path or name, summary, a line of the description, the
// lower-case text searched, the operation id]. It is a script rather than
// JSON because a page opened from file:// may load a script but not fetch.
func (s *site) searchIndex() ([]byte, error) {
	var entries [][7]string
	for _, v := range s.Ops {
		o := v.op
		words := []string{o.Method, v.FullPath, v.ID, o.Summary, o.Description}
		words = append(words, o.Tags...)
		for _, p := range o.Params {
			words = append(words, p.Name)
		}
		names := map[string]bool{}
		if o.Body != nil {
			for _, m := range o.Body.Media {
				s.propNames(m.Schema, names, 0, map[string]bool{})
			}
		}
		for _, r := range o.Responses {
			for _, m := range r.Media {
				s.propNames(m.Schema, names, 1, map[string]bool{})
			}
		}
		words = append(words, sortedKeys(names)...)
		entries = append(entries, [7]string{v.URL, o.Method, v.FullPath, o.Summary, firstLine(o.Description), blob(words), v.ID})
	}
	for _, sc := range s.Schemas {
		names := map[string]bool{}
		s.propNames(sc.schema, names, 1, map[string]bool{})
		words := append([]string{sc.Name}, sortedKeys(names)...)
		entries = append(entries, [7]string{sc.URL, "schema", sc.Name, "", "", blob(words), ""})
	}
	for _, v := range s.Webhooks {
		h := v.hook
		names := map[string]bool{}
		for _, m := range h.Body {
			s.propNames(m.Schema, names, 0, map[string]bool{})
		}
		words := append([]string{"webhook", h.Name, h.Operation, h.Summary, h.Description}, sortedKeys(names)...)
		entries = append(entries, [7]string{"webhooks.html#" + v.Slug, h.Method, v.Title, h.Summary, firstLine(h.Description), blob(words), ""})
	}
	var b bytes.Buffer
	b.WriteString("window.gatewaygenIndex = ")
	enc := json.NewEncoder(&b)
	if err := enc.Encode(entries); err != nil {
		return nil, fmt.Errorf("portal: search index: %w", err)
	}
	b.Truncate(b.Len() - 1)
	b.WriteString(";\n")
	return b.Bytes(), nil
}

// propNames adds the property names of sch to names, through named
// schemas, down to a few levels.
func (s *site) propNames(sch *ir.Schema, names map[string]bool, depth int, seen map[string]bool) {
	if sch == nil || depth > 3 {
		return
	}
	if sch.Ref != "" {
		if seen[sch.Ref] {
			return
		}
		seen[sch.Ref] = true
		s.propNames(s.named[sch.Ref], names, depth+1, seen)
		return
	}
	for _, p := range sch.Properties {
		names[p.Name] = true
		s.propNames(p.Schema, names, depth+1, seen)
	}
	s.propNames(sch.Items, names, depth, seen)
	for _, l := range [][]*ir.Schema{sch.AllOf, sch.OneOf, sch.AnyOf} {
		for _, c := range l {
			s.propNames(c, names, depth, seen)
		}
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func blob(words []string) string {
	return clip(strings.ToLower(strings.Join(strings.Fields(strings.Join(words, " ")), " ")), maxBlob)
}

// firstLine is the first sentence-ish line of a description, for results.
func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return clip(s, 160)
}

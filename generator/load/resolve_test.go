package load

import (
	"os"
	"strings"
	"testing"
)

// refDoc is a document whose components.schemas are the given YAML lines,
// indented under "schemas:".
func refDoc(version string, schemas ...string) string {
	var b strings.Builder
	b.WriteString("openapi: " + version + "\ninfo: {title: T, version: \"1\"}\npaths: {}\ncomponents:\n  schemas:\n")
	for _, s := range schemas {
		b.WriteString("    " + s + "\n")
	}
	return b.String()
}

// resolvePass runs the loader up to resolveRefs over src and returns the
// bytes kin-openapi would read.
func resolvePass(t *testing.T, version, src string) string {
	t.Helper()
	file := write(t, t.TempDir(), "api.yaml", src)
	l := &loader{file: file}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	root, ok := l.parse(data)
	if !ok {
		t.Fatalf("parse: %s", l.diags)
	}
	l.root = root
	if out := l.resolveRefs(data, version); out != nil {
		return string(out)
	}
	return src
}

func TestResolveRefs(t *testing.T) {
	for _, tc := range []struct {
		name, version string
		schemas       []string
		want          []string // lines of the resolved document
		loads         bool     // the document loads without errors
	}{{
		name:    "const null becomes enum [null] in 3.1, which kin-openapi keeps",
		version: "3.1.0",
		schemas: []string{
			`A: {properties: {p: {const: null}, q: {const: null, enum: [null, 1]}}}`,
		},
		want: []string{
			`A: {properties: {p: {"enum": [null]}, q: {const: null, enum: [null, 1]}}}`,
		},
		loads: true,
	}, {
		name:    "$id sets the base of a pointer ref",
		version: "3.1.0",
		schemas: []string{
			`A: {$id: "http://example.com/a.json", $defs: {x: {type: integer}}, properties: {p: {$ref: "#/$defs/x"}}}`,
			`B: {$ref: "http://example.com/a.json#/$defs/x"}`,
		},
		want: []string{
			`A: {$id: "http://example.com/a.json", $defs: {x: {type: integer}}, properties: {p: {$ref: "#/components/schemas/A/$defs/x"}}}`,
			`B: {$ref: "#/components/schemas/A/$defs/x"}`,
		},
		loads: true,
	}, {
		name:    "nested $id resolves against the nearest parent",
		version: "3.1.0",
		schemas: []string{
			`A: {$id: "http://example.com/root/a.json", $defs: {n: {$id: "nested/b.json", not: {$defs: {y: {$id: "c.json", type: string}}}}}}`,
			`B: {$ref: "http://example.com/root/nested/c.json"}`,
			`C: {$ref: "http://example.com/root/c.json"}`,
		},
		want: []string{
			`B: {$ref: "#/components/schemas/A/$defs/n/not/$defs/y"}`,
			`C: {$ref: "http://example.com/root/c.json"}`, // no such resource
		},
	}, {
		name:    "$anchor and $dynamicAnchor",
		version: "3.1.0",
		schemas: []string{
			`A: {$defs: {x: {$anchor: foo, type: integer}, y: {$dynamicAnchor: bar}}, title: "héllo ☃", items: {$ref: "#foo"}, contains: {$ref: '#bar'}}`,
		},
		want:  []string{`items: {$ref: "#/components/schemas/A/$defs/x"}, contains: {$ref: "#/components/schemas/A/$defs/y"}`},
		loads: true,
	}, {
		name:    "URN $id, with a pointer, an anchor and nothing",
		version: "3.1.0",
		schemas: []string{
			`A: {$id: "urn:uuid:deadbeef-1234", $defs: {b: {$anchor: s, type: string}}}`,
			`B: {$ref: "urn:uuid:deadbeef-1234#/$defs/b"}`,
			`C: {$ref: "urn:uuid:deadbeef-1234#s"}`,
			`D: {$ref: "urn:uuid:deadbeef-1234"}`,
		},
		want: []string{
			`B: {$ref: "#/components/schemas/A/$defs/b"}`,
			`C: {$ref: "#/components/schemas/A/$defs/b"}`,
			`D: {$ref: "#/components/schemas/A"}`,
		},
		loads: true,
	}, {
		name:    "draft-4 id in 3.0, with a plain-name fragment",
		version: "3.0.3",
		schemas: []string{
			`A: {id: "http://example.com/a.json", properties: {p: {id: "#foo", type: integer}}}`,
			`B: {$ref: "http://example.com/a.json#foo"}`,
			`C: {$ref: "http://example.com/a.json#/properties/p"}`,
		},
		want: []string{
			`B: {$ref: "#/components/schemas/A/properties/p"}`,
			`C: {$ref: "#/components/schemas/A/properties/p"}`,
		},
	}, {
		name:    "$id in 3.0 and id in 3.1 are not identifiers",
		version: "3.0.3",
		schemas: []string{
			`A: {$id: "http://example.com/a.json"}`,
			`B: {$ref: "http://example.com/a.json"}`,
		},
		want: []string{`B: {$ref: "http://example.com/a.json"}`},
	}, {
		name:    "$id inside enum, const and examples is data",
		version: "3.1.0",
		schemas: []string{
			`A: {enum: [{$id: "http://x/e"}], const: {$id: "http://x/c"}, examples: [{$id: "http://x/x"}]}`,
			`B: {anyOf: [{$ref: "http://x/e"}, {$ref: "http://x/c"}, {$ref: "http://x/x"}]}`,
		},
		want: []string{`B: {anyOf: [{$ref: "http://x/e"}, {$ref: "http://x/c"}, {$ref: "http://x/x"}]}`},
	}, {
		name:    "3.1 $ref with an asserting sibling applies both",
		version: "3.1.0",
		schemas: []string{
			`A: {$ref: "#/components/schemas/B", properties: {p: {type: string}}}`,
			`B: {allOf: [{type: object}], $ref: "#/components/schemas/C", minProperties: 1}`,
			`C: {$ref: "#/components/schemas/D", description: only an annotation}`,
			`D: {type: object}`,
		},
		want: []string{
			`A: {"allOf": [{"$ref": "#/components/schemas/B"}], properties: {p: {type: string}}}`,
			`B: {allOf: [{type: object}], "anyOf": [{"$ref": "#/components/schemas/C"}], minProperties: 1}`,
			`C: {$ref: "#/components/schemas/D", description: only an annotation}`,
		},
		loads: true,
	}, {
		name:    "a $ref to a boolean schema names its object form",
		version: "3.1.0",
		schemas: []string{
			`A: {$ref: "#/components/schemas/A/$defs/t", $defs: {t: true, f: false, u: true}}`,
			`B: {$ref: "#/components/schemas/A/$defs/f"}`,
			`C: {$ref: "#/components/schemas/A/$defs/f"}`,
		},
		want:  []string{`A: {"allOf": [{"$ref": "#/components/schemas/A/$defs/t"}], $defs: {t: {}, f: {"not": {}}, u: true}}`},
		loads: true,
	}, {
		name:    "a $dynamicRef whose target bookends its anchor stays dynamic, by pointer",
		version: "3.1.0",
		schemas: []string{
			`L: {$id: "https://x.test/list", items: {$dynamicRef: "#item"}, $defs: {d: {$dynamicAnchor: item}}}`,
		},
		want:  []string{`L: {$id: "https://x.test/list", items: {$dynamicRef: "#/components/schemas/L/$defs/d"}, $defs: {d: {$dynamicAnchor: item}}}`},
		loads: true,
	}, {
		name:    "any other $dynamicRef becomes the $ref it behaves as",
		version: "3.1.0",
		schemas: []string{
			`L: {$id: "https://x.test/list", items: {$dynamicRef: "#item"}, prefixItems: [{$dynamicRef: "#/$defs/d"}], $defs: {d: {$anchor: item}}}`,
		},
		want:  []string{`L: {$id: "https://x.test/list", items: {"$ref": "#/components/schemas/L/$defs/d"}, prefixItems: [{"$ref": "#/components/schemas/L/$defs/d"}], $defs: {d: {$anchor: item}}}`},
		loads: true,
	}, {
		name:    "a $ref beside $id is wrapped, so that the resource survives loading",
		version: "3.1.0",
		schemas: []string{
			`R: {$id: "https://x.test/r", $ref: "#/$defs/x", $defs: {x: {type: string}}}`,
		},
		want:  []string{`R: {$id: "https://x.test/r", "allOf": [{"$ref": "#/components/schemas/R/$defs/x"}], $defs: {x: {type: string}}}`},
		loads: true,
	}, {
		name:    "3.0 ignores siblings of $ref",
		version: "3.0.3",
		schemas: []string{
			`A: {$ref: "#/components/schemas/D", properties: {p: {type: string}}}`,
			`D: {type: object}`,
		},
		want:  []string{`A: {$ref: "#/components/schemas/D", properties: {p: {type: string}}}`},
		loads: true,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			src := refDoc(tc.version, tc.schemas...)
			got := resolvePass(t, tc.version[:3], src)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("want a line with\n\t%s\ngot:\n%s", w, got)
				}
			}
			if strings.Count(got, "\n") != strings.Count(src, "\n") {
				t.Errorf("the pass changed the number of lines:\n%s", got)
			}
			if tc.loads {
				if d, diags := Load(write(t, t.TempDir(), "api.yaml", src)); d == nil || diags.HasErrors() {
					t.Errorf("Load:\n%s", diags)
				}
			}
		})
	}
}

// A $ref to a document that is not in the file stays an error at its own
// position, and positions after a rewritten $ref are those of the file.
func TestResolveRefsPositions(t *testing.T) {
	src := `{
  "openapi": "3.1.0",
  "info": {"title": "T", "version": "1"},
  "paths": {},
  "components": {
    "schemas": {
      "A": {
        "$id": "urn:example:a",
        "$defs": {"b": {"$anchor": "b", "type": "string"}},
        "$ref": "urn:example:a#b",
        "minLength": 1
      },
      "B": {
        "type": "object",
        "properties": {"x": {"$ref": "http://example.com/nowhere.json#/x"}}
      }
    }
  }
}
`
	file := write(t, t.TempDir(), "api.json", src)
	_, diags := Load(file)
	if got := diags.String(); !strings.Contains(got, "api.json:15:38: $ref \"http://example.com/nowhere.json#/x\": remote $ref is not supported") || strings.Contains(got, "urn:") {
		t.Fatalf("got:\n%s", got)
	}

	src = strings.Replace(src, `{"$ref": "http://example.com/nowhere.json#/x"}`, `{"type": "integer"}`, 1)
	file = write(t, t.TempDir(), "api.json", src)
	d, diags := Load(file)
	if d == nil || diags.HasErrors() {
		t.Fatalf("Load:\n%s", diags)
	}
	b := d.T.Components.Schemas["B"].Value
	if o := b.Origin; o == nil || o.Key == nil || o.Key.Line != 13 {
		t.Errorf("origin of B = %+v, want line 13", o)
	}
	if o := b.Properties["x"].Value.Origin; o == nil || o.Key == nil || o.Key.Line != 15 {
		t.Errorf("origin of B.x = %+v, want line 15", o)
	}
	a := d.T.Components.Schemas["A"].Value
	if len(a.AllOf) != 1 || a.AllOf[0].Ref != "#/components/schemas/A/$defs/b" || a.MinLength != 1 {
		t.Errorf("A = allOf %v, minLength %d", a.AllOf, a.MinLength)
	}
	if p := d.Pos("components", "schemas", "A", "allOf"); p.Line != 10 || p.Col != 9 {
		t.Errorf("Pos of the wrapped $ref = %s, want line 10 col 9", p)
	}
}

package load

import (
	"testing"
)

func TestLooks31(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"openapi: 3.1.0\n", true},
		{"openapi: '3.1.1'\n", true},
		{`{"openapi":"3.1.0"}`, true},
		{`{ "openapi" : "3.1.0" }`, true},
		{"openapi: 3.0.3\n", false},
		{`{"x-openapi-note": "3.1", "openapi": "3.0.3"}`, false},
		{"info: {description: see openapi.org}\nopenapi: 3.1.0\n", true},
		{"swagger: '2.0'\n", false},
		{"", false},
	} {
		if got := looks31([]byte(tc.in)); got != tc.want {
			t.Errorf("looks31(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// TestKinParseSchedule: whether kin-openapi's parse starts before the $ref
// pass (a 3.0 document) or after it (3.1), it reads the file as the pass
// left it, also when the guess from the bytes is wrong.
func TestKinParseSchedule(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		wantRef   string // components.schemas.B's $ref (or its allOf's) after loading
	}{
		{"3.0, edited: the early parse is not used",
			refDoc("3.0.3", `A: {type: integer}`, `B: {$ref: "api.yaml#/components/schemas/A"}`),
			"#/components/schemas/A"},
		{"3.0, not edited",
			refDoc("3.0.3", `A: {type: integer}`, `B: {$ref: "#/components/schemas/A"}`),
			"#/components/schemas/A"},
		{"3.1, edited",
			refDoc("3.1.0", `A: {type: integer}`, `B: {$ref: "#/components/schemas/A", minimum: 1}`),
			"#/components/schemas/A"},
		{"3.1, not edited",
			refDoc("3.1.0", `A: {type: integer}`, `B: {$ref: "#/components/schemas/A"}`),
			"#/components/schemas/A"},
		{"3.1 that looks like 3.0, edited",
			"x-note: {text: 'openapi: 3.0'}\n" + refDoc("3.1.0", `A: {type: integer}`, `B: {$ref: "#/components/schemas/A", minimum: 1}`),
			"#/components/schemas/A"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, diags := Load(write(t, t.TempDir(), "api.yaml", tc.src))
			if d == nil || diags.HasErrors() {
				t.Fatalf("Load:\n%s", diags)
			}
			b := d.T.Components.Schemas["B"]
			ref := b.Ref
			if b.Value != nil && len(b.Value.AllOf) == 1 {
				ref = b.Value.AllOf[0].Ref
				if b.Value.Min == nil || *b.Value.Min != 1 {
					t.Errorf("B lost its minimum: %+v", b.Value)
				}
			}
			if ref != tc.wantRef {
				t.Errorf("B's $ref = %q, want %q", ref, tc.wantRef)
			}
		})
	}
}

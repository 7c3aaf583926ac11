package load

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gatewaygen/gatewaygen/generator/internal/oracledata"
)

// locations lists every openapi3.Location reachable from v, through
// exported and unexported fields, maps (in key order) and interfaces, each
// with the way it was reached and its start and end as shift reads them.
func locations(v reflect.Value, shift originShift) []string {
	type seenKey struct {
		p uintptr
		t reflect.Type
	}
	var out []string
	seen := map[seenKey]bool{}
	locType := reflect.TypeFor[openapi3.Location]()
	var rec func(v reflect.Value, at string)
	rec = func(v reflect.Value, at string) {
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() {
				return
			}
			k := seenKey{v.Pointer(), v.Type()}
			if seen[k] {
				return
			}
			seen[k] = true
			rec(v.Elem(), at)
		case reflect.Interface:
			if !v.IsNil() {
				rec(v.Elem(), at)
			}
		case reflect.Struct:
			if v.Type() == locType {
				file := v.FieldByName("File").String()
				line, col := shift.pos(&openapi3.Location{File: file, Line: int(v.FieldByName("Line").Int()), Column: int(v.FieldByName("Column").Int())})
				endLine, endCol := shift.pos(&openapi3.Location{File: file, Line: int(v.FieldByName("EndLine").Int()), Column: int(v.FieldByName("EndColumn").Int())})
				out = append(out, fmt.Sprintf("%s: %s %d:%d-%d:%d", at, file, line, col, endLine, endCol))
				return
			}
			for i := range v.NumField() {
				rec(v.Field(i), at+"."+v.Type().Field(i).Name)
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				rec(v.Index(i), fmt.Sprintf("%s[%d]", at, i))
			}
		case reflect.Map:
			keys := v.MapKeys()
			sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
			for _, k := range keys {
				rec(v.MapIndex(k), fmt.Sprintf("%s[%v]", at, k))
			}
		}
	}
	rec(v, "T")
	return out
}

// sameOrigins loads file's bytes as written and through kinLoadStarted and
// reports every location that differs once the shift kinLoadStarted
// returns is applied: the marker must move nothing else.
func sameOrigins(t *testing.T, file string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	l := &loader{file: file}
	want, err := l.kinLoadBytes(data)
	if err != nil {
		t.Skipf("%s does not load: %v", file, err)
	}
	got, shift, ok := l.kinLoadStarted(data)
	if !ok {
		t.Fatalf("%s: kinLoadStarted did not load what loads as written", file)
	}
	g, w := locations(reflect.ValueOf(got), shift), locations(reflect.ValueOf(want), originShift{})
	if len(w) == 0 {
		t.Fatalf("%s: no origins at all", file)
	}
	if len(g) != len(w) {
		t.Fatalf("%s: %d locations, want %d", file, len(g), len(w))
	}
	bad := 0
	for i := range w {
		if g[i] != w[i] && bad < 5 {
			t.Errorf("%s:\n got %s\nwant %s", file, g[i], w[i])
			bad++
		}
	}
}

// TestKinLoadStarted: with the document start marker before a JSON
// document, kin-openapi's origins are those of the file as written, on the
// first line and the others, in the main file and in a file it refers to.
func TestKinLoadStarted(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "other.json", `{"Pet": {"type": "object", "properties": {"n": {"type": "integer", "example": 1}}}}`)
	oneLine := `{"openapi": "3.0.3", "info": {"title": "ééé", "version": "1"}, "paths": {"/a/{id}": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}], "get": {"parameters": [{"name": "q", "in": "query", "schema": {"type": "string", "enum": ["a", "b"]}}], "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}, "default": {"$ref": "#/components/responses/E"}}, "callbacks": {"cb": {"{$request.query.q}": {"post": {"responses": {"200": {"description": "ok"}}}}}}}}}, "components": {"schemas": {"A": {"allOf": [{"$ref": "#/components/schemas/B"}, {"type": "object", "required": ["x"], "properties": {"x": {"type": "array", "items": {"$ref": "#/components/schemas/A"}}}}]}, "B": {"type": "object", "properties": {"p": {"$ref": "other.json#/Pet"}}}}, "responses": {"E": {"description": "error"}}}}`
	pretty := strings.NewReplacer(`, "`, ",\n  \"", `{"`, "{\n  \"").Replace(oneLine)
	for _, tc := range []struct{ name, src string }{{"one line", oneLine}, {"pretty", pretty}} {
		t.Run(tc.name, func(t *testing.T) {
			sameOrigins(t, write(t, dir, "api.json", tc.src))
		})
	}
	// Left alone: not starting with "{", or holding a raw NEL.
	for _, src := range []string{" " + oneLine, strings.Replace(oneLine, "ééé", "\u0085", 1), "openapi: 3.0.3\n"} {
		if _, _, ok := (&loader{file: write(t, dir, "x.json", src)}).kinLoadStarted([]byte(src)); ok {
			t.Errorf("kinLoadStarted took %.30q", src)
		}
	}
}

// TestKinLoadStartedCorpus compares the origins on the corpus' JSON
// documents of up to 400 kB (the larger ones take seconds each).
func TestKinLoadStartedCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("loads corpus documents twice; skipped in -short mode")
	}
	dir := oracledata.Shared(t, "corpus-jsonparse", "specs-corpus")
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	n := 0
	for _, f := range files {
		if st, err := os.Stat(f); err != nil || st.Size() > 400<<10 {
			continue
		}
		n++
		t.Run(filepath.Base(f), func(t *testing.T) { sameOrigins(t, f) })
	}
	if n < 20 {
		t.Errorf("only %d documents compared", n)
	}
}

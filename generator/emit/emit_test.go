package emit

import (
	"bytes"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gatewaygen/gatewaygen/generator/ir"
	"github.com/gatewaygen/gatewaygen/generator/load"
	"github.com/gatewaygen/gatewaygen/generator/lower"
)

var testConfig = Config{ImportPath: "example.com/emit/test", Runtime: "github.com/gatewaygen/gatewaygen/runtime"}

// lowered loads and lowers the spec at path, failing on any error.
func lowered(t *testing.T, path string) *ir.API {
	t.Helper()
	doc, diags := load.Load(path)
	if doc == nil || diags.HasFatal() {
		t.Fatalf("load %s: %v", path, diags)
	}
	api, more := lower.Lower(doc)
	if more.HasFatal() {
		t.Fatalf("lower %s: %v", path, more)
	}
	return api
}

// TestFilesAnyEmitterOrder pins that no emitter depends on running after
// another: with the emitters reversed every file is the same, and validators.go
// holds the same validators (in the order they were asked for).
func TestFilesAnyEmitterOrder(t *testing.T) {
	for _, name := range []string{"responses", "params31", "bodies31", "features30", "polymorphic30"} {
		t.Run(name, func(t *testing.T) {
			api := lowered(t, filepath.Join("..", "..", "testdata", "golden", name, "spec.yaml"))
			want, err := Files(api, testConfig)
			if err != nil {
				t.Fatal(err)
			}
			for file := range want {
				if strings.HasPrefix(file, docsDir+"/") {
					delete(want, file) // the portal's pages come from no emitter
				}
			}
			g := newGen(api, testConfig)
			es := g.emitters()
			slices.Reverse(es)
			got, err := g.files(es)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("got %d files, want %d", len(got), len(want))
			}
			for file, w := range want {
				if file == "validators.go" {
					if gd, wd := decls(t, got[file]), decls(t, w); !slices.Equal(gd, wd) {
						t.Errorf("validators.go: reversed emitters give %d declarations, in order %d; first difference:\n%s", len(gd), len(wd), firstDifferent(gd, wd))
					}
					continue
				}
				if !bytes.Equal(got[file], w) {
					t.Errorf("%s differs when the emitters run in reverse", file)
				}
			}
		})
	}
}

// decls returns the top-level declarations of a Go file, each printed,
// sorted.
func decls(t *testing.T, src []byte) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "validators.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, 0, len(f.Decls))
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
			continue
		}
		var b bytes.Buffer
		if err := format.Node(&b, fset, d); err != nil {
			t.Fatal(err)
		}
		out = append(out, b.String())
	}
	slices.Sort(out)
	return out
}

func firstDifferent(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return a[i] + "\nversus\n" + b[i]
		}
	}
	return "(one list is a prefix of the other)"
}

// twoLists declares the same inline answer schema, an array of Pet, on two
// operations, as many documents do for a list and a search.
const twoLists = `openapi: 3.0.3
info: {title: Lists, version: "1"}
x-gateway:
  name: lists
  upstreams:
    main: {targets: ["http://127.0.0.1:9301"]}
  upstream: main
  response-validation: {enabled: true, sample: 1}
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        "200":
          description: The pets.
          content:
            application/json:
              schema: {type: array, maxItems: 50, items: {$ref: "#/components/schemas/Pet"}}
  /pets/search:
    get:
      operationId: searchPets
      responses:
        "200":
          description: The pets found.
          content:
            application/json:
              schema: {type: array, maxItems: 50, items: {$ref: "#/components/schemas/Pet"}}
  /pets/old:
    get:
      operationId: oldPets
      responses:
        "200":
          description: At most ten old pets.
          content:
            application/json:
              schema: {type: array, maxItems: 10, items: {$ref: "#/components/schemas/Pet"}}
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string}
`

// TestGeneratedOnce counts pieces of generated code that a careful writer
// puts down once: the response checkers' configuration (a table, built in
// one loop), Validate's request state, an integer parameter's checks
// (whether it was sent plain or percent-encoded), and the validator of an
// answer schema written out twice in the document, the check of answers
// declared alike, the authorize function of a requirement several
// operations declare and the decoder of parameters they declare alike.
func TestGeneratedOnce(t *testing.T) {
	dir := t.TempDir()
	lists := filepath.Join(dir, "lists.yaml")
	if err := os.WriteFile(lists, []byte(twoLists), 0o644); err != nil {
		t.Fatal(err)
	}
	golden := func(name string) string { return filepath.Join("..", "..", "testdata", "golden", name, "spec.yaml") }
	for _, c := range []struct {
		name, spec, file, code string
		want                   int
	}{
		{"checker configs are one table", golden("responses"), "gateway.go", "contract.New(", 1},
		{"Validate acquires its state once", golden("responses"), "gateway.go", "request.Acquire()", 1},
		{"an integer enum is checked in one place", golden("features30"), "params.go", `"query.level", "enum"`, 1},
		{"an integer minimum is checked in one place", golden("params31"), "params.go", `"query.page", "minimum"`, 1},
		{"one validator for an answer schema written twice", lists, "validators.go", "Response200(it *jsonv.Iter", 2},
		{"a schema that differs keeps its own", lists, "responses.go", "c.Validate(validateOldPetsResponse200)", 1},
		{"one check for operations that declare the same answers", lists, "responses.go", "Response(ctx *fasthttp.RequestCtx", 2},
		{"both handlers call it", lists, "handlers.go", "checkListPetsResponse(ctx, ", 2},
		{"one authorize function for operations with the same requirement", golden("anomaly30"), "auth.go", "func (g *Gateway) authorize", 1},
		{"both handlers call the shared authorize function", golden("anomaly30"), "handlers.go", "g.authorizeKey(ctx, st)", 2},
		{"one decoder for operations whose parameters decode alike", golden("responses"), "params.go", "func (p *GetPetParams) decode(", 1},
		{"the other operation's parameters are its type", golden("responses"), "params.go", "type DeletePetParams = GetPetParams", 1},
		{"and have no decoder of their own", golden("responses"), "params.go", "func (p *DeletePetParams) decode(", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			files, err := Files(lowered(t, c.spec), testConfig)
			if err != nil {
				t.Fatal(err)
			}
			src, ok := files[c.file]
			if !ok {
				t.Fatalf("no %s generated", c.file)
			}
			if n := strings.Count(string(src), c.code); n != c.want {
				t.Errorf("%s holds %q %d times, want %d", c.file, c.code, n, c.want)
			}
		})
	}
}

package lower

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/gatewaygen/gatewaygen/generator/diag"
)

// TestSecurity checks that each operation carries the requirement OpenAPI
// applies to it: its own, else the document's; security: [] makes it
// public and {} inside the list makes authentication optional.
func TestSecurity(t *testing.T) {
	spec := filepath.Join(t.TempDir(), "sec.yaml")
	err := os.WriteFile(spec, []byte(`openapi: 3.0.3
info: {title: sec, version: "1"}
security: [{key: []}]
paths:
  /default:
    get: {responses: {"200": {description: ok}}}
  /public:
    get: {security: [], responses: {"200": {description: ok}}}
  /either:
    get:
      security: [{bearer: [read, write], key: []}, {}]
      responses: {"200": {description: ok}}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
    bearer:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: https://id.example.com/token
          scopes: {write: may write, read: may read}
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	api := lowerFile(t, spec)
	for _, c := range []struct{ path, want string }{
		{"/default", `[[{"scheme":"key"}]]`},
		{"/public", `[]`},
		{"/either", `[[{"scheme":"bearer","scopes":["read","write"]},{"scheme":"key"}],[]]`},
	} {
		got, _ := json.Marshal(op(t, api, "GET", c.path).Security)
		if string(got) != c.want {
			t.Errorf("GET %s: security %s, want %s", c.path, got, c.want)
		}
	}
	if len(api.SecuritySchemes) != 2 || api.SecuritySchemes[0].Pos.Line != 16 || api.SecuritySchemes[1].Pos.Line != 15 {
		t.Fatalf("security schemes: want bearer at line 16 and key at line 15, got %+v", api.SecuritySchemes)
	}
	for _, s := range api.SecuritySchemes {
		s.Pos = diag.Pos{}
	}
	got, _ := json.Marshal(api.SecuritySchemes)
	want := `[{"name":"bearer","type":"oauth2","flows":[{"flow":"clientCredentials","tokenUrl":"https://id.example.com/token","scopes":[{"name":"read","description":"may read"},{"name":"write","description":"may write"}]}],"pos":{}},` +
		`{"name":"key","type":"apiKey","in":"header","paramName":"X-Key","pos":{}}]`
	if string(got) != want {
		t.Errorf("security schemes\n got %s\nwant %s", got, want)
	}
}

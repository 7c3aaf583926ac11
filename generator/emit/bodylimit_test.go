package emit

import (
	"bytes"
	"path/filepath"
	"testing"
)

// TestBodyLimitFunc: a gateway whose operations' limits.max-body differ
// hands server.New a bodyLimit that names each smaller one; one whose
// operations share the API's limit leaves the server-wide limit alone.
func TestBodyLimitFunc(t *testing.T) {
	api := lowered(t, filepath.Join("..", "..", "specs", "petstore.yaml"))
	files, err := Files(api, testConfig)
	if err != nil {
		t.Fatal(err)
	}
	g := files["gateway.go"]
	for _, want := range []string{"BodyLimit:", " bodyLimit,\n", "case opCreatePet:\n\t\treturn 4096\n"} {
		if !bytes.Contains(g, []byte(want)) {
			t.Errorf("gateway.go lacks %q", want)
		}
	}
	for _, o := range api.Operations {
		o.MaxBody = api.MaxBody
	}
	if files, err = Files(api, testConfig); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(files["gateway.go"], []byte("bodyLimit")) {
		t.Error("bodyLimit emitted although every operation takes the API's limit")
	}
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// splitMain is a document split over files, as large APIs are written: its
// path item lives in paths/files.yaml with the operation's x-gateway, its
// schema in a third file, and the path's one segment holds three
// parameters.
const splitMain = `openapi: 3.0.3
info: {title: Split, version: "1"}
x-gateway:
  name: split
  upstreams:
    files: {targets: ["http://127.0.0.1:1"]}
  upstream: files
paths:
  /files/{name}-{version}.{ext}:
    $ref: "paths/files.yaml#/file"
  /files/{name}:
    get:
      operationId: getPlain
      parameters:
        - {name: name, in: path, required: true, schema: {type: string, pattern: "^[a-z]+$"}}
      responses: {"200": {description: ok}}
  /files/{id}:
    get:
      operationId: getByID
      x-gateway:
        request-headers:
          set: {X-Op: by-id}
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses: {"200": {description: ok}}
`

const splitPaths = `file:
  get:
    operationId: getFile
    x-gateway:
      request-headers:
        set: {X-Version: "{path.version}"}
    parameters:
      - {name: name, in: path, required: true, schema: {type: string, pattern: "^[a-z][a-z-]*$"}}
      - {name: version, in: path, required: true, schema: {$ref: "../schemas.yaml#/Version"}}
      - {name: ext, in: path, required: true, schema: {type: string, enum: [zip, tar]}}
    responses: {"200": {description: ok}}
`

const splitSchemas = `Version: {type: string, pattern: "^[0-9]+(\\.[0-9]+)*$"}
`

// TestEndToEndSplitDocument builds a gateway from a document split over
// files whose path segment holds several parameters: the segment is
// divided as a template router divides it, each value validated and
// forwarded, and the x-gateway of the path item in the other file applied.
// Before, the operation was skipped (404) and its x-gateway never read.
// Two of its templates differ only in parameter names (invalid OpenAPI,
// as published documents have it): each request reaches the one whose
// parameters accept it; before, the second was skipped.
func TestEndToEndSplitDocument(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a gateway; skipped in -short mode")
	}
	dir := t.TempDir()
	for name, src := range map[string]string{
		"api.yaml": splitMain, "paths/files.yaml": splitPaths, "schemas.yaml": splitSchemas,
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := buildGateway(t, filepath.Join(dir, "api.yaml"), "split")
	be := startRecorder(t)
	gw := startGateway(t, bin, "--upstream", "files=http://"+be.addr)

	forwarded := func(t *testing.T, path, wantURI, wantVersion string) {
		t.Helper()
		r := do(t, "GET", gw+path, "", nil)
		if r.status != 200 {
			t.Fatalf("%s: status %d\n%s", r.req, r.status, r.body)
		}
		select {
		case seen := <-be.reqs:
			if got := seen[":uri"]; len(got) != 1 || got[0] != wantURI {
				t.Errorf("%s: the backend got %v, want %s", r.req, got, wantURI)
			}
			if got := seen["x-version"]; len(got) != 1 || got[0] != wantVersion {
				t.Errorf("%s: X-Version %v, want %q (the path item's x-gateway, in another file)", r.req, got, wantVersion)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: the backend got nothing", r.req)
		}
	}
	t.Run("divided", func(t *testing.T) {
		forwarded(t, "/files/my-pkg-1.2.zip", "/files/my-pkg-1.2.zip", "1.2")
		forwarded(t, "/files/a-b-c-10.tar", "/files/a-b-c-10.tar", "10")
	})
	t.Run("each value validated", func(t *testing.T) {
		do(t, "GET", gw+"/files/my-pkg-1.2.rar", "", nil).problem(t, 400, "path.ext", "enum")
		do(t, "GET", gw+"/files/my-pkg-x.zip", "", nil).problem(t, 400, "path.version", "pattern")
		do(t, "GET", gw+"/files/My-1.zip", "", nil).problem(t, 400, "path.name", "pattern")
	})
	t.Run("twin templates told apart by their parameters", func(t *testing.T) {
		for _, c := range []struct{ path, op string }{{"/files/42", "by-id"}, {"/files/readme", ""}} {
			r := do(t, "GET", gw+c.path, "", nil)
			if r.status != 200 {
				t.Fatalf("%s: status %d\n%s", r.req, r.status, r.body)
			}
			select {
			case seen := <-be.reqs:
				if got := strings.Join(seen["x-op"], ","); got != c.op {
					t.Errorf("%s: X-Op %q, want %q", r.req, got, c.op)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("%s: the backend got nothing", r.req)
			}
		}
		// Neither takes it: the problem is the first one's, in path order.
		do(t, "GET", gw+"/files/README", "", nil).problem(t, 400, "path.id", "type")
	})
	t.Run("no division falls back to the plain segment", func(t *testing.T) {
		r := do(t, "GET", gw+"/files/readme", "", nil)
		if r.status != 200 {
			t.Fatalf("%s: status %d\n%s", r.req, r.status, r.body)
		}
		select {
		case seen := <-be.reqs:
			if got := seen["x-version"]; len(got) != 0 {
				t.Errorf("getPlain got X-Version %v, which only getFile sets", got)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the backend got nothing")
		}
	})
}

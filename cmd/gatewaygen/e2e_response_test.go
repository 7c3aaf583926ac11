package main

import (
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// responseSpec turns response validation on for every response of getPet.
const responseSpec = `openapi: 3.0.3
info: {title: Contract, version: "1"}
x-gateway:
  name: contract
  upstreams:
    app: {targets: ["http://127.0.0.1:1"]}
  upstream: app
paths:
  /pets/{petId}:
    get:
      operationId: getPet
      x-gateway:
        response-validation: {enabled: true, sample: 1.0}
      parameters:
        - {name: petId, in: path, required: true, schema: {type: integer}}
      responses:
        "200":
          description: The pet.
          content:
            application/json:
              schema:
                type: object
                required: [id, name]
                properties:
                  id: {type: integer}
                  name: {type: string}
        "404": {description: No such pet.}
`

// upstreamAnswer is what the backend of TestEndToEndResponseValidation
// answers for one pet.
type upstreamAnswer struct {
	status   int
	ct, body string
	rule     string // the violation the gateway must log; "" for a valid answer
}

var answers = map[string]upstreamAnswer{
	"1": {200, "application/json", `{"id":1,"name":"Rex"}`, ""},
	"2": {200, "application/json", `{"id":"two","name":"Rex"}`, "location=/response/body/id rule=type"},
	"3": {200, "text/html", `<h1>Rex</h1>`, "location=response.header.Content-Type rule=content-type"},
	"4": {418, "text/plain", `teapot`, "location=response.status rule=status"},
	"5": {404, "text/plain", `no pet 5`, ""},
	"6": {200, "application/json", `{"id":6,`, "location=/response/body rule=json"},
}

// TestEndToEndResponseValidation generates a gateway with response
// validation on (sample 1.0), runs it against a fasthttp backend whose
// answers keep or break the contract, and checks that the client always
// gets the upstream's answer unchanged while each violation is logged once
// with its rule, request id and running count.
func TestEndToEndResponseValidation(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a gateway; skipped in -short mode")
	}
	spec := filepath.Join(t.TempDir(), "contract.yaml")
	if err := os.WriteFile(spec, []byte(responseSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := buildGateway(t, spec, "contract")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		a, ok := answers[strings.TrimPrefix(string(ctx.Path()), "/pets/")]
		if !ok {
			ctx.SetStatusCode(500)
			return
		}
		ctx.SetStatusCode(a.status)
		ctx.SetContentType(a.ct)
		ctx.SetBodyString(a.body)
	}}
	go srv.Serve(ln) //nolint:errcheck // ends with Shutdown
	t.Cleanup(func() { _ = srv.Shutdown() })

	gw, out := startGatewayOutput(t, bin, "--upstream", "app=http://"+ln.Addr().String())

	ids := map[string]string{} // pet → request id the client saw
	for _, pet := range []string{"1", "2", "3", "4", "5", "6"} {
		a := answers[pet]
		r := do(t, "GET", gw+"/pets/"+pet, "", nil)
		if r.status != a.status || string(r.body) != a.body || !strings.HasPrefix(r.header.Get("Content-Type"), a.ct) {
			t.Errorf("pet %s: client got %d %q %q, upstream sent %d %q %q",
				pet, r.status, r.header.Get("Content-Type"), r.body, a.status, a.ct, a.body)
		}
		ids[pet] = r.header.Get("X-Request-Id")
	}

	// The check runs before the answer is written, but the gateway's
	// stderr reaches the buffer through a pipe: wait for the lines.
	want := 0
	for _, a := range answers {
		if a.rule != "" {
			want++
		}
	}
	line := regexp.MustCompile(`(?m)^contract-gateway: response contract violation .*$`)
	deadline := time.Now().Add(5 * time.Second)
	var lines []string
	for {
		lines = line.FindAllString(out.String(), -1)
		if len(lines) >= want || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(lines) != want {
		t.Fatalf("%d violation lines, want %d:\n%s", len(lines), want, out.String())
	}
	for pet, a := range answers {
		var found []string
		for _, l := range lines {
			if strings.Contains(l, " request_id="+ids[pet]+" ") {
				found = append(found, l)
			}
		}
		switch {
		case a.rule == "" && len(found) > 0:
			t.Errorf("pet %s: valid answer logged: %s", pet, found[0])
		case a.rule != "" && len(found) != 1:
			t.Errorf("pet %s: %d lines with request id %q, want 1", pet, len(found), ids[pet])
		case a.rule != "" && !strings.Contains(found[0], "op=getPet method=GET path=/pets/{petId} ") || a.rule != "" && !strings.Contains(found[0], a.rule):
			t.Errorf("pet %s: line %q, want op, method, path and %q", pet, found[0], a.rule)
		}
	}
	t.Logf("violation lines:\n%s", strings.Join(lines, "\n"))
	// The count in each line is the operation's running total.
	for i, l := range lines {
		if !strings.HasSuffix(l, " violations="+string(rune('1'+i))) {
			t.Errorf("line %d does not end with violations=%d: %s", i, i+1, l)
		}
	}
}

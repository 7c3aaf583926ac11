package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/generator"
	"github.com/gatewaygen/gatewaygen/generator/module"
)

// TestEndToEnd generates the petstore gateway as a standalone module outside
// this repository through the CLI, builds it with plain `go build`, runs it
// against a real fasthttp backend on loopback and checks routing,
// rewriting, validation, errors, timeouts and mock mode over real sockets.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a gateway; skipped in -short mode")
	}
	bin := buildPetstoreGateway(t)

	be := startBackend(t)
	gw := startGateway(t, bin,
		"--upstream", "pets=http://"+be.addr,
		"--upstream", "inventory=http://"+be.addr)

	t.Run("proxy GET with query", func(t *testing.T) {
		r := do(t, "GET", gw+"/v1/pets?limit=10", "", nil)
		e := r.echo(t, 200)
		if e.Method != "GET" || e.Path != "/pets" || e.Query != "limit=10" {
			t.Errorf("backend saw %s %s ?%s, want GET /pets ?limit=10", e.Method, e.Path, e.Query)
		}
		id := e.Headers["X-Request-Id"]
		if id == "" {
			t.Error("backend saw no X-Request-Id")
		}
		if got := r.header.Get("X-Request-Id"); got != id {
			t.Errorf("response X-Request-Id %q, backend saw %q", got, id)
		}
		if xff := e.Headers["X-Forwarded-For"]; !strings.Contains(xff, "127.0.0.1") {
			t.Errorf("backend saw X-Forwarded-For %q, want the client 127.0.0.1", xff)
		}
	})

	t.Run("proxy POST body", func(t *testing.T) {
		body := `{"name":"Rex","status":"available"}`
		r := do(t, "POST", gw+"/v1/pets", body, map[string]string{"Content-Type": "application/json"})
		e := r.echo(t, 200)
		if e.Method != "POST" || e.Path != "/pets" {
			t.Errorf("backend saw %s %s, want POST /pets", e.Method, e.Path)
		}
		if e.Body != body {
			t.Errorf("backend saw body %q, want %q", e.Body, body)
		}
		if ct := e.Headers["Content-Type"]; ct != "application/json" {
			t.Errorf("backend saw Content-Type %q", ct)
		}
	})

	t.Run("path rewrite", func(t *testing.T) {
		e := do(t, "GET", gw+"/v1/stores/ab/inventory", "", nil).echo(t, 200)
		if e.Path != "/internal/inventory/ab" {
			t.Errorf("backend saw %s, want /internal/inventory/ab", e.Path)
		}
	})

	for _, tc := range []struct {
		name, method, path, body string
		header                   map[string]string
		status                   int
		wants                    []string // location and rule named in the problem
	}{
		{"query maximum", "GET", "/v1/pets?limit=500", "", nil, 400, []string{"query.limit", "maximum"}},
		{"path type", "GET", "/v1/pets/abc", "", nil, 400, []string{"path.petId", "type"}},
		{"header pattern", "GET", "/v1/pets", "", map[string]string{"X-Client-Version": "x"}, 400, []string{"header.X-Client-Version", "pattern"}},
		{"cookie required", "GET", "/v1/pets/mine", "", nil, 400, []string{"cookie.session", "required"}},
		{"body required", "POST", "/v1/pets", `{"status":"available"}`, nil, 400, []string{"/body/name", "required"}},
		{"body minLength", "POST", "/v1/pets", `{"name":"","status":"available"}`, nil, 400, []string{"/body/name", "minLength"}},
		{"body additionalProperties", "POST", "/v1/pets", `{"name":"x","status":"available","extra":1}`, nil, 400, []string{"/body/extra", "additionalProperties"}},
		{"query repeated", "GET", "/v1/pets?limit=1&limit=500", "", nil, 400, []string{"query.limit", "repeated"}},
		{"array item pattern", "GET", "/v1/pets/findByTags?tags=dog,Cat", "", nil, 400, []string{"query.tags[1]", "pattern"}},
		{"body not JSON", "POST", "/v1/pets", `{"name":`, nil, 400, []string{"/body", "json"}},
		{"body nested type", "POST", "/v1/pets", `{"name":"x","status":"sold","tags":["a",2]}`, nil, 400, []string{"/body/tags/1", "type"}},
		{"body too large", "POST", "/v1/pets", `{"name":"` + strings.Repeat("x", 5000) + `","status":"sold"}`, nil, 413, nil},
		{"unsupported media type", "POST", "/v1/pets", "name=x", map[string]string{"Content-Type": "text/plain"}, 415, nil},
		{"unknown path under base", "GET", "/v1/nope", "", nil, 404, nil},
		{"unknown path outside base", "GET", "/nope", "", nil, 404, nil},
		{"method not allowed", "PATCH", "/v1/pets", "", nil, 405, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := tc.header
			if tc.body != "" && h == nil {
				h = map[string]string{"Content-Type": "application/json"}
			}
			r := do(t, tc.method, gw+tc.path, tc.body, h)
			r.problem(t, tc.status, tc.wants...)
			if tc.status == 405 {
				allow := r.header.Get("Allow")
				if !strings.Contains(allow, "GET") || !strings.Contains(allow, "POST") {
					t.Errorf("Allow %q, want GET and POST", allow)
				}
			}
		})
	}

	t.Run("header repeated", func(t *testing.T) {
		req, _ := http.NewRequest("GET", gw+"/v1/pets", nil)
		req.Header.Add("X-Client-Version", "1.2")
		req.Header.Add("X-Client-Version", "bad")
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		r := response{req: "GET /v1/pets", status: res.StatusCode, header: res.Header, body: b}
		r.problem(t, 400, "header.X-Client-Version", "repeated")
	})

	t.Run("upstream timeout", func(t *testing.T) {
		start := time.Now()
		r := do(t, "GET", gw+"/v1/pets/"+slowPetID, "", nil)
		took := time.Since(start)
		r.problem(t, 504)
		// The backend answers this pet after two seconds, so a 504 before
		// then can only be getPet's 500ms timeout; the bound is loose
		// because CI shares two cores with the rest of the test suite.
		if took >= 2*time.Second {
			t.Errorf("504 after %v; getPet's timeout is 500ms and the backend answers at 2s", took)
		}
	})

	t.Run("upstream down", func(t *testing.T) {
		be.stop(t)
		do(t, "GET", gw+"/v1/pets", "", nil).problem(t, 502)
	})

	t.Run("unknown upstream override", func(t *testing.T) {
		cmd := exec.Command(bin, "--listen", "127.0.0.1:0", "--upstream", "pest=http://127.0.0.1:1")
		out, err := cmd.CombinedOutput()
		if code := cmd.ProcessState.ExitCode(); err == nil || code != 1 || !strings.Contains(string(out), "pest") {
			t.Fatalf("exit %d, output %q: want exit 1 naming the unknown upstream", code, out)
		}
	})

	t.Run("mock", func(t *testing.T) {
		mock := startGateway(t, bin, "--mock")
		r := do(t, "GET", mock+"/v1/pets/1", "", nil)
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
			t.Fatalf("mock GET /v1/pets/1: %d %s\n%s", r.status, r.header.Get("Content-Type"), r.body)
		}
		var got, want any
		if err := json.Unmarshal(r.body, &got); err != nil {
			t.Fatalf("mock body %q: %v", r.body, err)
		}
		_ = json.Unmarshal([]byte(`{"id":1,"name":"Rex","status":"available","age":3,"tags":["dog"]}`), &want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("mock body %s, want the spec's example", r.body)
		}
		do(t, "GET", mock+"/v1/pets/abc", "", nil).problem(t, 400, "path.petId")
	})
}

// buildPetstoreGateway builds the petstore's gateway command as a standalone
// module (see buildGateway).
func buildPetstoreGateway(t *testing.T) string {
	return buildGateway(t, "../../specs/petstore.yaml", "petstore")
}

// buildGateway runs `gatewaygen generate` for spec, whose API is named name,
// into a directory outside this module, which makes it a standalone module,
// and builds its command ./cmd/<name>-gateway there with plain `go build`:
// offline, with no -mod flag, so go.mod and go.sum must be complete as
// written.
func buildGateway(t *testing.T, spec, name string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	dir := t.TempDir()
	if mod, _, ok, _ := module.Locate(dir); ok && mod == generator.RepoModule {
		t.Skipf("the temporary directory is inside the %s module", mod)
	}
	code, _, errOut := runCLI(t, "generate", spec, "-o", dir)
	if code != 0 {
		t.Fatalf("gatewaygen generate: exit %d\n%s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("standalone output has no go.mod: %v", err)
	}

	bin := filepath.Join(t.TempDir(), name+"-gateway")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, "build", "-o", bin, "./cmd/"+name+"-gateway")
	cmd.Dir = dir
	cmd.Env = append(plainGoEnv(), "GOWORK=off", "GOPROXY=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build in the standalone module: %v\n%s", err, out)
	}
	return bin
}

// plainGoEnv is the environment without any -mod flag in GOFLAGS.
func plainGoEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if v, ok := strings.CutPrefix(kv, "GOFLAGS="); ok {
			var keep []string
			for _, f := range strings.Fields(v) {
				if !strings.HasPrefix(f, "-mod=") {
					keep = append(keep, f)
				}
			}
			kv = "GOFLAGS=" + strings.Join(keep, " ")
		}
		env = append(env, kv)
	}
	return env
}

// slowPetID is the pet the backend answers only after two seconds.
const slowPetID = "42"

// echo is what the backend saw of a request.
type echo struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Query   string            `json:"query"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
}

type backend struct {
	addr     string
	srv      *fasthttp.Server
	done     chan struct{}
	stopOnce sync.Once
}

// startBackend starts a fasthttp server on 127.0.0.1 that answers every
// request with an echo as JSON, after two seconds for pet slowPetID.
func startBackend(t *testing.T) *backend {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	be := &backend{addr: ln.Addr().String(), done: make(chan struct{})}
	be.srv = &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		path := string(ctx.Path())
		if path == "/pets/"+slowPetID {
			select {
			case <-time.After(2 * time.Second):
			case <-be.done:
			}
		}
		e := echo{
			Method:  string(ctx.Method()),
			Path:    path,
			Query:   string(ctx.QueryArgs().QueryString()),
			Headers: map[string]string{},
			Body:    string(ctx.PostBody()),
		}
		for _, h := range []string{"X-Request-Id", "X-Forwarded-For", "Content-Type", "X-Client-Version", "Cookie"} {
			if v := ctx.Request.Header.Peek(h); v != nil {
				e.Headers[h] = string(v)
			}
		}
		b, _ := json.Marshal(e)
		ctx.SetContentType("application/json")
		ctx.SetBody(b)
	}}
	go be.srv.Serve(ln) //nolint:errcheck // ends with stop
	t.Cleanup(func() { be.stop(t) })
	return be
}

func (be *backend) stop(t *testing.T) {
	be.stopOnce.Do(func() {
		close(be.done)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := be.srv.ShutdownWithContext(ctx); err != nil {
			t.Logf("backend shutdown: %v", err)
		}
	})
}

// startGateway runs the gateway binary on a free loopback port with args,
// waits until it accepts connections and returns its base URL. The process
// is killed when the test ends.
func startGateway(t *testing.T, bin string, args ...string) string {
	t.Helper()
	url, _ := startGatewayOutput(t, bin, args...)
	return url
}

// startGatewayOutput is startGateway that also returns what the gateway
// writes to its standard output and error.
func startGatewayOutput(t *testing.T, bin string, args ...string) (string, *syncBuffer) {
	t.Helper()
	url, out, _ := startGatewayProcess(t, bin, args...)
	return url, out
}

// startGatewayProcess is startGatewayOutput that also returns the process,
// for a test to signal.
func startGatewayProcess(t *testing.T, bin string, args ...string) (string, *syncBuffer, *os.Process) {
	t.Helper()
	addr := freeAddr(t)
	out := new(syncBuffer)
	cmd := exec.Command(bin, append([]string{"--listen", addr}, args...)...)
	// From the repository's root, as make demo runs it: the petstore's
	// demo keys and JWKS are named relative to it.
	cmd.Dir = filepath.Join("..", "..")
	cmd.Stdout = out
	cmd.Stderr = out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("gateway %v output:\n%s", args, out.String())
		}
	})

	waitAccept(t, addr, exited, out, 15*time.Second)
	return "http://" + addr, out, cmd.Process
}

// waitAccept waits until addr accepts connections, failing the test when
// the process behind it exits first or timeout passes.
func waitAccept(t *testing.T, addr string, exited <-chan struct{}, out *syncBuffer, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		select {
		case <-exited:
			t.Fatalf("exited before accepting connections on %s:\n%s", addr, out.String())
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing accepted connections on %s within %v:\n%s", addr, timeout, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// freeAddr returns a loopback address that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type response struct {
	req    string
	status int
	header http.Header
	body   []byte
}

var client = &http.Client{Timeout: 10 * time.Second}

func do(t *testing.T, method, url, body string, header map[string]string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, url, err)
	}
	return response{req: method + " " + url, status: res.StatusCode, header: res.Header, body: b}
}

// echo decodes the backend's echo from a proxied response.
func (r response) echo(t *testing.T, status int) echo {
	t.Helper()
	var e echo
	if r.status != status {
		t.Fatalf("%s: status %d, want %d from the backend\n%s", r.req, r.status, status, r.body)
	}
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("%s: body is not the backend's echo: %v\n%s", r.req, err, r.body)
	}
	return e
}

// problem checks an RFC 9457 problem with status whose text names every one
// of wants (a location like query.limit or /body/name, a rule like maximum).
func (r response) problem(t *testing.T, status int, wants ...string) {
	t.Helper()
	if r.status != status {
		t.Errorf("%s: status %d, want %d\n%s", r.req, r.status, status, r.body)
		return
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Errorf("%s: Content-Type %q, want application/problem+json", r.req, ct)
	}
	var p map[string]any
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Errorf("%s: problem is not a JSON object: %v\n%s", r.req, err, r.body)
		return
	}
	if s, ok := p["status"]; ok && s != float64(status) {
		t.Errorf("%s: problem status member %v, want %d", r.req, s, status)
	}
	text := strings.Join(stringsIn(p), "\n")
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s: problem does not name %q:\n%s", r.req, w, r.body)
		}
	}
}

// stringsIn returns every string (keys too) in a decoded JSON value, so
// that checks do not depend on the problem's member names or escaping.
func stringsIn(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, stringsIn(e)...)
		}
		return out
	case map[string]any:
		var out []string
		for k, e := range v {
			out = append(out, k)
			out = append(out, stringsIn(e)...)
		}
		return out
	case float64, bool, nil:
		return []string{fmt.Sprint(v)}
	}
	return nil
}

// TestBuildCommand checks `gatewaygen build`: a standalone module in a
// temporary directory, built into the named binary, the directory removed.
func TestBuildCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a gateway; skipped in -short mode")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	bin := filepath.Join(t.TempDir(), "petstore-gateway")
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	if code, out, errOut := runCLI(t, "build", "../../specs/petstore.yaml", "-o", bin); code != 0 {
		t.Fatalf("gatewaygen build: exit %d\n%s%s", code, out, errOut)
	}
	if fi, err := os.Stat(bin); err != nil || fi.Mode()&0o111 == 0 {
		t.Errorf("no executable at %s: %v", bin, err)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("build left %d entries in its temporary directory", len(left))
	}
}

package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// TestEndToEndHostile sends the generated petstore gateway, over a real
// socket, requests an outside tester sends and the gateway answered wrongly
// before: each case's answer, and whether anything reached the backend and
// with which fields. Each row failed before its fix.
func TestEndToEndHostile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a gateway; skipped in -short mode")
	}
	bin := buildPetstoreGateway(t)
	be := startRecorder(t)
	gw := strings.TrimPrefix(startGateway(t, bin, "--upstream", "pets=http://"+be.addr), "http://")

	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	io.WriteString(zw, `{"name":"Rex","status":"available"}`)
	zw.Close()
	post := func(extra, body string) string {
		return "POST /v1/pets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + extra +
			"Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
	}
	for _, c := range []struct {
		name, req string
		status    int
		inBody    string   // in the answer's body
		reached   bool     // the backend got the request
		absent    []string // lower-case field names the backend must not get
	}{
		// A coded body is not the one validated: 415, whether the bytes are
		// gzip (refused as malformed JSON before) or plain JSON labelled
		// gzip (validated, then forwarded as a body the upstream cannot
		// decode).
		{name: "gzip body", req: post("Content-Encoding: gzip\r\n", gz.String()), status: 415, inBody: `content coding \"gzip\"`},
		{name: "plain body labelled gzip", req: post("Content-Encoding: gzip\r\n", `{"name":"Rex","status":"available"}`), status: 415},
		{name: "identity coding", req: post("Content-Encoding: identity\r\n", `{"name":"Rex","status":"available"}`), status: 200, reached: true},
		// A second line of the field is more of its list: identity, gzip.
		{name: "identity then gzip", req: post("Content-Encoding: identity\r\nContent-Encoding: gzip\r\n", `{"name":"Rex","status":"available"}`), status: 415},
		// A dot-segment reached the upstream as %2E%2E in a path parameter.
		{name: "dot-segment", req: "GET /v1/stores/%2e%2e/inventory HTTP/1.1\r\nHost: x\r\n\r\n", status: 400, inBody: "dot-segment"},
		// %FF is no character: minLength counted it as one.
		{name: "query not UTF-8", req: "GET /v1/pets?tag=%FF HTTP/1.1\r\nHost: x\r\n\r\n", status: 400, inBody: `"location":"query.tag[0]"`},
		{name: "identity transfer coding", req: "GET /v1/pets HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n", status: 501},
		{name: "request line too long", req: "GET /v1/pets?tag=" + strings.Repeat("a", 20000) + " HTTP/1.1\r\nHost: x\r\n\r\n", status: 414},
		// Trailer fields were forwarded as header fields, past the check of
		// field names. (GET /v1/pets is cached: a case that must reach the
		// backend asks for a page of its own.)
		{
			name:    "trailer fields",
			req:     "GET /v1/pets?limit=3 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-Bad Name: 1\r\nX-Trailer: 2\r\n\r\n",
			status:  200,
			reached: true,
			absent:  []string{"x-bad name", "x-trailer"},
		},
		// Expect, CONNECT, a scheme the gateway does not serve and a method
		// longer than any OpenAPI has were ignored or routed.
		{name: "expectation other than 100-continue", req: "GET /v1/pets/1 HTTP/1.1\r\nHost: x\r\nExpect: foo\r\n\r\n", status: 417},
		{name: "CONNECT", req: "CONNECT x:443 HTTP/1.1\r\nHost: x:443\r\n\r\n", status: 501},
		{name: "absolute-form of another scheme", req: "GET ftp://x/v1/pets/1 HTTP/1.1\r\nHost: x\r\n\r\n", status: 400},
		{name: "markup in Host", req: "GET /v1/pets/1 HTTP/1.1\r\nHost: a\"><b>\r\n\r\n", status: 400},
		{name: "method longer than any", req: "PROPFIND /v1/pets/1 HTTP/1.1\r\nHost: x\r\n\r\n", status: 501},
		// A CGI-style upstream reads X_Forwarded_For as X-Forwarded-For.
		{
			name:    "underscore aliases",
			req:     "GET /v1/pets?limit=4 HTTP/1.1\r\nHost: x\r\nX_Forwarded_For: 6.6.6.6\r\nX_Real_IP: 6.6.6.6\r\nTransfer_Encoding: chunked\r\n\r\n",
			status:  200,
			reached: true,
			absent:  []string{"x_forwarded_for", "x_real_ip", "transfer_encoding"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := rawExchange(t, gw, c.req)
			if r.StatusCode() != c.status {
				t.Fatalf("status %d, want %d\n%s", r.StatusCode(), c.status, r.Body())
			}
			if c.status >= 400 && string(r.Header.ContentType()) != "application/problem+json" {
				t.Errorf("content type %q, want application/problem+json", r.Header.ContentType())
			}
			if c.status == 415 && string(r.Header.Peek("Accept-Encoding")) != "identity" {
				t.Errorf("415 without Accept-Encoding: identity")
			}
			if !strings.Contains(string(r.Body()), c.inBody) {
				t.Errorf("body %s, want it to hold %s", r.Body(), c.inBody)
			}
			select {
			case h := <-be.reqs:
				if !c.reached {
					t.Fatalf("reached the backend: %v", h)
				}
				for _, k := range c.absent {
					if v, ok := h[k]; ok {
						t.Errorf("backend got %s: %q", k, v)
					}
				}
			case <-time.After(300 * time.Millisecond):
				if c.reached {
					t.Fatal("did not reach the backend")
				}
			}
		})
	}

	// A success of an unsafe method drops the cached answers of its path
	// (RFC 9111 §4.4); the list stayed cached after a POST.
	t.Run("unsafe method invalidates", func(t *testing.T) {
		get := "GET /v1/pets HTTP/1.1\r\nHost: x\r\n\r\n"
		for i, want := range []string{"miss", "hit"} {
			if r := rawExchange(t, gw, get); string(r.Header.Peek("X-Cache")) != want {
				t.Fatalf("GET %d: X-Cache %q, want %s", i+1, r.Header.Peek("X-Cache"), want)
			}
		}
		if r := rawExchange(t, gw, post("", `{"name":"Rex","status":"available"}`)); r.StatusCode() != 200 {
			t.Fatalf("POST: status %d\n%s", r.StatusCode(), r.Body())
		}
		if r := rawExchange(t, gw, get); string(r.Header.Peek("X-Cache")) != "miss" {
			t.Fatalf("GET after POST: X-Cache %q, want miss", r.Header.Peek("X-Cache"))
		}
		for len(be.reqs) > 0 {
			<-be.reqs
		}
	})

	// An upstream that sends what no request asked for, after an answer
	// or in place of one: the client of the next call on that upstream
	// connection got it as its answer ({"smuggled"}); a 101, a status out
	// of range and another major version were passed on.
	t.Run("upstream answers", func(t *testing.T) {
		const smuggled = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 44\r\n\r\n{\"id\":6,\"name\":\"smuggled\",\"status\":\"sold\"}"
		answers := map[string][]string{
			"/pets/2": {"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", smuggled},
			"/pets/3": {"HTTP/1.1 099 Weird\r\nContent-Length: 2\r\n\r\n{}"},
			"/pets/4": {"HTTP/2.0 200 OK\r\nContent-Length: 2\r\n\r\n{}"},
			"/pets/5": {"HTTP/1.1 204 No Content\r\n\r\n", smuggled},
			"/pets/6": {"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 38\r\n\r\n{\"id\":6,\"name\":\"six\",\"status\":\"sold\"}", smuggled},
			"/pets/7": {"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 38\r\n\r\n", "{\"id\":7,\"name\":\"six\",\"status\":\"sold\"}" + smuggled},
		}
		up := startRawBackend(t, answers)
		gw := strings.TrimPrefix(startGateway(t, bin, "--upstream", "pets=http://"+up), "http://")
		for _, c := range []struct {
			method, path string
			status       int
		}{
			{"GET", "/v1/pets/2", 502}, {"GET", "/v1/pets/3", 502}, {"GET", "/v1/pets/4", 502},
			{"GET", "/v1/pets/5", 204}, {"GET", "/v1/pets/6", 200}, {"HEAD", "/v1/pets/7", 200},
		} {
			req := c.method + " " + c.path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
			r := rawExchangeMethod(t, gw, c.method, req)
			if r.StatusCode() != c.status {
				t.Fatalf("%s %s: status %d, want %d\n%s", c.method, c.path, r.StatusCode(), c.status, r.Body())
			}
			if c.status == 502 && string(r.Header.ContentType()) != "application/problem+json" {
				t.Errorf("%s %s: 502 is not a problem: %s", c.method, c.path, r.Body())
			}
			time.Sleep(300 * time.Millisecond) // what the upstream sends after its answer arrives (50 ms after it)
			r = rawExchange(t, gw, post("", `{"name":"Rex","status":"available"}`))
			if r.StatusCode() != 200 || !strings.Contains(string(r.Body()), `"name":"/pets"`) {
				t.Fatalf("POST after %s %s: status %d %s, want the POST's own answer", c.method, c.path, r.StatusCode(), r.Body())
			}
		}
	})

	// A body announced over the operation's limit with Expect:
	// 100-continue is refused before it is sent, not invited first.
	t.Run("expect over the limit", func(t *testing.T) {
		conn, err := net.DialTimeout("tcp", gw, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
		io.WriteString(conn, "POST /v1/pets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n")
		line, _ := bufio.NewReader(conn).ReadString('\n')
		if !strings.HasPrefix(line, "HTTP/1.1 413 ") {
			t.Fatalf("first answered %q, want 413", line)
		}
	})
}

// TestEndToEndDeepObjectKeys: a query key that begins as a deepObject
// parameter's keys do but is not one (deep[R][x], deep[R) is refused at
// the parameter's location; it passed unread, while an upstream that reads
// nested keys (Rails, qs, PHP) takes it as the parameter's, unvalidated.
func TestEndToEndDeepObjectKeys(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a gateway; skipped in -short mode")
	}
	gw := strings.TrimPrefix(startGateway(t, buildGateway(t, "../../testdata/golden/params31/spec.yaml", "params"), "--mock"), "http://")
	for _, c := range []struct {
		path   string
		status int
		at     string // the located parameter of a 400
	}{
		{"/query?deep[R]=1&deep[G]=2", 204, ""},
		{"/query?deep[R][x]=1", 400, "deep"},
		{"/query?deep[R=1", 400, "deep"},
		{"/query?deep%5BR%5D%5Bx%5D=1", 400, "deep"},
		{"/query?deeper[R][x]=1", 204, ""},
		{"/query?deep[Z][x]=1", 400, "deep"}, // RGB's additionalProperties rule objects out
		// win declares from, order (an enum by allOf) and size (an integer
		// or a string by anyOf); others may be anything, objects too.
		{"/applicators?win[order][x]=1", 400, "win"},
		{"/applicators?win[size][x]=1", 400, "win"},
		{"/applicators?win[from]=2&win[tag][x]=1", 204, ""},
	} {
		r := rawExchange(t, gw, "GET "+c.path+" HTTP/1.1\r\nHost: x\r\n\r\n")
		if r.StatusCode() != c.status {
			t.Errorf("%s: status %d, want %d\n%s", c.path, r.StatusCode(), c.status, r.Body())
		} else if c.status == 400 && !strings.Contains(string(r.Body()), `{"location":"query.`+c.at+`","rule":"style"`) {
			t.Errorf("%s: %s, want a style violation at query.%s", c.path, r.Body(), c.at)
		}
	}
}

// startRawBackend answers each request with the pieces answers gives for
// its path, the second written a moment after the first, so that it
// arrives once the gateway has read the first; any other path gets 200
// and a pet named after the path.
func startRawBackend(t *testing.T, answers map[string][]string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					var req fasthttp.Request
					if err := req.Read(br); err != nil {
						return
					}
					path := string(req.URI().PathOriginal())
					pieces, ok := answers[path]
					if !ok {
						body := `{"id":1,"name":"` + path + `","status":"available"}`
						pieces = []string{"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body}
					}
					for i, p := range pieces {
						if i > 0 {
							time.Sleep(50 * time.Millisecond)
						}
						io.WriteString(c, p)
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// rawExchangeMethod is rawExchange for a request of method: the answer to
// HEAD is read without a body.
func rawExchangeMethod(t *testing.T, addr, method, req string) *fasthttp.Response {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	resp := &fasthttp.Response{SkipBody: method == "HEAD"}
	if err := resp.Read(bufio.NewReader(c)); err != nil {
		t.Fatal(err)
	}
	return resp
}

package oracle

import (
	"bytes"
	"encoding/json"
	"io"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/routers"

	"github.com/gatewaygen/gatewaygen/runtime/jsonv"
)

// FuzzDifferential sends random bytes as the JSON body of the petstore's
// createPet and a random query string to its listPets, through the
// generated gateway and through openapi3filter, and fails when one accepts
// what the other rejects, outside the differences docs/validation.md
// explains (skipDifferential).
func FuzzDifferential(f *testing.F) {
	doc, base, gw := compiledTarget(f, "petstore")
	pets := doc.Paths.Find("/pets")
	post := &routers.Route{Spec: doc, Server: doc.Servers[0], Path: "/pets", PathItem: pets, Method: "POST", Operation: pets.Post}
	get := &routers.Route{Spec: doc, Server: doc.Servers[0], Path: "/pets", PathItem: pets, Method: "GET", Operation: pets.Get}

	f.Add([]byte(`{"name":"Rex","status":"available","age":3,"tags":["dog","good"]}`), "limit=20&status=available&tag=x")
	f.Add([]byte(`{"name":"","status":"sold"}`), "limit=0")
	f.Add([]byte(`{"name":"x","status":"pending","notes":null,"weight":0}`), "tag=a&tag=b")
	f.Add([]byte(`{"name":"x","status":"sold","owner":{"name":"A","phone":"+44 20"}}`), "status=lost")
	f.Add([]byte(`[]`), "limit=1e1")
	for _, rb := range rawBodies {
		f.Add([]byte(rb.body), "")
	}
	f.Fuzz(func(t *testing.T, body []byte, query string) {
		cases := []struct {
			route *routers.Route
			r     req
		}{
			{post, req{method: "POST", path: "/pets", ctype: "application/json", body: body}},
			{get, req{method: "GET", path: "/pets", query: query}},
		}
		for _, c := range cases {
			if why := skipDifferential(&c.r); why != "" {
				t.Skip(why)
			}
			hr, err := c.r.http(base)
			if err != nil {
				continue // not a request net/http can carry
			}
			g := gw.do(&c.r)
			k := kinVerdict(c.route, nil, hr)
			if g.other || k.other {
				if g.status >= 500 || k.other {
					t.Fatalf("%s %s: gateway %d %s, openapi3filter %s", c.r.method, c.r.uri(base), g.status, g.detail, k.detail)
				}
				continue
			}
			if g.accept && strings.Contains(k.detail, "value out of range") {
				continue // a number beyond float64: RFC 8259 §6 allows it, openapi3filter cannot parse it
			}
			if g.accept != k.accept {
				t.Errorf("%s %s body %q: gateway %v (%s), openapi3filter %v (%s)", c.r.method, c.r.uri(base), c.r.body, g, g.detail, k, k.detail)
			}
		}
	})
}

// skipDifferential names the known, documented differences a fuzzed request
// falls into, or returns "".
func skipDifferential(r *req) string {
	switch {
	case r.body != nil && len(r.body) > 4096:
		return "over createPet's x-gateway max-body: the gateway answers 413, openapi3filter has no limit"
	case r.query != "" && !wellFormedQuery(r.query):
		return "malformed query (a bad %-escape or ';'): net/url in openapi3filter drops the pair silently, the gateway reads it as written"
	case r.query != "" && !utf8Query(r.query):
		return "a query value that is not UTF-8 once decoded: RFC 3986 §2.5 percent-encodes a character as its UTF-8 octets, the gateway rejects, openapi3filter checks the bytes as they are"
	case r.body != nil && tooDeep(r.body):
		return "nesting deeper than the gateway's limit: RFC 8259 §9 lets a parser limit depth, the gateway does at runtime/jsonv.MaxDepth"
	case r.body != nil && trailingData(r.body):
		return "data after the JSON value: RFC 8259 §2 makes the text invalid, the gateway rejects, openapi3filter decodes the first value only"
	case r.body != nil && !utf8.Valid(r.body):
		return "invalid UTF-8: RFC 8259 §8.1 requires UTF-8, the gateway rejects, encoding/json in openapi3filter replaces it with U+FFFD"
	}
	return ""
}

// utf8Query reports whether every name and value of the well-formed query
// q is UTF-8 once decoded.
func utf8Query(q string) bool {
	vs, _ := url.ParseQuery(q)
	for k, list := range vs {
		if !utf8.ValidString(k) {
			return false
		}
		for _, v := range list {
			if !utf8.ValidString(v) {
				return false
			}
		}
	}
	return true
}

func wellFormedQuery(q string) bool {
	_, err := url.ParseQuery(q)
	return err == nil
}

// trailingData reports whether body holds a JSON value followed by more than
// white space.
func trailingData(body []byte) bool {
	d := json.NewDecoder(bytes.NewReader(body))
	var v any
	if d.Decode(&v) != nil {
		return false
	}
	_, err := d.Token()
	return err != io.EOF
}

// tooDeep reports whether body nests arrays and objects deeper than the
// gateway's limit (runtime/jsonv.MaxDepth), counting brackets outside strings.
func tooDeep(body []byte) bool {
	depth, inString, escaped := 0, false, false
	for _, c := range body {
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case !inString && (c == '[' || c == '{'):
			if depth++; depth > jsonv.MaxDepth-1 {
				return true
			}
		case !inString && (c == ']' || c == '}'):
			depth--
		}
	}
	return false
}

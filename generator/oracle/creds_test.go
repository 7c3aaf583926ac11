package oracle

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"golang.org/x/crypto/bcrypt"
)

// creds holds verification material the oracle gave a corpus gateway and the
// credentials that pass it, so that an operation a security requirement
// protects is compared too: the gateway authenticates before it validates
// (an anonymous request gets 401 before any 400), and openapi3filter is told
// to accept every credential. Schemes the gateway does not enforce (http
// digest, mutualTLS over plain HTTP) get no credential; the operations that
// need them stay 401 and are counted as skipped.
type creds struct {
	args   []string            // the gateway's --auth flags
	byName map[string]credWire // the credential of each scheme, by name
}

// credWire is where one scheme's credential goes in a request.
type credWire struct {
	in, name, value string // in: header, query or cookie
}

// heldAuth writes material for every security scheme of doc whose
// credential the oracle holds: an API key, a user with a bcrypt hash of a
// known password, a JWKS of an Ed25519 key whose private half signs a token
// carrying every scope the document names.
func heldAuth(t *testing.T, doc *openapi3.T) *creds {
	c := &creds{byName: map[string]credWire{}}
	if doc.Components == nil || len(doc.Components.SecuritySchemes) == 0 {
		return c
	}
	dir := t.TempDir()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	jwks, _ := json.Marshal(map[string]any{"keys": []any{map[string]string{
		"kty": "OKP", "crv": "Ed25519", "kid": "oracle", "x": base64.RawURLEncoding.EncodeToString(pub)}}})
	token := signedToken(priv, docScopes(doc))
	const password = "oracle-password"
	var hash []byte
	for _, name := range sortedKeys(doc.Components.SecuritySchemes) {
		ref := doc.Components.SecuritySchemes[name]
		if ref == nil || ref.Value == nil {
			continue
		}
		s := ref.Value
		var material []byte
		switch {
		case s.Type == "apiKey":
			key := "oracle-key-" + strconv.Itoa(len(c.args))
			material = []byte("oracle:" + key)
			c.byName[name] = credWire{s.In, s.Name, key}
		case s.Type == "http" && strings.EqualFold(s.Scheme, "basic"):
			if hash == nil {
				if hash, err = bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost); err != nil {
					t.Fatal(err)
				}
			}
			material = []byte("oracle:" + string(hash))
			c.byName[name] = credWire{"header", "Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte("oracle:"+password))}
		case s.Type == "http" && strings.EqualFold(s.Scheme, "bearer"), s.Type == "oauth2", s.Type == "openIdConnect":
			material = jwks
			c.byName[name] = credWire{"header", "Authorization", "Bearer " + token}
		default:
			// Still material, so that the gateway starts; it refuses
			// these schemes whatever is sent.
			material = jwks
		}
		p := filepath.Join(dir, "auth-"+strconv.Itoa(len(c.args)))
		if err := os.WriteFile(p, material, 0o600); err != nil {
			t.Fatal(err)
		}
		c.args = append(c.args, "--auth", name+"=file:"+p)
	}
	return c
}

// docScopes are every scope and role the document names, in its oauth2
// flows and in its security requirements.
func docScopes(doc *openapi3.T) []string {
	set := map[string]bool{}
	addReqs := func(reqs openapi3.SecurityRequirements) {
		for _, r := range reqs {
			for _, scopes := range r {
				for _, s := range scopes {
					set[s] = true
				}
			}
		}
	}
	addReqs(doc.Security)
	for _, pi := range doc.Paths.Map() {
		for _, op := range pi.Operations() {
			if op.Security != nil {
				addReqs(*op.Security)
			}
		}
	}
	for _, ref := range doc.Components.SecuritySchemes {
		if ref == nil || ref.Value == nil || ref.Value.Flows == nil {
			continue
		}
		f := ref.Value.Flows
		for _, flow := range []*openapi3.OAuthFlow{f.Implicit, f.Password, f.ClientCredentials, f.AuthorizationCode} {
			if flow != nil {
				for s := range flow.Scopes {
					set[s] = true
				}
			}
		}
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// signedToken is an EdDSA JWT (RFC 8037) valid for an hour, with scopes in
// both claims a scheme may read them from.
func signedToken(priv ed25519.PrivateKey, scopes []string) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	now := time.Now().Unix()
	signing := enc(map[string]string{"alg": "EdDSA", "kid": "oracle", "typ": "JWT"}) + "." +
		enc(map[string]any{"sub": "oracle", "iat": now, "exp": now + 3600, "scope": strings.Join(scopes, " ")})
	return signing + "." + base64.RawURLEncoding.EncodeToString(ed25519.Sign(priv, []byte(signing)))
}

// sign adds to r the credentials of the first alternative of op's
// requirement (the document's when op has none of its own) that the oracle
// can satisfy; an alternative needing two different Authorization headers
// cannot be.
func (c *creds) sign(doc *openapi3.T, op *openapi3.Operation, r *req) {
	if c == nil {
		return
	}
	reqs := doc.Security
	if op.Security != nil {
		reqs = *op.Security
	}
	for _, alt := range reqs {
		var ws []credWire
		ok, auth := true, ""
		for _, name := range sortedKeys(alt) {
			w, held := c.byName[name]
			if !held {
				ok = false
				break
			}
			if w.in == "header" && strings.EqualFold(w.name, "Authorization") {
				// Two token schemes (Google's Oauth2 and Oauth2c) both
				// take the one token; a token and a password cannot share
				// the header.
				if auth == w.value {
					continue
				}
				ok = ok && auth == ""
				auth = w.value
			}
			ws = append(ws, w)
		}
		if !ok {
			continue
		}
		// Cases share the valid request's slices; each gets its own.
		r.header, r.cookie = r.header[:len(r.header):len(r.header)], r.cookie[:len(r.cookie):len(r.cookie)]
		for _, w := range ws {
			switch w.in {
			case "header":
				r.header = append(r.header, [2]string{w.name, w.value})
			case "query":
				kv := url.QueryEscape(w.name) + "=" + url.QueryEscape(w.value)
				if r.query == "" {
					r.query = kv
				} else {
					r.query += "&" + kv
				}
			case "cookie":
				r.cookie = append(r.cookie, [2]string{w.name, w.value})
			}
		}
		return
	}
}

package oracle

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
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
	auth   map[string]string   // the same as server.Config.Auth, for a gateway in process
	byName map[string]credWire // the credential of each scheme, by name
}

// credWire is where one scheme's credential goes in a request.
type credWire struct {
	in, name, value string // in: header, query or cookie
}

// heldAuth writes material for every security scheme of doc whose
// credential the oracle holds: an API key, a user with a bcrypt hash of a
// known password, a JWKS of a P-256 key whose private half signs, for each
// token scheme, a token carrying every scope the document names and the
// issuer and audience the scheme's x-gateway asks for.
func heldAuth(t *testing.T, doc *openapi3.T) *creds {
	c := &creds{byName: map[string]credWire{}, auth: map[string]string{}}
	if doc.Components == nil || len(doc.Components.SecuritySchemes) == 0 {
		return c
	}
	dir := t.TempDir()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	coord := func(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
	raw := elliptic.Marshal(elliptic.P256(), priv.X, priv.Y) // 0x04 || x || y
	jwks, _ := json.Marshal(map[string]any{"keys": []any{map[string]string{
		"kty": "EC", "crv": "P-256", "kid": "oracle", "x": coord(raw[1:33]), "y": coord(raw[33:])}}})
	scopes := docScopes(doc)
	tokens := map[string]string{}
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
			// Schemes asking for the same claims share one token, which
			// an alternative requiring two of them (Google's Oauth2 and
			// Oauth2c) sends once; ECDSA signs the same claims differently
			// each time.
			iss, aud := tokenClaims(doc, name, s)
			tok, ok := tokens[iss+"\x00"+aud]
			if !ok {
				tok = signedToken(t, priv, scopes, iss, aud)
				tokens[iss+"\x00"+aud] = tok
			}
			c.byName[name] = credWire{"header", "Authorization", "Bearer " + tok}
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
		c.auth[name] = "file:" + p
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

// tokenClaims returns the issuer and audience a token scheme's x-gateway
// material requires, on the scheme or under the root's x-gateway.security.
func tokenClaims(doc *openapi3.T, name string, s *openapi3.SecurityScheme) (iss, aud string) {
	xg, _ := s.Extensions["x-gateway"].(map[string]any)
	if xg == nil {
		if root, ok := doc.Extensions["x-gateway"].(map[string]any); ok {
			if sec, ok := root["security"].(map[string]any); ok {
				xg, _ = sec[name].(map[string]any)
			}
		}
	}
	iss, _ = xg["issuer"].(string)
	aud, _ = xg["audience"].(string)
	return iss, aud
}

// signedToken is an ES256 JWT (RFC 7518 §3.4), which every scheme accepts
// unless its algorithms say otherwise, valid for an hour, with the scopes
// in the scope claim.
func signedToken(t *testing.T, priv *ecdsa.PrivateKey, scopes []string, iss, aud string) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	now := time.Now().Unix()
	claims := map[string]any{"sub": "oracle", "iat": now, "exp": now + 3600, "scope": strings.Join(scopes, " ")}
	if iss != "" {
		claims["iss"] = iss
	}
	if aud != "" {
		claims["aud"] = aud
	}
	signing := enc(map[string]string{"alg": "ES256", "kid": "oracle", "typ": "JWT"}) + "." + enc(claims)
	sum := sha256.Sum256([]byte(signing))
	r, sg, err := ecdsa.Sign(rand.Reader, priv, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	sig := make([]byte, 64) // r || s, each 32 bytes big-endian
	r.FillBytes(sig[:32])
	sg.FillBytes(sig[32:])
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
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

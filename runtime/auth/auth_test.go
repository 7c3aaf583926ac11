package auth

import (
	"bufio"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/request"
)

var testNow = time.Unix(1_800_000_000, 0)

type fixture struct {
	ec     *ecdsa.PrivateKey
	rsa    *rsa.PrivateKey
	jwks   []byte
	apiKey *APIKey
	jwt    *JWT
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rk, _ := rsa.GenerateKey(rand.Reader, 2048)
	set := map[string]any{"keys": []map[string]string{
		{"kty": "EC", "kid": "ec1", "crv": "P-256", "x": b64(ec.X.FillBytes(make([]byte, 32))), "y": b64(ec.Y.FillBytes(make([]byte, 32)))},
		{"kty": "RSA", "kid": "rsa1", "n": b64(rk.N.Bytes()), "e": "AQAB"},
	}}
	jwks, _ := json.Marshal(set)
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	k, err := NewAPIKey(APIKeyConfig{Scheme: "key", Realm: "test", In: "header", Name: "X-API-Key",
		Keys: Source{File: write("keys", []byte("# demo\nalice:alice-secret\n\nbob:bob-secret\n"))}})
	if err != nil {
		t.Fatal(err)
	}
	j, err := NewJWT(JWTConfig{Scheme: "jwt", Realm: "test", JWKS: Source{File: write("jwks.json", jwks)},
		Issuer: "https://issuer.test", Audience: "petstore", Leeway: 30 * time.Second, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{ec: ec, rsa: rk, jwks: jwks, apiKey: k, jwt: j}
}

func (f *fixture) token(t testing.TB, method jwt.SigningMethod, kid string, key crypto.PrivateKey, claims jwt.MapClaims) string {
	t.Helper()
	base := jwt.MapClaims{"iss": "https://issuer.test", "aud": "petstore", "sub": "carol", "exp": testNow.Add(time.Hour).Unix(), "iat": testNow.Unix()}
	for k, v := range claims {
		if v == nil {
			delete(base, k)
		} else {
			base[k] = v
		}
	}
	tok := jwt.NewWithClaims(method, base)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func reqWith(headers ...string) *fasthttp.RequestCtx {
	var ctx fasthttp.RequestCtx
	ctx.Request.SetRequestURI("/pets")
	for i := 0; i+1 < len(headers); i += 2 {
		ctx.Request.Header.Add(headers[i], headers[i+1])
	}
	return &ctx
}

// readRequest parses raw as the server does, so that the request keeps the
// header block as sent; false when fasthttp refuses it.
func readRequest(raw string) (*fasthttp.RequestCtx, bool) {
	var ctx fasthttp.RequestCtx
	if err := ctx.Request.Read(bufio.NewReader(strings.NewReader(raw))); err != nil {
		return nil, false
	}
	return &ctx, true
}

// wireWith is reqWith for a request read from the wire, as the server
// hands every request to the generated code; the benchmarks use it.
func wireWith(tb testing.TB, headers ...string) *fasthttp.RequestCtx {
	raw := "GET /pets HTTP/1.1\r\nHost: api.example\r\nUser-Agent: bench\r\nAccept: */*\r\n"
	for i := 0; i+1 < len(headers); i += 2 {
		raw += headers[i] + ": " + headers[i+1] + "\r\n"
	}
	ctx, ok := readRequest(raw + "\r\n")
	if !ok {
		tb.Fatalf("fasthttp refused %q", raw)
	}
	return ctx
}

// TestBeginFromWire covers Begin on requests read from the wire, as the
// server hands them over: names in any case, a line folded onto another
// field's value, a forged identity.
func TestBeginFromWire(t *testing.T) {
	for _, c := range []struct {
		name   string
		fields string
		ok     bool
		authz  string // "" for none
	}{
		{"neither", "X-API-Key: k\r\n", true, ""},
		{"one", "Authorization: Bearer t\r\n", true, "Bearer t"},
		{"lower case", "authorization: Bearer t\r\n", true, "Bearer t"},
		{"two", "Authorization: Bearer a\r\nAUTHORIZATION: Bearer b\r\n", false, ""},
		{"folded onto another field", "X-A: 1\r\n Authorization: Bearer t\r\n", true, ""},
		{"longer name", "Authorizations: x\r\n", true, ""},
		{"forged identity", "X-Consumer: alice\r\nAuthorization: Bearer t\r\n", true, "Bearer t"},
		{"forged identity twice", "x-consumer: alice\r\nX-CONSUMER: bob\r\n", true, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, ok := readRequest("GET /pets HTTP/1.1\r\nHost: a\r\n" + c.fields + "\r\n")
			if !ok {
				t.Fatal("fasthttp refused the request")
			}
			var v Verdict
			if got := v.Begin(ctx); got != c.ok {
				t.Fatalf("Begin = %v, want %v", got, c.ok)
			}
			if string(v.authz) != c.authz {
				t.Errorf("authz %q, want %q", v.authz, c.authz)
			}
			if c.ok && ctx.Request.Header.Peek(ConsumerHeader) != nil {
				t.Errorf("X-Consumer %q left", ctx.Request.Header.Peek(ConsumerHeader))
			}
		})
	}
}

func TestAPIKey(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		name     string
		headers  []string
		ok       bool
		consumer string
	}{
		{"alice", []string{"X-API-Key", "alice-secret"}, true, "alice"},
		{"bob", []string{"X-API-Key", "bob-secret"}, true, "bob"},
		{"wrong key", []string{"X-API-Key", "alice-secre"}, false, ""},
		{"no key", nil, false, ""},
		{"empty", []string{"X-API-Key", ""}, false, ""},
		{"two", []string{"X-API-Key", "alice-secret", "X-API-Key", "alice-secret"}, false, ""},
		{"oversized", []string{"X-API-Key", strings.Repeat("a", MaxCredential+1)}, false, ""},
		{"forged identity", []string{"X-API-Key", "bob-secret", "X-Consumer", "alice"}, true, "bob"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := reqWith(c.headers...)
			st := request.Acquire()
			defer request.Release(st)
			var v Verdict
			ok := v.Begin(ctx) && v.Alt() && f.apiKey.Check(&v)
			if ok {
				v.Pass(st)
			} else {
				v.Refuse()
			}
			if ok != c.ok || st.Consumer != c.consumer {
				t.Fatalf("ok %v consumer %q, want %v %q", ok, st.Consumer, c.ok, c.consumer)
			}
			if ok && (ctx.Request.Header.Peek("X-API-Key") != nil || len(ctx.Request.Header.Peek(ConsumerHeader)) != 0) {
				t.Fatalf("credential or forged identity left in the request")
			}
			if !ok && ctx.Response.StatusCode() != 401 {
				t.Fatalf("status %d, want 401", ctx.Response.StatusCode())
			}
		})
	}
}

func TestParseKeys(t *testing.T) {
	for _, c := range []struct {
		raw    string
		inline bool
		err    string
	}{
		{"a:1,b:2", true, ""},
		{"a:1\nb:2\n", false, ""},
		{"a:1,b:1", true, "same key"},
		{"nocolon", false, "want consumer:key"},
		{"a b:1", false, "consumer"},
		{"a:", false, "1 to"},
		{"# only a comment\n", false, "no consumer"},
	} {
		_, err := ParseKeys([]byte(c.raw), c.inline)
		if (err == nil) != (c.err == "") || (err != nil && !strings.Contains(err.Error(), c.err)) {
			t.Errorf("%q: error %v, want %q", c.raw, err, c.err)
		}
		if err != nil && strings.Contains(err.Error(), "1\n") {
			t.Errorf("error quotes a key: %v", err)
		}
	}
}

func TestJWT(t *testing.T) {
	f := newFixture(t)
	good := f.token(t, jwt.SigningMethodES256, "ec1", f.ec, jwt.MapClaims{"scope": "pets:read pets:admin"})
	rsaGood := f.token(t, jwt.SigningMethodRS256, "rsa1", f.rsa, jwt.MapClaims{"scp": []string{"pets:admin"}})
	hs := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"iss": "https://issuer.test", "aud": "petstore", "sub": "x", "exp": testNow.Add(time.Hour).Unix()})
	hs.Header["kid"] = "rsa1"
	hsTok, _ := hs.SignedString(f.jwks)
	parts := strings.Split(good, ".")
	none := b64([]byte(`{"alg":"none","kid":"ec1"}`)) + "." + parts[1] + "."
	// The same signature bytes in a second spelling: the last character of
	// 64 bytes in base64url carries 2 bits of data and 4 that must be zero.
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	sig := parts[2]
	respelled := sig[:len(sig)-1] + string(alphabet[strings.IndexByte(alphabet, sig[len(sig)-1])|1])
	for _, c := range []struct {
		name   string
		auth   string
		scopes []string
		status int // 0: pass
	}{
		{"es256", "Bearer " + good, []string{"pets:admin"}, 0},
		{"rs256 scp", "bearer " + rsaGood, []string{"pets:admin"}, 0},
		{"missing scope", "Bearer " + good, []string{"pets:write"}, 403},
		{"none", "Bearer " + none, nil, 401},
		{"hs256 with public key", "Bearer " + hsTok, nil, 401},
		{"expired", "Bearer " + f.token(t, jwt.SigningMethodES256, "ec1", f.ec, jwt.MapClaims{"exp": testNow.Add(-time.Minute).Unix()}), nil, 401},
		{"nbf future", "Bearer " + f.token(t, jwt.SigningMethodES256, "ec1", f.ec, jwt.MapClaims{"nbf": testNow.Add(time.Hour).Unix()}), nil, 401},
		{"wrong iss", "Bearer " + f.token(t, jwt.SigningMethodES256, "ec1", f.ec, jwt.MapClaims{"iss": "https://evil.test"}), nil, 401},
		{"wrong aud", "Bearer " + f.token(t, jwt.SigningMethodES256, "ec1", f.ec, jwt.MapClaims{"aud": "other"}), nil, 401},
		{"no exp", "Bearer " + f.token(t, jwt.SigningMethodES256, "ec1", f.ec, jwt.MapClaims{"exp": nil}), nil, 401},
		{"unknown kid", "Bearer " + f.token(t, jwt.SigningMethodES256, "ec2", f.ec, nil), nil, 401},
		{"rsa kid for ec", "Bearer " + f.token(t, jwt.SigningMethodES256, "rsa1", f.ec, nil), nil, 401},
		{"stripped signature", "Bearer " + parts[0] + "." + parts[1] + ".", nil, 401},
		{"signature spelled twice", "Bearer " + parts[0] + "." + parts[1] + "." + respelled, nil, 401},
		{"tampered", "Bearer " + parts[0] + "." + b64([]byte(`{"sub":"admin","exp":9999999999}`)) + "." + parts[2], nil, 401},
		{"empty", "Bearer ", nil, 401}, // no token: challenged without an error (TestRefuseChallenges)
		{"basic", "Basic YTpi", nil, 401},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := reqWith("Authorization", c.auth)
			st := request.Acquire()
			defer request.Release(st)
			var v Verdict
			ok := v.Begin(ctx) && v.Alt() && f.jwt.Check(&v, c.scopes)
			if ok {
				v.Pass(st)
			} else {
				v.Refuse()
			}
			status := ctx.Response.StatusCode()
			if ok {
				status = 0
			}
			if status != c.status {
				t.Fatalf("status %d, want %d (%s)", status, c.status, ctx.Response.Body())
			}
			ch := string(ctx.Response.Header.Peek("WWW-Authenticate"))
			switch {
			case c.status == 403 && !strings.Contains(ch, `error="insufficient_scope"`):
				t.Fatalf("challenge %q", ch)
			case c.status == 401 && c.auth != "Basic YTpi" && c.auth != "Bearer " && !strings.Contains(ch, `error="invalid_token"`):
				t.Fatalf("challenge %q", ch)
			case ok && st.Consumer != "carol":
				t.Fatalf("consumer %q", st.Consumer)
			}
		})
	}
}

func TestCheckHeader(t *testing.T) {
	for _, h := range []string{`{"alg":"ES256","jku":"https://evil.test/jwks"}`, `{"alg":"ES256","x5u":"https://evil.test"}`,
		`{"alg":"ES256","jwk":{"kty":"EC"}}`, `{"alg":"ES256","crit":["exp"]}`, `{"alg":"NoNe"}`, `{"alg":"ES256","x5c":["x"]}`, `[]`} {
		if err := CheckHeader(b64([]byte(h)) + ".e30.c2ln"); err == nil {
			t.Errorf("%s accepted", h)
		}
	}
	if err := CheckHeader(b64([]byte(`{"alg":"ES256","kid":"a","typ":"JWT"}`)) + ".e30.c2ln"); err != nil {
		t.Error(err)
	}
}

func TestDuplicateAuthorization(t *testing.T) {
	ctx := reqWith("Authorization", "Bearer a.b.c", "Authorization", "Bearer d.e.f")
	var v Verdict
	if v.Begin(ctx) || ctx.Response.StatusCode() != 400 {
		t.Fatalf("two Authorization headers: status %d", ctx.Response.StatusCode())
	}
}

func TestDropQuery(t *testing.T) {
	for q, want := range map[string]string{
		"api_key=x&limit=3":   "limit=3",
		"limit=3&api%5Fkey=x": "limit=3",
		"limit=3":             "limit=3",
		"api_key":             "",
		"a=1&api_key=x&b=2":   "a=1&b=2",
	} {
		if got := string(dropQuery(nil, []byte(q), "api_key")); got != want {
			t.Errorf("%q: %q, want %q", q, got, want)
		}
	}
}

// benchCheck measures check as the generated code runs it ("whole": Begin,
// then the scheme's Check) and the scheme's Check alone ("check", from a
// verdict Begin made once): Begin, the identity strip and the Authorization
// lookup that every scheme shares, is a third of the whole for the fast ones.
// The scheme is called through a type switch, as the generated code calls
// it: through a func value the verdict would escape to the heap.
func benchCheck(b *testing.B, ctx *fasthttp.RequestCtx, before func(), s scheme, scopes []string) {
	check := func(v *Verdict) bool {
		switch s := s.(type) {
		case *APIKey:
			return s.Check(v)
		case *JWT:
			return s.Check(v, scopes)
		case *Basic:
			return s.Check(v)
		}
		panic("benchCheck: no case for this scheme")
	}
	b.Run("whole", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			before()
			var v Verdict
			if !(v.Begin(ctx) && v.Alt() && check(&v)) {
				b.Fatal("refused")
			}
		}
	})
	b.Run("check", func(b *testing.B) {
		var begun Verdict
		if !(begun.Begin(ctx) && begun.Alt()) {
			b.Fatal("refused")
		}
		b.ReportAllocs()
		for b.Loop() {
			before()
			v := begun
			if !check(&v) {
				b.Fatal("refused")
			}
		}
	})
}

func BenchmarkBegin(b *testing.B) {
	ctx := wireWith(b, "Authorization", "Bearer x", "X-API-Key", "alice-secret")
	b.ReportAllocs()
	for b.Loop() {
		var v Verdict
		if !v.Begin(ctx) {
			b.Fatal("refused")
		}
	}
}

func BenchmarkAPIKey(b *testing.B) {
	f := newFixture(b)
	benchCheck(b, wireWith(b, "X-API-Key", "alice-secret"), func() {}, f.apiKey, nil)
}

func benchJWT(b *testing.B, f *fixture, method jwt.SigningMethod, kid string, key crypto.PrivateKey, cached bool) {
	tok := f.token(b, method, kid, key, jwt.MapClaims{"scope": "pets:admin"})
	ctx := wireWith(b, "Authorization", "Bearer "+tok)
	scopes := []string{"pets:admin"}
	forget := func() {
		if !cached {
			m := f.jwt.mat.Load()
			m.mu.Lock()
			clear(m.cache)
			m.mu.Unlock()
		}
	}
	benchCheck(b, ctx, forget, f.jwt, scopes)
}

func BenchmarkJWT(b *testing.B) {
	f := newFixture(b)
	b.Run("ES256/cached", func(b *testing.B) { benchJWT(b, f, jwt.SigningMethodES256, "ec1", f.ec, true) })
	b.Run("RS256/cached", func(b *testing.B) { benchJWT(b, f, jwt.SigningMethodRS256, "rsa1", f.rsa, true) })
	b.Run("ES256/cold", func(b *testing.B) { benchJWT(b, f, jwt.SigningMethodES256, "ec1", f.ec, false) })
	b.Run("RS256/cold", func(b *testing.B) { benchJWT(b, f, jwt.SigningMethodRS256, "rsa1", f.rsa, false) })
}

// TestCachedPathsAllocateNothing holds the API key and cached token paths
// to their promise.
func TestCachedPathsAllocateNothing(t *testing.T) {
	f := newFixture(t)
	tok := f.token(t, jwt.SigningMethodES256, "ec1", f.ec, jwt.MapClaims{"scope": "pets:admin"})
	keyCtx := reqWith("X-API-Key", "alice-secret")
	jwtCtx := reqWith("Authorization", "Bearer "+tok)
	scopes := []string{"pets:admin"}
	var v Verdict
	if !(v.Begin(jwtCtx) && f.jwt.Check(&v, scopes)) {
		t.Fatal("token refused")
	}
	st := request.Acquire()
	defer request.Release(st)
	for name, fn := range map[string]func() bool{
		"api key": func() bool { var v Verdict; return v.Begin(keyCtx) && v.Alt() && f.apiKey.Check(&v) },
		"cached jwt": func() bool {
			var v Verdict
			return v.Begin(jwtCtx) && v.Alt() && f.jwt.Check(&v, scopes)
		},
	} {
		if n := testing.AllocsPerRun(100, func() {
			if !fn() {
				t.Fatal("refused")
			}
		}); n != 0 {
			t.Errorf("%s: %v allocations, want 0", name, n)
		}
	}
}

// TestRefuseChallenges: a refusal challenges for each scheme that could
// still satisfy the requirement, with an error only where a credential of
// it was sent; a scheme whose credential passed (the key of an AND whose
// token is missing) needs nothing more and is not challenged, which would
// tell the client its key was wrong.
func TestRefuseChallenges(t *testing.T) {
	f := newFixture(t)
	read := []string{"read"}
	noScope := f.token(t, jwt.SigningMethodES256, "ec1", f.ec, nil)
	and := func(v *Verdict) bool { return v.Alt() && f.apiKey.Check(v) && f.jwt.Check(v, read) }
	or := func(v *Verdict) bool { return (v.Alt() && f.apiKey.Check(v)) || (v.Alt() && f.jwt.Check(v, read)) }
	for _, c := range []struct {
		name    string
		req     func(*Verdict) bool
		headers []string
		status  int
		want    []string
	}{
		{"and, nothing", and, nil, 401, []string{`ApiKey realm="test", in="header", name="X-API-Key"`}},
		{"and, key but no token", and, []string{"X-API-Key", "alice-secret"}, 401, []string{`Bearer realm="test", scope="read"`}},
		{"and, key and a bad token", and, []string{"X-API-Key", "alice-secret", "Authorization", "Bearer x.y.z"}, 401, []string{`Bearer realm="test", error="invalid_token", scope="read"`}},
		{"and, key and a token short of a scope", and, []string{"X-API-Key", "alice-secret", "Authorization", "Bearer " + noScope}, 403, []string{`Bearer realm="test", error="insufficient_scope", scope="read"`}},
		{"or, nothing", or, nil, 401, []string{`ApiKey realm="test", in="header", name="X-API-Key"`, `Bearer realm="test", scope="read"`}},
		{"or, a bad key", or, []string{"X-API-Key", "nope"}, 401, []string{`ApiKey realm="test", in="header", name="X-API-Key", error="invalid_key"`, `Bearer realm="test", scope="read"`}},
		// "Bearer" with no token sends none: no error (RFC 6750 §3).
		{"or, Bearer alone", or, []string{"Authorization", "Bearer"}, 401, []string{`ApiKey realm="test", in="header", name="X-API-Key"`, `Bearer realm="test", scope="read"`}},
		{"or, Bearer and spaces", or, []string{"Authorization", "Bearer    "}, 401, []string{`ApiKey realm="test", in="header", name="X-API-Key"`, `Bearer realm="test", scope="read"`}},
		{"or, bearer in another case", or, []string{"Authorization", "bEARER x.y.z"}, 401, []string{`ApiKey realm="test", in="header", name="X-API-Key"`, `Bearer realm="test", error="invalid_token", scope="read"`}},
		{"or, a token of characters no b64token has", or, []string{"Authorization", `Bearer a"b`}, 401, []string{`ApiKey realm="test", in="header", name="X-API-Key"`, `Bearer realm="test", error="invalid_token", scope="read"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := reqWith(c.headers...)
			var v Verdict
			if !v.Begin(ctx) || c.req(&v) {
				t.Fatal("passed")
			}
			v.Refuse()
			if ctx.Response.StatusCode() != c.status {
				t.Fatalf("status %d, want %d", ctx.Response.StatusCode(), c.status)
			}
			var got []string
			for _, h := range ctx.Response.Header.PeekAll("WWW-Authenticate") {
				got = append(got, string(h))
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Fatalf("challenges\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

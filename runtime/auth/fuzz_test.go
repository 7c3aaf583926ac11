package auth

import (
	"testing"
	"time"
)

// FuzzExtractAPIKey: any header, query or cookie gives a credential, none or
// a refusal, never a panic; a credential found is never empty nor over the cap.
func FuzzExtractAPIKey(f *testing.F) {
	f.Add("X-API-Key", "k", "/pets?api_key=x&api_key=y")
	f.Add("Cookie", "api_key=; other=1", "/pets")
	f.Fuzz(func(t *testing.T, name, value, uri string) {
		ctx := reqWith(name, value)
		ctx.Request.SetRequestURI(uri)
		for _, in := range []string{"header", "query", "cookie"} {
			for _, n := range []string{"X-API-Key", "api_key"} {
				cred, f := ExtractAPIKey(ctx, in, n)
				if f == passed && (len(cred) == 0 || len(cred) > MaxCredential) {
					t.Fatalf("%s %s: credential of %d bytes passed", in, n, len(cred))
				}
			}
		}
		_ = dropQuery(nil, ctx.URI().QueryString(), "api_key")
	})
}

// FuzzParseBearer: a token passed on is never empty nor over the cap.
func FuzzParseBearer(f *testing.F) {
	f.Add([]byte("Bearer abc.def.ghi"))
	f.Add([]byte("bearer    "))
	f.Add([]byte("Basic YTpi"))
	f.Fuzz(func(t *testing.T, h []byte) {
		tok, f := parseBearer(h)
		if f == passed && (len(tok) == 0 || len(tok) > MaxCredential) {
			t.Fatalf("token of %d bytes passed", len(tok))
		}
	})
}

// FuzzVerify feeds arbitrary tokens, headers and claims to the verifier: it
// must never panic and never accept one, since no fuzzed token carries a
// valid signature of the fixture's keys.
func FuzzVerify(f *testing.F) {
	fx := newFixture(f)
	f.Add("eyJhbGciOiJFUzI1NiIsImtpZCI6ImVjMSJ9.eyJzdWIiOiJhIiwiZXhwIjo5OTk5OTk5OTk5fQ.c2ln")
	f.Add(b64([]byte(`{"alg":"none"}`)) + "." + b64([]byte(`{"sub":"a"}`)) + ".")
	f.Add(b64([]byte(`{"alg":"ES256","crit":["x"],"x":1}`)) + ".e30.")
	fx.jwt.cfg.Now = func() time.Time { return testNow }
	f.Fuzz(func(t *testing.T, tok string) {
		_ = CheckHeader(tok)
		if _, err := fx.jwt.Verify(tok); err == nil {
			t.Fatalf("fuzzed token accepted: %q", tok)
		}
	})
}

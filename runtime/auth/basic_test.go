package auth

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"

	"github.com/gatewaygen/gatewaygen/runtime/request"
)

// argonLine writes the PHC string of password under small parameters.
func argonLine(password string) string {
	salt := []byte("0123456789abcdef")
	key := argon2.IDKey([]byte(password), salt, 1, 64, 1, 32)
	return "$argon2id$v=19$m=64,t=1,p=1$" + base64.RawStdEncoding.EncodeToString(salt) + "$" + base64.RawStdEncoding.EncodeToString(key)
}

func newBasic(t testing.TB, lines string) (*Basic, string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "users")
	if err := os.WriteFile(p, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := NewBasic(BasicConfig{Scheme: "basic", Realm: "test", Users: Source{File: p}})
	if err != nil {
		t.Fatal(err)
	}
	return b, p
}

func bcryptLine(t testing.TB, password string) string {
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	return string(h)
}

func basicHeader(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

func TestBasic(t *testing.T) {
	b, _ := newBasic(t, "# users\nalice:"+bcryptLine(t, "wonderland")+"\n\nbob:"+argonLine("builder:colon")+"\n")
	for _, c := range []struct {
		name     string
		headers  []string
		ok       bool
		consumer string
	}{
		{"bcrypt", []string{"Authorization", basicHeader("alice", "wonderland")}, true, "alice"},
		{"cached", []string{"Authorization", basicHeader("alice", "wonderland")}, true, "alice"},
		{"argon2id, a colon in the password", []string{"Authorization", basicHeader("bob", "builder:colon")}, true, "bob"},
		{"scheme in any case", []string{"Authorization", "bAsIc " + base64.StdEncoding.EncodeToString([]byte("alice:wonderland"))}, true, "alice"},
		{"wrong password", []string{"Authorization", basicHeader("alice", "wonderlanD")}, false, ""},
		{"wrong password, argon2id", []string{"Authorization", basicHeader("bob", "builder")}, false, ""},
		{"unknown user", []string{"Authorization", basicHeader("mallory", "wonderland")}, false, ""},
		{"another user's password", []string{"Authorization", basicHeader("bob", "wonderland")}, false, ""},
		{"empty user", []string{"Authorization", basicHeader("", "wonderland")}, false, ""},
		{"no colon", []string{"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte("alice"))}, false, ""},
		{"not base64", []string{"Authorization", "Basic alice:wonderland"}, false, ""},
		{"unpadded", []string{"Authorization", strings.TrimRight(basicHeader("alice", "wonderlan"), "=")}, false, ""},
		{"empty", []string{"Authorization", "Basic "}, false, ""},
		{"bearer", []string{"Authorization", "Bearer a.b.c"}, false, ""},
		{"none", nil, false, ""},
		{"oversized", []string{"Authorization", "Basic " + strings.Repeat("A", MaxCredential+4)}, false, ""},
		{"forged identity", []string{"Authorization", basicHeader("alice", "wonderland"), "X-Consumer", "bob"}, true, "alice"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := reqWith(c.headers...)
			st := request.Acquire()
			defer request.Release(st)
			var v Verdict
			ok := v.Begin(ctx) && v.Alt() && b.Check(&v)
			if ok {
				v.Pass(st)
			} else {
				v.Refuse()
			}
			if ok != c.ok || st.Consumer != c.consumer {
				t.Fatalf("ok %v consumer %q, want %v %q", ok, st.Consumer, c.ok, c.consumer)
			}
			if ok && (ctx.Request.Header.Peek("Authorization") != nil || len(ctx.Request.Header.Peek(ConsumerHeader)) != 0) {
				t.Fatal("credential or forged identity left in the request")
			}
			if !ok {
				if ctx.Response.StatusCode() != 401 {
					t.Fatalf("status %d, want 401", ctx.Response.StatusCode())
				}
				if got := string(ctx.Response.Header.Peek("WWW-Authenticate")); got != `Basic realm="test", charset="UTF-8"` {
					t.Fatalf("challenge %q", got)
				}
			}
		})
	}
	// Only a credential that verified is remembered.
	if n := len(b.mat.Load().cache); n != 2 {
		t.Errorf("%d cached credentials, want 2 (alice, bob)", n)
	}
}

func TestParseUsers(t *testing.T) {
	good := bcryptLine(t, "pw")
	for _, c := range []struct{ name, in, err string }{
		{"ok", "a:" + good + "\nb:" + argonLine("x"), ""},
		{"no colon", "a" + good, "line 1: want user:hash"},
		{"bad user", "a b:" + good, `line 1: user "a b"`},
		{"twice", "a:" + good + "\na:" + good, "line 2: user a given twice"},
		{"plain text", "a:secret", "line 1: the hash of a: want a bcrypt"},
		{"bad bcrypt", "a:$2b$99$x", "line 1: the hash of a: not a bcrypt hash"},
		{"argon2i", "a:$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5", "want a bcrypt"},
		{"argon2id huge memory", "a:$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5", "out of range"},
		{"argon2id short salt", "a:$argon2id$v=19$m=64,t=1,p=1$c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5", "salt or key"},
		{"argon2id version", "a:$argon2id$v=16$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5", "want $argon2id$v=19"},
		{"empty", "# nobody\n", "no user:hash line"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseUsers([]byte(c.in))
			if c.err == "" && err != nil || c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
				t.Fatalf("error %v, want %q", err, c.err)
			}
			if err != nil && (strings.Contains(err.Error(), "$2a$04$") || strings.Contains(err.Error(), "c2FsdHNhbHQ")) {
				t.Fatalf("the error quotes a hash: %v", err)
			}
		})
	}
}

// FuzzParseBasic: a credential passed on is never empty nor over the cap,
// and decoding any of them never panics nor yields an empty user.
func FuzzParseBasic(f *testing.F) {
	f.Add([]byte("Basic YWxpY2U6d29uZGVybGFuZA=="))
	f.Add([]byte("basic   "))
	f.Add([]byte("Basic Og=="))
	f.Add([]byte("Bearer a.b.c"))
	f.Fuzz(func(t *testing.T, h []byte) {
		cred, f := parseScheme(h, "basic")
		if f != passed {
			return
		}
		if len(cred) == 0 || len(cred) > MaxCredential {
			t.Fatalf("credential of %d bytes passed", len(cred))
		}
		if user, _, ok := ParseBasic(cred); ok && len(user) == 0 {
			t.Fatal("empty user accepted")
		}
	})
}

func BenchmarkBasic(b *testing.B) {
	bs, _ := newBasic(b, "alice:"+bcryptLine(b, "wonderland")+"\n")
	ctx := wireWith(b, "Authorization", basicHeader("alice", "wonderland"))
	b.Run("cached", func(b *testing.B) { benchCheck(b, ctx, func() {}, bs, nil) })
}

// TestBasicForgets: a remembered credential passes without its password
// hash until BasicCacheTTL after it was checked, then pays the hash again.
// The users' hashes are changed behind the cache's back, which a reload
// never does (it replaces the cache too), to see which path answered.
func TestBasicForgets(t *testing.T) {
	b, _ := newBasic(t, "alice:"+bcryptLine(t, "wonderland")+"\n")
	now := time.Unix(1_800_000_000, 0)
	b.cfg.Now = func() time.Time { return now }
	check := func() bool {
		ctx := reqWith("Authorization", basicHeader("alice", "wonderland"))
		var v Verdict
		return v.Begin(ctx) && v.Alt() && b.Check(&v)
	}
	if !check() {
		t.Fatal("refused the right password")
	}
	m := b.mat.Load()
	m.users["alice"] = passwordHash{bcrypt: []byte(bcryptLine(t, "changed"))}
	for _, c := range []struct {
		after time.Duration
		pass  bool
	}{
		{time.Minute, true},
		{BasicCacheTTL - time.Second, true},
		{BasicCacheTTL, false},
		{BasicCacheTTL + time.Minute, false},
	} {
		now = time.Unix(1_800_000_000, 0).Add(c.after)
		if got := check(); got != c.pass {
			t.Errorf("%v after the check: passed %v, want %v", c.after, got, c.pass)
		}
	}
}

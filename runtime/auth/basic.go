package auth

import (
	"bufio"
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"hash/maphash"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"

	"github.com/gatewaygen/gatewaygen/runtime/request"
)

// MaxCachedPasswords bounds the cache of verified basic credentials of one
// scheme.
const MaxCachedPasswords = 10000

// BasicCacheTTL is how long a verified basic credential is remembered.
// The cache key is a fast keyed hash: whoever reads the process's memory
// (seed and keys) could test guessed passwords against it at the hash's
// speed, not bcrypt's. Forgetting a credential a few minutes after it was
// checked limits that to the users active in those minutes, and costs a
// steady client one password hash per period.
const BasicCacheTTL = 5 * time.Minute

// BasicConfig configures an http basic scheme.
type BasicConfig struct {
	Scheme string // the scheme's name in the document, for messages
	Realm  string // the challenge's realm: the API's name
	// Users holds one "user:hash" line per user, the hash a bcrypt one
	// ($2a$, $2b$, $2y$) or an argon2id one in the PHC form
	// ($argon2id$v=19$m=65536,t=3,p=4$salt$key); blank lines and lines
	// starting with # are skipped. The user is the consumer.
	Users   Source
	Keep    bool // forward the Authorization header upstream
	Forward bool // send the consumer upstream in X-Consumer
	// ConsumerHeader, when set, sends it in this header instead.
	ConsumerHeader string
	// Now is the clock the cache's ages are read from; nil means the
	// package's coarse clock (tests set it).
	Now func() time.Time
}

// Basic checks "Authorization: Basic" credentials against password
// hashes. A password hash costs milliseconds by design, so a credential
// that verified is remembered (by a keyed hash of the header's value, never
// the password) and a hot client does not pay the hash again; a wrong
// password is never remembered and pays it every time.
type Basic struct {
	cfg BasicConfig
	mat atomic.Pointer[basicMaterial]
}

// basicMaterial is one load of the users file with the cache that goes
// with it: a reload replaces both, so a password removed or changed in the
// file stops passing at once.
type basicMaterial struct {
	users map[string]passwordHash
	// dummy is checked for an unknown user so that the answer takes as
	// long as for a known one.
	dummy passwordHash

	mu    sync.RWMutex
	cache map[tokenHash]remembered // the header value's hash -> the user
	seeds [2]maphash.Seed
}

// remembered is a basic credential that verified: its user, and until when
// (unix seconds) it passes without its password hash being paid again.
type remembered struct {
	user  string
	until int64
}

// passwordHash is a parsed hash line: bcrypt's whole string, or
// argon2id's parameters, salt and key.
type passwordHash struct {
	bcrypt []byte
	argon  *argonHash
}

type argonHash struct {
	time, memory uint32
	threads      uint8
	salt, key    []byte
}

// NewBasic loads the users of cfg.
func NewBasic(cfg BasicConfig) (*Basic, error) {
	b := &Basic{cfg: cfg}
	if err := b.Reload(); err != nil {
		return nil, err
	}
	return b, nil
}

// Reload reads the users again; on an error the users loaded before stay.
func (b *Basic) Reload() error {
	users := map[string]passwordHash{} // Locked: no user is found
	if !b.cfg.Users.Locked {
		raw, err := b.cfg.Users.read()
		if err != nil {
			return fmt.Errorf("auth: scheme %s: users: %w", b.cfg.Scheme, err)
		}
		if users, err = ParseUsers(raw); err != nil {
			return fmt.Errorf("auth: scheme %s: users from %s: %w", b.cfg.Scheme, b.cfg.Users, err)
		}
	}
	m := &basicMaterial{users: users, cache: map[tokenHash]remembered{}, seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}}
	for _, h := range users { // the dummy costs what a real one does
		m.dummy = h
		break
	}
	b.mat.Store(m)
	return nil
}

// Name is the scheme's name in the document.
func (b *Basic) Name() string { return b.cfg.Scheme }

// ParseUsers reads "user:hash" lines. The error names the line and never
// quotes a hash.
func ParseUsers(raw []byte) (map[string]passwordHash, error) {
	users := map[string]passwordHash{}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for line := 1; sc.Scan(); line++ {
		it := strings.TrimSpace(sc.Text())
		if it == "" || strings.HasPrefix(it, "#") {
			continue
		}
		user, hash, ok := strings.Cut(it, ":")
		switch {
		case !ok:
			return nil, fmt.Errorf("line %d: want user:hash", line)
		case !validConsumer(user):
			return nil, fmt.Errorf("line %d: user %q: want visible ASCII without colons, quotes, commas, semicolons or backslashes", line, user)
		}
		if _, dup := users[user]; dup {
			return nil, fmt.Errorf("line %d: user %s given twice", line, user)
		}
		h, err := parseHash(hash)
		if err != nil {
			return nil, fmt.Errorf("line %d: the hash of %s: %w", line, user, err)
		}
		users[user] = h
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(users) == 0 {
		return nil, errors.New("no user:hash line")
	}
	return users, nil
}

func parseHash(s string) (passwordHash, error) {
	switch {
	case strings.HasPrefix(s, "$2a$"), strings.HasPrefix(s, "$2b$"), strings.HasPrefix(s, "$2y$"):
		if _, err := bcrypt.Cost([]byte(s)); err != nil {
			return passwordHash{}, fmt.Errorf("not a bcrypt hash: %w", err)
		}
		return passwordHash{bcrypt: []byte(s)}, nil
	case strings.HasPrefix(s, "$argon2id$"):
		a, err := parseArgon2id(s)
		return passwordHash{argon: a}, err
	}
	return passwordHash{}, errors.New("want a bcrypt ($2a$, $2b$, $2y$) or argon2id ($argon2id$) hash")
}

// parseArgon2id reads $argon2id$v=19$m=M,t=T,p=P$salt$key (salt and key
// in unpadded standard base64, as the reference implementation writes
// them).
func parseArgon2id(s string) (*argonHash, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[2] != "v=19" {
		return nil, errors.New("want $argon2id$v=19$m=M,t=T,p=P$salt$key")
	}
	a := &argonHash{}
	var m, t, p uint64
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, _ := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || n == 0 {
			return nil, fmt.Errorf("parameter %q: want a positive integer", kv)
		}
		switch k {
		case "m":
			m = n
		case "t":
			t = n
		case "p":
			p = n
		default:
			return nil, fmt.Errorf("unknown parameter %q", k)
		}
	}
	// Bounds keep a hostile file from making each check take minutes or
	// gigabytes: up to 1 GiB of memory, 16 passes, 255 lanes.
	if m < 8 || m > 1<<20 || t == 0 || t > 16 || p == 0 || p > 255 {
		return nil, errors.New("m, t or p missing or out of range (m 8..1048576 KiB, t 1..16, p 1..255)")
	}
	a.memory, a.time, a.threads = uint32(m), uint32(t), uint8(p)
	var err1, err2 error
	a.salt, err1 = base64.RawStdEncoding.DecodeString(parts[4])
	a.key, err2 = base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(a.salt) < 8 || len(a.key) < 16 {
		return nil, errors.New("salt or key is not unpadded base64 of at least 8 and 16 bytes")
	}
	return a, nil
}

func (h passwordHash) matches(password []byte) bool {
	if h.argon != nil {
		a := h.argon
		got := argon2.IDKey(password, a.salt, a.time, a.memory, a.threads, uint32(len(a.key)))
		return subtle.ConstantTimeCompare(got, a.key) == 1
	}
	return bcrypt.CompareHashAndPassword(h.bcrypt, password) == nil
}

// Check verifies the basic credential of the request; the verdict records
// what was found. A basic scheme has no scopes.
func (b *Basic) Check(v *Verdict) bool {
	cred, f := parseScheme(v.authz, "basic")
	if f != passed {
		v.note(b, f, nil)
		return false
	}
	m := b.mat.Load()
	h := tokenHash{maphash.Bytes(m.seeds[0], cred), maphash.Bytes(m.seeds[1], cred)}
	now := b.now()
	m.mu.RLock()
	e, ok := m.cache[h]
	m.mu.RUnlock()
	if !ok || now >= e.until {
		user, ok := m.verify(cred)
		if !ok {
			v.note(b, invalid, nil)
			return false
		}
		e = remembered{user: user, until: now + int64(BasicCacheTTL/time.Second)}
		m.mu.Lock()
		makeRoom(m.cache, MaxCachedPasswords, func(old remembered) bool { return old.until <= now })
		m.cache[h] = e
		m.mu.Unlock()
	}
	v.note(b, passed, nil)
	v.accept(e.user)
	return true
}

// now is the time in unix seconds that the cache's entries are aged by.
func (b *Basic) now() int64 {
	if b.cfg.Now != nil {
		return b.cfg.Now().Unix()
	}
	return coarseNow()
}

// verify decodes cred and checks its password, paying the hash.
func (m *basicMaterial) verify(cred []byte) (string, bool) {
	user, password, ok := ParseBasic(cred)
	if !ok {
		return "", false
	}
	h, known := m.users[string(user)]
	if !known {
		m.dummy.matches(password)
		return "", false
	}
	if !h.matches(password) {
		return "", false
	}
	return string(user), true
}

// ExtractBasic is the credential parser of a basic scheme: the base64
// credential of the one Authorization header, when its scheme is Basic
// (any case). absent: no Authorization header, or one for another scheme;
// invalid: a credential over MaxCredential; "Basic" alone is absent.
func ExtractBasic(ctx *fasthttp.RequestCtx) ([]byte, finding) {
	return parseScheme(ctx.Request.Header.Peek(fasthttp.HeaderAuthorization), "basic")
}

// parseScheme returns the credential of the Authorization value h when
// its auth-scheme is scheme (lower case), compared without case.
func parseScheme(h []byte, scheme string) ([]byte, finding) {
	if h == nil {
		return nil, absent
	}
	if len(h) < len(scheme) || !bytes.EqualFold(h[:len(scheme)], []byte(scheme)) {
		return nil, absent
	}
	rest := h[len(scheme):]
	if len(rest) > 0 && rest[0] != ' ' {
		return nil, absent // "Basicx": another scheme
	}
	rest = bytes.TrimLeft(rest, " ")
	switch {
	case len(rest) == 0:
		return nil, absent // the scheme's name alone sends no credential
	case len(rest) > MaxCredential:
		return nil, invalid
	}
	return rest, passed
}

// ParseBasic decodes a basic credential, base64 of "user:password"
// (RFC 7617), strictly: padding as the standard alphabet requires, a user
// that is not empty.
func ParseBasic(cred []byte) (user, password []byte, ok bool) {
	dec := make([]byte, base64.StdEncoding.DecodedLen(len(cred)))
	n, err := base64.StdEncoding.Strict().Decode(dec, cred)
	if err != nil {
		return nil, nil, false
	}
	user, password, ok = bytes.Cut(dec[:n], []byte{':'})
	if !ok || len(user) == 0 {
		return nil, nil, false
	}
	return user, password, true
}

func (b *Basic) challenge(dst []byte, _ finding, _ []string) []byte {
	dst = append(dst, "Basic "...)
	dst = appendParam(dst, true, "realm", b.cfg.Realm)
	return appendParam(dst, false, "charset", "UTF-8")
}

func (b *Basic) consumerHeader() string {
	return consumerHeader(b.cfg.ConsumerHeader, b.cfg.Forward)
}

func (*Basic) forwardClaims(*fasthttp.RequestCtx, *request.State, []string) {}

// Strip removes the scheme's credential from a request that another
// alternative of the requirement passed, unless the scheme keeps it.
func (b *Basic) Strip(ctx *fasthttp.RequestCtx, st *request.State) { b.strip(ctx, st) }

func (b *Basic) strip(ctx *fasthttp.RequestCtx, _ *request.State) {
	if !b.cfg.Keep {
		ctx.Request.Header.Del(fasthttp.HeaderAuthorization)
	}
}

package auth

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"math/big"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/request"
)

// DefaultAlgorithms are the signature algorithms a JWT scheme accepts when
// the document names none: the asymmetric ones. HS* needs a shared secret,
// which this package does not take, and "none" is never accepted.
var DefaultAlgorithms = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}

// HMACAlgorithms are the symmetric algorithms a scheme accepts only when
// it lists them in its allow-list and has a Secret: their key is never a
// JWKS entry, so a public key can never serve as an HMAC secret.
var HMACAlgorithms = []string{"HS256", "HS384", "HS512"}

// MinSecret is the shortest HMAC secret taken, in bytes (RFC 7518 §3.2
// asks for at least the hash's size; 32 is HS256's).
const MinSecret = 32

// DefaultLeeway is the clock skew allowed on exp, nbf and iat when the
// document sets none.
const DefaultLeeway = 30 * time.Second

// MaxCachedTokens bounds the cache of verified tokens of one scheme.
const MaxCachedTokens = 10000

// JWTConfig configures a scheme whose credential is a JWT in
// "Authorization: Bearer": http bearer, or oauth2 and openIdConnect with
// JWT access tokens.
type JWTConfig struct {
	Scheme string // the scheme's name in the document, for messages
	Realm  string // the challenge's realm: the API's name
	// JWKS holds the public keys, a JSON Web Key Set; each key must have
	// a kid, which a token's header must name.
	JWKS Source
	// Issuer and Audience, when set, must be the token's iss and one of
	// its aud.
	Issuer, Audience string
	// Leeway is the clock skew allowed on exp, nbf and iat.
	Leeway time.Duration
	// Algorithms is the allow-list, never taken from the token;
	// DefaultAlgorithms when empty.
	Algorithms []string
	Keep       bool // forward the Authorization header upstream
	Forward    bool // send the consumer (the token's sub) upstream in X-Consumer
	// Now is the clock, time.Now when nil (tests set it). When nil, a
	// cached token's exp is held against the coarse clock (coarseNow).
	Now func() time.Time
	// Refresh is how often a JWKS from a URL is fetched again,
	// DefaultRefresh when zero; MinRefetch is the least time between two
	// fetches, DefaultMinRefetch when zero, which bounds the fetches that
	// tokens naming unknown kids can cause.
	Refresh, MinRefetch time.Duration
	// auth2: HMAC
	// Secret is the shared secret of HS256, HS384 and HS512, which the
	// scheme accepts only when Algorithms lists them. The JWKS may then be
	// left empty.
	Secret Source
	// auth2: identity downstream
	// ConsumerHeader, when set, sends the consumer in this header instead
	// of X-Consumer.
	ConsumerHeader string
	// Claims are the claims forwarded upstream, each in its header, and
	// kept in the request's state for later stages. A claim whose value
	// is not a string, number or boolean, or would not be a clean header
	// value, is not forwarded.
	Claims []ClaimHeader
	// policy: OpenAPI 3.1 roles
	// RolesClaim names a claim (a list of strings, or one space-separated
	// string) whose values count as held, beside scope and scp, when a
	// requirement lists roles; "" for none.
	RolesClaim string
}

// ClaimHeader forwards the token's claim Claim in the header Header, and
// keeps it in the request's state; with Header "" it is only kept, for a
// later stage (a rate-limit key) to read.
type ClaimHeader struct{ Claim, Header string }

// JWT verifies bearer JWTs against a JWKS read at start-up (and, from a
// URL, fetched again: periodically, and when a token names a kid the set
// lacks) or on Reload.
type JWT struct {
	cfg    JWTConfig
	parser *jwt.Parser
	mat    atomic.Pointer[jwtMaterial]
	secret atomic.Pointer[[]byte] // HS*
	seed   maphash.Seed
	remote *remote // nil for a JWKS from a file or variable
	coarse bool    // the cache reads coarseNow, not cfg.Now
}

// jwtMaterial is one JWKS with the cache of the tokens it verified: a new
// set replaces both, so a token signed by a key that left the set stops
// passing at once.
type jwtMaterial struct {
	keys   map[string]jwk
	secret []byte            // HS*; nil without a Secret
	sum    [sha256.Size]byte // of the set's bytes: an unchanged fetch keeps the cache

	mu    sync.RWMutex
	cache map[tokenHash]verified
}

// tokenHash keys a cache of verified credentials: 128 bits, at least 64 of
// them a hash of the whole credential under a seed chosen at random when
// the gateway starts. Keyed and unknown to a client, it cannot be steered
// into a collision, and it costs a fraction of a SHA-256 on a hot token; the
// credential itself is never kept. The other 64 bits are a second such hash
// (basic, introspection) or, for a JWT, the end of its signature
// (signatureTail): 64 bits alone would let two live credentials of a busy
// gateway meet once in about 2^64 / entries lookups, an identity handed to
// the wrong client, where 128 put that beyond any deployment's lifetime.
type tokenHash [2]uint64

type jwk struct {
	key crypto.PublicKey
	alg string // "" when the JWK does not pin one
}

// verified is what the cache keeps of a token that passed: never the token.
type verified struct {
	consumer string
	scopes   []string
	exp      int64    // unix seconds; the entry is dropped at exp
	claims   []string // the values of JWTConfig.Claims, "" for one not forwarded
}

// NewJWT loads the JWKS of cfg.
func NewJWT(cfg JWTConfig) (*JWT, error) {
	if len(cfg.Algorithms) == 0 {
		cfg.Algorithms = DefaultAlgorithms
	}
	hmac := false
	for _, a := range cfg.Algorithms {
		switch {
		case contains(HMACAlgorithms, a):
			hmac = true
		case !contains(DefaultAlgorithms, a):
			return nil, fmt.Errorf("auth: scheme %s: algorithm %q is not accepted (want some of %s, or %s with a secret)", cfg.Scheme, a, strings.Join(DefaultAlgorithms, ", "), strings.Join(HMACAlgorithms, ", "))
		}
	}
	if hmac != cfg.Secret.set() {
		return nil, fmt.Errorf("auth: scheme %s: HS256, HS384 and HS512 go with a secret, and a secret with them: list them in algorithms and give the secret", cfg.Scheme)
	}
	j := &JWT{seed: maphash.MakeSeed()}
	if cfg.Now == nil {
		cfg.Now, j.coarse = time.Now, true
	}
	if cfg.JWKS.URL != "" || cfg.JWKS.Discovery != "" {
		j.remote = newRemote(cfg)
		if cfg.JWKS.Discovery != "" {
			iss, err := j.remote.discover(cfg.JWKS.Discovery)
			if err != nil {
				return nil, fmt.Errorf("auth: scheme %s: %w", cfg.Scheme, err)
			}
			if cfg.Issuer == "" {
				cfg.Issuer = iss
			}
		}
	}
	opts := []jwt.ParserOption{
		jwt.WithValidMethods(cfg.Algorithms),
		// One spelling per token: base64url with nonzero padding bits
		// decodes to the same bytes, and would verify (and be cached)
		// under a second name.
		jwt.WithStrictDecoding(),
		jwt.WithLeeway(cfg.Leeway),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(cfg.Now),
	}
	if cfg.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(cfg.Issuer))
	}
	if cfg.Audience != "" {
		opts = append(opts, jwt.WithAudience(cfg.Audience))
	}
	j.cfg, j.parser = cfg, jwt.NewParser(opts...)
	if err := j.Reload(); err != nil {
		return nil, err
	}
	return j, nil
}

// Name is the scheme's name in the document.
func (j *JWT) Name() string { return j.cfg.Scheme }

// Reload reads the JWKS again (from its file or variable, or fetches it);
// on an error the keys loaded before stay. A set whose bytes did not
// change keeps the cache of verified tokens.
func (j *JWT) Reload() error {
	if j.cfg.JWKS.Locked || j.cfg.Secret.Locked {
		j.mat.Store(&jwtMaterial{keys: map[string]jwk{}, cache: map[tokenHash]verified{}})
		return nil // verify refuses every token
	}
	changed := false
	if j.cfg.Secret.set() {
		secret, err := j.cfg.Secret.read()
		if err != nil {
			return fmt.Errorf("auth: scheme %s: secret: %w", j.cfg.Scheme, err)
		}
		secret = bytes.TrimRight(secret, "\r\n")
		if len(secret) < MinSecret {
			return fmt.Errorf("auth: scheme %s: the secret from %s has %d bytes, want %d or more", j.cfg.Scheme, j.cfg.Secret, len(secret), MinSecret)
		}
		old := j.secret.Load()
		changed = old != nil && !bytes.Equal(*old, secret)
		j.secret.Store(&secret)
	}
	err := j.reloadKeys()
	if m := j.mat.Load(); changed && m != nil {
		// Tokens the old secret verified must not outlive it in the cache.
		j.mat.Store(&jwtMaterial{keys: m.keys, sum: m.sum, cache: map[tokenHash]verified{}})
	}
	return err
}

func (j *JWT) reloadKeys() error {
	if j.remote != nil {
		j.remote.mu.Lock()
		defer j.remote.mu.Unlock()
		return j.fetchLocked()
	}
	if !j.cfg.JWKS.set() {
		// A scheme of HS* alone: an empty set.
		if j.mat.Load() == nil {
			j.mat.Store(&jwtMaterial{keys: map[string]jwk{}, cache: map[tokenHash]verified{}})
		}
		return nil
	}
	raw, err := j.cfg.JWKS.read()
	if err != nil {
		return fmt.Errorf("auth: scheme %s: jwks: %w", j.cfg.Scheme, err)
	}
	return j.install(raw)
}

// install parses raw and makes it the set tokens are checked against.
func (j *JWT) install(raw []byte) error {
	sum := sha256.Sum256(raw)
	if old := j.mat.Load(); old != nil && old.sum == sum {
		return nil
	}
	keys, err := ParseJWKS(raw)
	if err != nil {
		return fmt.Errorf("auth: scheme %s: jwks from %s: %w", j.cfg.Scheme, j.cfg.JWKS, err)
	}
	j.mat.Store(&jwtMaterial{keys: keys, sum: sum, cache: map[tokenHash]verified{}})
	return nil
}

// Check verifies the bearer token of the request and that it holds every
// scope of scopes; the verdict records what was found.
func (j *JWT) Check(v *Verdict, scopes []string) bool { return checkBearer(j, v, scopes) }

// bearer is a scheme whose credential is a bearer token it verifies (or
// remembers verifying) into what the token proves: JWT and Introspection.
type bearer interface {
	scheme
	verify(tok []byte) (verified, bool)
}

// checkBearer is the Check of a bearer scheme s: the token taken from the
// request, verified, its scopes compared with those the requirement needs,
// and the verdict noted, with the claims s selects for later stages.
func checkBearer(s bearer, v *Verdict, scopes []string) bool {
	tok, f := parseBearer(v.authz)
	if f != passed {
		v.note(s, f, scopes)
		return false
	}
	got, ok := s.verify(tok)
	if !ok {
		v.note(s, invalid, scopes)
		return false
	}
	for _, want := range scopes {
		if !contains(got.scopes, want) {
			v.note(s, insufficient, scopes)
			return false
		}
	}
	v.note(s, passed, scopes)
	if got.claims != nil {
		v.noteClaims(s, got.claims)
	}
	v.accept(got.consumer)
	return true
}

// verify returns what tok proves, from the cache when it was verified
// before and has not expired.
func (j *JWT) verify(tok []byte) (verified, bool) {
	if j.cfg.JWKS.Locked || j.cfg.Secret.Locked {
		return verified{}, false // no material: nothing verifies
	}
	h := tokenHash{maphash.Bytes(j.seed, tok), signatureTail(tok)}
	now := j.now()
	if j.remote != nil {
		j.remote.maybeRefresh(j, now)
	}
	m := j.mat.Load()
	m.mu.RLock()
	e, ok := m.cache[h]
	m.mu.RUnlock()
	if ok && (now+coarseMargin < e.exp || now < e.exp && j.cfg.Now().Unix() < e.exp) {
		return e, true
	}
	e, err := j.Verify(string(tok))
	if err != nil {
		return verified{}, false
	}
	// A set fetched meanwhile starts its own cache; this entry, in the
	// set it replaced, goes with it.
	m.mu.Lock()
	makeRoom(m.cache, MaxCachedTokens, func(old verified) bool { return old.exp <= now })
	m.cache[h] = e
	m.mu.Unlock()
	return e, true
}

// signatureTail is the last eight bytes of a JWT, which the cache keys it
// by beside its keyed hash: they are the end of its signature, which no one
// without the token knows, so they add 48 bits (8 base64url characters) that
// a guessed token must match to be taken for a cached one, for the cost of
// one load where a second pass of the hash over the whole token cost 40–60 ns
// (RS256 tokens are 400–600 bytes). Eight characters of a signature say
// nothing about the rest of it or about the claims, so the cache still holds
// nothing a token could be rebuilt from.
func signatureTail(tok []byte) uint64 {
	var b [8]byte
	copy(b[:], tok[max(0, len(tok)-8):])
	return binary.LittleEndian.Uint64(b[:])
}

// now is the time a cached token is held against: the coarse clock, or
// the configured one.
func (j *JWT) now() int64 {
	if j.coarse {
		return coarseNow()
	}
	return j.cfg.Now().Unix()
}

// Verify checks a token from scratch: its header, signature and claims.
func (j *JWT) Verify(tok string) (verified, error) {
	for i := 0; i < len(tok); i++ {
		if c := tok[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return verified{}, errors.New("a character outside base64url and '.'")
		}
	}
	if err := CheckHeader(tok); err != nil {
		return verified{}, err
	}
	claims := jwt.MapClaims{}
	_, err := j.parser.ParseWithClaims(tok, claims, j.key)
	if err != nil {
		return verified{}, err
	}
	e, err := claimsOf(claims, j.cfg.RolesClaim)
	if err == nil && len(j.cfg.Claims) > 0 {
		e.claims = make([]string, len(j.cfg.Claims))
		for i, c := range j.cfg.Claims {
			e.claims[i] = claimValue(claims[c.Claim])
		}
	}
	return e, err
}

// maxClaimValue caps a forwarded claim's value.
const maxClaimValue = 1024

// claimValue writes a claim as a header value: a string as it is, a
// number or boolean as JSON writes it; "" for anything else and for a
// value with control characters or over maxClaimValue, which are not
// forwarded.
func claimValue(x any) string {
	var s string
	switch v := x.(type) {
	case string:
		s = v
	case float64:
		s = strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		s = strconv.FormatBool(v)
	default:
		return ""
	}
	if len(s) > maxClaimValue {
		return ""
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			return ""
		}
	}
	return s
}

// claimsOf reads the consumer (sub), the scopes (scope, space-separated, or
// scp, a list, and the roles claim, either) and exp of verified claims.
func claimsOf(claims jwt.MapClaims, rolesClaim string) (verified, error) {
	var e verified
	sub, _ := claims["sub"].(string)
	if !validConsumer(sub) {
		return e, errors.New("sub is missing or not a usable consumer name")
	}
	e.consumer = sub
	exp, err := claims.GetExpirationTime()
	if err != nil || exp == nil {
		return e, errors.New("no exp")
	}
	e.exp = exp.Unix()
	switch s := claims["scope"].(type) {
	case string:
		e.scopes = strings.Fields(s)
	case nil:
	default:
		return e, errors.New("scope is not a string")
	}
	if scp, ok := claims["scp"]; ok {
		list, ok := scp.([]any)
		if !ok {
			return e, errors.New("scp is not a list")
		}
		for _, x := range list {
			s, ok := x.(string)
			if !ok {
				return e, errors.New("scp holds a non-string")
			}
			e.scopes = append(e.scopes, s)
		}
	}
	if rolesClaim == "" {
		return e, nil
	}
	// A token whose roles claim is of another shape is refused rather
	// than taken as holding none: the issuer meant something by it.
	switch r := claims[rolesClaim].(type) {
	case nil:
	case string:
		e.scopes = append(e.scopes, strings.Fields(r)...)
	case []any:
		for _, x := range r {
			s, ok := x.(string)
			if !ok {
				return e, fmt.Errorf("%s holds a non-string", rolesClaim)
			}
			e.scopes = append(e.scopes, s)
		}
	default:
		return e, fmt.Errorf("%s is neither a string nor a list", rolesClaim)
	}
	return e, nil
}

// key is the parser's key function: the JWKS key the token's kid names,
// provided the key may be used with the token's algorithm (the parser has
// already held the algorithm against the allow-list).
func (j *JWT) key(t *jwt.Token) (any, error) {
	alg := t.Method.Alg()
	if contains(HMACAlgorithms, alg) {
		// The parser has held alg against the allow-list, which lists HS*
		// only with a secret; the key is that secret, never a JWKS entry.
		s := j.secret.Load()
		if s == nil {
			return nil, errors.New("no secret")
		}
		return *s, nil
	}
	kid, _ := t.Header["kid"].(string)
	if kid == "" {
		return nil, errors.New("no kid")
	}
	k, ok := j.mat.Load().keys[kid]
	if !ok && j.remote != nil {
		// The issuer may have rotated: the set is fetched again, at most
		// once per MinRefetch whatever kids tokens name.
		k, ok = j.remote.refetchFor(j, kid)
	}
	if !ok {
		return nil, errors.New("unknown kid")
	}
	if k.alg != "" && k.alg != alg {
		return nil, errors.New("key pinned to another algorithm")
	}
	switch k.key.(type) {
	case *rsa.PublicKey:
		if alg[0] != 'R' && alg[0] != 'P' {
			return nil, errors.New("RSA key for a non-RSA algorithm")
		}
	case *ecdsa.PublicKey:
		if alg[0] != 'E' || alg == "EdDSA" {
			return nil, errors.New("EC key for a non-ECDSA algorithm")
		}
	case ed25519.PublicKey:
		if alg != "EdDSA" {
			return nil, errors.New("Ed25519 key for another algorithm")
		}
	}
	return k.key, nil
}

// headerFields are the JOSE header members a token may carry; any other,
// and in particular jku, x5u, jwk, x5c (a key or its location chosen by
// the sender) and crit (an extension this verifier does not know), makes
// the token invalid.
var headerFields = []string{"alg", "kid", "typ", "cty"}

// CheckHeader is the parser of a token's JOSE header: three segments, a
// JSON object of known members only, an alg that is not "none".
func CheckHeader(tok string) error {
	if strings.Count(tok, ".") != 2 {
		return errors.New("not three segments")
	}
	seg, _, _ := strings.Cut(tok, ".")
	raw, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return errors.New("header is not base64url")
	}
	var h map[string]json.RawMessage
	if err := json.Unmarshal(raw, &h); err != nil {
		return errors.New("header is not a JSON object")
	}
	for k := range h {
		if !contains(headerFields, k) {
			return fmt.Errorf("header member %q is not accepted", k)
		}
	}
	var alg string
	if err := json.Unmarshal(h["alg"], &alg); err != nil || strings.EqualFold(alg, "none") {
		return errors.New("alg missing or none")
	}
	return nil
}

// ExtractBearer is the credential parser of a bearer scheme: the token of
// the one Authorization header, when its scheme is Bearer (any case).
// absent: no Authorization header, one for another scheme, or "Bearer"
// without a token; invalid: a token over MaxCredential. Its characters are checked by
// Verify, so a token the cache holds is not scanned again.
func ExtractBearer(ctx *fasthttp.RequestCtx) ([]byte, finding) {
	return parseBearer(ctx.Request.Header.Peek(fasthttp.HeaderAuthorization))
}

func parseBearer(h []byte) ([]byte, finding) {
	if h == nil {
		return nil, absent
	}
	const prefix = "bearer"
	if len(h) < len(prefix) || !bytes.EqualFold(h[:len(prefix)], []byte(prefix)) {
		return nil, absent
	}
	rest := h[len(prefix):]
	if len(rest) > 0 && rest[0] != ' ' {
		return nil, absent // "Bearerx": another scheme
	}
	rest = bytes.TrimLeft(rest, " ")
	switch {
	case len(rest) == 0:
		return nil, absent // "Bearer" alone sends no token (RFC 6750 §3: no error)
	case len(rest) > MaxCredential:
		return nil, invalid
	}
	return rest, passed
}

func (j *JWT) challenge(dst []byte, f finding, scopes []string) []byte {
	return bearerChallenge(dst, j.cfg.Realm, f, scopes)
}

// bearerChallenge appends a Bearer challenge (RFC 6750 §3): the realm, the
// error where a token was sent, and the scopes the requirement needs.
func bearerChallenge(dst []byte, realm string, f finding, scopes []string) []byte {
	dst = append(dst, "Bearer "...)
	dst = appendParam(dst, true, "realm", realm)
	switch f {
	case invalid:
		dst = appendParam(dst, false, "error", "invalid_token")
	case insufficient:
		dst = appendParam(dst, false, "error", "insufficient_scope")
	}
	if len(scopes) > 0 {
		dst = appendScopes(dst, scopes)
	}
	return dst
}

func (j *JWT) consumerHeader() string {
	return consumerHeader(j.cfg.ConsumerHeader, j.cfg.Forward)
}

func (j *JWT) forwardClaims(ctx *fasthttp.RequestCtx, st *request.State, claims []string) {
	for i, c := range j.cfg.Claims {
		if claims[i] == "" {
			continue
		}
		if c.Header != "" {
			ctx.Request.Header.Set(c.Header, claims[i])
		}
		st.Claims = append(st.Claims, request.Claim{Name: c.Claim, Value: claims[i]})
	}
}

// Strip removes the scheme's credential from a request that another
// alternative of the requirement passed, unless the scheme keeps it.
func (j *JWT) Strip(ctx *fasthttp.RequestCtx, st *request.State) { j.strip(ctx, st) }

func (j *JWT) strip(ctx *fasthttp.RequestCtx, _ *request.State) {
	if !j.cfg.Keep {
		ctx.Request.Header.Del(fasthttp.HeaderAuthorization)
	}
}

// ParseJWKS reads a JSON Web Key Set (RFC 7517) of signature keys: RSA
// (2048 bits or more), EC on P-256, P-384 or P-521, and Ed25519. Every key
// needs a kid, unique in the set; a key whose use is "enc" is skipped.
func ParseJWKS(raw []byte) (map[string]jwk, error) {
	var set struct {
		Keys []struct {
			Kty string `json:"kty"`
			Kid string `json:"kid"`
			Use string `json:"use"`
			Alg string `json:"alg"`
			N   string `json:"n"`
			E   string `json:"e"`
			Crv string `json:"crv"`
			X   string `json:"x"`
			Y   string `json:"y"`
			D   string `json:"d"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(raw, &set); err != nil {
		return nil, fmt.Errorf("not a JWKS: %w", err)
	}
	out := map[string]jwk{}
	for i, k := range set.Keys {
		at := fmt.Sprintf("keys[%d]", i)
		switch {
		case k.Use == "enc":
			continue
		case k.Kid == "":
			return nil, fmt.Errorf("%s: no kid", at)
		case k.D != "":
			return nil, fmt.Errorf("%s (kid %s): a private key; the JWKS must hold public keys only", at, k.Kid)
		}
		if _, dup := out[k.Kid]; dup {
			return nil, fmt.Errorf("%s: kid %q used twice", at, k.Kid)
		}
		var pub crypto.PublicKey
		var err error
		switch k.Kty {
		case "RSA":
			pub, err = rsaKey(k.N, k.E)
		case "EC":
			pub, err = ecKey(k.Crv, k.X, k.Y)
		case "OKP":
			if k.Crv != "Ed25519" {
				err = fmt.Errorf("OKP curve %q, want Ed25519", k.Crv)
				break
			}
			var x []byte
			if x, err = base64.RawURLEncoding.DecodeString(k.X); err == nil && len(x) != ed25519.PublicKeySize {
				err = errors.New("Ed25519 key is not 32 bytes")
			}
			pub = ed25519.PublicKey(x)
		default:
			err = fmt.Errorf("kty %q, want RSA, EC or OKP", k.Kty)
		}
		if err != nil {
			return nil, fmt.Errorf("%s (kid %s): %w", at, k.Kid, err)
		}
		out[k.Kid] = jwk{key: pub, alg: k.Alg}
	}
	if len(out) == 0 {
		return nil, errors.New("no signature key")
	}
	return out, nil
}

func rsaKey(n, e string) (*rsa.PublicKey, error) {
	nb, err1 := base64.RawURLEncoding.DecodeString(n)
	eb, err2 := base64.RawURLEncoding.DecodeString(e)
	if err1 != nil || err2 != nil || len(eb) == 0 || len(eb) > 4 {
		return nil, errors.New("n or e is not base64url")
	}
	mod := new(big.Int).SetBytes(nb)
	if mod.BitLen() < 2048 {
		return nil, fmt.Errorf("RSA key of %d bits, want 2048 or more", mod.BitLen())
	}
	exp := 0
	for _, b := range eb {
		exp = exp<<8 | int(b)
	}
	if exp < 3 || exp%2 == 0 {
		return nil, errors.New("bad RSA exponent")
	}
	return &rsa.PublicKey{N: mod, E: exp}, nil
}

func ecKey(crv, x, y string) (*ecdsa.PublicKey, error) {
	var c elliptic.Curve
	switch crv {
	case "P-256":
		c = elliptic.P256()
	case "P-384":
		c = elliptic.P384()
	case "P-521":
		c = elliptic.P521()
	default:
		return nil, fmt.Errorf("EC curve %q, want P-256, P-384 or P-521", crv)
	}
	xb, err1 := base64.RawURLEncoding.DecodeString(x)
	yb, err2 := base64.RawURLEncoding.DecodeString(y)
	size := (c.Params().BitSize + 7) / 8
	if err1 != nil || err2 != nil || len(xb) != size || len(yb) != size {
		return nil, errors.New("x or y is not a base64url coordinate of the curve's size")
	}
	point := append(append([]byte{4}, xb...), yb...)
	return ecdsa.ParseUncompressedPublicKey(c, point)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

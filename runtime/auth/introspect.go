package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"log"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/request"
)

// DefaultIntrospectionTTL is the longest an introspection answer is
// remembered; never past the token's exp either.
const DefaultIntrospectionTTL = 60 * time.Second

// IntrospectionConfig configures a bearer scheme whose tokens are opaque
// and checked by the issuer's introspection endpoint (RFC 7662).
type IntrospectionConfig struct {
	Scheme, Realm string
	URL           string // the introspection endpoint
	ClientID      string
	// ClientSecret authenticates the gateway to the endpoint (HTTP basic
	// with ClientID, RFC 7662 §2.1).
	ClientSecret   Source
	TTL            time.Duration // DefaultIntrospectionTTL when zero
	Keep, Forward  bool
	ConsumerHeader string
	Now            func() time.Time
}

// Introspection checks opaque bearer tokens by asking the issuer, and
// remembers an active answer (bounded, keyed by a keyed hash of the token)
// for at most TTL and never past the token's exp. An inactive answer, or
// none, is never remembered.
type Introspection struct {
	cfg    IntrospectionConfig
	secret atomic.Pointer[string]
	client *http.Client

	mu    sync.RWMutex
	cache map[tokenHash]verified
	seeds [2]maphash.Seed
}

// NewIntrospection reads the client secret of cfg.
func NewIntrospection(cfg IntrospectionConfig) (*Introspection, error) {
	if err := CheckURL(cfg.URL); err != nil {
		return nil, fmt.Errorf("auth: scheme %s: introspection url: %w", cfg.Scheme, err)
	}
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultIntrospectionTTL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	in := &Introspection{cfg: cfg, cache: map[tokenHash]verified{},
		seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
		client: &http.Client{Timeout: FetchTimeout, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}}
	if err := in.Reload(); err != nil {
		return nil, err
	}
	return in, nil
}

// Name is the scheme's name in the document.
func (in *Introspection) Name() string { return in.cfg.Scheme }

// Reload reads the client secret again and forgets every answer.
func (in *Introspection) Reload() error {
	if in.cfg.ClientSecret.Locked {
		return nil // verify refuses every token without asking
	}
	b, err := in.cfg.ClientSecret.read()
	if err != nil {
		return fmt.Errorf("auth: scheme %s: client secret: %w", in.cfg.Scheme, err)
	}
	s := strings.TrimRight(string(b), "\r\n")
	in.secret.Store(&s)
	in.mu.Lock()
	clear(in.cache)
	in.mu.Unlock()
	return nil
}

// Check asks about the bearer token of the request (or remembers the
// answer) and that it holds every scope of scopes.
func (in *Introspection) Check(v *Verdict, scopes []string) bool { return checkBearer(in, v, scopes) }

func (in *Introspection) verify(tok []byte) (verified, bool) {
	if in.cfg.ClientSecret.Locked {
		return verified{}, false
	}
	h := tokenHash{maphash.Bytes(in.seeds[0], tok), maphash.Bytes(in.seeds[1], tok)}
	now := in.cfg.Now()
	in.mu.RLock()
	e, ok := in.cache[h]
	in.mu.RUnlock()
	if ok && now.Unix() < e.exp {
		return e, true
	}
	e, err := in.Introspect(string(tok))
	if err != nil {
		if !errors.Is(err, errInactive) { // a client may send any token; only the endpoint's trouble is news
			log.Printf("auth: scheme %s: introspection: %v", in.cfg.Scheme, err)
		}
		return verified{}, false
	}
	if !(now.Unix() < e.exp) {
		return verified{}, false
	}
	if until := now.Add(in.cfg.TTL).Unix(); until < e.exp {
		e.exp = until // remembered for TTL at most
	}
	in.mu.Lock()
	makeRoom(in.cache, MaxCachedTokens, func(old verified) bool { return old.exp <= now.Unix() })
	in.cache[h] = e
	in.mu.Unlock()
	return e, true
}

var errInactive = errors.New("token not active")

// Introspect asks the endpoint about tok. An inactive token, or an active
// one without exp or a usable consumer, is an error.
func (in *Introspection) Introspect(tok string) (verified, error) {
	form := url.Values{"token": {tok}, "token_type_hint": {"access_token"}}
	req, err := http.NewRequest(http.MethodPost, in.cfg.URL, strings.NewReader(form.Encode()))
	if err != nil {
		return verified{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(url.QueryEscape(in.cfg.ClientID), url.QueryEscape(*in.secret.Load()))
	resp, err := in.client.Do(req)
	if err != nil {
		return verified{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return verified{}, fmt.Errorf("POST %s: status %d, want 200", in.cfg.URL, resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxFetched+1))
	if err != nil || len(b) > maxFetched {
		return verified{}, fmt.Errorf("POST %s: unreadable or over %d bytes", in.cfg.URL, maxFetched)
	}
	var ans struct {
		Active   bool    `json:"active"`
		Sub      string  `json:"sub"`
		Username string  `json:"username"`
		ClientID string  `json:"client_id"`
		Scope    string  `json:"scope"`
		Exp      float64 `json:"exp"`
	}
	if err := json.Unmarshal(b, &ans); err != nil {
		return verified{}, fmt.Errorf("POST %s: %w", in.cfg.URL, err)
	}
	if !ans.Active {
		return verified{}, errInactive
	}
	e := verified{consumer: ans.Sub, scopes: strings.Fields(ans.Scope), exp: int64(ans.Exp)}
	for _, c := range []string{ans.Username, ans.ClientID} {
		if e.consumer == "" {
			e.consumer = c
		}
	}
	if !validConsumer(e.consumer) || e.exp <= 0 {
		return verified{}, errors.New("an active token without a usable sub, username or client_id, or without exp")
	}
	return e, nil
}

func (in *Introspection) challenge(dst []byte, f finding, scopes []string) []byte {
	return bearerChallenge(dst, in.cfg.Realm, f, scopes)
}

func (in *Introspection) consumerHeader() string {
	return consumerHeader(in.cfg.ConsumerHeader, in.cfg.Forward)
}

func (*Introspection) forwardClaims(*fasthttp.RequestCtx, *request.State, []string) {}

// Strip removes the scheme's credential from a request that another
// alternative of the requirement passed, unless the scheme keeps it.
func (in *Introspection) Strip(ctx *fasthttp.RequestCtx, st *request.State) { in.strip(ctx, st) }

func (in *Introspection) strip(ctx *fasthttp.RequestCtx, _ *request.State) {
	if !in.cfg.Keep {
		ctx.Request.Header.Del(fasthttp.HeaderAuthorization)
	}
}

var _ Reloader = (*Introspection)(nil)

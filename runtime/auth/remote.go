package auth

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultRefresh is how often a JWKS from a URL is fetched again when the
// document sets no jwks.refresh.
const DefaultRefresh = 5 * time.Minute

// DefaultMinRefetch is the least time between two fetches of a JWKS when
// the document sets no jwks.min-refetch.
const DefaultMinRefetch = 10 * time.Second

// FetchTimeout bounds one fetch of a JWKS or an OpenID configuration.
const FetchTimeout = 5 * time.Second

// maxFetched caps what a fetch reads: a JWKS or an OpenID configuration is
// a few kilobytes, and a provider answering more is not believed.
const maxFetched = 1 << 20

// remote is where a JWT scheme fetches its JWKS: a URL given, or the
// jwks_uri of an OpenID provider's configuration.
type remote struct {
	jwks                string // the JWKS URL
	refresh, minRefetch time.Duration
	client              *http.Client

	mu   sync.Mutex // one fetch at a time; guards last
	last time.Time  // when the last fetch started

	due  atomic.Int64 // unix seconds at which the periodic refresh is due
	busy atomic.Bool  // a periodic refresh is under way
}

func newRemote(cfg JWTConfig) *remote {
	r := &remote{jwks: cfg.JWKS.URL, refresh: cfg.Refresh, minRefetch: cfg.MinRefetch,
		// Redirects are not followed: the material comes from the
		// address the operator wrote, nowhere else.
		client: &http.Client{Timeout: FetchTimeout, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}}
	if r.refresh <= 0 {
		r.refresh = DefaultRefresh
	}
	if r.minRefetch <= 0 {
		r.minRefetch = DefaultMinRefetch
	}
	return r
}

// get fetches u: a 200 answer of at most maxFetched bytes.
func (r *remote) get(u string) ([]byte, error) {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: status %d, want 200", u, resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxFetched+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	if len(b) > maxFetched {
		return nil, fmt.Errorf("GET %s: more than %d bytes", u, maxFetched)
	}
	return b, nil
}

// discover reads the OpenID provider configuration at u (the scheme's
// openIdConnectUrl) and keeps its jwks_uri; it returns the issuer, which
// must be u without /.well-known/openid-configuration (OpenID Connect
// Discovery §4.3), so a configuration cannot speak for another issuer.
func (r *remote) discover(u string) (string, error) {
	b, err := r.get(u)
	if err != nil {
		return "", fmt.Errorf("openid configuration: %w", err)
	}
	var conf struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.Unmarshal(b, &conf); err != nil {
		return "", fmt.Errorf("openid configuration from %s: %w", u, err)
	}
	if want := strings.TrimSuffix(u, "/.well-known/openid-configuration"); conf.Issuer == "" || strings.TrimSuffix(conf.Issuer, "/") != strings.TrimSuffix(want, "/") {
		return "", fmt.Errorf("openid configuration from %s: issuer %q, want %q", u, conf.Issuer, want)
	}
	if err := CheckURL(conf.JWKSURI); err != nil {
		return "", fmt.Errorf("openid configuration from %s: jwks_uri: %w", u, err)
	}
	r.jwks = conf.JWKSURI
	return conf.Issuer, nil
}

// CheckURL accepts an absolute http or https URL with a host.
func CheckURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("want an absolute http or https URL, found %q", s)
	}
	return nil
}

// fetchLocked fetches the JWKS and installs it; r.mu is held.
func (j *JWT) fetchLocked() error {
	r := j.remote
	now := j.cfg.Now()
	r.last = now
	// A failed fetch is tried again after MinRefetch, a good one after
	// Refresh.
	r.due.Store(now.Add(r.minRefetch).Unix())
	b, err := r.get(r.jwks)
	if err != nil {
		return fmt.Errorf("auth: scheme %s: jwks: %w", j.cfg.Scheme, err)
	}
	if err := j.install(b); err != nil {
		return err
	}
	r.due.Store(now.Add(r.refresh).Unix())
	return nil
}

// refetchFor fetches the set again for a token naming kid, unless another
// request just did (then the kid may be there now) or the last fetch is
// less than MinRefetch ago.
func (r *remote) refetchFor(j *JWT, kid string) (jwk, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if k, ok := j.mat.Load().keys[kid]; ok {
		return k, true
	}
	if j.cfg.Now().Sub(r.last) < r.minRefetch {
		return jwk{}, false
	}
	if err := j.fetchLocked(); err != nil {
		log.Printf("%v; keeping the keys fetched before", err)
		return jwk{}, false
	}
	k, ok := j.mat.Load().keys[kid]
	return k, ok
}

// maybeRefresh starts a fetch in the background when the periodic refresh
// is due. It runs on the request path and costs an atomic load when not.
func (r *remote) maybeRefresh(j *JWT, now int64) {
	if now < r.due.Load() || !r.busy.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer r.busy.Store(false)
		if err := j.Reload(); err != nil {
			log.Printf("%v; keeping the keys fetched before", err)
		}
	}()
}

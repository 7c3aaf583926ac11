package auth

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/param"
	"github.com/gatewaygen/gatewaygen/runtime/request"
)

// APIKeyConfig configures an apiKey scheme.
type APIKeyConfig struct {
	Scheme string // the scheme's name in the document, for messages
	Realm  string // the challenge's realm: the API's name
	In     string // header, query or cookie
	Name   string // the header, query parameter or cookie name
	// Keys holds one key per consumer. A file has a line "consumer:key"
	// per key (blank lines and lines starting with # are skipped); an
	// environment variable holds "consumer:key,consumer:key".
	Keys Source
	// Keep forwards the credential upstream instead of removing it.
	Keep bool
	// Forward sends the consumer upstream in X-Consumer.
	Forward bool
	// ConsumerHeader, when set, sends it in this header instead.
	ConsumerHeader string
}

// APIKey checks an API key. Keys are kept only as their SHA-256 hashes: a
// presented key is hashed and looked up, and the hash found compared again
// in constant time, so neither the table nor the comparison reveals a key.
type APIKey struct {
	cfg  APIKeyConfig
	keys atomic.Pointer[map[[sha256.Size]byte]string] // swapped whole by Reload
	// hdr is the header's name as fasthttp stores it, for lookups; the
	// challenge names it as the document spells it.
	hdr string
}

// NewAPIKey loads the keys of cfg.
func NewAPIKey(cfg APIKeyConfig) (*APIKey, error) {
	switch cfg.In {
	case "header", "query", "cookie":
	default:
		return nil, fmt.Errorf("auth: scheme %s: apiKey in %q, want header, query or cookie", cfg.Scheme, cfg.In)
	}
	k := &APIKey{cfg: cfg}
	if cfg.In == "header" {
		k.hdr = canonicalHeader(cfg.Name)
	}
	if err := k.Reload(); err != nil {
		return nil, err
	}
	return k, nil
}

// Name is the scheme's name in the document.
func (k *APIKey) Name() string { return k.cfg.Scheme }

// Reload reads the keys again; on an error the keys loaded before stay.
// A request in flight finishes with the table it started with.
func (k *APIKey) Reload() error {
	if k.cfg.Keys.Locked {
		none := map[[sha256.Size]byte]string{} // no key is found
		k.keys.Store(&none)
		return nil
	}
	raw, err := k.cfg.Keys.read()
	if err != nil {
		return fmt.Errorf("auth: scheme %s: keys: %w", k.cfg.Scheme, err)
	}
	keys, err := ParseKeys(raw, k.cfg.Keys.Env != "")
	if err != nil {
		return fmt.Errorf("auth: scheme %s: keys from %s: %w", k.cfg.Scheme, k.cfg.Keys, err)
	}
	k.keys.Store(&keys)
	return nil
}

// ParseKeys reads consumer:key pairs, one a line (inline false) or
// comma-separated (inline true), into a table from the key's hash to its
// consumer. The error names the line or item and never quotes a key.
func ParseKeys(raw []byte, inline bool) (map[[sha256.Size]byte]string, error) {
	var items []string
	if inline {
		items = strings.Split(string(raw), ",")
	} else {
		sc := bufio.NewScanner(bytes.NewReader(raw))
		for sc.Scan() {
			items = append(items, sc.Text())
		}
		if err := sc.Err(); err != nil {
			return nil, err
		}
	}
	keys := map[[sha256.Size]byte]string{}
	for i, it := range items {
		it = strings.TrimSpace(it)
		if it == "" || (!inline && strings.HasPrefix(it, "#")) {
			continue
		}
		where := fmt.Sprintf("line %d", i+1)
		if inline {
			where = fmt.Sprintf("item %d", i+1)
		}
		consumer, key, ok := strings.Cut(it, ":")
		consumer, key = strings.TrimSpace(consumer), strings.TrimSpace(key)
		switch {
		case !ok:
			return nil, fmt.Errorf("%s: want consumer:key", where)
		case !validConsumer(consumer):
			return nil, fmt.Errorf("%s: consumer %q: want visible ASCII without quotes, commas, semicolons or backslashes", where, consumer)
		case key == "" || len(key) > MaxCredential:
			return nil, fmt.Errorf("%s: the key of %s must have 1 to %d bytes", where, consumer, MaxCredential)
		}
		h := sha256.Sum256([]byte(key))
		if prev, dup := keys[h]; dup {
			return nil, fmt.Errorf("%s: %s has the same key as %s", where, consumer, prev)
		}
		keys[h] = consumer
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("no consumer:key pair")
	}
	return keys, nil
}

// Check looks for the key and reports whether it is a known one; the
// verdict records what was found. scopes are never asked of an API key
// (lint refuses them), so it takes none.
func (k *APIKey) Check(v *Verdict) bool {
	cred, f := k.extract(v.ctx)
	if f != passed { // absent or invalid
		v.note(k, f, nil)
		return false
	}
	consumer, ok := k.lookup(cred)
	if !ok {
		v.note(k, invalid, nil)
		return false
	}
	v.note(k, passed, nil)
	v.accept(consumer)
	return true
}

// lookup finds the consumer of key by the key's SHA-256 hash: the table
// holds no key, and the time a lookup takes depends on the hash, which
// tells an attacker nothing about any key.
func (k *APIKey) lookup(key []byte) (string, bool) {
	consumer, ok := (*k.keys.Load())[sha256.Sum256(key)]
	return consumer, ok
}

// extract returns the credential of ctx where the scheme says it is. A
// second copy, an empty value or one over MaxCredential is invalid: it is
// refused, never resolved.
func (k *APIKey) extract(ctx *fasthttp.RequestCtx) ([]byte, finding) {
	if k.cfg.In == "header" {
		return oneValue(peekAllCanon(&ctx.Request.Header, k.hdr))
	}
	return ExtractAPIKey(ctx, k.cfg.In, k.cfg.Name)
}

// oneValue is the credential among the values of a header: one
// non-empty value within MaxCredential, else absent or invalid as
// ExtractAPIKey says.
func oneValue(all [][]byte) ([]byte, finding) {
	switch {
	case len(all) == 0:
		return nil, absent
	case len(all) > 1 || len(all[0]) == 0 || len(all[0]) > MaxCredential:
		return nil, invalid
	}
	return all[0], passed
}

// ExtractAPIKey is the credential parser of an apiKey scheme in location
// in named name.
func ExtractAPIKey(ctx *fasthttp.RequestCtx, in, name string) ([]byte, finding) {
	var val []byte
	n := 0
	switch in {
	case "header":
		for _, h := range ctx.Request.Header.PeekAll(name) {
			val = h
			n++
		}
	case "cookie":
		val = ctx.Request.Header.Cookie(name)
		if val != nil {
			n = 1
		}
	case "query":
		for _, q := range ctx.QueryArgs().PeekMulti(name) {
			val = q
			n++
		}
	}
	switch {
	case n == 0:
		return nil, absent
	case n > 1 || len(val) == 0 || len(val) > MaxCredential:
		return nil, invalid
	}
	return val, passed
}

func (k *APIKey) challenge(dst []byte, f finding, _ []string) []byte {
	dst = append(dst, "ApiKey "...)
	dst = appendParam(dst, true, "realm", k.cfg.Realm)
	dst = appendParam(dst, false, "in", k.cfg.In)
	dst = appendParam(dst, false, "name", k.cfg.Name)
	if f == invalid {
		dst = appendParam(dst, false, "error", "invalid_key")
	}
	return dst
}

func (k *APIKey) consumerHeader() string {
	return consumerHeader(k.cfg.ConsumerHeader, k.cfg.Forward)
}

func (*APIKey) forwardClaims(*fasthttp.RequestCtx, *request.State, []string) {}

// Strip removes the scheme's credential from a request that another
// alternative of the requirement passed, unless the scheme keeps it: what
// the gateway consumes for an operation never goes upstream.
func (k *APIKey) Strip(ctx *fasthttp.RequestCtx, st *request.State) { k.strip(ctx, st) }

func (k *APIKey) strip(ctx *fasthttp.RequestCtx, st *request.State) {
	if k.cfg.Keep {
		return
	}
	switch k.cfg.In {
	case "header":
		ctx.Request.Header.Del(k.cfg.Name)
	case "cookie":
		ctx.Request.Header.DelCookie(k.cfg.Name)
	case "query":
		q := ctx.URI().QueryString()
		st.Scratch = dropQuery(st.Scratch[:0], q, k.cfg.Name)
		if len(st.Scratch) != len(q) {
			ctx.URI().SetQueryStringBytes(st.Scratch)
		}
	}
}

// dropQuery appends to dst the pairs of the raw query q whose name, once
// percent-decoded, is not name.
func dropQuery(dst, q []byte, name string) []byte {
	first := true
	for len(q) > 0 {
		pair := q
		if i := bytes.IndexByte(q, '&'); i >= 0 {
			pair, q = q[:i], q[i+1:]
		} else {
			q = nil
		}
		raw := pair
		if i := bytes.IndexByte(pair, '='); i >= 0 {
			raw = pair[:i]
		}
		if param.KeyIs(raw, name) {
			continue
		}
		if !first {
			dst = append(dst, '&')
		}
		first = false
		dst = append(dst, pair...)
	}
	return dst
}

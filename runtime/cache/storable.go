package cache

import (
	"bytes"
	"strconv"
	"time"

	"github.com/valyala/fasthttp"
)

var hSetCookie = []byte("Set-Cookie")

// heuristicallyCacheable lists the statuses RFC 9110 §15.1 lets a cache
// store without explicit freshness; others (201, 302, 5xx...) are never
// stored. 206 is left out: partial content would need range handling.
func heuristicallyCacheable(status int) bool {
	switch status {
	case 200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501:
		return true
	}
	return false
}

// notStored lists response fields that belong to one exchange, not to the
// stored answer: set per request by the gateway (its request id, limits,
// CORS) or by the server writing the answer.
func notStored(k []byte) bool {
	switch string(k) {
	case "X-Request-Id", "Age", "X-Cache", "Date", "Content-Length", "Connection", "Transfer-Encoding",
		"Keep-Alive", "Server", "Set-Cookie", "Ratelimit", "Ratelimit-Policy", "Retry-After",
		"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Expose-Headers":
		return true
	}
	return false
}

// build returns the entry for resp, or nil when it must not be stored: a
// status that is not cacheable, Set-Cookie, Cache-Control no-store,
// private or no-cache, Vary on a header the key does not hold, no
// freshness, or an answer over the size a single entry may take.
func (c *Cache) build(kb []byte, resp *fasthttp.Response, now int64) *entry {
	h := &resp.Header
	if !heuristicallyCacheable(resp.StatusCode()) || len(h.PeekBytes(hSetCookie)) > 0 {
		return nil
	}
	d := responseDirectives(h.PeekBytes(hCacheControl))
	if d.noStore || d.private || d.noCache {
		return nil
	}
	if !c.covers(h.PeekAll(fasthttp.HeaderVary)) {
		return nil
	}
	fresh := c.p.TTL
	switch {
	case d.sMaxAge >= 0:
		fresh = d.sMaxAge
	case d.maxAge >= 0:
		fresh = d.maxAge
	}
	if fresh <= 0 {
		return nil
	}
	body := resp.Body()
	e := &entry{
		key:    append([]byte(nil), kb...),
		status: resp.StatusCode(),
		body:   append([]byte(nil), body...),
		stored: now,
		fresh:  int64(fresh),
		swr:    int64(c.p.StaleWhileRevalidate),
		sie:    int64(c.p.StaleIfError),
	}
	if d.swr >= 0 {
		e.swr = int64(d.swr)
	}
	if d.sie >= 0 {
		e.sie = int64(d.sie)
	}
	if d.mustRevalidate {
		e.swr, e.sie = 0, 0 // RFC 9111 §5.2.2.2: never served stale
	}
	size := entryOverhead + len(e.key) + len(e.body)
	for k, v := range h.All() {
		if notStored(k) {
			continue
		}
		e.names = append(e.names, append([]byte(nil), k...))
		e.values = append(e.values, append([]byte(nil), v...))
		size += len(k) + len(v) + 48
		e.index(k, e.values[len(e.values)-1])
	}
	if size > c.s.maxEntry {
		return nil
	}
	e.size = size
	return e
}

// covers reports whether every header the answer varies on is in the key.
// Vary: * varies on what no key can hold.
func (c *Cache) covers(vary [][]byte) bool {
	for _, line := range vary {
		for len(line) > 0 {
			var name []byte
			if i := bytes.IndexByte(line, ','); i >= 0 {
				name, line = line[:i], line[i+1:]
			} else {
				name, line = line, nil
			}
			name = bytes.TrimSpace(name)
			if len(name) == 0 {
				continue
			}
			found := false
			for _, v := range c.vary {
				if bytes.EqualFold(v, name) {
					found = true
					break
				}
			}
			if !found {
				return false
			}
		}
	}
	return true
}

// directives are the Cache-Control directives of a response that the
// cache acts on; a negative duration is absent.
type directives struct {
	noStore, private, noCache, mustRevalidate bool
	maxAge, sMaxAge, swr, sie                 time.Duration
}

func responseDirectives(cc []byte) directives {
	d := directives{maxAge: -1, sMaxAge: -1, swr: -1, sie: -1}
	eachDirective(cc, func(name, arg []byte) {
		switch string(bytes.ToLower(name)) {
		case "no-store":
			d.noStore = true
		case "private":
			d.private = true
		case "no-cache":
			d.noCache = true
		case "must-revalidate", "proxy-revalidate":
			d.mustRevalidate = true
		case "max-age":
			d.maxAge = seconds(arg)
		case "s-maxage":
			d.sMaxAge = seconds(arg)
			d.mustRevalidate = true // RFC 9111 §5.2.2.10: s-maxage implies proxy-revalidate
		case "stale-while-revalidate":
			d.swr = seconds(arg)
		case "stale-if-error":
			d.sie = seconds(arg)
		}
	})
	return d
}

// requestDirectives reads a request's Cache-Control (and the HTTP/1.0
// Pragma): no-store bypasses the cache; no-cache or max-age=0 asks for an
// answer from the upstream, which may then be stored.
func requestDirectives(cc, pragma []byte) (noStore, refresh bool) {
	eachDirective(cc, func(name, arg []byte) {
		switch string(bytes.ToLower(name)) {
		case "no-store":
			noStore = true
		case "no-cache":
			refresh = true
		case "max-age":
			if seconds(arg) == 0 {
				refresh = true
			}
		}
	})
	if len(cc) == 0 && bytes.EqualFold(bytes.TrimSpace(pragma), []byte("no-cache")) {
		refresh = true
	}
	return noStore, refresh
}

// eachDirective calls fn for every directive of a Cache-Control value,
// with its argument unquoted.
func eachDirective(cc []byte, fn func(name, arg []byte)) {
	for len(cc) > 0 {
		var d []byte
		if i := bytes.IndexByte(cc, ','); i >= 0 {
			d, cc = cc[:i], cc[i+1:]
		} else {
			d, cc = cc, nil
		}
		name, arg, _ := bytes.Cut(bytes.TrimSpace(d), []byte("="))
		arg = bytes.Trim(bytes.TrimSpace(arg), `"`)
		if len(name) > 0 {
			fn(bytes.TrimSpace(name), arg)
		}
	}
}

// seconds parses a delta-seconds argument; -1 when it is not one.
func seconds(arg []byte) time.Duration {
	n, err := strconv.ParseInt(string(arg), 10, 64)
	if err != nil || n < 0 {
		return -1
	}
	if n > 1<<31 {
		n = 1 << 31 // RFC 9111 §1.2.2: a larger value means "very long"
	}
	return time.Duration(n) * time.Second
}

// index keeps the validators of a stored field: the ETag and the
// Last-Modified time that conditional requests are compared with.
func (e *entry) index(k, v []byte) {
	switch string(k) {
	case "Etag":
		e.etag = v
	case "Last-Modified":
		if t, err := fasthttp.ParseHTTPDate(v); err == nil {
			e.lastMod = t
		}
	}
}

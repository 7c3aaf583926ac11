// Package portal serves a gateway's developer portal: static files rendered
// at generation time and embedded in the binary, below one path prefix. The
// files are read once at start-up; a request is answered from memory with
// a map lookup, so serving a page costs no allocation and no file system
// access. Each file has a strong ETag, so a browser revalidates with a 304
// instead of downloading it again, and text is sent gzip-compressed to a
// client that accepts it, compressed once, on first demand. It never
// serves anything but the files it read, and never reads the file system
// while serving.
package portal

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"path"
	"strings"
	"sync/atomic"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/problem"
)

// Site is a portal mounted at a prefix. Safe for concurrent use once built.
type Site struct {
	prefix []byte            // "/docs"
	slash  []byte            // "/docs/"
	csp    []byte            // Content-Security-Policy of every answer
	files  map[string]*entry // by path below the prefix, "index.html" for "/"
}

type entry struct {
	body  []byte
	ctype []byte
	etag  []byte // strong validator of body: a quoted hash prefix
	// gzip is compressed text: etagGz names it, and gz holds it once a
	// client asked (nil before, or when compression would not pay).
	gzip   bool
	etagGz []byte
	gz     atomic.Pointer[[]byte]
}

// minGzip is the least body worth compressing: below it the gzip header
// and the Vary machinery cost about what they save.
const minGzip = 512

var (
	headerCSP       = []byte("Content-Security-Policy")
	headerNoSniff   = []byte("X-Content-Type-Options")
	headerReferrer  = []byte("Referrer-Policy")
	headerCache     = []byte("Cache-Control")
	valueNoSniff    = []byte("nosniff")
	valueNoReferrer = []byte("no-referrer")
	valueCache      = []byte("no-cache")
	headerETag      = []byte("Etag") // fasthttp's normal form, which Peek looks up
	headerVary      = []byte(fasthttp.HeaderVary)
	headerEncoding  = []byte(fasthttp.HeaderContentEncoding)
	valueVary       = []byte("Accept-Encoding")
	valueGzip       = []byte("gzip")
	valueAllow      = "GET, HEAD"
	headerLocation  = []byte(fasthttp.HeaderLocation)
	methodGet       = []byte(fasthttp.MethodGet)
	methodHead      = []byte(fasthttp.MethodHead)
)

const indexName = "index.html"

// New reads every file of fsys below dir into memory and serves them at
// prefix (a path like "/docs", without a trailing slash). csp is sent as
// the Content-Security-Policy header of every answer.
func New(fsys fs.FS, dir, prefix, csp string) (*Site, error) {
	if !strings.HasPrefix(prefix, "/") || strings.HasSuffix(prefix, "/") {
		return nil, fmt.Errorf("portal: prefix must start with / and not end with one, found %q", prefix)
	}
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("portal: %w", err)
	}
	s := &Site{prefix: []byte(prefix), slash: []byte(prefix + "/"), csp: []byte(csp), files: map[string]*entry{}}
	err = fs.WalkDir(sub, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, name)
		if err != nil {
			return err
		}
		ct := mime.TypeByExtension(path.Ext(name))
		if ct == "" {
			ct = "application/octet-stream"
		}
		s.files[name] = newEntry(b, ct)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("portal: %w", err)
	}
	if s.files[indexName] == nil {
		return nil, fmt.Errorf("portal: %s has no %s", dir, indexName)
	}
	return s, nil
}

// Match reports whether path (the request's raw path) is the portal's.
func (s *Site) Match(path []byte) bool {
	return bytes.Equal(path, s.prefix) || bytes.HasPrefix(path, s.slash)
}

// Serve answers a request whose path Match accepted: the prefix itself is
// redirected to the prefix with a slash (so that the pages' relative links
// resolve), a file is answered with its type and the security headers,
// anything else with 404 or, for a method other than GET and HEAD, 405.
func (s *Site) Serve(ctx *fasthttp.RequestCtx, path []byte) {
	m := ctx.Method()
	if !bytes.Equal(m, methodGet) && !bytes.Equal(m, methodHead) {
		problem.MethodNotAllowed(ctx, valueAllow)
		return
	}
	h := &ctx.Response.Header
	h.SetCanonical(headerCSP, s.csp)
	h.SetCanonical(headerNoSniff, valueNoSniff)
	h.SetCanonical(headerReferrer, valueNoReferrer)
	if len(path) == len(s.prefix) {
		h.SetCanonical(headerLocation, s.slash)
		ctx.SetStatusCode(fasthttp.StatusPermanentRedirect)
		return
	}
	rest := path[len(s.slash):]
	var e *entry
	if len(rest) == 0 {
		e = s.files[indexName]
	} else {
		e = s.files[string(rest)]
	}
	if e == nil {
		problem.NotFound(ctx)
		return
	}
	h.SetCanonical(headerCache, valueCache)
	h.SetContentTypeBytes(e.ctype)
	etag, body := e.etag, e.body
	if e.gzip {
		h.SetCanonical(headerVary, valueVary)
		if acceptsGzip(ctx.Request.Header.Peek(fasthttp.HeaderAcceptEncoding)) {
			if gz := e.compressed(); gz != nil {
				etag, body = e.etagGz, gz
				h.SetCanonical(headerEncoding, valueGzip)
			}
		}
	}
	h.SetCanonical(headerETag, etag)
	if inm := ctx.Request.Header.Peek(fasthttp.HeaderIfNoneMatch); len(inm) > 0 && e.matches(inm) {
		// RFC 9110 §13.1.2: the representation the client holds is
		// current; the 304 carries the validator and the caching fields
		// a 200 would (§15.4.5), no body and no Content-Type.
		h.Del(fasthttp.HeaderContentType)
		ctx.SetStatusCode(fasthttp.StatusNotModified)
		ctx.Response.SkipBody = true
		return
	}
	ctx.SetStatusCode(fasthttp.StatusOK)
	ctx.Response.SetBodyRaw(body)
}

func newEntry(body []byte, ctype string) *entry {
	sum := sha256.Sum256(body)
	tag := hex.EncodeToString(sum[:12])
	e := &entry{body: body, ctype: []byte(ctype), etag: []byte(`"` + tag + `"`)}
	if len(body) >= minGzip && compressible(ctype) {
		e.gzip = true
		e.etagGz = []byte(`"` + tag + `-gz"`)
	}
	return e
}

// compressible reports whether files of media type ctype are text, which
// gzip shrinks; images other than SVG and fonts are compressed already.
func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.HasPrefix(ctype, "image/svg+xml") ||
		strings.HasPrefix(ctype, "application/json") || strings.HasPrefix(ctype, "application/javascript")
}

// compressed returns the body gzip-compressed, compressing it on the first
// call; nil when compression does not make it smaller. Two first calls at
// once both compress, and one result stays: the bytes are the same.
func (e *entry) compressed() []byte {
	if p := e.gz.Load(); p != nil {
		return *p
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // a valid level: no error
	_, _ = zw.Write(e.body)                                  // writes to memory
	_ = zw.Close()
	gz := buf.Bytes()
	if len(gz) >= len(e.body) {
		gz = nil // the Vary stays: harmless
	}
	e.gz.Store(&gz)
	return gz
}

// matches reports whether an If-None-Match value names this file in either
// encoding, or is "*". The comparison is weak (RFC 9110 §13.1.2), so a
// W/ prefix a cache added does not matter.
func (e *entry) matches(inm []byte) bool {
	for len(inm) > 0 {
		var tag []byte
		tag, inm = nextListItem(inm)
		if len(tag) == 1 && tag[0] == '*' {
			return true
		}
		tag = bytes.TrimPrefix(tag, []byte("W/"))
		if bytes.Equal(tag, e.etag) || (e.etagGz != nil && bytes.Equal(tag, e.etagGz)) {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether an Accept-Encoding value (RFC 9110 §12.5.3)
// accepts gzip: named, or covered by "*", with a q above 0.
func acceptsGzip(v []byte) bool {
	gzip, star := -1, -1 // -1 absent, 0 refused, 1 accepted
	for len(v) > 0 {
		var item []byte
		item, v = nextListItem(v)
		coding, params, _ := bytes.Cut(item, []byte(";"))
		coding = bytes.TrimSpace(coding)
		ok := 1
		if qZero(params) {
			ok = 0
		}
		switch {
		case bytes.EqualFold(coding, valueGzip), bytes.EqualFold(coding, []byte("x-gzip")):
			gzip = ok
		case len(coding) == 1 && coding[0] == '*':
			star = ok
		}
	}
	if gzip >= 0 {
		return gzip == 1
	}
	return star == 1
}

// qZero reports whether the parameters of a list item set q to zero
// ("q=0", "q=0.0", "Q=0.000").
func qZero(params []byte) bool {
	for len(params) > 0 {
		var p []byte
		p, params, _ = bytes.Cut(params, []byte(";"))
		name, val, ok := bytes.Cut(bytes.TrimSpace(p), []byte("="))
		if !ok || !bytes.EqualFold(bytes.TrimSpace(name), []byte("q")) {
			continue
		}
		val = bytes.TrimSpace(val)
		if len(val) == 0 || val[0] != '0' {
			return false
		}
		return len(bytes.Trim(val[1:], ".0")) == 0
	}
	return false
}

// nextListItem splits the first element off a comma-separated field value
// (RFC 9110 §5.6.1), trimmed; empty elements are skipped by the callers'
// comparisons.
func nextListItem(v []byte) (item, rest []byte) {
	item, rest, _ = bytes.Cut(v, []byte(","))
	return bytes.TrimSpace(item), rest
}

// Package portal serves a gateway's developer portal: static files rendered
// at generation time and embedded in the binary, below one path prefix. The
// files are read once at start-up; a request is answered from memory with
// a map lookup, so serving a page costs no allocation and no file system
// access.
package portal

import (
	"bytes"
	"fmt"
	"io/fs"
	"mime"
	"path"
	"strings"

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
}

var (
	headerCSP       = []byte("Content-Security-Policy")
	headerNoSniff   = []byte("X-Content-Type-Options")
	headerReferrer  = []byte("Referrer-Policy")
	headerCache     = []byte("Cache-Control")
	valueNoSniff    = []byte("nosniff")
	valueNoReferrer = []byte("no-referrer")
	valueCache      = []byte("no-cache")
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
		s.files[name] = &entry{body: b, ctype: []byte(ct)}
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
	ctx.SetStatusCode(fasthttp.StatusOK)
	ctx.Response.SetBodyRaw(e.body)
}

// Package request holds the per-request scratch state a generated handler
// borrows from a pool: the violation list, the JSON iterator, a buffer for
// the upstream path and arenas for array parameters. Pooling them is what keeps a valid request free of
// allocations. State must never outlive the handler that acquired it.
package request

import (
	"sync"
	"time"

	"github.com/gatewaygen/gatewaygen/runtime/form"
	"github.com/gatewaygen/gatewaygen/runtime/jsonv"
	"github.com/gatewaygen/gatewaygen/runtime/param"
	"github.com/gatewaygen/gatewaygen/runtime/problem"
)

// State is the scratch space of one request.
type State struct {
	Errs problem.Errors
	JSON jsonv.Iter
	Path []byte // the upstream path being built
	Type []byte // the request's media type, lower case

	// Form transcodes form, multipart and text bodies into JSON for the
	// body's validator.
	Form form.Decoder

	// Arenas for array parameters: a decoded []string is a window of Strs,
	// so a parameter struct on the stack needs no allocation of its own.
	Strs  []string
	Ints  []int64
	Nums  []float64
	Bools []bool

	// Bytes holds parameter values that had to be percent-decoded; decoded
	// values are windows of it (see param.Decode).
	Bytes []byte
	// Query is the request's query string split into raw pairs once, for
	// every query parameter to look itself up in (SplitQuery).
	Query []param.Pair
	// Scratch holds a query name that had to be percent-decoded to be
	// compared, and later the JSON token of a parameter checked by its
	// schema's validator (form.AppendToken); each use is over before the
	// next begins.
	Scratch []byte
	// Order is the param.Dup family's scratch, for uniqueItems on an array
	// parameter.
	Order []int32

	// CacheKey holds the cache stage's key for the request, from its
	// lookup to its store (runtime/cache).
	CacheKey []byte

	// Consumer is who the auth stage verified the caller to be (an API
	// key's consumer, a token's sub); "" when the operation is public or
	// the caller anonymous. Later stages key on it.
	Consumer string

	// Observers (runtime/metrics, the access log): the time the upstream
	// call took, 0 when none was made, and whether the response in ctx is
	// the upstream's answer rather than the gateway's own.
	Upstream time.Duration
	Answered bool
	// auth2: the claims of the verified token that its scheme selects
	// (x-gateway forward.claims), for later stages; their strings belong
	// to the auth stage's cache and must not be kept past the request.
	Claims []Claim
}

// Claim is one selected claim of a verified token.
type Claim struct{ Name, Value string }

var pool = sync.Pool{New: func() any { return new(State) }}

// Acquire returns a reset State from the pool.
func Acquire() *State { return pool.Get().(*State) }

// Release resets st and returns it to the pool; st must not be used
// afterwards. It resets on the way in rather than out so that the pool
// holds no reference into a finished request, and so that what a request
// never touched (a body's iterators, most arenas) costs a length check.
func Release(st *State) {
	st.Errs.Reset()
	st.Consumer = ""
	st.CacheKey = st.CacheKey[:0]
	st.Upstream, st.Answered = 0, false
	st.Claims = st.Claims[:0]
	st.Path = st.Path[:0]
	st.Type = st.Type[:0]
	st.Strs = st.Strs[:0]
	st.Ints = st.Ints[:0]
	st.Nums = st.Nums[:0]
	st.Bools = st.Bools[:0]
	st.Bytes = st.Bytes[:0]
	if len(st.Query) > 0 {
		clear(st.Query) // drop references into the request's URI
		st.Query = st.Query[:0]
	}
	if cap(st.Path) > 64<<10 {
		st.Path = nil // do not keep one huge request's buffer alive
	}
	if cap(st.Bytes) > 64<<10 {
		st.Bytes = nil
	}
	if !st.JSON.Idle() {
		st.JSON.Reset(nil)
	}
	if !st.Form.Idle() {
		st.Form.Reset()
	}
	pool.Put(st)
}

// SplitQuery splits the raw query string qs into st.Query and returns it.
func (st *State) SplitQuery(qs []byte) []param.Pair {
	st.Query = param.Split(st.Query[:0], qs)
	return st.Query
}

// MediaType returns the media type of a Content-Type header value:
// lower case, parameters and surrounding white space removed
// ("Application/JSON; charset=utf-8" → "application/json").
//
// A value that is already lower case and unpadded, the usual one, is
// returned as it is, up to its parameters: it aliases ct.
func (st *State) MediaType(ct []byte) []byte {
	for i, c := range ct {
		switch {
		case c == ';' && i > 0 && ct[i-1] != ' ' && ct[i-1] != '\t':
			return ct[:i]
		case c == ';' || c == ' ' || c == '\t' || c >= 'A' && c <= 'Z':
			return st.mediaType(ct)
		}
	}
	return ct
}

func (st *State) mediaType(ct []byte) []byte {
	st.Type = st.Type[:0]
	for _, c := range ct {
		if c == ';' {
			break
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		st.Type = append(st.Type, c)
	}
	for len(st.Type) > 0 && (st.Type[len(st.Type)-1] == ' ' || st.Type[len(st.Type)-1] == '\t') {
		st.Type = st.Type[:len(st.Type)-1]
	}
	i := 0
	for i < len(st.Type) && (st.Type[i] == ' ' || st.Type[i] == '\t') {
		i++
	}
	st.Type = st.Type[i:]
	return st.Type
}

// BeginJSON starts validating body as JSON and returns a mark for EndJSON.
func (st *State) BeginJSON(body []byte) int {
	st.JSON.Reset(body)
	return st.Errs.Len()
}

// EndJSON finishes a JSON body begun at mark. When the body is not JSON at
// all, schema violations found before the syntax error mean little, so they
// are replaced by the one syntax error at /body.
func (st *State) EndJSON(mark int) {
	st.JSON.End()
	if err := st.JSON.Err(); err != nil {
		if mark < len(st.Errs.List) {
			st.Errs.List = st.Errs.List[:mark]
		}
		st.Errs.Add("/body", err.Rule(), err.Error())
	}
}

// UTF8Text reports whether a text body of Content-Type ct is in UTF-8 as
// far as its charset parameter says: none (the gateway reads text as
// UTF-8; US-ASCII, RFC 2046's default, is a subset of it), or one naming
// UTF-8 or US-ASCII, in any case, quoted or not. A body in another charset
// (utf-16, iso-8859-1) would be checked as the UTF-8 it is not, while the
// upstream decodes it as labelled: it is refused with 415 instead.
func UTF8Text(ct []byte) bool {
	for i := 0; i < len(ct); i++ {
		if ct[i] != ';' {
			continue
		}
		// A parameter: OWS name OWS? "=" value.
		j := i + 1
		for j < len(ct) && (ct[j] == ' ' || ct[j] == '\t') {
			j++
		}
		const name = "charset"
		if len(ct)-j <= len(name) || !equalFold(ct[j:j+len(name)], name) {
			continue
		}
		k := j + len(name)
		for k < len(ct) && (ct[k] == ' ' || ct[k] == '\t') {
			k++
		}
		if k >= len(ct) || ct[k] != '=' {
			continue
		}
		v := ct[k+1:]
		if end := indexByte(v, ';'); end >= 0 {
			v = v[:end]
		}
		v = trimOWS(v)
		if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
			v = v[1 : len(v)-1]
		}
		return equalFold(v, "utf-8") || equalFold(v, "utf8") || equalFold(v, "us-ascii")
	}
	return true
}

func equalFold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := range b {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

func indexByte(b []byte, c byte) int {
	for i := range b {
		if b[i] == c {
			return i
		}
	}
	return -1
}

func trimOWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

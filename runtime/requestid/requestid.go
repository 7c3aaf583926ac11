// Package requestid gives every request an X-Request-Id that follows it to
// the upstream and back to the client, so one id ties together the client's
// report, the gateway's logs and the upstream's logs.
//
// It must never trust a client-supplied id that could break a log line or a
// header (too long, control characters, non-ASCII), never allocate on the
// request path beyond fasthttp's header storage, and never use a source of
// randomness that takes a lock: ids need uniqueness, not secrecy.
package requestid

import (
	"bytes"
	"math/rand/v2"

	"github.com/valyala/fasthttp"
)

// Header is the canonical header name, as fasthttp normalizes it.
const Header = "X-Request-Id"

// MaxLen is the longest client-supplied id kept; longer ones are replaced.
const MaxLen = 128

var headerKey = []byte(Header)

const hexDigits = "0123456789abcdef"

// Ensure returns the request's X-Request-Id, generating one (32 lowercase hex
// characters) when it is absent or invalid, and sets it on both the request
// (so a proxy forwards it upstream) and the response (so the client sees it).
// The returned slice belongs to ctx's request header: valid until the handler
// returns or the header changes, so copy it to keep it.
func Ensure(ctx *fasthttp.RequestCtx) []byte {
	// headerKey is canonical and the server normalizes the names it parses,
	// so the lookups skip PeekBytes' copy and normalization of the name:
	// this runs on every request, twice when the gateway proxies it.
	id := ctx.Request.Header.PeekCanonical(headerKey)
	if !Valid(id) {
		var buf [32]byte
		Generate(&buf)
		ctx.Request.Header.SetCanonical(headerKey, buf[:])
		ctx.Response.Header.SetCanonical(headerKey, buf[:])
		return ctx.Request.Header.PeekCanonical(headerKey)
	}
	// A proxied request is ensured twice, by the server and by the proxy:
	// the second time the answer has the id already, and a look costs less
	// than setting it again (copying it, checking it for line breaks and
	// scanning the header).
	if !bytes.Equal(ctx.Response.Header.PeekCanonical(headerKey), id) {
		ctx.Response.Header.SetCanonical(headerKey, id)
	}
	return id
}

// Valid reports whether id may be passed on as is: 1 to MaxLen bytes, all
// visible ASCII (0x21-0x7e), so it cannot split a header or a log line.
func Valid(id []byte) bool {
	if len(id) == 0 || len(id) > MaxLen {
		return false
	}
	for _, c := range id {
		if c < 0x21 || c > 0x7e {
			return false
		}
	}
	return true
}

// Generate fills dst with a fresh id: 128 random bits as lowercase hex.
// math/rand/v2's top-level functions use the runtime's per-thread generator,
// lock-free and seeded from the OS, which is fast and unique enough for ids.
func Generate(dst *[32]byte) {
	hi, lo := rand.Uint64(), rand.Uint64()
	for i := 15; i >= 0; i-- {
		dst[i] = hexDigits[hi&0xf]
		hi >>= 4
		dst[16+i] = hexDigits[lo&0xf]
		lo >>= 4
	}
}

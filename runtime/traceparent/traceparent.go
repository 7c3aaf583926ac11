// Package traceparent carries W3C Trace Context (traceparent, tracestate)
// through the gateway: a request that arrives with a valid traceparent
// keeps its trace id and flags, and the gateway becomes the parent of the
// upstream call with a span id of its own; a request without one, or with
// a malformed one, starts a new trace. tracestate travels unchanged with a
// valid traceparent and is dropped with an invalid one, as the
// recommendation requires. Spans are recorded and exported by
// runtime/spans, which runs before Propagate and, for a new trace it
// samples, sets the sampled traceparent Propagate then continues.
package traceparent

import (
	"math/rand/v2"

	"github.com/valyala/fasthttp"
)

var (
	hTraceparent = []byte("Traceparent")
	hTracestate  = []byte("Tracestate")
)

const hexDigits = "0123456789abcdef"

// Len is the length of a version-00 traceparent value.
const Len = 55

// Propagate makes ctx's request carry the gateway's traceparent: the
// client's trace id and flags with a new parent id, or a new trace (not
// sampled) when the client sent none that is valid. It returns the trace
// id, which belongs to the request header (valid until it changes).
func Propagate(ctx *fasthttp.RequestCtx) []byte {
	h := &ctx.Request.Header
	// The names are canonical and the server normalizes the names it
	// parses, so the lookups skip PeekBytes' copy and normalization of the
	// name: this runs on every request.
	in := h.PeekCanonical(hTraceparent)
	var out [Len]byte
	if Valid(in) {
		copy(out[:], in[:Len])
		out[0], out[1] = '0', '0' // a later version is read as 00 and sent as 00
	} else {
		if len(in) > 0 || len(h.PeekCanonical(hTracestate)) > 0 {
			h.DelBytes(hTracestate)
		}
		out[0], out[1], out[2] = '0', '0', '-'
		putHex(out[3:19], RandomID())
		putHex(out[19:35], rand.Uint64())
		out[35] = '-'
		out[52] = '-'
		out[53], out[54] = '0', '0'
	}
	putHex(out[36:52], RandomID())
	h.SetCanonical(hTraceparent, out[:])
	return h.PeekCanonical(hTraceparent)[3:35]
}

// Valid reports whether v is a traceparent the gateway can continue:
// version 00 exactly 55 bytes long, or a later version (not ff) at least
// that long with "-" after it, lower-case hex throughout, and a trace id
// and parent id that are not all zeros.
func Valid(v []byte) bool {
	if len(v) < Len || v[2] != '-' || v[35] != '-' || v[52] != '-' {
		return false
	}
	if !isHex(v[0:2]) || string(v[0:2]) == "ff" {
		return false
	}
	if string(v[0:2]) == "00" && len(v) != Len || len(v) > Len && v[Len] != '-' {
		return false
	}
	return isHex(v[3:35]) && !zeros(v[3:35]) && isHex(v[36:52]) && !zeros(v[36:52]) && isHex(v[53:55])
}

func isHex(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func zeros(b []byte) bool {
	for _, c := range b {
		if c != '0' {
			return false
		}
	}
	return true
}

// RandomID is a random 64-bit id that is not zero: W3C Trace Context
// forbids an all-zero parent id or trace id, and a span exporter needs the
// same ids as the header it propagates.
func RandomID() uint64 {
	for {
		if x := rand.Uint64(); x != 0 {
			return x
		}
	}
}

func putHex(dst []byte, x uint64) {
	for i := 15; i >= 0; i-- {
		dst[i] = hexDigits[x&15]
		x >>= 4
	}
}

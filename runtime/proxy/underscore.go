package proxy

import (
	"bytes"

	"github.com/valyala/fasthttp"
)

// Field names with an underscore.
//
// CGI and the gateways modelled on it (PHP-FPM, WSGI, Rack, and the
// frameworks on them) hand an application its header fields as variables
// named HTTP_ plus the name in capitals with '-' read as '_', so that
// X_Forwarded_For and X-Forwarded-For are one variable, and which value it
// holds depends on the server. A client would so set, past the gateway, a
// field the gateway sets itself (the client's address, the request id, the
// consumer an auth stage vouches for) or removes (hop-by-hop and framing
// fields: Transfer_Encoding is how a request is smuggled into such an
// upstream). nginx and Apache drop every name with an underscore for this
// reason. The gateway drops one only when its '-' spelling is a field the
// forwarded request carries or one the gateway never forwards, so that a
// field an API defines with an underscore (and no twin) still arrives.

// framingFields are fields a proxy never passes on from the client beside
// the hop-by-hop ones: the gateway frames and addresses the call itself.
var framingFields = [][]byte{[]byte("Content-Length"), []byte("Host")}

// dropUnderscoreAliases removes from h the fields of the client's header
// block raw whose name has an underscore and, read with '-' for '_', names
// a field h holds or a hop-by-hop or framing field. It runs after the
// gateway's own fields are set; a block without an underscore costs one
// scan for the byte.
func dropUnderscoreAliases(h *fasthttp.RequestHeader, raw []byte) {
	if bytes.IndexByte(raw, '_') < 0 {
		return
	}
	var twin [64]byte
	for len(raw) > 0 && raw[0] != '\r' && raw[0] != '\n' {
		line := raw
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line, raw = raw[:i], raw[i+1:]
		} else {
			raw = nil
		}
		colon := bytes.IndexByte(line, ':')
		if line[0] == ' ' || line[0] == '\t' || colon <= 0 || colon > len(twin) {
			continue // a folded line, no name, or a name longer than any field checked
		}
		name := line[:colon]
		if bytes.IndexByte(name, '_') < 0 {
			continue
		}
		dash := twin[:len(name)]
		for i, c := range name {
			if c == '_' {
				c = '-'
			}
			dash[i] = c
		}
		if anyName(dash, hopByHop) || anyName(dash, framingFields) || len(h.PeekBytes(dash)) > 0 {
			h.DelBytes(name)
		}
	}
}

package server

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/trailer"
)

// Message framing fasthttp accepts but a gateway must not pass on as it
// reads it. fasthttp refuses most framing faults itself (two Content-Length
// fields, a transfer coding it does not know, a bad chunk size); what is
// left is settled here, before routing.

var (
	hTransferEncoding = []byte("Transfer-Encoding")
	chunked           = []byte("chunked")
	hExpect           = []byte("Expect")
	continue100       = []byte("100-continue")
)

// framing settles the framing of the request in ctx and reports whether it
// may go on to the handler; when not, ctx holds the answer.
//
//   - A chunked body's trailer section is discarded (RFC 9110 §6.5.1: a
//     recipient must not merge trailer fields into the header section).
//     fasthttp keeps them beside the header fields, where a look-up finds
//     them and the proxy's removal of the hop-by-hop Trailer field moves
//     them among the forwarded header fields: so a trailer reached the
//     upstream as a header no check had read, its name unchecked
//     (X-Bad Name) or a second value of a validated header.
//   - A path with a dot-segment ("." or "..", or either percent-encoded,
//     %2E being "." by RFC 3986 §2.3) is 400. Clients remove them before
//     sending (RFC 3986 §5.2.4), and the router matches paths as they are,
//     so one could only reach an operation as the value of a path
//     parameter: /stores/../inventory gave storeId "..", forwarded as
//     %2E%2E, which an upstream (or a server in front of it, nginx among
//     them) that normalizes the path reads as "..", leaving the rewrite's
//     prefix.
//   - A Host with an "@" is 400, as RFC 9112 §3.2 has a server answer an
//     invalid Host: fasthttp accepted it, and the gateway passed it on in
//     X-Forwarded-Host and Forwarded, where an upstream building links
//     from it (Host: trusted.example@evil.example) would point them
//     elsewhere.
//   - So is a Host with a character no uri-host or port has (RFC 3986
//     §3.2.2: unreserved, pct-encoded, sub-delims, and the brackets of
//     an IP literal): fasthttp accepted '"', '<', '>' and bytes over
//     0x7F, which went on in X-Forwarded-Host to an upstream that may
//     build links or markup from it.
//   - A Transfer-Encoding other than chunked is 501 (RFC 9112 §6.1). The
//     only one fasthttp lets through is "identity", which it drops and
//     then frames the body by Content-Length or as empty; no transfer
//     coding of that name exists since RFC 7230, and a server in front
//     that reads it otherwise would frame the body differently.
//   - An Expect field with a member other than 100-continue is 417 (RFC
//     9110 §10.1.1): fasthttp ignored it, and the gateway forwarded an
//     expectation it had not met to an upstream that may read it as met.
func framing(ctx *fasthttp.RequestCtx) bool {
	hd := &ctx.Request.Header
	if seg := dotSegment(hd.RequestURI()); seg != nil {
		blank(ctx, fasthttp.StatusBadRequest, "the path has the dot-segment "+strconv.Quote(string(seg))+"; a client removes dot-segments before sending (RFC 3986 §5.2.4)")
		return false
	}
	c, bad := hostFault(hd.Host())
	if u := hd.RequestURI(); !bad && len(u) > 0 && u[0] != '/' {
		// Absolute-form: its authority, not Host, is the host the client
		// asked for (RFC 9112 §3.2.2), and the one the proxy passes on;
		// user info before it is dropped there.
		c, bad = hostFault(authority(u))
	}
	if bad && c == '@' {
		ctx.SetConnectionClose()
		blank(ctx, fasthttp.StatusBadRequest, "the Host field holds userinfo (\"@\"); it is uri-host and port alone (RFC 9110 §7.2)")
		return false
	} else if bad {
		ctx.SetConnectionClose()
		blank(ctx, fasthttp.StatusBadRequest, "the Host field holds a character that is not in a uri-host and port (RFC 9110 §7.2, RFC 3986 §3.2.2)")
		return false
	}
	trailer.Drop(hd)
	coding, expect := fieldFaults(hd.RawHeaders())
	if coding {
		ctx.SetConnectionClose()
		blank(ctx, fasthttp.StatusNotImplemented, "the only transfer coding this gateway reads is chunked")
		return false
	}
	if expect {
		blank(ctx, fasthttp.StatusExpectationFailed, expectDetail)
		return false
	}
	return true
}

const expectDetail = "the only expectation this gateway meets is 100-continue (RFC 9110 §10.1.1)"

// authority is the host and port of the absolute-form target u, after any
// user info, as the proxy reads it (targetAuthority).
func authority(u []byte) []byte {
	if i := bytes.Index(u, []byte("://")); i >= 0 {
		u = u[i+3:]
	}
	if i := bytes.IndexAny(u, "/?#"); i >= 0 {
		u = u[:i]
	}
	if i := bytes.LastIndexByte(u, '@'); i >= 0 {
		u = u[i+1:]
	}
	return u
}

// hostFault reports whether host has a byte that a uri-host with its port
// cannot hold, and the first such. A host of letters, digits, dots and a
// port costs a table look-up a byte.
func hostFault(host []byte) (byte, bool) {
	for _, c := range host {
		if !hostChar[c] {
			return c, true
		}
	}
	return 0, false
}

// hostChar holds the bytes of a uri-host and port (RFC 3986 §3.2.2,
// §3.2.3): unreserved, '%' of pct-encoded, sub-delims, ':' and the
// brackets of an IP literal.
var hostChar = func() (t [256]bool) {
	for c := range 256 {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte("-._~%!$&'()*+,;=:[]", byte(c)) >= 0
	}
	return t
}()

// fieldFaults reads the header block raw (the lines after the request
// line, as received) for the two fields framing judges: whether a
// Transfer-Encoding field, in any case, has a value other than chunked
// (coding), and whether an Expect field asks for anything but
// 100-continue (expect). fasthttp has refused a space before the colon, a
// second Transfer-Encoding field and a list of codings already; a value
// folded onto the next line (obs-fold) is read as fasthttp reads it, the
// fold a space.
func fieldFaults(raw []byte) (coding, expect bool) {
	for len(raw) > 0 {
		// Only the fields' own lines are cut and trimmed: every request
		// pays the walk over its lines, none their trimming.
		switch {
		case len(raw) > len(hTransferEncoding) && raw[len(hTransferEncoding)] == ':' && bytes.EqualFold(raw[:len(hTransferEncoding)], hTransferEncoding):
			coding = coding || otherCoding(raw[len(hTransferEncoding)+1:])
		case len(raw) > len(hExpect) && raw[len(hExpect)] == ':' && bytes.EqualFold(raw[:len(hExpect)], hExpect):
			expect = expect || otherExpectation(raw[len(hExpect)+1:])
		}
		i := bytes.IndexByte(raw, '\n')
		if i < 0 {
			break
		}
		raw = raw[i+1:]
	}
	return coding, expect
}

// otherCoding reports whether the Transfer-Encoding value that begins v
// (the rest of the header block after the colon) is not chunked.
func otherCoding(v []byte) bool {
	line, rest := cutLine(v)
	v = bytes.TrimSpace(line)
	for len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\t') {
		var more []byte
		more, rest = cutLine(rest)
		if more = bytes.TrimSpace(more); len(v) == 0 {
			v = more
		} else if len(more) > 0 {
			return true
		}
	}
	return !bytes.EqualFold(v, chunked)
}

// otherExpectation reports whether the Expect value that begins v (the
// rest of the header block after the colon, with its folded lines) has a
// member other than 100-continue (RFC 9110 §10.1.1); empty members of the
// list do not count (§5.6.1).
func otherExpectation(v []byte) bool {
	line, rest := cutLine(v)
	for {
		for len(line) > 0 {
			var m []byte
			if i := bytes.IndexByte(line, ','); i >= 0 {
				m, line = line[:i], line[i+1:]
			} else {
				m, line = line, nil
			}
			if m = bytes.TrimSpace(m); len(m) > 0 && !bytes.EqualFold(m, continue100) {
				return true
			}
		}
		if len(rest) == 0 || rest[0] != ' ' && rest[0] != '\t' {
			return false
		}
		line, rest = cutLine(rest)
	}
}

// cutLine splits b after its first line feed: the line without its CRLF
// (or bare LF), and what follows.
func cutLine(b []byte) (line, rest []byte) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return b, nil
	}
	return bytes.TrimSuffix(b[:i], []byte("\r")), b[i+1:]
}

// tooLarge is the status of a request whose request line and header did
// not fit the read buffer: 414 when the request line alone overran it
// (RFC 9112 §3: a request-target longer than the server will parse), 431
// otherwise (RFC 6585 §5). fasthttp resets the request before its error
// handler runs, and says only what the buffer began and ended with: the
// first and last 200 bytes, quoted, in its error. With no line feed in
// either, the buffer held one line, the request line; a line feed in
// either (a short request line, or header lines at the end) is a header
// over the limit. An error without that text is taken as 431.
func tooLarge(err error) int {
	msg := err.Error()
	i := strings.Index(msg, "contents: ")
	if i < 0 {
		return fasthttp.StatusRequestHeaderFieldsTooLarge
	}
	// %q writes a line feed as \n, and a backslash in the input as \\.
	if strings.Contains(strings.ReplaceAll(msg[i:], `\\`, ""), `\n`) {
		return fasthttp.StatusRequestHeaderFieldsTooLarge
	}
	return fasthttp.StatusRequestURITooLong
}

// dotSegment returns the first segment of the request target's raw path
// that is "." or "..", each dot possibly written %2E (any case), or nil. A
// target with neither '.' nor '%' (most of them) has none, and costs two
// scans for a byte.
func dotSegment(uri []byte) []byte {
	if bytes.IndexByte(uri, '.') < 0 && bytes.IndexByte(uri, '%') < 0 {
		return nil
	}
	path := requestPath(uri)
	for i := 0; i < len(path); i++ {
		if path[i] != '/' {
			continue
		}
		seg := path[i+1:]
		if j := bytes.IndexByte(seg, '/'); j >= 0 {
			seg = seg[:j]
		}
		if isDots(seg) {
			return seg
		}
	}
	return nil
}

// isDots reports whether seg is one or two dots, each "." or "%2E".
func isDots(seg []byte) bool {
	n := 0
	for len(seg) > 0 {
		switch {
		case seg[0] == '.':
			seg = seg[1:]
		case len(seg) >= 3 && seg[0] == '%' && seg[1] == '2' && seg[2]|0x20 == 'e':
			seg = seg[3:]
		default:
			return false
		}
		if n++; n > 2 {
			return false
		}
	}
	return n > 0
}

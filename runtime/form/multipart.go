package form

import (
	"bytes"
	"strconv"

	"github.com/gatewaygen/gatewaygen/runtime/problem"
)

// Multipart transcodes a multipart/form-data body (RFC 7578) into a JSON
// object in d.JSON, as plan says: each part named by its Content-Disposition
// is a field, a name given by several parts an array. contentType is the request's whole
// Content-Type header, whose boundary parameter delimits the parts. It
// returns false when it reported a violation to errs.
//
// The standard library's mime/multipart is not used: it reads through a
// bufio.Reader, builds a textproto.MIMEHeader map per part and copies every
// part, which costs several allocations per part, while fasthttp has already
// read the whole body (bounded by the operation's max-body) into memory. This
// parser works on that slice: a part is a window of the body, found by
// searching for the delimiter, so its size is whatever lies between two
// delimiters and a part's own Content-Length, if any, is ignored. Parts and
// header lines are bounded by MaxFields and maxHeader.
func (d *Decoder) Multipart(body, contentType []byte, plan *Plan, errs *problem.Errors) bool {
	d.begin(0)
	boundary, msg := Boundary(contentType)
	if msg != "" {
		errs.Add("/body", "multipart", msg)
		return false
	}
	d.delim = append(append(d.delim[:0], "\r\n--"...), boundary...)
	// The first delimiter may open the body, without the CRLF before it;
	// anything before it is a preamble to ignore.
	var rest []byte
	if bytes.HasPrefix(body, d.delim[2:]) {
		rest = body[len(d.delim)-2:]
	} else if i := bytes.Index(body, d.delim); i >= 0 {
		rest = body[i+len(d.delim):]
	} else {
		errs.Add("/body", "multipart", "no part delimited by the boundary "+quote(boundary)+" was found")
		return false
	}
	for {
		// After a delimiter: "--" closes the body; else optional padding and CRLF.
		if bytes.HasPrefix(rest, []byte("--")) {
			break // the epilogue, if any, is ignored
		}
		rest = bytes.TrimLeft(rest, " \t")
		if !bytes.HasPrefix(rest, []byte("\r\n")) {
			errs.Add("/body", "multipart", "a boundary delimiter is not followed by CRLF")
			return false
		}
		rest = rest[2:]
		end := bytes.Index(rest, d.delim)
		if end < 0 {
			errs.Add("/body", "multipart", "the body ends before its closing boundary")
			return false
		}
		part := rest[:end]
		rest = rest[end+len(d.delim):]
		if len(d.pairs) == MaxFields {
			errs.Add("/body", "maxFields", "more than "+strconv.Itoa(MaxFields)+" parts")
			return false
		}
		p, msg := d.part(part)
		if msg != "" {
			errs.Add("/body", "multipart", "part "+strconv.Itoa(len(d.pairs)+1)+": "+msg)
			return false
		}
		if f := lookup(plan.Fields, p.key); f >= 0 && plan.Fields[f].Sep != 0 {
			p.raw = true // an explicit style: split and decoded as a urlencoded value (see Field.Sep)
		}
		d.pairs = append(d.pairs, p)
	}
	return d.object(plan, errs)
}

// maxHeader bounds the header block of one part.
const maxHeader = 8 << 10

// part splits one part into its headers and content and reads the two
// headers form-data uses: Content-Disposition and Content-Type.
func (d *Decoder) part(b []byte) (p pair, msg string) {
	var head []byte
	if bytes.HasPrefix(b, []byte("\r\n")) {
		return p, "has no Content-Disposition header"
	}
	i := bytes.Index(b, []byte("\r\n\r\n"))
	if i < 0 {
		return p, "headers are not ended by an empty line"
	}
	if i > maxHeader {
		return p, "headers exceed " + strconv.Itoa(maxHeader) + " bytes"
	}
	head, p.val = b[:i+2], b[i+4:]
	named := false
	for len(head) > 0 {
		var line []byte
		j := bytes.Index(head, []byte("\r\n"))
		line, head = head[:j], head[j+2:]
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			return p, "malformed header line " + quote(line)
		}
		name, value := line[:colon], bytes.TrimSpace(line[colon+1:])
		switch {
		case bytes.EqualFold(name, []byte("Content-Disposition")):
			if named {
				return p, "has two Content-Disposition headers"
			}
			named = true
			if msg := d.disposition(value, &p); msg != "" {
				return p, msg
			}
		case bytes.EqualFold(name, []byte("Content-Type")):
			p.ctype = value
		}
	}
	if !named {
		return p, "has no Content-Disposition header"
	}
	return p, ""
}

// disposition reads `form-data; name="field"; filename="a.png"`.
func (d *Decoder) disposition(v []byte, p *pair) string {
	typ, rest := cut(v, ';')
	if !bytes.EqualFold(bytes.TrimSpace(typ), []byte("form-data")) {
		return "Content-Disposition is not form-data"
	}
	hasName := false
	for len(rest) > 0 {
		rest = bytes.TrimLeft(rest, " \t")
		eq := bytes.IndexByte(rest, '=')
		if eq < 0 {
			return "malformed Content-Disposition parameter " + quote(rest)
		}
		key := bytes.TrimSpace(rest[:eq])
		rest = bytes.TrimLeft(rest[eq+1:], " \t")
		var val []byte
		if len(rest) > 0 && rest[0] == '"' {
			end, esc := 1, false
			for ; end < len(rest) && rest[end] != '"'; end++ {
				if rest[end] == '\\' {
					esc = true
					end++
				}
			}
			if end >= len(rest) {
				return "unterminated quoted string in Content-Disposition"
			}
			val = rest[1:end]
			if esc {
				val = d.unquote(val)
			}
			rest = rest[end+1:]
			rest = bytes.TrimLeft(rest, " \t")
			if len(rest) > 0 {
				if rest[0] != ';' {
					return "malformed Content-Disposition after " + quote(key)
				}
				rest = rest[1:]
			}
		} else {
			val, rest = cut(rest, ';')
			val = bytes.TrimSpace(val)
		}
		switch {
		case bytes.EqualFold(key, []byte("name")):
			p.key, hasName = val, true
		case bytes.EqualFold(key, []byte("filename")), bytes.EqualFold(key, []byte("filename*")):
			p.file = true
		}
	}
	if !hasName {
		return "Content-Disposition has no name parameter"
	}
	return ""
}

// unquote removes the backslashes of a quoted-string into the scratch buffer.
func (d *Decoder) unquote(v []byte) []byte {
	start := len(d.scratch)
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) {
			i++
		}
		d.scratch = append(d.scratch, v[i])
	}
	// The scratch buffer may move on a later append; the key is copied out.
	return bytes.Clone(d.scratch[start:])
}

// Boundary returns the boundary parameter of a multipart Content-Type
// header value, or a message saying why there is none usable (RFC 2046
// §5.1.1: 1 to 70 characters from a restricted set, not ending in a space).
func Boundary(contentType []byte) (boundary []byte, msg string) {
	_, params := cut(contentType, ';')
	for len(params) > 0 {
		var param []byte
		param, params = cut(params, ';')
		param = bytes.TrimSpace(param)
		eq := bytes.IndexByte(param, '=')
		if eq < 0 || !bytes.EqualFold(bytes.TrimSpace(param[:eq]), []byte("boundary")) {
			continue
		}
		b := bytes.TrimSpace(param[eq+1:])
		if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
			b = b[1 : len(b)-1]
		}
		switch {
		case len(b) == 0:
			return nil, "the multipart boundary parameter is empty"
		case len(b) > 70:
			return nil, "the multipart boundary is longer than 70 characters"
		case b[len(b)-1] == ' ':
			return nil, "the multipart boundary ends with a space"
		}
		for _, c := range b {
			if !isBchar(c) {
				return nil, "the multipart boundary contains " + strconv.QuoteRune(rune(c)) + ", which RFC 2046 does not allow"
			}
		}
		return b, ""
	}
	return nil, "Content-Type multipart/form-data has no boundary parameter"
}

func isBchar(c byte) bool {
	switch {
	case c >= '0' && c <= '9', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		return true
	}
	switch c {
	case '\'', '(', ')', '+', '_', ',', '-', '.', '/', ':', '=', '?', ' ':
		return true
	}
	return false
}

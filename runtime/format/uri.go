package format

// Character classes of RFC 3986 §2, as bits of uriClass.
const (
	cUnreserved = 1 << iota // ALPHA DIGIT - . _ ~
	cSubDelim               // ! $ & ' ( ) * + , ; =
	cColon
	cAt
	cSlash
	cQuestion
	cPct // '%': a pct-encoded triplet when the class allows it

	maskRegName  = cUnreserved | cSubDelim | cPct
	maskUserinfo = maskRegName | cColon
	maskPchar    = maskUserinfo | cAt
	maskPath     = maskPchar | cSlash
	maskQuery    = maskPath | cQuestion // query and fragment
)

var uriClass = func() (t [256]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = cUnreserved, cUnreserved
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = cUnreserved
	}
	for _, c := range "-._~" {
		t[c] = cUnreserved
	}
	for _, c := range "!$&'()*+,;=" {
		t[c] = cSubDelim
	}
	t[':'], t['@'], t['/'], t['?'], t['%'] = cColon, cAt, cSlash, cQuestion, cPct
	return t
}()

// uriChars reports whether every byte of s is in a class of mask, with each
// '%' starting a pct-encoded triplet ("%" HEXDIG HEXDIG) when mask has cPct.
func uriChars(s []byte, mask uint8) bool {
	return scanChars(s, 0, mask) == len(s)
}

// scanChars returns the index of the first byte of s from i on that is not
// in a class of mask, or that is a '%' not starting a pct-encoded triplet
// (when mask has cPct); len(s) when there is none.
func scanChars(s []byte, i int, mask uint8) int {
	plain := mask &^ cPct
	for {
		for i < len(s) && uriClass[s[i]]&plain != 0 {
			i++
		}
		if i+2 >= len(s) || s[i] != '%' || mask&cPct == 0 || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return i
		}
		i += 3
	}
}

// URI reports whether b is an RFC 3986 §3 URI (an absolute URI with an
// optional fragment):
//
//	URI       = scheme ":" hier-part [ "?" query ] [ "#" fragment ]
//	scheme    = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
//	hier-part = "//" authority path-abempty / path-absolute / path-rootless / path-empty
//
// Every character must be one the grammar allows where it stands, '%' must
// start a valid escape, and the authority is checked as in URIReference.
// Non-ASCII input is rejected (that is "iri").
func URI(b []byte) bool {
	n := schemeLen(b)
	return n > 0 && uriRest(b[n+1:], true)
}

// URIReference reports whether b is an RFC 3986 §4.1 URI-reference: a URI,
// or a relative reference (§4.2):
//
//	relative-ref  = relative-part [ "?" query ] [ "#" fragment ]
//	relative-part = "//" authority path-abempty / path-absolute / path-noscheme / path-empty
//
// The empty string is a valid (same-document) reference. In path-noscheme
// the first segment may not contain ':' ("1:b" is invalid, "./1:b" valid).
// The authority is
//
//	authority = [ userinfo "@" ] host [ ":" port ]
//	host      = IP-literal / IPv4address / reg-name
//	IP-literal = "[" ( IPv6address / IPvFuture ) "]"
//	port      = *DIGIT
//
// where an IPv4-looking host that is not a valid IPv4address is still a valid
// reg-name (http://999.999.999.999/), as the suite expects.
func URIReference(b []byte) bool {
	if n := schemeLen(b); n > 0 {
		return uriRest(b[n+1:], true)
	}
	return uriRest(b, false)
}

// schemeLen returns the length of the scheme before the first ':' of b, or 0
// when b does not start with scheme ":".
func schemeLen(b []byte) int {
	if len(b) == 0 || !isAlpha(b[0]) {
		return 0
	}
	for i := 1; i < len(b); i++ {
		c := b[i]
		switch {
		case c == ':':
			return i
		case isAlpha(c), isDigit(c), c == '+', c == '-', c == '.':
		default:
			return 0
		}
	}
	return 0
}

// uriRest checks what follows the scheme ":" (hier-part, query, fragment),
// or a whole relative-ref when absolute is false, in one pass: the
// authority, if any, runs to the first '/', '?' or '#'; the path to the
// first '?' or '#'; the query to the first '#'.
func uriRest(b []byte, absolute bool) bool {
	i := 0
	if len(b) >= 2 && b[0] == '/' && b[1] == '/' {
		i = 2
		for i < len(b) && b[i] != '/' && b[i] != '?' && b[i] != '#' {
			i++
		}
		if !authority(b[2:i]) {
			return false
		}
	} else if !absolute {
		// path-noscheme: no ':' before the first '/'.
		for _, c := range b {
			if c == '/' || c == '?' || c == '#' {
				break
			}
			if c == ':' {
				return false
			}
		}
	}
	i = scanChars(b, i, maskPath)
	if i < len(b) && b[i] == '?' {
		i = scanChars(b, i+1, maskQuery)
	}
	if i < len(b) && b[i] == '#' {
		i = scanChars(b, i+1, maskQuery)
	}
	return i == len(b)
}

// authority checks RFC 3986 §3.2 authority.
func authority(a []byte) bool {
	for i, c := range a {
		if c == '@' {
			if !uriChars(a[:i], maskUserinfo) {
				return false
			}
			a = a[i+1:]
			break
		}
	}
	var port []byte
	if len(a) > 0 && a[0] == '[' {
		i := 1
		for i < len(a) && a[i] != ']' {
			i++
		}
		if i == len(a) || !ipLiteral(a[1:i]) {
			return false
		}
		rest := a[i+1:]
		if len(rest) > 0 {
			if rest[0] != ':' {
				return false
			}
			port = rest[1:]
		}
	} else {
		i := 0
		for i < len(a) && a[i] != ':' {
			i++
		}
		if !uriChars(a[:i], maskRegName) {
			return false
		}
		if i < len(a) {
			port = a[i+1:]
		}
	}
	for _, c := range port {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

// ipLiteral checks the inside of an IP-literal: IPv6address, or
//
//	IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
func ipLiteral(s []byte) bool {
	if len(s) > 0 && (s[0] == 'v' || s[0] == 'V') {
		i := 1
		for i < len(s) && isHex(s[i]) {
			i++
		}
		if i == 1 || i == len(s) || s[i] != '.' || i+1 == len(s) {
			return false
		}
		return uriChars(s[i+1:], cUnreserved|cSubDelim|cColon)
	}
	return IPv6(s)
}

package format

// Sets of characters of RFC 3986 §2, as bits of uriSet: a byte's entry has
// the bit of every set it is in, so that scanChars tests four bytes with
// one branch. '%' is in none: a pct-encoded triplet ("%" HEXDIG HEXDIG) is
// read apart, in every set but sFuture.
const (
	sRegName  = 1 << iota // unreserved / pct-encoded / sub-delims
	sUserinfo             // reg-name / ":"
	sPath                 // userinfo / "@" / "/"
	sQuery                // path / "?": query and fragment
	sFuture               // unreserved / sub-delims / ":", IPvFuture's tail
)

var uriSet = func() (t [256]uint8) {
	const regName = sRegName | sUserinfo | sPath | sQuery
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = regName|sFuture, regName|sFuture
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = regName | sFuture
	}
	for _, c := range "-._~!$&'()*+,;=" {
		t[c] = regName | sFuture
	}
	t[':'] = sUserinfo | sPath | sQuery | sFuture
	t['@'], t['/'] = sPath|sQuery, sPath|sQuery
	t['?'] = sQuery
	return t
}()

// uriChars reports whether every byte of s is in set, '%' starting a
// pct-encoded triplet.
func uriChars(s []byte, set uint8) bool {
	return scanChars(s, 0, set) == len(s)
}

// scanChars returns the index of the first byte of s from i on that is not
// in set, or that is a '%' not starting a pct-encoded triplet (or any '%',
// for sFuture); len(s) when there is none.
func scanChars(s []byte, i int, set uint8) int {
	for {
		for i+4 <= len(s) && uriSet[s[i]]&uriSet[s[i+1]]&uriSet[s[i+2]]&uriSet[s[i+3]]&set != 0 {
			i += 4
		}
		for i < len(s) && uriSet[s[i]]&set != 0 {
			i++
		}
		if i+2 >= len(s) || s[i] != '%' || set == sFuture || !isHex(s[i+1]) || !isHex(s[i+2]) {
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
		// Most authorities are a bare reg-name ("api.example.com"): one
		// scan reads it and finds where it ends. Anything else (userinfo,
		// a port, an IP-literal) is found again and checked by authority.
		i = scanChars(b, 2, sRegName)
		if i < len(b) && b[i] != '/' && b[i] != '?' && b[i] != '#' {
			for i < len(b) && b[i] != '/' && b[i] != '?' && b[i] != '#' {
				i++
			}
			if !authority(b[2:i]) {
				return false
			}
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
	i = scanChars(b, i, sPath)
	if i < len(b) && b[i] == '?' {
		i = scanChars(b, i+1, sQuery)
	}
	if i < len(b) && b[i] == '#' {
		i = scanChars(b, i+1, sQuery)
	}
	return i == len(b)
}

// authority checks RFC 3986 §3.2 authority.
func authority(a []byte) bool {
	for i, c := range a {
		if c == '@' {
			if !uriChars(a[:i], sUserinfo) {
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
		if !uriChars(a[:i], sRegName) {
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
		return uriChars(s[i+1:], sFuture)
	}
	return IPv6(s)
}

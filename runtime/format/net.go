package format

// IPv4 reports whether b is a dotted-quad IPv4 address, the
// "dotted-decimal" form of RFC 2673 §3.2 that RFC 3986's IPv4address also
// spells: four decimal octets 0-255 without leading zeros (so "01" is
// rejected, as the suite expects), and nothing else (no short forms, hex,
// octal, mask or port).
func IPv4(b []byte) bool {
	i := 0
	for part := 0; part < 4; part++ {
		if part > 0 {
			if i == len(b) || b[i] != '.' {
				return false
			}
			i++
		}
		if !octet(b, &i) {
			return false
		}
	}
	return i == len(b)
}

// octet reads one decimal 0-255 without a leading zero at b[*i:].
func octet(b []byte, i *int) bool {
	j, n := *i, 0
	for j < len(b) && isDigit(b[j]) && j-*i < 3 {
		n = n*10 + int(b[j]-'0')
		j++
	}
	switch {
	case j == *i, n > 255, j-*i > 1 && b[*i] == '0':
		return false
	case j < len(b) && isDigit(b[j]): // a fourth digit
		return false
	}
	*i = j
	return true
}

// IPv6 reports whether b is an IPv6 address in one of the text forms of
// RFC 4291 §2.2: eight groups of 1-4 hex digits, "::" once for one or more
// zero groups, and a trailing dotted-quad IPv4 address in place of the last
// two groups (RFC 3986 §3.2.2's IPv6address is the same grammar). Zone ids
// (fe80::1%eth0), prefixes (/64) and brackets are not part of the address.
func IPv6(b []byte) bool {
	groups := 0     // 16-bit groups seen, an IPv4 tail counting two
	elided := false // "::" seen
	i := 0
	if len(b) >= 2 && b[0] == ':' && b[1] == ':' {
		elided = true
		i = 2
		if i == len(b) {
			return true
		}
	} else if len(b) > 0 && b[0] == ':' {
		return false
	}
	for {
		// One group, or the IPv4 tail, at b[i:].
		j := i
		for j < len(b) && isHex(b[j]) && j-i < 5 {
			j++
		}
		if j < len(b) && b[j] == '.' {
			if groups > 6 || !IPv4(b[i:]) {
				return false
			}
			groups += 2
			break
		}
		if j == i || j-i > 4 {
			return false
		}
		groups++
		i = j
		if i == len(b) {
			break
		}
		if b[i] != ':' {
			return false
		}
		i++
		if i < len(b) && b[i] == ':' {
			if elided {
				return false
			}
			elided = true
			i++
			if i == len(b) {
				break
			}
		} else if i == len(b) {
			return false // a trailing single ':'
		}
		if groups >= 8 {
			return false
		}
	}
	if elided {
		return groups <= 7
	}
	return groups == 8
}

// Hostname reports whether b is an Internet host name as RFC 1123 §2.1
// relaxes RFC 952, in the form JSON Schema's "hostname" takes it:
//
//   - at most 253 octets, dot-separated labels of 1-63 octets;
//   - labels of ASCII letters, digits and '-', not starting or ending with
//     '-' (a leading digit is fine), no trailing dot (the suite rejects
//     "example.");
//   - a label starting "xn--" (any case) must be an A-label (RFC 5890
//     §2.3.2.1): well-formed Punycode (RFC 3492) whose decoded U-label
//     passes the IDNA2008 checks that the JSON Schema Test Suite exercises
//     (see checkULabel; among them, no "--" in the U-label's 3rd and 4th
//     positions, RFC 5891 §4.2.3.1). Other labels with "--" there are
//     accepted as plain RFC 1123 labels.
//
// Non-ASCII input (U-labels, fullwidth dots) is not a hostname: that is
// "idn-hostname".
func Hostname(b []byte) bool {
	if len(b) == 0 || len(b) > 253 {
		return false
	}
	start := 0
	for i := 0; i <= len(b); i++ {
		if i < len(b) && b[i] != '.' {
			continue
		}
		if !hostLabel(b[start:i]) {
			return false
		}
		start = i + 1
	}
	return true
}

func hostLabel(l []byte) bool {
	if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for _, c := range l {
		if !isAlpha(c) && !isDigit(c) && c != '-' {
			return false
		}
	}
	if len(l) >= 4 && l[0]|0x20 == 'x' && l[1]|0x20 == 'n' && l[2] == '-' && l[3] == '-' {
		return aLabel(l[4:])
	}
	// Other labels with "--" in positions 3-4 (R-LDH labels, RFC 5890
	// §2.3.1) stay valid RFC 1123 names: the draft4 suite expects
	// "ab--cd.example" to pass, and names like "r3---sn-x.example" exist.
	return true
}

// Email reports whether b is an RFC 5321 §4.1.2 Mailbox:
//
//	Mailbox    = Local-part "@" ( Domain / address-literal )
//	Local-part = Dot-string / Quoted-string
//	Dot-string = Atom *("." Atom)   ; atext of RFC 5322 §3.2.3
//	Quoted-string = DQUOTE *( qtextSMTP / quoted-pairSMTP ) DQUOTE
//
// The domain is checked as Hostname; an address literal is "[" IPv4 "]" or
// "[IPv6:" IPv6 "]" (§4.1.3; the general form has no other registered tag).
// The local part is at most 64 octets (§4.5.3.1.1) and the mailbox at most
// 254 (a path of 256 octets with its angle brackets, §4.5.3.1.3). Only
// ASCII is accepted (internationalized addresses are "idn-email").
func Email(b []byte) bool {
	if len(b) > 254 {
		return false
	}
	at := localPart(b)
	if at <= 0 || at > 64 || at >= len(b) || b[at] != '@' {
		return false
	}
	d := b[at+1:]
	if len(d) > 0 && d[0] == '[' {
		if d[len(d)-1] != ']' {
			return false
		}
		lit := d[1 : len(d)-1]
		if len(lit) > 5 && lit[0]|0x20 == 'i' && lit[1]|0x20 == 'p' && lit[2]|0x20 == 'v' && lit[3] == '6' && lit[4] == ':' {
			return IPv6(lit[5:])
		}
		return IPv4(lit)
	}
	return Hostname(d)
}

// localPart returns the length of the local part at the start of b, or -1
// when it is malformed.
func localPart(b []byte) int {
	if len(b) == 0 {
		return -1
	}
	if b[0] == '"' {
		for i := 1; i < len(b); i++ {
			switch c := b[i]; {
			case c == '"':
				return i + 1
			case c == '\\':
				i++
				if i == len(b) || b[i] < 32 || b[i] > 126 {
					return -1
				}
			case c < 32 || c > 126:
				return -1
			}
		}
		return -1
	}
	i := 0
	for {
		j := i
		for j < len(b) && isAtext(b[j]) {
			j++
		}
		if j == i {
			return -1 // empty atom: leading, trailing or doubled dot
		}
		if j == len(b) || b[j] != '.' {
			return j
		}
		i = j + 1
	}
}

// isAtext reports whether c is RFC 5322 §3.2.3 atext.
func isAtext(c byte) bool {
	if isAlpha(c) || isDigit(c) {
		return true
	}
	switch c {
	case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '/', '=', '?', '^', '_', '`', '{', '|', '}', '~':
		return true
	}
	return false
}

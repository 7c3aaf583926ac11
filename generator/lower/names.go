package lower

import (
	"strings"
	"unicode"
)

// goName turns s into an exported Go identifier: words split at anything
// that is not a letter or digit, each capitalised, common initialisms kept
// upper case ("petId" → "PetID", "x-client-version" → "XClientVersion").
func goName(s string) string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			// a lower→upper step starts a new word: petId → pet, Id
			if i > 0 && unicode.IsUpper(r) && unicode.IsLower(rs[i-1]) {
				flush()
			}
			cur = append(cur, r)
		default:
			flush()
		}
	}
	flush()
	var b strings.Builder
	for _, w := range words {
		if up := strings.ToUpper(w); initialisms[up] {
			b.WriteString(up)
			continue
		}
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		b.WriteString(string(r))
	}
	out := b.String()
	if out == "" {
		return "X"
	}
	if r := []rune(out)[0]; !unicode.IsLetter(r) || r > unicode.MaxASCII {
		out = "X" + out
	}
	// Go identifiers must be letters and digits; drop what is not ASCII so
	// generated code stays portable.
	return strings.Map(func(r rune) rune {
		if r > unicode.MaxASCII {
			return -1
		}
		return r
	}, out)
}

// lowerFirst makes an exported name unexported.
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	i := 0
	for i < len(s) && s[i] >= 'A' && s[i] <= 'Z' {
		i++
	}
	switch {
	case i == 0:
		return s
	case i == 1 || i == len(s):
		return strings.ToLower(s[:i]) + s[i:]
	default: // "URLPath" → "urlPath"
		return strings.ToLower(s[:i-1]) + s[i-1:]
	}
}

var initialisms = map[string]bool{
	"ID": true, "URL": true, "URI": true, "API": true, "HTTP": true, "JSON": true,
	"UUID": true, "IP": true, "TTL": true, "CPU": true, "SQL": true, "XML": true,
}

// namer hands out unique names within one scope.
type namer map[string]int

func (n namer) unique(name string) string {
	k := strings.ToLower(name)
	c := n[k]
	n[k] = c + 1
	if c == 0 {
		return name
	}
	for {
		c++
		cand := name + itoa(c)
		if n[strings.ToLower(cand)] == 0 {
			n[strings.ToLower(cand)] = 1
			return cand
		}
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	p := len(b)
	for i > 0 {
		p--
		b[p] = byte('0' + i%10)
		i /= 10
	}
	return string(b[p:])
}

// reserved are identifiers the generated package declares itself.
var reserved = []string{"Gateway", "New", "Defaults", "Handle", "Config"}

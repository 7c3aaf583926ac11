// Package form turns request bodies that are not JSON into JSON, so that the
// one generated validator of a body's schema checks them too: an
// application/x-www-form-urlencoded body or the parts of a multipart/form-data
// body become a JSON object, a text/plain body a JSON scalar. Each value is
// typed by a plan (Field) decided at generation time: a property whose schema
// admits a number becomes a JSON number when its text is one, and a JSON
// string otherwise, so that the validator's type check names the bad value.
//
// The package never interprets a schema; it only knows, per field name, which
// JSON token a text may become. Every violation it finds itself (a key sent
// twice, a malformed escape, text that is not UTF-8, a part of the wrong
// content type or size) is reported at a JSON pointer under /body.
//
// A Decoder is scratch space that request.State pools: after the first few
// requests of a size, transcoding a valid body allocates nothing. It is not
// safe for concurrent use.
package form

import (
	"bytes"
	"strconv"
	"unicode/utf8"

	"github.com/gatewaygen/gatewaygen/runtime/jsonv"
	"github.com/gatewaygen/gatewaygen/runtime/param"
	"github.com/gatewaygen/gatewaygen/runtime/problem"
)

// Kind says which JSON tokens the text of a field may become; the zero Kind
// makes every value a JSON string.
type Kind uint8

const (
	Number  Kind = 1 << iota // a text in JSON's number grammar becomes a number
	Boolean                  // "true" and "false" become booleans
	Null                     // "null" becomes null
	JSON                     // the text is a JSON document (encoding contentType application/json), inserted as is
	Binary                   // a file part: not transcoded; checked for MaxBytes and Types, and stands as "" in the object
)

// Field is the plan for one property of the body's object schema.
type Field struct {
	Name  string
	Kind  Kind
	Array bool // the property is an array: repeated keys (or parts) are its items
	// Sep splits one value into the items of an array for the urlencoded
	// styles that do not explode: ',' (form), ' ' (spaceDelimited), '|'
	// (pipeDelimited). 0: one item per key.
	Sep byte
	// Types are the media types a multipart part may declare, ranges such
	// as "image/*" included; nil allows any. A part without Content-Type
	// passes: the check is about what a client says, not a guess. A part of
	// another type is a violation at the part's location (rule
	// contentType, status 400), not a 415: RFC 9110 allows 415 for content
	// found unsupported by inspection, but a 415 would name no field, and
	// the request's own Content-Type, which a 415 is about, was accepted.
	Types []string
	// MaxBytes bounds the size of a binary part (the schema's maxLength,
	// counted in bytes); 0 is no bound beyond the body's.
	MaxBytes int64
}

// MaxFields bounds the number of keys or parts of one body, which bounds the
// work of detecting a key sent twice.
const MaxFields = 1000

// retain is the largest buffer a Decoder keeps between requests.
const retain = 1 << 20

// Decoder holds the scratch buffers of one request.
type Decoder struct {
	// JSON is the transcoded body after a call that returned true. It
	// aliases the Decoder's buffer and is valid until the next call.
	JSON []byte

	out     []byte
	scratch []byte // decoded keys and values; sized to the body so it never moves
	pairs   []pair
	seen    []bool
	delim   []byte // "\r\n--" + boundary
	it      jsonv.Iter
}

// pair is one key and value of a body, in order of appearance.
type pair struct {
	key, val []byte
	ctype    []byte // multipart: the part's media type, "" when absent
	file     bool   // multipart: the part has a filename
}

// Reset drops buffers that grew past what is worth keeping.
func (d *Decoder) Reset() {
	if cap(d.out) > retain {
		d.out = nil
	}
	if cap(d.scratch) > retain {
		d.scratch = nil
	}
	d.JSON = nil
	d.pairs = d.pairs[:0]
	d.it.Reset(nil)
}

func (d *Decoder) begin(n int) {
	d.out = d.out[:0]
	d.JSON = nil
	d.pairs = d.pairs[:0]
	if cap(d.scratch) < n {
		d.scratch = make([]byte, 0, n)
	}
	d.scratch = d.scratch[:0]
}

// URLEncoded transcodes an application/x-www-form-urlencoded body into a
// JSON object in d.JSON, with fields sorted by Name. It returns false when it
// reported a violation to errs; the object is then not worth validating.
func (d *Decoder) URLEncoded(body []byte, fields []Field, errs *problem.Errors) bool {
	d.begin(len(body))
	for rest := body; len(rest) > 0; {
		var kv []byte
		kv, rest = cut(rest, '&')
		if len(kv) == 0 {
			continue // "a=1&&b=2": empty pairs carry nothing
		}
		if len(d.pairs) == MaxFields {
			errs.Add("/body", "maxFields", "more than "+strconv.Itoa(MaxFields)+" fields")
			return false
		}
		k, v := kv, []byte(nil)
		if i := bytes.IndexByte(kv, '='); i >= 0 {
			k, v = kv[:i], kv[i+1:]
		}
		dk, ok := d.unescape(k)
		if !ok {
			errs.Add("/body", "encoding", "malformed percent-encoding in key "+quote(k))
			return false
		}
		dv, ok := d.unescape(v)
		if !ok {
			errs.Add(pointer(dk), "encoding", "malformed percent-encoding in "+quote(v))
			return false
		}
		d.pairs = append(d.pairs, pair{key: dk, val: dv})
	}
	return d.object(fields, errs)
}

// unescape percent-decodes b with '+' as a space into the scratch buffer,
// which begin sized to the body so earlier results stay valid.
func (d *Decoder) unescape(b []byte) ([]byte, bool) {
	if bytes.IndexByte(b, '%') < 0 && bytes.IndexByte(b, '+') < 0 {
		return b, true
	}
	start := len(d.scratch)
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case '%':
			if i+2 >= len(b) || param.Unhex(b[i+1]) < 0 || param.Unhex(b[i+2]) < 0 {
				return nil, false
			}
			d.scratch = append(d.scratch, byte(param.Unhex(b[i+1])<<4|param.Unhex(b[i+2])))
			i += 2
		case '+':
			d.scratch = append(d.scratch, ' ')
		default:
			d.scratch = append(d.scratch, c)
		}
	}
	return d.scratch[start:len(d.scratch):len(d.scratch)], true
}

// object writes d.pairs as a JSON object: single-valued fields in order of
// appearance, then each array field with all its items.
func (d *Decoder) object(fields []Field, errs *problem.Errors) bool {
	if cap(d.seen) < len(fields) {
		d.seen = make([]bool, len(fields))
	}
	d.seen = d.seen[:len(fields)]
	clear(d.seen)
	before := errs.Len()
	d.out = append(d.out, '{')
	first := true
	for i := range d.pairs {
		p := &d.pairs[i]
		if !utf8.Valid(p.key) {
			errs.Add("/body", "encoding", "a field name is not valid UTF-8")
			continue
		}
		f := lookup(fields, p.key)
		if f >= 0 && fields[f].Array {
			continue
		}
		if f >= 0 {
			if d.seen[f] {
				errs.Add(pointer(p.key), "repeated", "sent more than once; the field holds one value")
				continue
			}
			d.seen[f] = true
		} else if d.sentBefore(i) {
			errs.Add(pointer(p.key), "repeated", "sent more than once; the field holds one value")
			continue
		}
		if !first {
			d.out = append(d.out, ',')
		}
		first = false
		d.out = problem.AppendString(d.out, p.key)
		d.out = append(d.out, ':')
		var fd *Field
		if f >= 0 {
			fd = &fields[f]
		}
		d.value(fd, p, p.val, errs)
	}
	for f := range fields {
		fd := &fields[f]
		if !fd.Array {
			continue
		}
		n := 0
		for i := range d.pairs {
			p := &d.pairs[i]
			if string(p.key) != fd.Name {
				continue
			}
			if n == 0 {
				if !first {
					d.out = append(d.out, ',')
				}
				first = false
				d.out = problem.AppendString(d.out, p.key)
				d.out = append(d.out, ':', '[')
			} else if fd.Sep != 0 {
				errs.Add(pointer(p.key), "repeated", "sent more than once; the items go in one value separated by "+strconv.QuoteRune(rune(fd.Sep)))
				break
			}
			if fd.Sep == 0 {
				if n > 0 {
					d.out = append(d.out, ',')
				}
				d.value(fd, p, p.val, errs)
				n++
				continue
			}
			if len(p.val) > 0 { // "tags=" is an empty array
				for rest, more := p.val, true; more; n++ {
					var item []byte
					item, rest, more = cutMore(rest, fd.Sep)
					if n > 0 {
						d.out = append(d.out, ',')
					}
					d.value(fd, p, item, errs)
				}
			}
			n++
		}
		if n > 0 {
			d.out = append(d.out, ']')
		}
	}
	d.out = append(d.out, '}')
	if errs.Len() > before {
		return false
	}
	d.JSON = d.out
	return true
}

// sentBefore reports whether the key of pair i appeared earlier; MaxFields
// bounds the quadratic scan.
func (d *Decoder) sentBefore(i int) bool {
	k := d.pairs[i].key
	for j := 0; j < i; j++ {
		if bytes.Equal(d.pairs[j].key, k) {
			return true
		}
	}
	return false
}

// value writes one text as the JSON token f allows, or as a string. A nil f
// is a property the plan does not know: a string for additionalProperties.
func (d *Decoder) value(f *Field, p *pair, v []byte, errs *problem.Errors) {
	var k Kind
	if f != nil {
		k = f.Kind
		if f.Types != nil && len(p.ctype) > 0 && !Allowed(p.ctype, f.Types) {
			errs.Add(pointer(p.key), "contentType", "part content type "+quote(p.ctype)+" is not allowed; expected "+join(f.Types))
		}
	}
	switch {
	case k&Binary != 0:
		if f.MaxBytes > 0 && int64(len(v)) > f.MaxBytes {
			errs.Add(pointer(p.key), "maxLength", "must be at most "+strconv.FormatInt(f.MaxBytes, 10)+" bytes long, found "+strconv.Itoa(len(v)))
		}
		d.out = append(d.out, '"', '"')
		return
	case k&JSON != 0:
		d.it.ResetAt(v, "")
		d.it.Skip()
		d.it.End()
		if err := d.it.Err(); err != nil {
			errs.Add(pointer(p.key), "json", err.Error())
			d.out = append(d.out, "null"...)
			return
		}
		d.out = append(d.out, bytes.TrimSpace(v)...)
		return
	case isToken(v, k):
		d.out = append(d.out, v...)
		return
	}
	if !utf8.Valid(v) {
		errs.Add(pointer(p.key), "encoding", "not valid UTF-8")
		d.out = append(d.out, '"', '"')
		return
	}
	d.out = problem.AppendString(d.out, v)
}

// Text transcodes a text/plain body into one JSON value typed by k, at
// /body. It returns false when it reported a violation (invalid UTF-8).
func (d *Decoder) Text(body []byte, k Kind, errs *problem.Errors) bool {
	d.begin(0)
	switch {
	case isToken(body, k):
		d.out = append(d.out, body...)
	case !utf8.Valid(body):
		errs.Add("/body", "encoding", "text/plain body is not valid UTF-8")
		return false
	default:
		d.out = problem.AppendString(d.out, body)
	}
	d.JSON = d.out
	return true
}

// AppendToken appends the JSON value that the text v of a parameter stands
// for under kinds k: v itself when it is a number, boolean or null that k
// admits, else v as a JSON string. Generated code calls it to check a
// parameter whose schema has applicators with the schema's JSON validator.
func AppendToken(dst, v []byte, k Kind) []byte {
	if isToken(v, k) {
		return append(dst, v...)
	}
	return problem.AppendString(dst, v)
}

// isToken reports whether the text v is a JSON number, boolean or null of a
// kind k admits, and so stands for itself.
func isToken(v []byte, k Kind) bool {
	switch {
	case k&Number != 0 && isNumber(v):
		return true
	case k&Boolean != 0 && (string(v) == "true" || string(v) == "false"):
		return true
	}
	return k&Null != 0 && string(v) == "null"
}

func isNumber(b []byte) bool {
	end, msg := jsonv.ScanNumber(b, 0)
	return len(b) > 0 && msg == "" && end == len(b)
}

// lookup finds name in fields, which are sorted by Name.
func lookup(fields []Field, name []byte) int {
	lo, hi := 0, len(fields)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if fields[m].Name < string(name) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(fields) && fields[lo].Name == string(name) {
		return lo
	}
	return -1
}

// Allowed reports whether the media type mt (any case, parameters allowed)
// is one of types, which are lower case and may be ranges ("image/*", "*/*").
func Allowed(mt []byte, types []string) bool {
	if i := bytes.IndexByte(mt, ';'); i >= 0 {
		mt = mt[:i]
	}
	mt = bytes.TrimSpace(mt)
	for _, t := range types {
		switch {
		case t == "*/*":
			return true
		case len(t) > 2 && t[len(t)-2:] == "/*":
			if len(mt) > len(t)-1 && bytes.EqualFold(mt[:len(t)-1], []byte(t[:len(t)-1])) {
				return true
			}
		case bytes.EqualFold(mt, []byte(t)):
			return true
		}
	}
	return false
}

// pointer is the location of a field: /body/ and its name escaped per RFC
// 6901. It allocates, and is called on the error path only.
func pointer(name []byte) string {
	b := make([]byte, 0, len("/body/")+len(name))
	b = append(b, "/body/"...)
	for _, c := range name {
		switch c {
		case '~':
			b = append(b, '~', '0')
		case '/':
			b = append(b, '~', '1')
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

// quote renders a raw value for a detail, cut at 64 bytes.
func quote(b []byte) string {
	if len(b) > 64 {
		return strconv.Quote(string(b[:64])) + "…"
	}
	return strconv.Quote(string(b))
}

func join(types []string) string {
	s := ""
	for i, t := range types {
		if i > 0 {
			s += ", "
		}
		s += t
	}
	return s
}

func cut(b []byte, sep byte) (before, after []byte) {
	if i := bytes.IndexByte(b, sep); i >= 0 {
		return b[:i], b[i+1:]
	}
	return b, nil
}

func cutMore(b []byte, sep byte) (before, after []byte, more bool) {
	if i := bytes.IndexByte(b, sep); i >= 0 {
		return b[:i], b[i+1:], true
	}
	return b, nil, false
}

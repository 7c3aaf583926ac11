// Package form turns request bodies that are not JSON into JSON, so that the
// one generated validator of a body's schema checks them too: an
// application/x-www-form-urlencoded body or the parts of a multipart/form-data
// body become a JSON object, a text/plain body a JSON scalar. Each value is
// typed by a plan (Plan, a Field per declared property and one for the
// others) decided at generation time: a property whose schema admits a
// number becomes a JSON number when its text is one, and a JSON string
// otherwise, so that the validator's type check names the bad value.
// An object property sent in a style of the Encoding Object that keeps its
// properties apart (deepObject, color[R]=100&color[G]=200, or form without
// explode, color=R,100,G,200) becomes a JSON object the same way, each of its
// values typed by the plan of its property; deepObject keys may nest
// (shipping[address][city], items[0][price]) as Stripe's, Rails' and PHP's
// clients send them, each level typed by its plan.
//
// The package never interprets a schema; it only knows, per field name (and
// per property name of such an object field), which JSON token a text may
// become, and how the field is spread over keys. Every violation it finds
// itself (a key sent twice, a malformed escape, text that is not UTF-8, a
// part of the wrong content type or size, a malformed deepObject key or one
// that does not fit its plan, an object value with a name and no value) is
// reported at a JSON pointer under /body.
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
	String                   // a string is allowed; on a Field's Scalar, marks that it may be one
)

// Plan is how the object of a form or multipart body becomes JSON.
type Plan struct {
	Fields []Field // the declared properties, sorted by Name
	// Extra types the keys (or parts) that no Field names, as the body
	// schema's additionalProperties type them: its Kind and Array as a
	// Field's, and for a multipart part Types and MaxBytes. Its Name, Sep,
	// Deep and Props are not read: an Encoding Object is keyed by declared
	// property names, so an undeclared property is sent in the default
	// style, form with explode, one key per item. The zero Extra makes each
	// value a string sent once, which is all the validator can check when
	// additionalProperties is absent, true or false (it rejects the key
	// then), or when patternProperties may type the key instead.
	Extra Field
}

// Field is the plan for one property of the body's object schema.
type Field struct {
	Name  string
	Kind  Kind
	Array bool // the property is an array: repeated keys (or parts) are its items
	// Sep splits one value into the items of an array for the urlencoded
	// styles that do not explode: ',' (form), ' ' (spaceDelimited), '|'
	// (pipeDelimited). 0: one item per key. On a field that is not an
	// Array, Sep makes it an object sent as one value of names and values
	// in those styles: color=R,100,G,200 is {"R":100,"G":200}. The value is
	// split as sent and each item percent-decoded after, as a query
	// parameter's is (runtime/param), so that a delimiter the client
	// encoded is data (RFC 3986 §2.2): tags=a%2Cb is the one item "a,b".
	// As in the query, spaceDelimited and pipeDelimited also split at the
	// delimiter's escape (%20 or '+', %7C): a space cannot be sent raw in
	// a urlencoded body, nor '|' in a URI, so clients send them encoded,
	// as OpenAPI's own examples do (blue%20black%20brown); an item of those
	// styles cannot hold its delimiter. A multipart part of a field with a
	// Sep (OAS 3.1: an explicit style in its Encoding Object) is read the
	// same way: a style is RFC 6570 expansion, which percent-encodes the
	// items, though OpenAPI 3.1.1's Appendix E notes that multipart parts
	// need no percent-encoding and may suffer from it.
	Sep byte
	// Deep makes the field one sent in style deepObject: an object, one key
	// per property, color[R]=100&color[G]=200 is {"R":100,"G":200}. OAS
	// 3.1.1 §4.8.12.4 defines the style for properties of primitive values
	// only; Stripe, Rails and PHP clients send deeper values with more
	// brackets, and the upstream of such an API reads them so: a property
	// declared an object (Object in Props) takes nested keys,
	// shipping[address][city]=Paris, and one declared an array (Array)
	// takes its items as repeated keys, tags[]=a, or indices, tags[0]=a,
	// items[0][price]=p, in order of first appearance. A Deep field that is
	// an Array is read the same way: tags=a&tags=b, tags[]=a or tags[0]=a.
	// A key that does not fit the plan is a violation at the deepest
	// location it names: a malformed one (color[R, color[R]x), a property
	// name where an index is due or the reverse, nested keys below a value
	// that is neither an object nor an array (color[R][x]); so is the key
	// color alone, whose value has no property name, unless Scalar says the
	// field may be a plain value too. A gateway that passed such keys on as
	// unknown ones would let through what the upstream reads as part of
	// color.
	Deep bool
	// Props are the plans of the declared properties of an object field
	// (Deep, or Sep on a field that is not an Array), sorted by Name: they
	// type its values as Kind types a field's. Below a Deep field they are
	// plans of their own, with Object, Array, Props and Scalar; below a
	// field with a Sep only their Name and Kind are read. The Kind of the
	// object field itself (Number, Boolean or Null) types the properties
	// Props does not declare, as the schema's additionalProperties do: 0
	// makes them strings.
	Props []Field
	// Object makes a property below a Deep field (or each item, for an
	// Array) an object whose properties are sent as more [name] segments;
	// a Deep field that is not an Array is one whatever Object says.
	Object bool
	// Scalar, when not 0, says that an object or array field (a Deep one,
	// its properties, or an Array) may also be a plain value, as a schema
	// of anyOf: [{type: object}, {enum: [""]}] says; Scalar types it. A
	// Deep field or property sent as its key alone, once, is that value;
	// an Array sent once with an empty value is "" when Scalar has String,
	// rather than an array of one empty string (Stripe clears a list so).
	Scalar Kind
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
	delim   []byte   // "\r\n--" + boundary
	names   [][]byte // the property names of one object value, to find one sent twice
	it      jsonv.Iter
}

// pair is one key and value of a body, in order of appearance.
type pair struct {
	key, val []byte
	ctype    []byte // multipart: the part's media type, "" when absent
	file     bool   // multipart: the part has a filename
	// deep is 1 + the index of the Deep field the key belongs to; prop is
	// what follows the field's name in it, one or more [segment]s checked
	// for form, or nothing for the name alone; 0 and nil otherwise. object
	// sets both.
	deep int
	prop []byte
	// raw: val is still percent-encoded, as sent (or, in multipart, as
	// the part holds it), because its field has a Sep: it is split first
	// and each item decoded after.
	raw   bool
	extra bool // no Field names the key; object sets it
}

// loc is where a value sits, made into a JSON pointer on the error path
// only: /body/key, /body/key/prop for a property of an object field, or
// /body/key/a/b for the path [a][b] below a Deep field.
type loc struct {
	key, prop []byte
	sub       bool
	path      []byte
}

func (l loc) String() string {
	names := [][]byte{l.key}
	if l.sub {
		names = append(names, l.prop)
	}
	for rest := l.path; len(rest) > 0; {
		seg, end := segment(rest)
		names = append(names, seg)
		rest = rest[end:]
	}
	return pointer(names...)
}

// Idle reports whether d transcoded nothing since it was made or Reset, so
// that an owner that pools it may skip resetting it.
func (d *Decoder) Idle() bool { return len(d.out) == 0 && d.it.Idle() }

// Reset drops buffers that grew past what is worth keeping.
func (d *Decoder) Reset() {
	if cap(d.out) > retain {
		d.out = nil
	}
	if cap(d.scratch) > retain {
		d.scratch = nil
	}
	d.out = d.out[:0]
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
// JSON object in d.JSON, as plan says. It returns false when it reported a
// violation to errs; the object is then not worth validating.
func (d *Decoder) URLEncoded(body []byte, plan *Plan, errs *problem.Errors) bool {
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
		if f := lookup(plan.Fields, dk); f >= 0 && plan.Fields[f].Sep != 0 {
			d.pairs = append(d.pairs, pair{key: dk, val: v, raw: true})
			continue
		}
		dv, ok := d.unescape(v)
		if !ok {
			errs.Add(pointer(dk), "encoding", "malformed percent-encoding in "+quote(v))
			return false
		}
		d.pairs = append(d.pairs, pair{key: dk, val: dv})
	}
	return d.object(plan, errs)
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
// appearance, then each array field with all its items and each deepObject
// field with all its properties, then the undeclared arrays, if plan.Extra
// makes them arrays.
func (d *Decoder) object(plan *Plan, errs *problem.Errors) bool {
	fields := plan.Fields
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
		if f < 0 && d.deepKey(fields, p, errs) {
			continue // a property of a Deep field, or a malformed key reported
		}
		if f >= 0 && fields[f].Deep {
			p.deep, p.prop = f+1, nil // the name alone: a scalar, an item, or a violation
			continue
		}
		fd := &plan.Extra
		if f >= 0 {
			fd = &fields[f]
		} else {
			p.extra = true
		}
		if fd.Array {
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
		if f >= 0 && fd.Sep != 0 {
			d.pairsObject(fd, p, errs)
		} else {
			d.value(fd, loc{key: p.key}, p.ctype, p.val, errs)
		}
	}
	for f := range fields {
		fd := &fields[f]
		switch {
		case fd.Deep:
			first = d.deepField(f, fd, first, errs)
		case fd.Array:
			for i := range d.pairs {
				if string(d.pairs[i].key) == fd.Name {
					first = d.array(fd, i, first, errs)
					break
				}
			}
		}
	}
	if plan.Extra.Array {
		for i := range d.pairs {
			if d.pairs[i].extra && !d.sentBefore(i) {
				first = d.array(&plan.Extra, i, first, errs)
			}
		}
	}
	d.out = append(d.out, '}')
	if errs.Len() > before {
		return false
	}
	d.JSON = d.out
	return true
}

// array writes the array field fd, whose first key is that of pair from,
// with the items of every pair of that key (or, with a Sep, of its one
// value), and returns the new value of first.
func (d *Decoder) array(fd *Field, from int, first bool, errs *problem.Errors) bool {
	key := d.pairs[from].key
	if !first {
		d.out = append(d.out, ',')
	}
	d.out = problem.AppendString(d.out, key)
	d.out = append(d.out, ':')
	if fd.Scalar&String != 0 && len(d.pairs[from].val) == 0 && !d.sentAfter(from) {
		d.out = append(d.out, '"', '"') // the string alternative: Stripe clears a list with images=
		return false
	}
	d.out = append(d.out, '[')
	n := 0 // items written
	for i, sent := from, false; i < len(d.pairs); i++ {
		p := &d.pairs[i]
		if !bytes.Equal(p.key, key) {
			continue
		}
		if sent && fd.Sep != 0 {
			errs.Add(pointer(p.key), "repeated", "sent more than once; the items go in one value separated by "+strconv.QuoteRune(rune(fd.Sep)))
			break
		}
		sent = true
		if fd.Sep == 0 {
			if n > 0 {
				d.out = append(d.out, ',')
			}
			d.value(fd, loc{key: p.key}, p.ctype, p.val, errs)
			n++
			continue
		}
		if len(p.val) == 0 {
			continue // "tags=" is an empty array
		}
		for rest, more := p.val, true; more; n++ {
			var item []byte
			item, rest, more = nextItem(rest, fd.Sep, p.raw)
			if n > 0 {
				d.out = append(d.out, ',')
			}
			at := loc{key: p.key}
			if item, ok := d.decodeItem(item, p.raw, at, errs); ok {
				d.value(fd, at, p.ctype, item, errs)
			} else {
				d.out = append(d.out, '"', '"') // keeps the JSON well formed; the body is rejected
			}
		}
	}
	d.out = append(d.out, ']')
	return false
}

// nextItem cuts the first item off the value of a field with a Sep. A
// value still percent-encoded (raw) is cut as a query parameter's is: at
// ',' only for style form, so that %2C stays in the item, and at the
// delimiter or its escape for spaceDelimited and pipeDelimited (see Sep).
func nextItem(v []byte, sep byte, raw bool) (item, rest []byte, more bool) {
	if raw && sep != ',' {
		return param.NextDelim(v, sep)
	}
	return cutMore(v, sep)
}

// decodeItem percent-decodes one item cut from the value of a field with a
// Sep when that value is still encoded (raw); a malformed escape is
// reported at at.
func (d *Decoder) decodeItem(item []byte, raw bool, at loc, errs *problem.Errors) ([]byte, bool) {
	if !raw {
		return item, true
	}
	dv, ok := d.unescape(item)
	if !ok {
		errs.Add(at.String(), "encoding", "malformed percent-encoding in "+quote(item))
	}
	return dv, ok
}

// deepKey reports whether the key of p, which names no field, is
// name[…] for a Deep field name: then p is marked as belonging to that
// field, or a malformed key is reported at /body/name. A key whose part
// before a '[' names no Deep field is an ordinary key. A Deep field whose
// own name has a '[' is found too: each '[' of the key is tried.
func (d *Decoder) deepKey(fields []Field, p *pair, errs *problem.Errors) bool {
	k := p.key
	for i := 0; i < len(k); i++ {
		j := bytes.IndexByte(k[i:], '[')
		if j < 0 {
			return false
		}
		i += j
		f := lookup(fields, k[:i])
		if f < 0 || !fields[f].Deep {
			continue
		}
		if msg := segments(k[i:]); msg != "" {
			errs.Add(pointer(k[:i]), "style", "malformed deepObject key "+quote(k)+": "+msg)
		} else {
			p.deep, p.prop = f+1, k[i:]
		}
		return true
	}
	return false
}

// segments checks that path is one or more [segment]s, none of which holds
// a bracket, and says what is wrong otherwise.
func segments(path []byte) string {
	for len(path) > 0 {
		if path[0] != '[' {
			return "text after ']'"
		}
		end := bytes.IndexByte(path, ']')
		if end < 0 {
			return "no closing ']'"
		}
		if bytes.IndexByte(path[1:end], '[') >= 0 {
			return "'[' in a property name"
		}
		path = path[end+1:]
	}
	return ""
}

// segment cuts the first [segment] off a path segments checked: its text,
// and the length of it with its brackets.
func segment(path []byte) (seg []byte, n int) {
	end := bytes.IndexByte(path, ']')
	return path[1:end], end + 1
}

// under reports whether the path of pair p of the Deep field deep starts
// with prefix, which ends at a segment's ']' (or is empty).
func under(p *pair, deep int, prefix []byte) bool {
	return p.deep == deep && len(p.prop) >= len(prefix) && bytes.Equal(p.prop[:len(prefix)], prefix)
}

// deepField writes the Deep field f, whose keys object marked, and returns
// the new value of first.
func (d *Decoder) deepField(f int, fd *Field, first bool, errs *problem.Errors) bool {
	for i := range d.pairs {
		if p := &d.pairs[i]; p.deep == f+1 {
			if !first {
				d.out = append(d.out, ',')
			}
			name := fd.nameBytes(p)
			d.out = problem.AppendString(d.out, name)
			d.out = append(d.out, ':')
			d.node(f+1, fd, true, false, 0, name, nil, errs)
			return false
		}
	}
	return first
}

// node writes the value that the keys of the Deep field deep whose path
// starts with prefix stand for, as fd plans it: an object whose properties
// are the next segments, an array whose items are the next segments or
// the keys themselves, or a value. fd nil is a property no plan declares,
// a value typed by kind; item makes fd stand for one item of its Array;
// top marks the Deep field itself, an object unless an Array. name is the
// field's name as sent, for locations. Only keys of at least one pair
// reach it, and the plan, finite, bounds its depth.
func (d *Decoder) node(deep int, fd *Field, top, item bool, kind Kind, name, prefix []byte, errs *problem.Errors) {
	leaf, leaves, nested := -1, 0, -1
	for i := range d.pairs {
		if p := &d.pairs[i]; under(p, deep, prefix) {
			switch {
			case len(p.prop) > len(prefix):
				if nested < 0 {
					nested = i
				}
			case leaves == 0:
				leaf, leaves = i, 1
			default:
				leaves++
			}
		}
	}
	at := loc{key: name, path: prefix}
	array := fd != nil && fd.Array && !item
	object := fd != nil && !array && (fd.Object || (top && !item))
	var scalar Kind
	if fd != nil && !item {
		scalar = fd.Scalar
	}
	switch {
	case !array && !object:
		if nested >= 0 {
			errs.Add(at.String(), "style", "expected a value, found the nested key "+quote(d.pairs[nested].key))
			d.out = append(d.out, "null"...)
			return
		}
		if leaves > 1 {
			errs.Add(at.String(), "repeated", "sent more than once; the property holds one value")
		}
		if fd != nil {
			d.value(fd, at, nil, d.pairs[leaf].val, errs)
			return
		}
		d.value(&Field{Kind: kind}, at, nil, d.pairs[leaf].val, errs)
	case scalar != 0 && leaves == 1 && nested < 0 && (!array || scalar&String != 0 && len(d.pairs[leaf].val) == 0):
		d.value(&Field{Kind: scalar}, at, nil, d.pairs[leaf].val, errs)
	case array:
		d.items(deep, fd, name, prefix, errs)
	default:
		if leaves > 0 {
			what := "found the key alone"
			if scalar != 0 {
				what = "found it sent both as a value and as properties, or as a value more than once"
			}
			errs.Add(at.String(), "style", "expected the properties as "+quote(d.pairs[leaf].key)+"[name]=value (style deepObject), "+what)
		}
		d.props(deep, fd, name, prefix, errs)
	}
}

// props writes the object node of fd at prefix (see node): each property
// once, in order of first appearance, typed by its plan in fd.Props or,
// undeclared, by fd.Kind.
func (d *Decoder) props(deep int, fd *Field, name, prefix []byte, errs *problem.Errors) {
	d.out = append(d.out, '{')
	n := 0
	for i := range d.pairs {
		p := &d.pairs[i]
		if !under(p, deep, prefix) || len(p.prop) == len(prefix) {
			continue
		}
		seg, end := segment(p.prop[len(prefix):])
		if len(seg) == 0 {
			errs.Add(loc{key: name, path: prefix}.String(), "style", "malformed deepObject key "+quote(p.key)+": the property name is empty")
			continue
		}
		var child *Field
		if c := lookup(fd.Props, seg); c >= 0 {
			child = &fd.Props[c]
		}
		path := p.prop[:len(prefix)+end]
		// A plain value, the common case, is written from its key alone,
		// without node's scan of every pair.
		plain := child == nil || !child.Object && !child.Array
		if plain && len(p.prop) > len(path) {
			errs.Add(loc{key: name, path: path}.String(), "style", "expected a value, found the nested key "+quote(p.key))
		}
		if d.segBefore(deep, i, prefix, seg) {
			if plain && len(p.prop) == len(path) {
				errs.Add(loc{key: name, path: path}.String(), "repeated", "sent more than once; the property holds one value")
			}
			continue // written with the first key that named it
		}
		if n > 0 {
			d.out = append(d.out, ',')
		}
		n++
		d.out = problem.AppendString(d.out, seg)
		d.out = append(d.out, ':')
		switch {
		case !plain:
			d.node(deep, child, false, false, 0, name, path, errs)
		case len(p.prop) > len(path):
			d.out = append(d.out, "null"...) // reported above
		case child != nil:
			d.value(child, loc{key: name, path: path}, nil, p.val, errs)
		default:
			d.value(&Field{Kind: fd.Kind}, loc{key: name, path: path}, nil, p.val, errs)
		}
	}
	d.out = append(d.out, '}')
}

// items writes the array node of fd at prefix (see node): a key that ends
// there, or in [], is one item; keys of one [index] make one item, in order
// of first appearance (indices are not positions: tags[5] alone is the
// first item).
func (d *Decoder) items(deep int, fd *Field, name, prefix []byte, errs *problem.Errors) {
	d.out = append(d.out, '[')
	n := 0
	for i := range d.pairs {
		p := &d.pairs[i]
		if !under(p, deep, prefix) {
			continue
		}
		at := loc{key: name, path: prefix}
		rest := p.prop[len(prefix):]
		var seg []byte
		end := 0
		if len(rest) > 0 {
			seg, end = segment(rest)
		}
		switch {
		case len(rest) == 0 || len(seg) == 0 && end == len(rest):
			if fd.Object {
				errs.Add(at.String(), "style", "expected the properties of each item as name[index][property]=value, found "+quote(p.key))
				continue
			}
		case len(seg) == 0:
			errs.Add(at.String(), "style", "expected an index in "+quote(p.key)+": the properties of an item are sent as name[index][property]=value")
			continue
		case !digits(seg):
			errs.Add(at.String(), "style", "expected an array index, found "+quote(seg)+" in "+quote(p.key))
			continue
		case d.segBefore(deep, i, prefix, seg):
			continue // written with the first key of that index
		}
		if n > 0 {
			d.out = append(d.out, ',')
		}
		n++
		if len(seg) == 0 {
			d.value(fd, at, nil, p.val, errs)
		} else {
			d.node(deep, fd, false, true, 0, name, p.prop[:len(prefix)+end], errs)
		}
	}
	d.out = append(d.out, ']')
}

// segBefore reports whether a pair before i of the Deep field deep has a
// path that continues prefix with the segment seg; MaxFields bounds the
// quadratic scan.
func (d *Decoder) segBefore(deep, i int, prefix, seg []byte) bool {
	for j := 0; j < i; j++ {
		q := &d.pairs[j]
		if !under(q, deep, prefix) || len(q.prop) == len(prefix) {
			continue
		}
		if s, _ := segment(q.prop[len(prefix):]); bytes.Equal(s, seg) {
			return true
		}
	}
	return false
}

func digits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}

// nameBytes is the field's name as the key of p spells it (a prefix of it),
// so that writing it allocates nothing.
func (f *Field) nameBytes(p *pair) []byte { return p.key[:len(f.Name)] }

// sentAfter reports whether the key of pair i appears again later.
func (d *Decoder) sentAfter(i int) bool {
	k := d.pairs[i].key
	for j := i + 1; j < len(d.pairs); j++ {
		if bytes.Equal(d.pairs[j].key, k) {
			return true
		}
	}
	return false
}

// pairsObject writes the value of an object field sent as names and values
// separated by fd.Sep (style form, spaceDelimited or pipeDelimited without
// explode) as a JSON object. An empty value is the empty object; MaxFields
// bounds the properties of one value, and so the search for a name sent
// twice.
func (d *Decoder) pairsObject(fd *Field, p *pair, errs *problem.Errors) {
	d.out = append(d.out, '{')
	d.names = d.names[:0]
	for rest, more, n := p.val, len(p.val) > 0, 0; more; n++ {
		var name, v []byte
		name, rest, more = nextItem(rest, fd.Sep, p.raw)
		if !more {
			errs.Add(pointer(p.key), "style", "expected name"+string(fd.Sep)+"value pairs separated by "+strconv.QuoteRune(rune(fd.Sep))+", found an odd number of items")
			break
		}
		v, rest, more = nextItem(rest, fd.Sep, p.raw)
		if n == MaxFields {
			errs.Add(pointer(p.key), "maxFields", "more than "+strconv.Itoa(MaxFields)+" properties")
			break
		}
		name, ok := d.decodeItem(name, p.raw, loc{key: p.key}, errs)
		if !ok {
			continue
		}
		if !utf8.Valid(name) {
			errs.Add(pointer(p.key), "encoding", "a property name is not valid UTF-8")
			continue
		}
		if d.nameBefore(name) {
			errs.Add(pointer(p.key, name), "repeated", "sent more than once; the property holds one value")
			continue
		}
		if len(d.names) > 0 {
			d.out = append(d.out, ',')
		}
		d.names = append(d.names, name)
		d.out = problem.AppendString(d.out, name)
		d.out = append(d.out, ':')
		at := loc{key: p.key, prop: name, sub: true}
		if v, ok := d.decodeItem(v, p.raw, at, errs); ok {
			d.value(prop(fd, name), at, nil, v, errs)
		} else {
			d.out = append(d.out, '"', '"') // keeps the JSON well formed; the body is rejected
		}
	}
	d.out = append(d.out, '}')
}

func (d *Decoder) nameBefore(name []byte) bool {
	for _, n := range d.names {
		if bytes.Equal(n, name) {
			return true
		}
	}
	return false
}

// prop is the plan of the property name of an object field: its entry in
// Props, or the field itself, whose Kind types the others.
func prop(fd *Field, name []byte) *Field {
	if i := lookup(fd.Props, name); i >= 0 {
		return &fd.Props[i]
	}
	return fd
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

// value writes one text as the JSON token f allows, or as a string. ctype
// is a multipart part's media type.
func (d *Decoder) value(f *Field, at loc, ctype []byte, v []byte, errs *problem.Errors) {
	k := f.Kind
	if f.Types != nil && len(ctype) > 0 && !Allowed(ctype, f.Types) {
		errs.Add(at.String(), "contentType", "part content type "+quote(ctype)+" is not allowed; expected "+join(f.Types))
	}
	switch {
	case k&Binary != 0:
		if f.MaxBytes > 0 && int64(len(v)) > f.MaxBytes {
			errs.Add(at.String(), "maxLength", "must be at most "+strconv.FormatInt(f.MaxBytes, 10)+" bytes long, found "+strconv.Itoa(len(v)))
		}
		d.out = append(d.out, '"', '"')
		return
	case k&JSON != 0:
		d.it.ResetAt(v, "")
		d.it.Skip()
		d.it.End()
		if err := d.it.Err(); err != nil {
			errs.Add(at.String(), err.Rule(), err.Error())
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
		errs.Add(at.String(), "encoding", "not valid UTF-8")
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

// pointer is the location of a field, or of a property of an object field:
// /body/ and the names escaped per RFC 6901, cut at problem.MaxLocation
// bytes (at a character) with "…", as a key may be as long as the body.
// It allocates, and is called on the error path only.
func pointer(names ...[]byte) string {
	b := make([]byte, 0, 32)
	b = append(b, "/body"...)
	for _, name := range names {
		b = append(b, '/')
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
	}
	if len(b) > problem.MaxLocation {
		end := problem.MaxLocation
		for end > 0 && !utf8.RuneStart(b[end]) {
			end--
		}
		b = append(b[:end], "…"...)
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

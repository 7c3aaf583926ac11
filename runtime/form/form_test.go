package form

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gatewaygen/gatewaygen/runtime/jsonv"
	"github.com/gatewaygen/gatewaygen/runtime/problem"
)

// plan is the plan of a pet form, fields sorted by Name as lower emits
// them; its undeclared keys are strings.
var plan = &Plan{Fields: fields}

// fields are the declared properties of a pet form.
var fields = []Field{
	{Name: "a[b", Deep: true},
	{Name: "age", Kind: Number},
	{Name: "color", Deep: true, Props: []Field{{Name: "G", Kind: Number}, {Name: "R", Kind: Number}, {Name: "name"}}},
	{Name: "csv", Array: true, Sep: ','},
	{Name: "expand", Deep: true, Array: true},
	{Name: "ids", Kind: Number, Array: true, Sep: ','},
	{Name: "images", Array: true, Scalar: String}, // anyOf: [{type: array}, {enum: [""]}]
	{Name: "items", Deep: true, Array: true, Object: true, Props: []Field{{Name: "price"}, {Name: "quantity", Kind: Number}}},
	{Name: "meta", Kind: JSON, Types: []string{"application/json"}},
	{Name: "metadata", Deep: true, Scalar: String}, // anyOf: [{type: object}, {enum: [""]}]
	{Name: "n", Kind: Number, Deep: true},          // additionalProperties: {type: number}
	{Name: "name"},
	{Name: "photo", Kind: Binary, Types: []string{"image/*"}, MaxBytes: 8},
	{Name: "pos", Sep: '|', Props: []Field{{Name: "x", Kind: Number}}},
	{Name: "psv", Array: true, Sep: '|'},
	{Name: "rgb", Sep: ',', Props: []Field{{Name: "G", Kind: Number}, {Name: "R", Kind: Number}}},
	{Name: "shipping", Deep: true, Scalar: String, Props: []Field{
		{Name: "address", Object: true, Props: []Field{{Name: "city"}, {Name: "zip", Kind: Number}}},
		{Name: "name"},
		{Name: "tags", Array: true, Kind: Number, Scalar: String},
	}},
	{Name: "ssv", Array: true, Sep: ' '},
	{Name: "tags", Array: true},
	{Name: "vip", Kind: Boolean},
}

func TestURLEncoded(t *testing.T) {
	for _, c := range []struct{ body, json, errs string }{
		{"name=Rex&age=3", `{"name":"Rex","age":3}`, ""},
		{"name=R%C3%A9x+the+dog&vip=true", `{"name":"Réx the dog","vip":true}`, ""},
		{"age=three", `{"age":"three"}`, ""},
		{"age=007", `{"age":"007"}`, ""}, // not a JSON number: the type check names it
		{"tags=a&name=x&tags=b", `{"name":"x","tags":["a","b"]}`, ""},
		{"ids=1,2,3", `{"ids":[1,2,3]}`, ""},
		{"ids=", `{"ids":[]}`, ""},
		{"meta=%7B%22a%22%3A1%7D", `{"meta":{"a":1}}`, ""},
		{"other=%22q%22%0A", `{"other":"\"q\"\n"}`, ""},
		{"a=1&&b", `{"a":"1","b":""}`, ""},
		{"", `{}`, ""},
		{"name=a&name=b", "", "/body/name repeated"},
		{"x=a&x=b", "", "/body/x repeated"},
		{"ids=1&ids=2", "", "/body/ids repeated"},
		{"name=%zz", "", "/body/name encoding"},
		{"na%2=x", "", "/body encoding"},
		{"name=%ff", "", "/body/name encoding"},
		{"meta=%7Bx", "", "/body/meta json"},
		{"a%2Fb=1&a%2Fb=2", "", "/body/a~1b repeated"},
		// A key as long as the body is cut in its location, at a
		// character, as every location of a problem is.
		{strings.Repeat("é", 2000) + "=%zz", "", "/body/" + strings.Repeat("é", (problem.MaxLocation-len("/body/"))/2) + "… encoding"},
	} {
		checkURLEncoded(t, plan, c.body, c.json, c.errs)
	}
}

// checkURLEncoded transcodes body as plan says and reports where the JSON
// or the violations differ from want and wantErrs ("" for none).
func checkURLEncoded(t *testing.T, plan *Plan, body, want, wantErrs string) {
	t.Helper()
	var d Decoder
	var errs problem.Errors
	ok := d.URLEncoded([]byte(body), plan, &errs)
	if got := violations(&errs); got != wantErrs || ok != (wantErrs == "") {
		t.Errorf("%q: violations %q (ok %v), want %q", body, got, ok, wantErrs)
		return
	}
	if ok && string(d.JSON) != want {
		t.Errorf("%q: JSON %s, want %s", body, d.JSON, want)
	}
	if ok {
		checkJSON(t, d.JSON)
	}
}

// TestURLEncodedObjects covers object fields in the styles of the Encoding
// Object that keep their properties apart: deepObject (color, a[b]) and
// form, pipeDelimited without explode (rgb, pos).
func TestURLEncodedObjects(t *testing.T) {
	for _, c := range []struct{ body, json, errs string }{
		// deepObject
		{"color[R]=100&color[G]=200", `{"color":{"R":100,"G":200}}`, ""},
		{"color%5BR%5D=1&color%5bG%5d=2", `{"color":{"R":1,"G":2}}`, ""},
		{"name=x&color[R]=1&age=2&color[G]=2", `{"name":"x","age":2,"color":{"R":1,"G":2}}`, ""},
		{"color[R]=red&color[name]=3", `{"color":{"R":"red","name":"3"}}`, ""}, // the validator names R
		{"color[X]=1", `{"color":{"X":"1"}}`, ""},                              // undeclared: for additionalProperties
		{"color[a+b]=1", `{"color":{"a b":"1"}}`, ""},
		{"color[R]=", `{"color":{"R":""}}`, ""},
		{"n[a]=1&n[b]=x", `{"n":{"a":1,"b":"x"}}`, ""}, // undeclared: typed by the field's Kind
		{"a[b[c]=1", `{"a[b":{"c":"1"}}`, ""},          // a Deep field whose name has a '['
		{"other[R]=1", `{"other[R]":"1"}`, ""},         // not a Deep field: an ordinary key
		{"colour[R]=1&[R]=2", `{"colour[R]":"1","[R]":"2"}`, ""},
		{"rgb[R]=1", `{"rgb[R]":"1"}`, ""},
		{"color[R]=1&color[R]=2", "", "/body/color/R repeated"},
		{"color[a/b]=1&color[a%2Fb]=2", "", "/body/color/a~1b repeated"},
		{"color[R]=%ff", "", "/body/color/R encoding"},
		{"color=1", "", "/body/color style"},
		{"color[R", "", "/body/color style"},
		{"color[R=1", "", "/body/color style"},
		{"color[]=1", "", "/body/color style"},
		{"color[R]x=1", "", "/body/color style"},
		{"color[R][b]=1", "", "/body/color/R style"}, // nested below a value
		{"color[a][b]=1", "", "/body/color/a style"}, // and below an undeclared one, a value
		{"color[a[b]]=1", "", "/body/color style"},
		{"color[R]=1&color[a][b]=1&color[]", "", "/body/color/a style; /body/color style"},
		// deepObject nested as Stripe, Rails and PHP clients send it
		{"shipping[address][city]=Paris&shipping[name]=Jo&shipping[address][zip]=75001",
			`{"shipping":{"address":{"city":"Paris","zip":75001},"name":"Jo"}}`, ""},
		{"shipping[tags][]=1&shipping[tags][]=x", `{"shipping":{"tags":[1,"x"]}}`, ""},
		{"shipping[tags][0]=1&shipping[tags][1]=2", `{"shipping":{"tags":[1,2]}}`, ""},
		{"shipping[tags]=1&shipping[tags]=2", `{"shipping":{"tags":[1,2]}}`, ""},
		{"shipping[tags]=", `{"shipping":{"tags":""}}`, ""},
		{"shipping[address][x][y]=1", "", "/body/shipping/address/x style"},
		{"shipping[address]=1", "", "/body/shipping/address style"},
		{"shipping[address][city]=a&shipping[address][city]=b", "", "/body/shipping/address/city repeated"},
		{"shipping[tags][a]=1", "", "/body/shipping/tags style"},
		{"shipping[tags][][x]=1", "", "/body/shipping/tags style"},
		{"shipping[address][city]=%ff", "", "/body/shipping/address/city encoding"},
		{"shipping=", `{"shipping":""}`, ""},   // the scalar alternative: the validator checks its enum
		{"metadata=x", `{"metadata":"x"}`, ""}, // and names a value it does not allow
		{"metadata[k]=v&metadata[j]=w", `{"metadata":{"k":"v","j":"w"}}`, ""},
		{"metadata=&metadata[k]=v", "", "/body/metadata style"},
		{"metadata=&metadata=", "", "/body/metadata style"},
		{"expand=a&expand=b", `{"expand":["a","b"]}`, ""},
		{"expand[]=a&expand[]=b", `{"expand":["a","b"]}`, ""},
		{"expand[0]=a&expand[1]=b&expand[0]=c", "", "/body/expand/0 repeated"},
		{"expand[x]=a", "", "/body/expand style"},
		{"items[0][price]=p&items[1][price]=q&items[0][quantity]=2", `{"items":[{"price":"p","quantity":2},{"price":"q"}]}`, ""},
		{"items[]=p", "", "/body/items style"},
		{"items=p", "", "/body/items style"},
		{"items[0]=p", "", "/body/items/0 style"},
		// an array with a string alternative, sent once and empty, is ""
		{"images=", `{"images":""}`, ""},
		{"images=a", `{"images":["a"]}`, ""},
		{"images=&images=", `{"images":["",""]}`, ""},
		// form and pipeDelimited without explode
		{"rgb=R,1,G,2", `{"rgb":{"R":1,"G":2}}`, ""},
		{"rgb=R%2C1%2CG%2C2", "", "/body/rgb style"}, // split before decoding: one item "R,1,G,2"
		{"rgb=R,1,name,a%2Cb", `{"rgb":{"R":1,"name":"a,b"}}`, ""},
		{"rgb=R%2C,1", `{"rgb":{"R,":"1"}}`, ""},         // "R," is not R
		{"pos=x|1%7Cy|2", `{"pos":{"x":1,"y":"2"}}`, ""}, // pipeDelimited splits at %7C too, as the query does
		{"rgb=", `{"rgb":{}}`, ""},
		{"rgb=R,x,Z,1", `{"rgb":{"R":"x","Z":"1"}}`, ""},
		{"rgb=,1", `{"rgb":{"":"1"}}`, ""},
		{"pos=x|1|y|2&rgb=G,3", `{"pos":{"x":1,"y":"2"},"rgb":{"G":3}}`, ""},
		{"rgb=R,1,G", "", "/body/rgb style"},
		{"rgb=R", "", "/body/rgb style"},
		{"rgb=R,1,R,2", "", "/body/rgb/R repeated"},
		{"rgb=R,1&rgb=G,2", "", "/body/rgb repeated"},
		{"rgb=%ff,1", "", "/body/rgb encoding"},
		{"rgb=R,%ff", "", "/body/rgb/R encoding"},
		{"rgb=%zz,1", "", "/body/rgb encoding"},
		{"rgb=R,1%z", "", "/body/rgb/R encoding"},
		{"rgb=R,%2", "", "/body/rgb/R encoding"},
		{"pos=x,1", "", "/body/pos style"},
	} {
		checkURLEncoded(t, plan, c.body, c.json, c.errs)
	}
}

// TestURLEncodedDelimited: a value of a field with a Sep is split as sent
// and each item percent-decoded after, as in the query: an encoded ','
// is data, while spaceDelimited and pipeDelimited also split at the
// escape of their delimiter (%20 and '+', %7C), which clients must send.
func TestURLEncodedDelimited(t *testing.T) {
	for _, c := range []struct{ body, json, errs string }{
		{"csv=a,b", `{"csv":["a","b"]}`, ""},
		{"csv=a%2Cb", `{"csv":["a,b"]}`, ""},
		{"csv=a%2cb,c", `{"csv":["a,b","c"]}`, ""},
		{"csv=a+b,c%20d", `{"csv":["a b","c d"]}`, ""},
		{"csv=a|b%7Cc", `{"csv":["a|b|c"]}`, ""},
		{"csv=,", `{"csv":["",""]}`, ""},
		{"csv=", `{"csv":[]}`, ""},
		{"csv=%2C", `{"csv":[","]}`, ""},
		{"ids=1,2%2C3", `{"ids":[1,"2,3"]}`, ""}, // the validator names the item
		{"ssv=a+b%20c", `{"ssv":["a","b","c"]}`, ""},
		{"ssv=a b", `{"ssv":["a","b"]}`, ""}, // a raw space, which no encoder sends
		{"ssv=a%2Cb+c", `{"ssv":["a,b","c"]}`, ""},
		{"ssv=a%2Bb", `{"ssv":["a+b"]}`, ""}, // an encoded '+' is a plus, not a space
		{"psv=a|b%7Cc%7cd", `{"psv":["a","b","c","d"]}`, ""},
		{"psv=a%2Cb|c+d", `{"psv":["a,b","c d"]}`, ""},
		{"psv=%7C", `{"psv":["",""]}`, ""},
		{"csv=a,b&csv=c", "", "/body/csv repeated"},
		{"csv=a,%zz", "", "/body/csv encoding"},
		{"csv=a%2", "", "/body/csv encoding"},
		{"psv=a|%7", "", "/body/psv encoding"},
		{"csv=%ff,a", "", "/body/csv encoding"},
		{"ssv=a+%C3%A9", `{"ssv":["a","é"]}`, ""},
	} {
		checkURLEncoded(t, plan, c.body, c.json, c.errs)
	}
}

// TestURLEncodedExtra: a key no Field names is typed by the plan's Extra,
// as the body schema's additionalProperties say.
func TestURLEncodedExtra(t *testing.T) {
	for _, c := range []struct {
		extra            Field
		body, json, errs string
	}{
		{Field{}, "x=5&y=true", `{"x":"5","y":"true"}`, ""},
		{Field{Kind: Number}, "x=5&y=-1.5e3&z=five", `{"x":5,"y":-1.5e3,"z":"five"}`, ""},
		{Field{Kind: Number}, "x=05", `{"x":"05"}`, ""},
		{Field{Kind: Number}, "name=5&age=5", `{"name":"5","age":5}`, ""}, // declared fields keep their own Kind
		{Field{Kind: Boolean}, "x=true&y=false&z=1", `{"x":true,"y":false,"z":"1"}`, ""},
		{Field{Kind: Null}, "x=null&y=", `{"x":null,"y":""}`, ""},
		{Field{Kind: Number | Null}, "x=null&y=2", `{"x":null,"y":2}`, ""},
		{Field{Kind: JSON}, "x=%7B%22a%22%3A1%7D", `{"x":{"a":1}}`, ""},
		{Field{Kind: Number, Array: true}, "x=1&name=n&y=a&x=2", `{"name":"n","x":[1,2],"y":["a"]}`, ""},
		{Field{Kind: Number, Array: true}, "tags=a&x=1&tags=b", `{"tags":["a","b"],"x":[1]}`, ""},
		{Field{Kind: Number, Array: true}, "x=1,2", `{"x":["1,2"]}`, ""}, // no Sep: the default style explodes
		{Field{Kind: Number, Sep: ',', Deep: true}, "x=1,2&x[a]=1", `{"x":"1,2","x[a]":1}`, ""},
		{Field{Kind: Number}, "x=1&x=2", "", "/body/x repeated"},
		{Field{Kind: JSON}, "x=%7B", "", "/body/x json"},
		{Field{Kind: Number, Array: true}, "x=1&x=%ff", "", "/body/x encoding"},
	} {
		var d Decoder
		var errs problem.Errors
		ok := d.URLEncoded([]byte(c.body), &Plan{Fields: fields, Extra: c.extra}, &errs)
		if got := violations(&errs); got != c.errs || ok != (c.errs == "") {
			t.Errorf("%+v %q: violations %q (ok %v), want %q", c.extra, c.body, got, ok, c.errs)
			continue
		}
		if ok && string(d.JSON) != c.json {
			t.Errorf("%+v %q: JSON %s, want %s", c.extra, c.body, d.JSON, c.json)
		}
		if ok {
			checkJSON(t, d.JSON)
		}
	}
}

// TestMultipartExtra: a part no Field names is typed by the plan's Extra.
func TestMultipartExtra(t *testing.T) {
	text := func(name, v string) string {
		return "Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + v
	}
	file := func(name, ctype, v string) string {
		return "Content-Disposition: form-data; name=\"" + name + "\"; filename=\"f\"\r\nContent-Type: " + ctype + "\r\n\r\n" + v
	}
	for _, c := range []struct {
		extra      Field
		body       string
		json, errs string
	}{
		{Field{}, mp(text("x", "5")), `{"x":"5"}`, ""},
		{Field{Kind: Number}, mp(text("x", "5"), text("name", "7")), `{"x":5,"name":"7"}`, ""},
		{Field{Kind: Number}, mp(text("x", "five")), `{"x":"five"}`, ""},
		{Field{Kind: Boolean | Null}, mp(text("x", "true"), text("y", "null")), `{"x":true,"y":null}`, ""},
		{Field{Kind: Number, Array: true}, mp(text("x", "1"), text("x", "2")), `{"x":[1,2]}`, ""},
		{Field{Kind: Binary, Types: []string{"image/*"}, MaxBytes: 4}, mp(file("x", "image/png", "\x89PNG")), `{"x":""}`, ""},
		{Field{Kind: Binary, Types: []string{"image/*"}, MaxBytes: 4}, mp(file("x", "text/plain", "hi")), "", "/body/x contentType"},
		{Field{Kind: Binary, MaxBytes: 4}, mp(file("x", "image/png", "12345")), "", "/body/x maxLength"},
		{Field{Kind: Number}, mp(text("x", "1"), text("x", "2")), "", "/body/x repeated"},
		{Field{}, mp(text("x", "\xff")), "", "/body/x encoding"},
	} {
		var d Decoder
		var errs problem.Errors
		ok := d.Multipart([]byte(c.body), []byte(ct), &Plan{Fields: fields, Extra: c.extra}, &errs)
		if got := violations(&errs); got != c.errs || ok != (c.errs == "") {
			t.Errorf("%+v %q: violations %q (ok %v), want %q", c.extra, c.body, got, ok, c.errs)
			continue
		}
		if ok && string(d.JSON) != c.json {
			t.Errorf("%+v %q: JSON %s, want %s", c.extra, c.body, d.JSON, c.json)
		}
	}
}

// TestMultipartDelimited: a part of a field with a Sep (OAS 3.1: an
// explicit style in the Encoding Object) is read as a urlencoded value is:
// split as it stands, each item percent-decoded after.
func TestMultipartDelimited(t *testing.T) {
	text := func(name, v string) string {
		return "Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + v
	}
	for _, c := range []struct{ body, json, errs string }{
		{mp(text("csv", "a,b")), `{"csv":["a","b"]}`, ""},
		{mp(text("csv", "a%2Cb")), `{"csv":["a,b"]}`, ""},
		{mp(text("csv", "")), `{"csv":[]}`, ""},
		{mp(text("ids", "1,2")), `{"ids":[1,2]}`, ""},
		{mp(text("ssv", "a%20b+c")), `{"ssv":["a","b","c"]}`, ""},
		{mp(text("psv", "a|b%7Cc")), `{"psv":["a","b","c"]}`, ""},
		{mp(text("rgb", "R,1,G,2"), text("name", "a,b")), `{"rgb":{"R":1,"G":2},"name":"a,b"}`, ""},
		{mp(text("csv", "a"), text("csv", "b")), "", "/body/csv repeated"},
		{mp(text("csv", "a,%zz")), "", "/body/csv encoding"},
		{mp(text("rgb", "R,1,G")), "", "/body/rgb style"},
	} {
		var d Decoder
		var errs problem.Errors
		ok := d.Multipart([]byte(c.body), []byte(ct), plan, &errs)
		if got := violations(&errs); got != c.errs || ok != (c.errs == "") {
			t.Errorf("%q: violations %q (ok %v), want %q", c.body, got, ok, c.errs)
			continue
		}
		if ok && string(d.JSON) != c.json {
			t.Errorf("%q: JSON %s, want %s", c.body, d.JSON, c.json)
		}
	}
}

// TestObjectPropertiesBounded: one object value holds at most MaxFields
// properties, which bounds the search for a name sent twice.
func TestObjectPropertiesBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("rgb=")
	for i := range MaxFields {
		fmt.Fprintf(&b, "p%d,%d,", i, i)
	}
	b.WriteString("last,1")
	var d Decoder
	var errs problem.Errors
	if d.URLEncoded([]byte(b.String()), plan, &errs) || violations(&errs) != "/body/rgb maxFields" {
		t.Errorf("violations %q, want /body/rgb maxFields", violations(&errs))
	}
}

func TestText(t *testing.T) {
	for _, c := range []struct {
		body string
		kind Kind
		json string
		ok   bool
	}{
		{"hello \"you\"\n", 0, `"hello \"you\"\n"`, true},
		{"42", Number, `42`, true},
		{"42", 0, `"42"`, true},
		{"true", Boolean, `true`, true},
		{"x\xff", 0, "", false},
		{"", 0, `""`, true},
	} {
		var d Decoder
		var errs problem.Errors
		ok := d.Text([]byte(c.body), c.kind, &errs)
		if ok != c.ok || (ok && string(d.JSON) != c.json) {
			t.Errorf("%q: %s ok=%v, want %s ok=%v (%v)", c.body, d.JSON, ok, c.json, c.ok, errs.List)
		}
	}
}

const ct = "multipart/form-data; boundary=XyZ"

func mp(parts ...string) string {
	return "preamble\r\n--XyZ\r\n" + strings.Join(parts, "\r\n--XyZ\r\n") + "\r\n--XyZ--\r\n"
}

func TestMultipart(t *testing.T) {
	for _, c := range []struct{ ctype, body, json, errs string }{
		{ct, mp("Content-Disposition: form-data; name=\"name\"\r\n\r\nRex", "content-disposition: form-data; name=age\r\n\r\n3"), `{"name":"Rex","age":3}`, ""},
		{ct, mp("Content-Disposition: form-data; name=\"photo\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n"), `{"photo":""}`, ""},
		{ct, mp("Content-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{\"a\": [1]}"), `{"meta":{"a": [1]}}`, ""},
		{ct, mp("Content-Disposition: form-data; name=\"tags\"\r\n\r\na", "Content-Disposition: form-data; name=\"tags\"\r\n\r\nb"), `{"tags":["a","b"]}`, ""},
		{`multipart/form-data; boundary="XyZ"`, "--XyZ\r\nContent-Disposition: form-data; name=\"n\\\"q\"\r\n\r\n\r\n--XyZ--", `{"n\"q":""}`, ""},
		{ct, mp("Content-Disposition: form-data; name=\"photo\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n123456789"), "", "/body/photo maxLength"},
		{ct, mp("Content-Disposition: form-data; name=\"photo\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhi"), "", "/body/photo contentType"},
		{ct, mp("Content-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{"), "", "/body/meta json"},
		{ct, mp("Content-Disposition: form-data; name=\"name\"\r\n\r\na", "Content-Disposition: form-data; name=\"name\"\r\n\r\nb"), "", "/body/name repeated"},
		{"multipart/form-data", mp(), "", "/body multipart"},
		{"multipart/form-data; boundary=", mp(), "", "/body multipart"},
		{"multipart/form-data; boundary=a<b", mp(), "", "/body multipart"},
		{ct, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end", "", "/body multipart"},
		{ct, "no delimiter at all", "", "/body multipart"},
		{ct, mp("Content-Type: text/plain\r\n\r\nx"), "", "/body multipart"},
		{ct, mp("Content-Disposition: attachment; name=\"a\"\r\n\r\nx"), "", "/body multipart"},
		{ct, mp("Content-Disposition: form-data; filename=\"a\"\r\n\r\nx"), "", "/body multipart"},
		{ct, mp("Content-Disposition: form-data; name=\"a\"\r\nContent-Length: 1\r\n\r\nlonger than one byte"), `{"a":"longer than one byte"}`, ""},
	} {
		var d Decoder
		var errs problem.Errors
		ok := d.Multipart([]byte(c.body), []byte(c.ctype), plan, &errs)
		if got := violations(&errs); got != c.errs || ok != (c.errs == "") {
			t.Errorf("%q: violations %q %v (ok %v), want %q", c.body, got, errs.List, ok, c.errs)
			continue
		}
		if ok && string(d.JSON) != c.json {
			t.Errorf("%q: JSON %s, want %s", c.body, d.JSON, c.json)
		}
	}
}

func TestAllowed(t *testing.T) {
	types := []string{"image/*", "application/json"}
	for mt, want := range map[string]bool{"image/png": true, "IMAGE/PNG; q=1": true, "Application/JSON": true, "image/": false, "text/plain": false, "imagex/png": false} {
		if Allowed([]byte(mt), types) != want {
			t.Errorf("Allowed(%q) = %v", mt, !want)
		}
	}
}

func violations(errs *problem.Errors) string {
	var parts []string
	for _, v := range errs.List {
		parts = append(parts, v.Location+" "+v.Rule)
	}
	return strings.Join(parts, "; ")
}

// checkJSON fails when a successful transcoding is not one JSON document.
func checkJSON(t *testing.T, b []byte) {
	var it jsonv.Iter
	it.ResetAt(b, "/body")
	it.Skip()
	it.End()
	if err := it.Err(); err != nil {
		t.Fatalf("transcoded %q is not JSON: %v", b, err)
	}
}

func FuzzURLEncoded(f *testing.F) {
	for _, s := range []string{"name=Rex&age=3", "tags=a&tags=b&ids=1,2", "meta=%7B%7D", "a=%zz", "x=\xff", "+=+&%2B",
		"color[R]=1&color[G]=2", "color%5BR%5D=1&color[R]=2", "color[R", "color[]=", "color[R]x=1", "color[a][b]=1", "color=1", "a[b[c]=1",
		"rgb=R,1,G,2", "rgb=R,1,G", "rgb=R,1,R,2", "pos=x|1|y|%ff",
		"csv=a%2Cb,c", "ids=1%2C2,3", "rgb=R%2C1,G,2", "rgb=R,%2", "ssv=a+b%20c%2Cd", "psv=a|b%7Cc%7", "x=1&x=2&y=%7B%7D",
		"shipping[address][city]=P&shipping[name]=J", "expand[0]=a&expand[]=b&expand=c", "items[0][price]=p&items[1][quantity]=2",
		"metadata=&metadata[k]=v", "images=", "shipping[tags][0]=1&shipping[tags][x]=2", "n[a][b]=1"} {
		f.Add([]byte(s))
	}
	// extras makes undeclared keys arrays of numbers, booleans and nulls.
	extras := &Plan{Fields: fields, Extra: Field{Kind: Number | Boolean | Null, Array: true}}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, p := range []*Plan{plan, extras} {
			var d Decoder
			var errs problem.Errors
			if d.URLEncoded(body, p, &errs) {
				checkJSON(t, d.JSON)
			} else if errs.Len() == 0 {
				t.Fatal("rejected without a violation")
			}
		}
	})
}

func FuzzMultipart(f *testing.F) {
	f.Add([]byte(ct), []byte(mp("Content-Disposition: form-data; name=\"name\"\r\n\r\nRex", "Content-Disposition: form-data; name=\"photo\"; filename=\"a\"\r\nContent-Type: image/png\r\n\r\nPNG")))
	f.Add([]byte(`multipart/form-data; boundary="a b"`), []byte("--a b\r\nContent-Disposition: form-data; name=\"meta\"\r\n\r\n{}\r\n--a b--"))
	f.Add([]byte(ct), []byte("--XyZ--"))
	f.Add([]byte(ct), []byte(mp("Content-Disposition: form-data; name=\"csv\"\r\n\r\na,b%2Cc", "Content-Disposition: form-data; name=\"rgb\"\r\n\r\nR,1,G,%7")))
	f.Add([]byte("multipart/form-data"), []byte(""))
	f.Fuzz(func(t *testing.T, ctype, body []byte) {
		var d Decoder
		var errs problem.Errors
		if d.Multipart(body, ctype, plan, &errs) {
			checkJSON(t, d.JSON)
		} else if errs.Len() == 0 {
			t.Fatal("rejected without a violation")
		}
	})
}

func FuzzText(f *testing.F) {
	f.Add([]byte("hello"), uint8(0))
	f.Add([]byte("12.5e3"), uint8(Number))
	f.Fuzz(func(t *testing.T, body []byte, k uint8) {
		var d Decoder
		var errs problem.Errors
		if d.Text(body, Kind(k)&(Number|Boolean|Null), &errs) {
			checkJSON(t, d.JSON)
		}
	})
}

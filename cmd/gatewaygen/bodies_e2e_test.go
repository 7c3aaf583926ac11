package main

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"
)

// TestEndToEndBodies builds the gateway of the bodies31 golden spec (OpenAPI
// 3.1) as a standalone module, runs it in mock mode on loopback and sends
// each media type it compiles, valid and not, over a real socket: every
// rejection must name the exact locations and rules.
func TestEndToEndBodies(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a gateway; skipped in -short mode")
	}
	gw := startGateway(t, buildGateway(t, "../../testdata/golden/bodies31/spec.yaml", "bodies31")) + "/v1"
	runBodyCases(t, gw, bodies31Cases)
}

// TestEndToEndBodies30 does the same for bodies30: OpenAPI 3.0, whose file
// parts are `type: string, format: binary`.
func TestEndToEndBodies30(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a gateway; skipped in -short mode")
	}
	gw := startGateway(t, buildGateway(t, "../../testdata/golden/bodies30/spec.yaml", "bodies30")) + "/v1"
	runBodyCases(t, gw, bodies30Cases)
}

// TestEndToEndRealBodies30 does the same for realbodies30: Stripe's form
// bodies (nested deepObject keys, anyOf objects and lists cleared by ""),
// Jira's */* body sent as JSON and its multipart body of files.
func TestEndToEndRealBodies30(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a gateway; skipped in -short mode")
	}
	gw := startGateway(t, buildGateway(t, "../../testdata/golden/realbodies30/spec.yaml", "realbodies30"))
	runBodyCases(t, gw, []bodyCase{
		{"stripe nested", "POST", "/v1/charges/ch_1", formCT, "shipping[name]=Jo&shipping[address][city]=Paris&metadata[k]=v&expand[0]=customer", 200, nil},
		{"stripe cleared", "POST", "/v1/customers", formCT, "metadata=&shipping=&invoice_settings[custom_fields]=", 200, nil},
		{"stripe list", "POST", "/v1/products/prod_1", formCT, "images=a&images=b", 200, nil},
		{"stripe nested bad", "POST", "/v1/customers", formCT, "tax_id_data[0][type]=xx&tax_id_data[0][value]=1", 400, []string{"/body/tax_id_data/0/type enum"}},
		{"stripe nested too deep", "POST", "/v1/customers", formCT, "metadata[k][j]=v", 400, []string{"/body/metadata/k style"}},
		{"jira columns", "PUT", "/rest/api/3/user/columns", "application/json", `["summary"]`, 200, nil},
		{"jira columns broken", "PUT", "/rest/api/3/user/columns", "application/json", `["summary"`, 400, []string{"/body json"}},
		{"jira attachment", "POST", "/rest/api/3/issue/JRA-1/attachments", mpCT, mpBody(file("file", "image/png", png), file("file", "text/plain", "log")), 200, nil},
	})
}

// bodyCase is one request: want is the status, and for 400 the exact
// violations as "location rule", sorted.
type bodyCase struct {
	name, method, path, ctype, body string
	status                          int
	want                            []string
}

const (
	formCT = "application/x-www-form-urlencoded"
	mpCT   = "multipart/form-data; boundary=b0undary"
)

// part is one multipart part; mpBody closes the body.
func part(headers, content string) string {
	return "--b0undary\r\n" + headers + "\r\n\r\n" + content + "\r\n"
}

func mpBody(parts ...string) string { return strings.Join(parts, "") + "--b0undary--\r\n" }

func field(name, value string) string {
	return part(`Content-Disposition: form-data; name="`+name+`"`, value)
}

func file(name, ctype, content string) string {
	return part(`Content-Disposition: form-data; name="`+name+`"; filename="f.bin"`+"\r\nContent-Type: "+ctype, content)
}

var png = "\x89PNG\r\n\x1a\n"

var bodies31Cases = []bodyCase{
	// application/x-www-form-urlencoded
	{"form valid", "POST", "/pets/form", formCT, "name=Rex+the+dog&age=3&vip=true&tags=dog&tags=good&ids=1,2&colors=red|blue&meta=%7B%22source%22%3A%22web%22%7D", 201, nil},
	{"form charset param", "POST", "/pets/form", formCT + "; charset=utf-8", "name=R%C3%A9x", 201, nil},
	{"form integer", "POST", "/pets/form", formCT, "name=Rex&age=three", 400, []string{"/body/age type"}},
	{"form minimum", "POST", "/pets/form", formCT, "name=Rex&age=-1", 400, []string{"/body/age minimum"}},
	{"form boolean", "POST", "/pets/form", formCT, "name=Rex&vip=yes", 400, []string{"/body/vip type"}},
	{"form required", "POST", "/pets/form", formCT, "age=3", 400, []string{"/body/name required"}},
	{"form repeated", "POST", "/pets/form", formCT, "name=a&name=b", 400, []string{"/body/name repeated"}},
	{"form additional", "POST", "/pets/form", formCT, "name=a&owner=b", 400, []string{"/body/owner additionalProperties"}},
	{"form maxItems", "POST", "/pets/form", formCT, "name=a&tags=a&tags=b&tags=c&tags=d", 400, []string{"/body/tags maxItems"}},
	{"form item pattern", "POST", "/pets/form", formCT, "name=a&tags=ok&tags=NO", 400, []string{"/body/tags/1 pattern"}},
	{"form anyOf number branch", "POST", "/pets/form", formCT, "name=a&size=3", 201, nil},
	{"form anyOf string branch", "POST", "/pets/form", formCT, "name=a&size=small", 201, nil},
	{"form anyOf neither", "POST", "/pets/form", formCT, "name=a&size=0", 400, []string{"/body/size anyOf"}},
	{"form anyOf neither string", "POST", "/pets/form", formCT, "name=a&size=huge", 400, []string{"/body/size anyOf"}},
	{"form comma item", "POST", "/pets/form", formCT, "name=a&ids=1,x", 400, []string{"/body/ids/1 type"}},
	{"form comma repeated", "POST", "/pets/form", formCT, "name=a&ids=1&ids=2", 400, []string{"/body/ids repeated"}},
	{"form pipe enum", "POST", "/pets/form", formCT, "name=a&colors=red|pink", 400, []string{"/body/colors/1 enum"}},
	{"form json part", "POST", "/pets/form", formCT, "name=a&meta=%7B%22source%22%3A1%7D", 400, []string{"/body/meta/source type"}},
	{"form json not json", "POST", "/pets/form", formCT, "name=a&meta=%7B", 400, []string{"/body/meta json"}},
	{"form bad escape", "POST", "/pets/form", formCT, "name=%zz", 400, []string{"/body/name encoding"}},
	{"form not utf8", "POST", "/pets/form", formCT, "name=%FF", 400, []string{"/body/name encoding"}},
	{"form maxLength counts characters", "POST", "/pets/form", formCT, "name=" + strings.Repeat("%C3%A9", 21), 400, []string{"/body/name maxLength"}},
	{"form missing body", "POST", "/pets/form", formCT, "", 400, []string{"/body required"}},
	{"form as json", "POST", "/pets/form", "application/json", `{"name":"Rex"}`, 415, nil},
	{"form too large", "POST", "/pets/form", formCT, "name=" + strings.Repeat("a", 5000), 413, nil},

	{"form pipeDelimited object", "POST", "/pets/form", formCT, "name=a&pos=x|1.5|y|2", 201, nil},
	{"form pipeDelimited object type", "POST", "/pets/form", formCT, "name=a&pos=x|a", 400, []string{"/body/pos/x type"}},

	// object properties of a form body in their encoding styles: color
	// deepObject, rgb form without explode
	{"form deepObject valid", "POST", "/paint", formCT, "color[R]=100&color%5BG%5D=200&rgb=R,1,G,2&counts[a]=3", 200, nil},
	{"form deepObject type", "POST", "/paint", formCT, "color[R]=red&color[G]=1", 400, []string{"/body/color/R type"}},
	{"form deepObject additional", "POST", "/paint", formCT, "color[R]=1&color[G]=1&color[X]=1", 400, []string{"/body/color/X additionalProperties"}},
	{"form deepObject required", "POST", "/paint", formCT, "color[R]=1", 400, []string{"/body/color/G required"}},
	{"form deepObject nested", "POST", "/paint", formCT, "color[R]=1&color[G]=1&color[B][x]=1", 400, []string{"/body/color/B style"}},
	{"form pairs odd", "POST", "/paint", formCT, "color[R]=1&color[G]=1&rgb=R,1,G", 400, []string{"/body/rgb style"}},
	{"form pairs maximum", "POST", "/paint", formCT, "color[R]=1&color[G]=1&rgb=R,300", 400, []string{"/body/rgb/R maximum"}},

	// multipart/form-data
	{"multipart valid", "PUT", "/pets/1/photo", mpCT, mpBody(field("caption", "Rex"), file("photo", "image/png", png), file("thumbs", "image/png", "t1"), file("thumbs", "image/png", "t2"), field("meta", `{"width":3}`), field("note", "aGk=")), 204, nil},
	{"multipart jpeg allowed", "PUT", "/pets/1/photo", mpCT, mpBody(file("photo", "image/jpeg", "jpg")), 204, nil},
	{"multipart file too large", "PUT", "/pets/1/photo", mpCT, mpBody(file("photo", "image/png", strings.Repeat("x", 65))), 400, []string{"/body/photo maxLength"}},
	{"multipart item too large", "PUT", "/pets/1/photo", mpCT, mpBody(file("photo", "image/png", png), file("thumbs", "image/png", strings.Repeat("x", 17))), 400, []string{"/body/thumbs maxLength"}},
	{"multipart part type", "PUT", "/pets/1/photo", mpCT, mpBody(file("photo", "text/plain", "hi")), 400, []string{"/body/photo contentType"}},
	{"multipart json part type", "PUT", "/pets/1/photo", mpCT, mpBody(file("photo", "image/png", png), part(`Content-Disposition: form-data; name="meta"`+"\r\nContent-Type: text/plain", `{}`)), 400, []string{"/body/meta contentType"}},
	{"multipart required file", "PUT", "/pets/1/photo", mpCT, mpBody(field("caption", "Rex")), 400, []string{"/body/photo required"}},
	{"multipart maxItems", "PUT", "/pets/1/photo", mpCT, mpBody(file("photo", "image/png", png), file("thumbs", "image/png", "1"), file("thumbs", "image/png", "2"), file("thumbs", "image/png", "3")), 400, []string{"/body/thumbs maxItems"}},
	{"multipart json field", "PUT", "/pets/1/photo", mpCT, mpBody(file("photo", "image/png", png), field("meta", `{"width":0}`)), 400, []string{"/body/meta/width minimum"}},
	{"multipart text field", "PUT", "/pets/1/photo", mpCT, mpBody(file("photo", "image/png", png), field("caption", strings.Repeat("c", 31))), 400, []string{"/body/caption maxLength"}},
	{"multipart repeated", "PUT", "/pets/1/photo", mpCT, mpBody(file("photo", "image/png", png), file("photo", "image/png", png)), 400, []string{"/body/photo repeated"}},
	{"multipart no boundary", "PUT", "/pets/1/photo", "multipart/form-data", mpBody(file("photo", "image/png", png)), 400, []string{"/body multipart"}},
	{"multipart wrong boundary", "PUT", "/pets/1/photo", "multipart/form-data; boundary=other", mpBody(file("photo", "image/png", png)), 400, []string{"/body multipart"}},
	{"multipart unterminated", "PUT", "/pets/1/photo", mpCT, file("photo", "image/png", png), 400, []string{"/body multipart"}},
	{"multipart no disposition", "PUT", "/pets/1/photo", mpCT, mpBody(part("Content-Type: image/png", png)), 400, []string{"/body multipart"}},

	// text/plain beside two JSON media types
	{"text valid", "PUT", "/notes/a", "text/plain; charset=utf-8", "a short note", 204, nil},
	{"text pattern", "PUT", "/notes/a", "text/plain", "UPPER", 400, []string{"/body pattern"}},
	{"text maxLength", "PUT", "/notes/a", "text/plain", "a longer note", 400, []string{"/body maxLength"}},
	{"text not utf8", "PUT", "/notes/a", "text/plain", "ab\xffc", 400, []string{"/body encoding"}},
	// Text is checked as UTF-8: a body labelled in another charset would be
	// checked as what it is not (ASCII bytes pass, the upstream reads them
	// as UTF-16), so it is refused; US-ASCII is a subset of UTF-8.
	{"text in utf-16", "PUT", "/notes/a", "text/plain; charset=utf-16", "abc", 415, nil},
	{"text in latin-1", "PUT", "/notes/a", `text/plain; charset="ISO-8859-1"`, "ab\xe9", 415, nil},
	{"text in us-ascii", "PUT", "/notes/a", "text/plain; charset=US-ASCII", "a note", 204, nil},
	// 200 arrays in one another may well be JSON: past the gateway's depth
	// limit it is refused under that rule, not as invalid JSON.
	{"json too deep", "PUT", "/notes/a", "application/json", strings.Repeat("[", 200) + strings.Repeat("]", 200), 400, []string{"/body maxDepth"}},
	{"text optional body", "PUT", "/notes/a", "text/plain", "", 204, nil},
	{"json beside text", "PUT", "/notes/a", "application/json", `{"text":5}`, 400, []string{"/body/text type"}},
	{"+json beside text", "PUT", "/notes/a", "application/merge-patch+json", `{}`, 400, []string{"/body/text required"}},
	{"+json valid", "PUT", "/notes/a", "application/merge-patch+json", `{"text":"hi"}`, 204, nil},
	{"text as xml", "PUT", "/notes/a", "application/xml", "<a/>", 415, nil},
	{"text integer", "PUT", "/counters/c", "text/plain", "42", 204, nil},
	{"text null", "PUT", "/counters/c", "text/plain", "null", 204, nil},
	{"text integer maximum", "PUT", "/counters/c", "text/plain", "101", 400, []string{"/body maximum"}},
	{"text integer type", "PUT", "/counters/c", "text/plain", "4.5", 400, []string{"/body type"}},

	// application/octet-stream
	{"binary valid", "POST", "/blobs", "application/octet-stream", "\x00\x01\x02\xff", 204, nil},
	{"binary maxLength bytes", "POST", "/blobs", "application/octet-stream", strings.Repeat("\xff", 17), 400, []string{"/body maxLength"}},
	{"binary required", "POST", "/blobs", "application/octet-stream", "", 400, []string{"/body required"}},
	{"binary as text", "POST", "/blobs", "text/plain", "x", 415, nil},

	// media ranges: the most specific match wins
	{"exact over range", "POST", "/anything", "application/json", `{"text":5}`, 400, []string{"/body/text type"}},
	{"application range", "POST", "/anything", "application/xml", "<a/>", 204, nil},
	{"any range", "POST", "/anything", "text/csv", "a,b", 204, nil},
}

var bodies30Cases = []bodyCase{
	{"multipart valid", "POST", "/uploads", mpCT, mpBody(field("title", "Hi"), field("count", "null"), file("file", "text/csv", "a,b"), file("attachments", "application/zip", "PK"), field("profile", `{"id":1}`)), 201, nil},
	{"multipart file range", "POST", "/uploads", mpCT, mpBody(field("title", "Hi"), file("file", "application/pdf", "%PDF")), 201, nil},
	{"multipart file type", "POST", "/uploads", mpCT, mpBody(field("title", "Hi"), file("file", "image/png", png)), 400, []string{"/body/file contentType"}},
	{"multipart file size", "POST", "/uploads", mpCT, mpBody(field("title", "Hi"), file("file", "text/plain", strings.Repeat("x", 33))), 400, []string{"/body/file maxLength"}},
	{"multipart missing", "POST", "/uploads", mpCT, mpBody(field("count", "2")), 400, []string{"/body/file required", "/body/title required"}},
	{"multipart nullable", "POST", "/uploads", mpCT, mpBody(field("title", "Hi"), file("file", "text/plain", "x"), field("count", "two")), 400, []string{"/body/count type"}},
	{"multipart object field", "POST", "/uploads", mpCT, mpBody(field("title", "Hi"), file("file", "text/plain", "x"), field("profile", `{}`)), 400, []string{"/body/profile/id required"}},
	{"form valid", "POST", "/uploads", formCT, "title=Hello&count=2&labels=a%20b", 201, nil},
	{"form space delimited", "POST", "/uploads", formCT, "title=Hello&labels=a+b&labels=c", 400, []string{"/body/labels repeated"}},
	{"form title", "POST", "/uploads", formCT, "title=H", 400, []string{"/body/title minLength"}},
	{"form undeclared", "POST", "/uploads", "text/plain", "x", 415, nil},
	{"png valid", "PUT", "/images", "image/png", png, 204, nil},
	{"png too large", "PUT", "/images", "image/png", png + "x", 400, []string{"/body maxLength"}},
	{"octet unbounded", "PUT", "/images", "application/octet-stream", strings.Repeat("x", 100), 204, nil},
}

func runBodyCases(t *testing.T, gw string, cases []bodyCase) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := do(t, c.method, gw+c.path, c.body, map[string]string{"Content-Type": c.ctype})
			if r.status != c.status {
				t.Fatalf("status %d, want %d\n%s", r.status, c.status, r.body)
			}
			if c.status < 400 {
				return
			}
			var p struct {
				Detail string
				Errors []struct{ Location, Rule string }
			}
			if err := json.Unmarshal(r.body, &p); err != nil || !strings.HasPrefix(r.header.Get("Content-Type"), "application/problem+json") {
				t.Fatalf("not problem+json (%v): %s", err, r.body)
			}
			if c.status == 415 && (!strings.Contains(p.Detail, "expected ") || r.header.Get("Accept") == "") {
				t.Errorf("415 does not say what is accepted, in its detail and Accept (%q): %s", r.header.Get("Accept"), r.body)
			}
			var got []string
			for _, v := range p.Errors {
				got = append(got, v.Location+" "+v.Rule)
			}
			sort.Strings(got)
			if strings.Join(got, "; ") != strings.Join(c.want, "; ") {
				t.Errorf("violations %q, want %q\n%s", got, c.want, r.body)
			}
		})
	}
}

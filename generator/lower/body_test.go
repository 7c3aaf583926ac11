package lower

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

func media(t *testing.T, o *ir.Operation, ct string) *ir.Media {
	t.Helper()
	for _, m := range o.Body.Media {
		if m.ContentType == ct {
			return m
		}
	}
	t.Fatalf("%s %s has no media type %s", o.Method, o.Path, ct)
	return nil
}

func plan(m *ir.Media) string {
	var parts []string
	for _, f := range m.Fields {
		parts = append(parts, fmt.Sprintf("%+v", *f))
	}
	return strings.Join(parts, "\n")
}

// TestBodyKinds checks which way each media type is read, and the
// transcoding plans lower derives from schemas and encoding objects.
func TestBodyKinds(t *testing.T) {
	api := lowerFile(t, "../../testdata/golden/bodies31/spec.yaml")
	for _, c := range []struct{ method, path, ct, kind string }{
		{"POST", "/pets/form", "application/x-www-form-urlencoded", ir.MediaForm},
		{"PUT", "/pets/{petId}/photo", "multipart/form-data", ir.MediaMultipart},
		{"PUT", "/notes/{id}", "text/plain", ir.MediaText},
		{"PUT", "/notes/{id}", "application/merge-patch+json", ir.MediaJSON},
		{"POST", "/blobs", "application/octet-stream", ir.MediaBinary},
		{"POST", "/anything", "application/*", ""},
	} {
		if m := media(t, op(t, api, c.method, c.path), c.ct); m.Kind != c.kind {
			t.Errorf("%s %s %s: kind %q, want %q", c.method, c.path, c.ct, m.Kind, c.kind)
		}
	}

	form := media(t, op(t, api, "POST", "/pets/form"), "application/x-www-form-urlencoded")
	want := strings.Join([]string{
		"{Name:age Number:true Boolean:false Null:false JSON:false Binary:false Array:false Sep: Deep:false Props:[] Object:false Scalar:<nil> String:false Types:[] MaxBytes:0}",
		"{Name:colors Number:false Boolean:false Null:false JSON:false Binary:false Array:true Sep:| Deep:false Props:[] Object:false Scalar:<nil> String:false Types:[] MaxBytes:0}",
		"{Name:ids Number:true Boolean:false Null:false JSON:false Binary:false Array:true Sep:, Deep:false Props:[] Object:false Scalar:<nil> String:false Types:[] MaxBytes:0}",
		"{Name:meta Number:false Boolean:false Null:false JSON:true Binary:false Array:false Sep: Deep:false Props:[] Object:false Scalar:<nil> String:false Types:[] MaxBytes:0}",
		"{Name:name Number:false Boolean:false Null:false JSON:false Binary:false Array:false Sep: Deep:false Props:[] Object:false Scalar:<nil> String:false Types:[] MaxBytes:0}",
		// pipeDelimited object: x|1|y|2
		"{Name:pos Number:false Boolean:false Null:false JSON:false Binary:false Array:false Sep:| Deep:false Props:[" +
			"{Name:x Number:true Boolean:false Null:false JSON:false Binary:false Array:false Sep: Deep:false Props:[] Object:false Scalar:<nil> String:false Types:[] MaxBytes:0} " +
			"{Name:y Number:true Boolean:false Null:false JSON:false Binary:false Array:false Sep: Deep:false Props:[] Object:false Scalar:<nil> String:false Types:[] MaxBytes:0}] Object:false Scalar:<nil> String:false Types:[] MaxBytes:0}",
		// anyOf [integer, string]: a number when the text is one
		"{Name:size Number:true Boolean:false Null:false JSON:false Binary:false Array:false Sep: Deep:false Props:[] Object:false Scalar:<nil> String:false Types:[] MaxBytes:0}",
		"{Name:tags Number:false Boolean:false Null:false JSON:false Binary:false Array:true Sep: Deep:false Props:[] Object:false Scalar:<nil> String:false Types:[] MaxBytes:0}",
		"{Name:vip Number:false Boolean:true Null:false JSON:false Binary:false Array:false Sep: Deep:false Props:[] Object:false Scalar:<nil> String:false Types:[] MaxBytes:0}",
	}, "\n")
	if got := plan(form); got != want {
		t.Errorf("form plan:\n%s\nwant:\n%s", got, want)
	}

	mp := media(t, op(t, api, "PUT", "/pets/{petId}/photo"), "multipart/form-data")
	want = strings.Join([]string{
		"{Name:caption Number:false Boolean:false Null:false JSON:false Binary:false Array:false Sep: Deep:false Props:[] Object:false Scalar:<nil> String:false Types:[] MaxBytes:0}",
		"{Name:meta Number:false Boolean:false Null:false JSON:true Binary:false Array:false Sep: Deep:false Props:[] Object:false Scalar:<nil> String:false Types:[application/json] MaxBytes:0}",
		// contentEncoding: the part is base64 text, not a file
		"{Name:note Number:false Boolean:false Null:false JSON:false Binary:false Array:false Sep: Deep:false Props:[] Object:false Scalar:<nil> String:false Types:[] MaxBytes:0}",
		// encoding.contentType wins over contentMediaType
		"{Name:photo Number:false Boolean:false Null:false JSON:false Binary:true Array:false Sep: Deep:false Props:[] Object:false Scalar:<nil> String:false Types:[image/png image/jpeg] MaxBytes:64}",
		"{Name:thumbs Number:false Boolean:false Null:false JSON:false Binary:true Array:true Sep: Deep:false Props:[] Object:false Scalar:<nil> String:false Types:[image/png] MaxBytes:16}",
	}, "\n")
	if got := plan(mp); got != want {
		t.Errorf("multipart plan:\n%s\nwant:\n%s", got, want)
	}
	// The validator sees a file as "", so its schema becomes {}; the
	// body's own schema is untouched.
	for _, p := range mp.Schema.Properties {
		if p.Name == "photo" && (p.Schema.Type != ir.TAny || p.Schema.MaxLength != nil) {
			t.Errorf("photo in the transcoded object's schema: %+v, want {}", p.Schema)
		}
	}

	if m := media(t, op(t, api, "PUT", "/counters/{id}"), "text/plain"); !m.Text.Number || !m.Text.Null || m.Text.Boolean {
		t.Errorf("text plan of [integer, null]: %+v", *m.Text)
	}
	if m := media(t, op(t, api, "POST", "/blobs"), "application/octet-stream"); m.MaxBytes != 16 || m.Schema != nil {
		t.Errorf("octet-stream: MaxBytes %d, schema %v; want 16 and none", m.MaxBytes, m.Schema)
	}
}

// TestBodyKinds30 checks OpenAPI 3.0's files (format: binary), nullable
// fields and a binary media type other than octet-stream.
func TestBodyKinds30(t *testing.T) {
	api := lowerFile(t, "../../testdata/golden/bodies30/spec.yaml")
	up := op(t, api, "POST", "/uploads")
	mp := media(t, up, "multipart/form-data")
	got := plan(mp)
	for _, w := range []string{
		"{Name:attachments Number:false Boolean:false Null:false JSON:false Binary:true Array:true Sep: Deep:false Props:[] Object:false Scalar:<nil> String:false Types:[] MaxBytes:0}",
		"{Name:count Number:true Boolean:false Null:true JSON:false Binary:false Array:false Sep: Deep:false Props:[] Object:false Scalar:<nil> String:false Types:[] MaxBytes:0}",
		"{Name:file Number:false Boolean:false Null:false JSON:false Binary:true Array:false Sep: Deep:false Props:[] Object:false Scalar:<nil> String:false Types:[text/* application/pdf] MaxBytes:32}",
	} {
		if !strings.Contains(got, w) {
			t.Errorf("multipart plan lacks %s:\n%s", w, got)
		}
	}
	if form := media(t, up, "application/x-www-form-urlencoded"); !strings.Contains(plan(form), "Name:labels Number:false Boolean:false Null:false JSON:false Binary:false Array:true Sep:  ") {
		t.Errorf("spaceDelimited labels:\n%s", plan(form))
	}
	if m := media(t, op(t, api, "PUT", "/images"), "image/png"); m.Kind != ir.MediaBinary || m.MaxBytes != 8 {
		t.Errorf("image/png with a binary schema: kind %q, MaxBytes %d", m.Kind, m.MaxBytes)
	}
}

// compact renders a form plan with only what is set, object properties
// included: "color deep {B:n G:n R:n name}".
func compact(m *ir.Media) string {
	kinds := func(f *ir.Field) string {
		s := ""
		for _, k := range []struct {
			on bool
			c  string
		}{{f.Number, "n"}, {f.Boolean, "b"}, {f.Null, "0"}, {f.JSON, "j"}} {
			if k.on {
				s += k.c
			}
		}
		return s
	}
	var parts []string
	for _, f := range m.Fields {
		s := f.Name
		if k := kinds(f); k != "" {
			s += ":" + k
		}
		if f.Deep {
			s += " deep"
		}
		if f.Sep != "" {
			s += " sep" + strconv.Quote(f.Sep)
		}
		if f.Array {
			s += " array"
		}
		if f.Props != nil {
			var ps []string
			for i := range f.Props {
				p := f.Props[i].Name
				if k := kinds(&f.Props[i]); k != "" {
					p += ":" + k
				}
				ps = append(ps, p)
			}
			s += " {" + strings.Join(ps, " ") + "}"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "\n")
}

// TestFormObjectStyles checks the plans of object properties of a form
// body in each style of the Encoding Object, and the warnings where a
// style is not compiled or cannot carry a property.
func TestFormObjectStyles(t *testing.T) {
	api := lowerFile(t, "../../testdata/golden/bodies31/spec.yaml")
	want := strings.Join([]string{
		`color deep {B:n G:n R:n name}`,
		`counts:n deep`, // additionalProperties: {type: integer}
		`label`,
		`rgb sep"," {G:n R:n}`,
	}, "\n")
	if got := compact(media(t, op(t, api, "POST", "/paint"), "application/x-www-form-urlencoded")); got != want {
		t.Errorf("paint plan:\n%s\nwant:\n%s", got, want)
	}
	if got := compact(media(t, op(t, api, "POST", "/pets/form"), "application/x-www-form-urlencoded")); !strings.Contains(got, `pos sep"|" {x:n y:n}`) {
		t.Errorf("pets/form plan, pos pipeDelimited:\n%s", got)
	}

	api, diags := lowerSource(t, docStart("3.0.3", formOp)+`                asJSON: {type: object, properties: {a: {type: integer}}}
                spread: {type: object, properties: {a: {type: integer}}}
                pairs: {type: object, properties: {a: {type: integer, nullable: true}, b: {type: boolean}}}
                spaced: {type: object, properties: {a: {type: integer}}}
                deep: {type: object, properties: {a: {anyOf: [{type: integer}, {type: string}]}, list: {type: array, items: {type: string}}}}
                notObject: {type: string}
            encoding:
              spread: {style: form}
              pairs: {explode: false, contentType: application/json}
              spaced: {style: spaceDelimited}
              deep: {style: deepObject}
              notObject: {style: deepObject}
      responses: {"204": {description: ok}}
`)
	want = strings.Join([]string{
		`asJSON:j`,
		`deep deep {a:n list}`,
		`notObject`,
		`pairs sep"," {a:n0 b:b}`, // explode given: contentType is ignored (OAS 3.1 §4.8.15.1)
		`spaced sep" " {a:n}`,
		`spread:j`,
	}, "\n")
	if got := compact(media(t, op(t, api, "POST", "/f"), "application/x-www-form-urlencoded")); got != want {
		t.Errorf("plan:\n%s\nwant:\n%s", got, want)
	}
	for _, w := range []string{
		`property "spread": style form with explode spreads an object's properties`,
		`property "notObject": style deepObject applies to objects`,
	} {
		if !strings.Contains(diags, w) {
			t.Errorf("no warning %q in:\n%s", w, diags)
		}
	}
	// deep's list is an array read from deep[list][]=a: no warning
	if n := strings.Count(diags, "\n"); n != 2 {
		t.Errorf("%d warnings, want 2:\n%s", n, diags)
	}
}

// TestFormAnyOfShapes: whether a form property is an object or an array
// is read through anyOf, oneOf and allOf, as Stripe declares its maps and
// lists (anyOf: [{type: object}, {enum: [""]}]), the plain branch giving
// the field a Scalar; a deepObject field plans its nested properties and
// items as far as the schema goes.
func TestFormAnyOfShapes(t *testing.T) {
	api, diags := lowerSource(t, docStart("3.0.0", formOp)+`                metadata: {anyOf: [{type: object, additionalProperties: {type: integer}}, {type: string, enum: [""]}]}
                images: {anyOf: [{type: array, items: {type: integer}}, {enum: [""]}]}
                plain: {oneOf: [{type: array, items: {type: boolean}}, {type: array, items: {type: integer}}]}
                nullable: {type: array, nullable: true, items: {type: string}}
                shipping:
                  allOf:
                    - type: object
                      properties:
                        address: {type: object, properties: {zip: {type: integer}}}
                        lines: {anyOf: [{type: array, items: {type: object, properties: {n: {type: number}}}}, {enum: [""]}]}
                pairs: {anyOf: [{type: object, properties: {a: {type: integer}}, additionalProperties: {type: boolean}}, {enum: [""]}]}
                both: {anyOf: [{type: object}, {type: array, items: {}}]}
            encoding:
              metadata: {style: deepObject, explode: true}
              images: {style: deepObject, explode: true}
              shipping: {style: deepObject, explode: true}
              pairs: {style: form, explode: false}
      responses: {"204": {description: ok}}
`)
	if diags != "" {
		t.Errorf("diagnostics:\n%s", diags)
	}
	var got []string
	for _, f := range media(t, op(t, api, "POST", "/f"), "application/x-www-form-urlencoded").Fields {
		b, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(b))
	}
	want := []string{
		`{"name":"both"}`,
		`{"name":"images","number":true,"array":true,"deep":true,"scalar":{"string":true}}`,
		`{"name":"metadata","number":true,"deep":true,"object":true,"scalar":{"string":true}}`,
		`{"name":"nullable","array":true,"scalar":{"null":true}}`,
		`{"name":"pairs","boolean":true,"sep":",","props":[{"name":"a","number":true}]}`,
		`{"name":"plain","number":true,"boolean":true,"array":true}`,
		`{"name":"shipping","deep":true,"props":[{"name":"address","props":[{"name":"zip","number":true}],"object":true},{"name":"lines","array":true,"props":[{"name":"n","number":true}],"object":true,"scalar":{"string":true}}],"object":true}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("fields:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestFormExtra checks the plan of the properties a form or multipart body
// does not declare: typed by additionalProperties as a declared property
// is by its schema, strings where nothing types them or where
// patternProperties might.
func TestFormExtra(t *testing.T) {
	api, diags := lowerSource(t, `openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /integer: {post: {requestBody: {content: {application/x-www-form-urlencoded: {schema: {type: object, additionalProperties: {type: integer}}}}}, responses: {"204": {description: ok}}}}
  /declared: {post: {requestBody: {content: {application/x-www-form-urlencoded: {schema: {type: object, properties: {a: {type: string}}, additionalProperties: {type: [number, "null"]}}}}}, responses: {"204": {description: ok}}}}
  /absent: {post: {requestBody: {content: {application/x-www-form-urlencoded: {schema: {type: object, properties: {a: {type: integer}}}}}}, responses: {"204": {description: ok}}}}
  /true: {post: {requestBody: {content: {application/x-www-form-urlencoded: {schema: {type: object, additionalProperties: true}}}}, responses: {"204": {description: ok}}}}
  /false: {post: {requestBody: {content: {application/x-www-form-urlencoded: {schema: {type: object, additionalProperties: false}}}}, responses: {"204": {description: ok}}}}
  /untyped: {post: {requestBody: {content: {application/x-www-form-urlencoded: {schema: {type: object, additionalProperties: {maxLength: 3}}}}}, responses: {"204": {description: ok}}}}
  /array: {post: {requestBody: {content: {application/x-www-form-urlencoded: {schema: {type: object, additionalProperties: {type: array, items: {type: boolean}}}}}}, responses: {"204": {description: ok}}}}
  /object: {post: {requestBody: {content: {application/x-www-form-urlencoded: {schema: {type: object, additionalProperties: {type: object}}}}}, responses: {"204": {description: ok}}}}
  /pattern: {post: {requestBody: {content: {application/x-www-form-urlencoded: {schema: {type: object, patternProperties: {"^s": {type: string}}, additionalProperties: {type: integer}}}}}, responses: {"204": {description: ok}}}}
  /allof: {post: {requestBody: {content: {application/x-www-form-urlencoded: {schema: {allOf: [{type: object, properties: {a: {type: string}}}, {additionalProperties: {type: integer}}]}}}}, responses: {"204": {description: ok}}}}
  /anyof: {post: {requestBody: {content: {application/x-www-form-urlencoded: {schema: {type: object, additionalProperties: {type: integer}, anyOf: [{additionalProperties: {type: boolean}}, {type: object}]}}}}, responses: {"204": {description: ok}}}}
  /parts: {post: {requestBody: {content: {multipart/form-data: {schema: {type: object, additionalProperties: {type: integer}}}}}, responses: {"204": {description: ok}}}}
  /files: {post: {requestBody: {content: {multipart/form-data: {schema: {type: object, properties: {a: {type: string}}, additionalProperties: {type: string, contentMediaType: image/png, maxLength: 8}}}}}, responses: {"204": {description: ok}}}}
  /memberfiles: {post: {requestBody: {content: {multipart/form-data: {schema: {allOf: [{additionalProperties: {type: string, contentMediaType: image/png}}]}}}}, responses: {"204": {description: ok}}}}
`)
	if diags != "" {
		t.Errorf("diagnostics:\n%s", diags)
	}
	for _, c := range []struct{ path, ct, want string }{
		{"/integer", "application/x-www-form-urlencoded", "{Name: Number:true Boolean:false Null:false JSON:false Binary:false Array:false Sep: Deep:false Props:[] Object:false Scalar:<nil> String:false Types:[] MaxBytes:0}"},
		{"/declared", "application/x-www-form-urlencoded", "{Name: Number:true Boolean:false Null:true JSON:false Binary:false Array:false Sep: Deep:false Props:[] Object:false Scalar:<nil> String:false Types:[] MaxBytes:0}"},
		{"/absent", "application/x-www-form-urlencoded", "<nil>"},
		{"/true", "application/x-www-form-urlencoded", "<nil>"},
		{"/false", "application/x-www-form-urlencoded", "<nil>"},
		{"/untyped", "application/x-www-form-urlencoded", "<nil>"},
		{"/array", "application/x-www-form-urlencoded", "{Name: Number:false Boolean:true Null:false JSON:false Binary:false Array:true Sep: Deep:false Props:[] Object:false Scalar:<nil> String:false Types:[] MaxBytes:0}"},
		{"/object", "application/x-www-form-urlencoded", "{Name: Number:false Boolean:false Null:false JSON:true Binary:false Array:false Sep: Deep:false Props:[] Object:false Scalar:<nil> String:false Types:[] MaxBytes:0}"},
		{"/pattern", "application/x-www-form-urlencoded", "<nil>"},
		// a member's additionalProperties applies to every key it does not declare
		{"/allof", "application/x-www-form-urlencoded", "{Name: Number:true Boolean:false Null:false JSON:false Binary:false Array:false Sep: Deep:false Props:[] Object:false Scalar:<nil> String:false Types:[] MaxBytes:0}"},
		// declared in two places: any token one of them admits, never JSON
		{"/anyof", "application/x-www-form-urlencoded", "{Name: Number:true Boolean:true Null:false JSON:false Binary:false Array:false Sep: Deep:false Props:[] Object:false Scalar:<nil> String:false Types:[] MaxBytes:0}"},
		{"/parts", "multipart/form-data", "{Name: Number:true Boolean:false Null:false JSON:false Binary:false Array:false Sep: Deep:false Props:[] Object:false Scalar:<nil> String:false Types:[] MaxBytes:0}"},
		{"/files", "multipart/form-data", "{Name: Number:false Boolean:false Null:false JSON:false Binary:true Array:false Sep: Deep:false Props:[] Object:false Scalar:<nil> String:false Types:[image/png] MaxBytes:8}"},
		// a file that formSchema could not relax: a string, as before
		{"/memberfiles", "multipart/form-data", "<nil>"},
	} {
		m := media(t, op(t, api, "POST", c.path), c.ct)
		got := "<nil>"
		if m.Extra != nil {
			got = fmt.Sprintf("%+v", *m.Extra)
		}
		if got != c.want {
			t.Errorf("%s: extra %s, want %s", c.path, got, c.want)
		}
	}
	// A file stands as "" in the transcoded object: additionalProperties
	// accepts anything there, and the body's own schema is untouched.
	files := media(t, op(t, api, "POST", "/files"), "multipart/form-data")
	if ap := files.Schema.AdditionalProperties; ap == nil || ap.Type != ir.TAny || ap.MaxLength != nil {
		t.Errorf("additionalProperties of the transcoded object: %+v, want {}", ap)
	}
}

// TestMultipartStyles: OAS 3.1 applies an explicit style or explode of the
// Encoding Object to multipart/form-data parts as to urlencoded fields,
// contentType then ignored; OAS 3.0.3 ignores them there.
func TestMultipartStyles(t *testing.T) {
	const doc = `openapi: %s
info: {title: t, version: "1"}
paths:
  /m:
    post:
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                tags: {type: array, items: {type: integer}}
                words: {type: array, items: {type: string}}
                plain: {type: array, items: {type: string}}
                rgb: {type: object, properties: {R: {type: integer}}}
                color: {type: object, properties: {R: {type: integer}}}
                meta: {type: object}
                file: {type: string, format: binary}
            encoding:
              tags: {style: form, explode: false, contentType: application/json}
              words: {style: spaceDelimited}
              rgb: {explode: false}
              color: {style: deepObject}
              meta: {contentType: application/json}
              file: {style: form, explode: false}
      responses: {"204": {description: ok}}
`
	api, diags := lowerSource(t, fmt.Sprintf(doc, "3.1.0"))
	want := strings.Join([]string{
		`color deep {R:n}`,
		`file`, // a file: style ignored, with a warning
		`meta:j`,
		`plain array`,
		`rgb sep"," {R:n}`,
		`tags:n sep"," array`, // contentType ignored
		`words sep" " array`,
	}, "\n")
	m := media(t, op(t, api, "POST", "/m"), "multipart/form-data")
	if got := compact(m); got != want {
		t.Errorf("3.1 plan:\n%s\nwant:\n%s", got, want)
	}
	for _, f := range m.Fields {
		if f.Name == "tags" && f.Types != nil || f.Name == "file" && !f.Binary {
			t.Errorf("%s: %+v, want tags without Types (contentType ignored), file Binary", f.Name, *f)
		}
	}
	if !strings.Contains(diags, `property "file" is a file, which style and explode cannot serialize`) || strings.Count(diags, "\n") != 1 {
		t.Errorf("diagnostics:\n%s", diags)
	}

	api, diags = lowerSource(t, fmt.Sprintf(doc, "3.0.3"))
	want = strings.Join([]string{
		`color:j`,
		`file`,
		`meta:j`,
		`plain array`,
		`rgb:j`,
		`tags:j array`,
		`words array`,
	}, "\n")
	if got := compact(media(t, op(t, api, "POST", "/m"), "multipart/form-data")); got != want {
		t.Errorf("3.0 plan (styles ignored):\n%s\nwant:\n%s", got, want)
	}
	if diags != "" {
		t.Errorf("3.0 diagnostics:\n%s", diags)
	}
}

// formOp is one operation, POST /f, whose body is an urlencoded object,
// up to its properties.
const formOp = `  /f:
    post:
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties:
`

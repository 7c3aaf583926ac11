package lower

import (
	"fmt"
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
		"{Name:age Number:true Boolean:false Null:false JSON:false Binary:false Array:false Sep: Types:[] MaxBytes:0}",
		"{Name:colors Number:false Boolean:false Null:false JSON:false Binary:false Array:true Sep:| Types:[] MaxBytes:0}",
		"{Name:ids Number:true Boolean:false Null:false JSON:false Binary:false Array:true Sep:, Types:[] MaxBytes:0}",
		"{Name:meta Number:false Boolean:false Null:false JSON:true Binary:false Array:false Sep: Types:[] MaxBytes:0}",
		"{Name:name Number:false Boolean:false Null:false JSON:false Binary:false Array:false Sep: Types:[] MaxBytes:0}",
		// anyOf [integer, string]: a number when the text is one
		"{Name:size Number:true Boolean:false Null:false JSON:false Binary:false Array:false Sep: Types:[] MaxBytes:0}",
		"{Name:tags Number:false Boolean:false Null:false JSON:false Binary:false Array:true Sep: Types:[] MaxBytes:0}",
		"{Name:vip Number:false Boolean:true Null:false JSON:false Binary:false Array:false Sep: Types:[] MaxBytes:0}",
	}, "\n")
	if got := plan(form); got != want {
		t.Errorf("form plan:\n%s\nwant:\n%s", got, want)
	}

	mp := media(t, op(t, api, "PUT", "/pets/{petId}/photo"), "multipart/form-data")
	want = strings.Join([]string{
		"{Name:caption Number:false Boolean:false Null:false JSON:false Binary:false Array:false Sep: Types:[] MaxBytes:0}",
		"{Name:meta Number:false Boolean:false Null:false JSON:true Binary:false Array:false Sep: Types:[application/json] MaxBytes:0}",
		// contentEncoding: the part is base64 text, not a file
		"{Name:note Number:false Boolean:false Null:false JSON:false Binary:false Array:false Sep: Types:[] MaxBytes:0}",
		// encoding.contentType wins over contentMediaType
		"{Name:photo Number:false Boolean:false Null:false JSON:false Binary:true Array:false Sep: Types:[image/png image/jpeg] MaxBytes:64}",
		"{Name:thumbs Number:false Boolean:false Null:false JSON:false Binary:true Array:true Sep: Types:[image/png] MaxBytes:16}",
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
		"{Name:attachments Number:false Boolean:false Null:false JSON:false Binary:true Array:true Sep: Types:[] MaxBytes:0}",
		"{Name:count Number:true Boolean:false Null:true JSON:false Binary:false Array:false Sep: Types:[] MaxBytes:0}",
		"{Name:file Number:false Boolean:false Null:false JSON:false Binary:true Array:false Sep: Types:[text/* application/pdf] MaxBytes:32}",
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

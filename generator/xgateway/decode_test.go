package xgateway

import (
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v4"
)

// decode decodes src as the value of x-gateway at where.
func decode(t *testing.T, src, where string) (*Decoder, Root, Settings) {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte("x-gateway: "+src), &doc); err != nil {
		t.Fatalf("bad test yaml %q: %v", src, err)
	}
	m := doc.Content[0]
	d := &Decoder{File: "t.yaml"}
	var r Root
	var s Settings
	if where == WhereRoot || where == WhereUpstream || where == WhereScheme {
		r = d.DecodeRoot(m.Content[0], m.Content[1])
	} else {
		s = d.DecodeSettings(m.Content[0], m.Content[1], where)
	}
	return d, r, s
}

// snippet builds the smallest x-gateway value that sets key to example.
func snippet(key, example string) string {
	const target = `"http://127.0.0.1:1"`
	switch {
	case key == "upstreams.<name>.targets":
		return "{upstreams: {u: {targets: " + example + "}}}"
	case key == "upstreams.<name>.targets[].url":
		return "{upstreams: {u: {targets: [{url: " + example + "}]}}}"
	case key == "upstreams.<name>.targets[].weight":
		return "{upstreams: {u: {targets: [{url: " + target + ", weight: " + example + "}]}}}"
	case strings.HasPrefix(key, "upstreams.<name>."):
		return "{upstreams: {u: {targets: [" + target + "], " + strings.TrimPrefix(key, "upstreams.<name>.") + ": " + example + "}}}"
	}
	parts := strings.Split(key, ".")
	s := example
	for i := len(parts) - 1; i >= 0; i-- {
		s = "{" + parts[i] + ": " + s + "}"
	}
	return s
}

// TestKeysDecoded sets every key of the table, at every level the table
// allows, to its documented example: the decoder must accept each one, so the
// table and the decoder cannot drift apart.
func TestKeysDecoded(t *testing.T) {
	for _, k := range Keys() {
		if k.Example == "" {
			t.Errorf("%s: no example", k.Key)
		}
		for _, w := range k.Where {
			src := snippet(k.Key, k.Example)
			d, _, _ := decode(t, src, w)
			if len(d.Diags) != 0 {
				t.Errorf("%s at %s (%s):\n%s", k.Key, w, src, d.Diags)
			}
		}
	}
}

// TestKeysRejectedElsewhere checks that a key is refused at a level the
// table does not list it for.
func TestKeysRejectedElsewhere(t *testing.T) {
	for _, k := range Keys() {
		if strings.Contains(k.Key, ".") || k.Key == "limits" {
			continue
		}
		for _, w := range []string{WhereRoot, WherePathItem, WhereOperation} {
			if hasWhere(k, w) {
				continue
			}
			d, _, _ := decode(t, snippet(k.Key, k.Example), w)
			if !strings.Contains(d.Diags.String(), "not allowed on") {
				t.Errorf("%s at %s: want not allowed, got %q", k.Key, w, d.Diags)
			}
		}
	}
}

func TestDecodeRoot(t *testing.T) {
	d, r, _ := decode(t, `
  name: pets-api
  listen: ":9090"
  base-path: /api
  upstreams:
    a: {targets: ["http://h:1", {url: "https://h2", weight: 3}], timeout: 1s}
  upstream: a
  timeout: 250ms
  mock: true
  limits: {max-body: 10KB, max-header-bytes: 2KiB, timeout: 3s, header-timeout: 2s, idle-timeout: 1m, max-conns: 500, max-conns-per-ip: 8}`, WhereRoot)
	if len(d.Diags) != 0 {
		t.Fatal(d.Diags)
	}
	if r.Name.V != "pets-api" || r.Listen.V != ":9090" || r.BasePath.V != "/api" || r.Upstream.V != "a" || !r.Mock.V {
		t.Errorf("root = %+v", r)
	}
	if r.Timeout.V != 250*time.Millisecond || r.MaxBody.V != 10000 || r.Limits.MaxHeaderBytes.V != 2048 || r.Limits.Timeout.V != 3*time.Second ||
		r.Limits.HeaderTimeout.V != 2*time.Second || r.Limits.IdleTimeout.V != time.Minute || r.Limits.MaxConns.V != 500 || r.Limits.MaxConnsPerIP.V != 8 {
		t.Errorf("limits = %+v %+v", r.Settings, r.Limits)
	}
	if len(r.Upstreams) != 1 || len(r.Upstreams[0].Targets) != 2 || r.Upstreams[0].Targets[1].Weight != 3 || r.Upstreams[0].Targets[0].Weight != 1 {
		t.Errorf("upstreams = %+v", r.Upstreams)
	}
	if r.Name.Pos.Line != 2 || r.Name.Pos.Col != 9 {
		t.Errorf("name pos = %v", r.Name.Pos)
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, c := range []struct{ src, where, want string }{
		{`{foo: 1}`, WhereRoot, `t.yaml:1:13: x-gateway: unknown key "foo" (valid keys: base-path, docs, formats, limits, listen, mock, name, response-validation, security, timeout, upstream, upstreams)`},
		{`{rate-limit: {rate: 1/s}}`, WhereOperation, `x-gateway.rate-limit: not supported yet`},
		{`{upstreams: {pets: {targets: ["http://h:1"], timeout: fast}}}`, WhereRoot, `x-gateway.upstreams.pets.timeout: expected a duration like 500ms or 2s, found "fast"`},
		{`{upstreams: {pets: {targets: ["http://h:1"], retries: {attempts: 2}}}}`, WhereRoot, `x-gateway.upstreams.pets.retries: not supported yet`},
		{`{upstreams: {pets: {targets: ["http://h:1"], balance: p2c-ewma}}}`, WhereRoot, `"p2c-ewma" not supported yet`},
		{`{upstreams: {pets: {targets: ["http://h:1"], balance: random}}}`, WhereRoot, `unknown balancer "random"`},
		{`{upstreams: {pets: {targets: []}}}`, WhereRoot, `upstream has no targets`},
		{`{upstreams: {pets: {targets: ["ftp://h"]}}}`, WhereRoot, `must use http or https`},
		{`{upstreams: {pets: {targets: ["http://h/?a=1"]}}}`, WhereRoot, `must not have a query or fragment`},
		{`{upstreams: {pets: {targets: ["http:///x"]}}}`, WhereRoot, `has no host`},
		{`{upstreams: {pets: {targets: [{url: "http://h", weight: 0}]}}}`, WhereRoot, `must be an integer >= 1`},
		{`{timeout: 0s}`, WhereOperation, `x-gateway.timeout: must be > 0`},
		{`{timeout: 5}`, WhereOperation, `expected a duration like 500ms or 2s, found 5`},
		{`{mock: yes}`, WhereOperation, `x-gateway.mock: expected true or false, found "yes"`},
		{`{limits: {max-body: lots}}`, WhereOperation, `x-gateway.limits.max-body: expected a size like 512, 64KiB or 1MiB, found "lots"`},
		{`{limits: {max-body: 0}}`, WhereOperation, `must be > 0`},
		{`{limits: {timeout: 1s}}`, WhereOperation, `x-gateway.limits.timeout: not allowed on an operation`},
		{`{limits: {header-timeout: 1s}}`, WhereOperation, `x-gateway.limits.header-timeout: not allowed on an operation`},
		{`{limits: {max-conns-per-ip: 8}}`, WherePathItem, `x-gateway.limits.max-conns-per-ip: not allowed on a path item`},
		{"{limits: {header-timeout: 10}}", WhereRoot, `t.yaml:1:38: x-gateway.limits.header-timeout: expected a duration like 500ms or 2s, found 10`},
		{`{limits: {idle-timeout: -1s}}`, WhereRoot, `x-gateway.limits.idle-timeout: must be > 0, found "-1s"`},
		{`{limits: {max-conns: many}}`, WhereRoot, `t.yaml:1:33: x-gateway.limits.max-conns: expected an integer, found "many"`},
		{`{limits: {max-conns: 0}}`, WhereRoot, `x-gateway.limits.max-conns: must be an integer >= 1 and <= 2147483647, found 0`},
		{`{limits: {max-conns-per-ip: 1.5}}`, WhereRoot, `x-gateway.limits.max-conns-per-ip: expected an integer, found 1.5`},
		{`{limits: {max-conns-per-ip: 99999999999}}`, WhereRoot, `x-gateway.limits.max-conns-per-ip: must be an integer >= 1 and <= 2147483647, found 99999999999`},
		{`{name: Pets}`, WhereRoot, `must match [a-z][a-z0-9-]*`},
		{`{listen: "8080"}`, WhereRoot, `expected host:port`},
		{`{base-path: v1}`, WhereRoot, `x-gateway.base-path: must start with "/"`},
		{`{path: /x}`, WhereRoot, `x-gateway.path: not allowed on the document root`},
		{`{upstream: [a]}`, WhereOperation, `expected a string, found a list`},
		{`[1]`, WhereOperation, `x-gateway: expected an object, found a list`},
		{`{response-validation: true}`, WhereOperation, `x-gateway.response-validation: expected an object, found true`},
		{`{response-validation: {enabled: 1}}`, WhereRoot, `x-gateway.response-validation.enabled: expected true or false, found 1`},
		{`{response-validation: {sample: 0}}`, WhereOperation, `x-gateway.response-validation.sample: must be > 0 and <= 1`},
		{`{response-validation: {sample: 1.5}}`, WhereOperation, `must be > 0 and <= 1`},
		{`{response-validation: {sample: 10%}}`, WhereOperation, `x-gateway.response-validation.sample: expected a number > 0 and <= 1 like 0.1, found "10%"`},
		{`{response-validation: {rate: 0.1}}`, WhereOperation, `unknown key "rate" (valid keys: enabled, sample)`},
		// the portal
		{`{docs: {path: /docs/}}`, WhereRoot, `x-gateway.docs.path: expected a path like /docs (segments of letters, digits, '-', '_' or '.', no trailing slash), found "/docs/"`},
		{`{docs: {path: /a/..}}`, WhereRoot, `found "/a/.."`},
		{`{docs: {path: docs}}`, WhereRoot, `found "docs"`},
		{`{docs: {path: "/a b"}}`, WhereRoot, `found "/a b"`},
		{`{docs: {enabled: no}}`, WhereRoot, `x-gateway.docs.enabled: expected true or false, found "no"`},
		{`{docs: off}`, WhereRoot, `x-gateway.docs: expected true or false, found "off"`},
		{`{docs: [a]}`, WhereRoot, `x-gateway.docs: expected an object, found a list`},
		{`{docs: {theme: dark}}`, WhereRoot, `unknown key "theme" (valid keys: enabled, path)`},
		{`{docs: false}`, WhereOperation, `x-gateway.docs: not allowed on an operation`},
	} {
		d, _, _ := decode(t, c.src, c.where)
		if got := d.Diags.String(); !strings.Contains(got, c.want) {
			t.Errorf("%s at %s:\n got  %q\n want %q", c.src, c.where, got, c.want)
		}
	}
}

func TestDecodeResponseValidation(t *testing.T) {
	d, _, s := decode(t, `{response-validation: {enabled: true, sample: 0.05}}`, WhereOperation)
	if len(d.Diags) != 0 {
		t.Fatal(d.Diags)
	}
	rv := s.ResponseValidation
	if !rv.Enabled.Set || !rv.Enabled.V || !rv.Sample.Set || rv.Sample.V != 0.05 {
		t.Errorf("decoded %+v", rv)
	}
	if rv.Sample.Pos.Line != 1 || rv.Sample.Pos.Col == 0 {
		t.Errorf("sample position %v", rv.Sample.Pos)
	}
	_, r, _ := decode(t, `{response-validation: {sample: 1}}`, WhereRoot)
	if rv := r.ResponseValidation; rv.Enabled.Set || !rv.Sample.Set || rv.Sample.V != 1 {
		t.Errorf("root decoded %+v", rv)
	}
}

// TestDecodeDocs: docs as a boolean and as an object.
func TestDecodeDocs(t *testing.T) {
	for _, c := range []struct {
		src          string
		enabled, set bool
		path         string
	}{
		{`{docs: false}`, false, true, ""},
		{`{docs: true}`, true, true, ""},
		{`{docs: {enabled: false}}`, false, true, ""},
		{`{docs: {path: /portal/v2}}`, false, false, "/portal/v2"},
		{`{name: x}`, false, false, ""},
	} {
		d, r, _ := decode(t, c.src, WhereRoot)
		if len(d.Diags) != 0 {
			t.Fatalf("%s: %v", c.src, d.Diags)
		}
		if r.Docs.Enabled.Set != c.set || r.Docs.Enabled.V != c.enabled || r.Docs.Path.V != c.path {
			t.Errorf("%s: decoded %+v", c.src, r.Docs)
		}
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"512": 512, "10KB": 10000, "64KiB": 65536, "1MiB": 1 << 20, "2GB": 2e9, "7B": 7, "1 MiB": 1 << 20} {
		if got, ok := ParseSize(in); !ok || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "KiB", "1.5MiB", "ten", "1TB", "99999999999999999999", "9223372036854775807KiB", "0x10"} {
		if got, ok := ParseSize(in); ok {
			t.Errorf("ParseSize(%q) = %d, want failure", in, got)
		}
	}
}

func TestCheckPath(t *testing.T) {
	d := &Decoder{File: "t.yaml"}
	d.CheckPath(Value[string]{V: "/in/{petId}/{x}", Set: true}, "/pets/{petId}")
	if got := d.Diags.String(); !strings.Contains(got, "{x} is not a path parameter of /pets/{petId} (have: petId)") || strings.Contains(got, "{petId} is not") {
		t.Errorf("got %q", got)
	}
}

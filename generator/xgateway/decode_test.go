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
	case key == "upstreams.<name>.tls.cert" || key == "upstreams.<name>.tls.key":
		return "{upstreams: {u: {targets: [" + target + "], tls: {cert: a.pem, key: a.key}}}}"
	case key == "upstreams.<name>.hash-key":
		return "{upstreams: {u: {targets: [" + target + "], balance: hash, hash-key: " + example + "}}}"
	case strings.HasPrefix(key, "upstreams.<name>.health.") && key != "upstreams.<name>.health.path":
		return "{upstreams: {u: {targets: [" + target + "], health: {path: /h, " + strings.TrimPrefix(key, "upstreams.<name>.health.") + ": " + example + "}}}}"
	case strings.HasPrefix(key, "upstreams.<name>."):
		parts := strings.Split(strings.TrimPrefix(key, "upstreams.<name>."), ".")
		s := example
		for i := len(parts) - 1; i >= 1; i-- {
			s = "{" + parts[i] + ": " + s + "}"
		}
		return "{upstreams: {u: {targets: [" + target + "], " + parts[0] + ": " + s + "}}}"
	case strings.HasPrefix(key, "rate-limit.") && key != "rate-limit.rate":
		return "{rate-limit: {rate: 1/s, " + strings.TrimPrefix(key, "rate-limit.") + ": " + example + "}}"
	case key == "anomaly.throttle":
		return "{anomaly: {action: throttle, throttle: " + example + "}}"
	case key == "anomaly.throttle.rate":
		return "{anomaly: {action: throttle, throttle: {rate: " + example + "}}}"
	case strings.HasPrefix(key, "anomaly.throttle."):
		return "{anomaly: {action: throttle, throttle: {rate: 1/s, " + strings.TrimPrefix(key, "anomaly.throttle.") + ": " + example + "}}}"
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
		{`{foo: 1}`, WhereRoot, `t.yaml:1:13: x-gateway: unknown key "foo" (valid keys: `}, // the list grows with the table
		{`{request-headers: {set: {X-A: "{path}"}}}`, WhereOperation, `x-gateway.request-headers.set.X-A: unknown variable {path} in "{path}"`},
		{`{request-headers: {set: {X-A: "{body.x}"}}}`, WhereOperation, `unknown variable {body.x}`},
		{`{request-headers: {set: {X-A: "{query.q"}}}`, WhereOperation, `unclosed { in "{query.q"`},
		{`{request-headers: {set: {X-A: "a}b"}}}`, WhereOperation, `unmatched } in "a}b" (write }} for a literal one)`},
		{`{request-headers: {set: {Host: x}}}`, WhereOperation, `Host belongs to the connection and cannot be transformed`},
		{`{request-headers: {remove: X-A}}`, WhereOperation, `x-gateway.request-headers.remove: expected a non-empty list`},
		{`{response-headers: {rename: {A: B}}}`, WhereOperation, `unknown key "rename" (valid keys: add, remove, set)`},
		{`{request-query: {set: {"a b": x}}}`, WhereOperation, `"a b" is not a valid name`},
		{`{upstreams: {pets: {targets: ["http://h:1"], host: upstream}}}`, WhereRoot, `x-gateway.upstreams.pets.host: expected target or client, found "upstream"`},
		{`{upstreams: {pets: {targets: ["http://h:1"], tls: {cert: a.pem}}}}`, WhereRoot, `x-gateway.upstreams.pets.tls: a client certificate needs both cert and key`},
		{`{upstreams: {pets: {targets: ["http://h:1"], max-response-body: 3GiB}}}`, WhereRoot, `max-response-body: at most 2GiB`},
		{`{cache: {store: disk}}`, WhereRoot, `x-gateway.cache.store: expected memory or redis, found "disk"`},
		{`{cache: {max-bytes: 1MiB}}`, WhereOperation, `x-gateway.cache.max-bytes: not allowed on an operation`},
		{`{cache: {query: some}}`, WhereOperation, `x-gateway.cache.query: expected all, none or a list of parameter names, found`},
		{`{cache: {vary: [Accept, accept]}}`, WhereOperation, `x-gateway.cache.vary[1]: "accept" is listed twice`},
		{`{cache: {vary: ["Accept: x"]}}`, WhereOperation, `x-gateway.cache.vary[0]: expected a header name, found "Accept: x"`},
		{`{upstreams: {pets: {targets: ["http://h:1"], timeout: fast}}}`, WhereRoot, `x-gateway.upstreams.pets.timeout: expected a duration like 500ms or 2s, found "fast"`},
		{`{upstreams: {pets: {targets: ["http://h:1"], retries: {attempts: 11}}}}`, WhereRoot, `x-gateway.upstreams.pets.retries.attempts: expected 0 to 10 retries, found 11`},
		{`{upstreams: {pets: {targets: ["http://h:1"], retries: {on: [connect-error, 404]}}}}`, WhereRoot, `retries.on[1]: expected connect-error or a status from 500 to 599, found 404`},
		{`{upstreams: {pets: {targets: ["http://h:1"], retries: {budget: 150%}}}}`, WhereRoot, `retries.budget: expected a share like 20% or 0.2 (above 0, at most 100%), found`},
		{`{upstreams: {pets: {targets: ["http://h:1"], retries: {tries: 2}}}}`, WhereRoot, `unknown key "tries" (valid keys: attempts, backoff, budget, on)`},
		{`{upstreams: {pets: {targets: ["http://h:1"], balance: hash}}}`, WhereRoot, `x-gateway.upstreams.pets.balance: hash needs hash-key`},
		{`{upstreams: {pets: {targets: ["http://h:1"], hash-key: client-ip}}}`, WhereRoot, `hash-key: only used with balance: hash`},
		{`{upstreams: {pets: {targets: ["http://h:1"], balance: hash, hash-key: body:x}}}`, WhereRoot, `hash-key: expected header:NAME, cookie:NAME, query:NAME, client-ip or consumer, found "body:x"`},
		{`{upstreams: {pets: {targets: ["http://h:1"], health: {interval: 1s}}}}`, WhereRoot, `health: health needs a path to probe`},
		{`{upstreams: {pets: {targets: ["http://h:1"], health: {path: healthz}}}}`, WhereRoot, `health.path: must start with "/"`},
		{`{upstreams: {pets: {targets: ["http://h:1"], passive: {consecutive-failures: 0}}}}`, WhereRoot, `consecutive-failures: must be an integer >= 1`},
		{`{upstreams: {pets: {targets: ["http://h:1"], balance: random}}}`, WhereRoot, `unknown balancer "random" (valid: round-robin, weighted, least-conn, p2c-ewma, hash)`},
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
		// anomaly detection
		{`{anomaly: {action: quarantine}}`, WhereRoot, `t.yaml:1:31: x-gateway.anomaly.action: expected log or header or throttle or block, found "quarantine"`},
		{`{anomaly: {action: block, throttle: {rate: 1/s}}}`, WhereRoot, `t.yaml:1:38: x-gateway.anomaly.throttle: only action throttle uses it, but action is block`},
		{`{anomaly: {throttle: {rate: 1/s}}}`, WhereRoot, `x-gateway.anomaly.throttle: only action throttle uses it, but action is log (the default); add action: throttle`},
		{`{anomaly: {action: throttle, throttle: {burst: 5}}}`, WhereRoot, `t.yaml:1:51: x-gateway.anomaly.throttle: missing rate; add rate: 1/s`},
		{`{anomaly: {action: throttle, throttle: {rate: 0/s}}}`, WhereRoot, `x-gateway.anomaly.throttle.rate: the count must be >= 1`},
		{`{anomaly: {action: throttle, throttle: {rate: 5}}}`, WhereRoot, `x-gateway.anomaly.throttle.rate: expected a rate like 10/s`},
		{`{anomaly: {action: throttle, throttle: {rate: 1/s, burst: 0}}}`, WhereRoot, `x-gateway.anomaly.throttle.burst: must be an integer >= 1`},
		{`{anomaly: {action: throttle, throttle: {rate: 1/s, for: 5m}}}`, WhereRoot, `x-gateway.anomaly.throttle: unknown key "for" (valid keys: burst, rate)`},
		{`{anomaly: {action: throttle, throttle: 1/s}}`, WhereRoot, `x-gateway.anomaly.throttle: expected an object`},
		{`{anomaly: {key-rate: 1/min}}`, WhereRoot, `t.yaml:1:33: x-gateway.anomaly.key-rate: must be at least 1 per 30s (the window a client's requests are counted in), found 1/min`},
		{`{anomaly: {key-rate: fast}}`, WhereRoot, `x-gateway.anomaly.key-rate: expected a rate like 10/s`},
		{`{anomaly: {key-not-found-paths: 0}}`, WhereRoot, `x-gateway.anomaly.key-not-found-paths: must be an integer >= 1`},
		{`{anomaly: {key-validation-failures: many}}`, WhereRoot, `x-gateway.anomaly.key-validation-failures: expected an integer`},
		{`{anomaly: {key-throttled: -1}}`, WhereRoot, `x-gateway.anomaly.key-throttled: must be an integer >= 1`},
		{`{anomaly: {cooldown: 0s}}`, WhereRoot, `x-gateway.anomaly.cooldown: must be > 0`},
		{`{anomaly: {rate-factor: 1}}`, WhereRoot, `t.yaml:1:36: x-gateway.anomaly.rate-factor: must be > 1 and <= 1000`},
		{`{anomaly: {share-factor: 1e9}}`, WhereRoot, `x-gateway.anomaly.share-factor: must be > 1 and <= 1000`},
		{`{anomaly: {latency-factor: .nan}}`, WhereRoot, `x-gateway.anomaly.latency-factor: expected a number > 1 like 2.5, found`},
		{`{anomaly: {size-factor: double}}`, WhereRoot, `x-gateway.anomaly.size-factor: expected a number > 1 like 2.5, found "double"`},
		{`{anomaly: {ttl: 0s}}`, WhereRoot, `x-gateway.anomaly.ttl: must be > 0`},
		{`{anomaly: {capacity: 0}}`, WhereRoot, `x-gateway.anomaly.capacity: must be an integer >= 1`},
		{`{anomaly: {key-auth-failures: -3}}`, WhereRoot, `x-gateway.anomaly.key-auth-failures: must be an integer >= 1`},
		{`{anomaly: {treshold: 3}}`, WhereRoot, `x-gateway.anomaly: unknown key "treshold"`},
		{`{anomaly: block}`, WhereRoot, `x-gateway.anomaly: expected an object`},
		// rate limits
		{`{rate-limit: {rate: 10/fortnight}}`, WhereOperation, `t.yaml:1:32: x-gateway.rate-limit.rate: expected a rate like 10/s, 600/min, 10000/day or 100/10s, found "10/fortnight"`},
		{`{rate-limit: {rate: 10}}`, WhereOperation, `x-gateway.rate-limit.rate: expected a rate like 10/s, 600/min, 10000/day or 100/10s, found 10`},
		{`{rate-limit: {burst: 2}}`, WhereOperation, `x-gateway.rate-limit: missing rate`},
		{`{rate-limit: [{rate: 1/s}, {rate: 0/s}]}`, WherePathItem, `x-gateway.rate-limit[1].rate: the count must be >= 1`},
		{`{rate-limit: {rate: 2000000/s}}`, WhereRoot, `more than a million a second`},
		{`{rate-limit: 10/s}`, WhereOperation, `x-gateway.rate-limit: expected a limit like {rate: 10/s} or a list of them, found "10/s"`},
		{`{rate-limit: {rate: 1/s, burst: 0}}`, WhereOperation, `x-gateway.rate-limit.burst: must be an integer >= 1`},
		{`{rate-limit: {rate: 1/s, key: "claim:"}}`, WhereOperation, `x-gateway.rate-limit.key: claim:NAME needs a claim name of visible ASCII characters, found "claim:"`},
		{`{rate-limit: {rate: 1/s, key: "claim:a b"}}`, WhereOperation, `claim:NAME needs a claim name`},
		{`{rate-limit: {rate: 1/s, key: [client-ip, cookie:x]}}`, WhereOperation, `x-gateway.rate-limit.key[1]: unknown key "cookie:x" (valid: client-ip, consumer, api-key, header:NAME, claim:NAME)`},
		{`{rate-limit: {rate: 1/s, key: "header:"}}`, WhereOperation, `header:NAME needs a header name`},
		{`{rate-limit: {rate: 1/s, key: [consumer, consumer]}}`, WhereOperation, `x-gateway.rate-limit.key[1]: key "consumer" given twice`},
		{`{rate-limit: {rate: 1/s, key: []}}`, WhereOperation, `x-gateway.rate-limit.key: expected at least one key`},
		{`{rate-limit: {rate: 1/s, store: disk}}`, WhereOperation, `x-gateway.rate-limit.store: expected memory or redis, found "disk"`},
		{`{rate-limit: {rate: 1/s, on-store-error: maybe}}`, WhereOperation, `x-gateway.rate-limit.on-store-error: expected allow or deny, found "maybe"`},
		{`{rate-limit: {rate: 1/s, name: "a b"}}`, WhereOperation, `x-gateway.rate-limit.name: must match [A-Za-z0-9_.-]+`},
		{`{rate-limit: {rate: 1/s, window: 1s}}`, WhereOperation, `x-gateway.rate-limit: unknown key "window"`},
		{`{trusted-proxies: [10.0.0.0/33]}`, WhereRoot, `x-gateway.trusted-proxies[0]: expected a CIDR like 10.0.0.0/8 or an address, found "10.0.0.0/33"`},
		{`{trusted-proxies: 10.0.0.0/8}`, WhereRoot, `x-gateway.trusted-proxies: expected a list of CIDRs`},
		{`{trusted-proxies: [10.0.0.0/8]}`, WhereOperation, `x-gateway.trusted-proxies: not allowed on an operation`},
		{`{client-ip-header: x-real-ip}`, WhereRoot, `x-gateway.client-ip-header: expected x-forwarded-for or forwarded, found "x-real-ip"`},
		// cors
		{`{cors: {origins: "https://a.example"}}`, WhereRoot, `x-gateway.cors.origins: expected a list, found`},
		{`{cors: {origins: ["https://a.example/app"]}}`, WhereOperation, `x-gateway.cors.origins[0]: expected "*" or an origin like https://app.example.com (scheme, host and port only), found "https://a.example/app"`},
		{`{cors: {origins: ["a.example"]}}`, WherePathItem, `x-gateway.cors.origins[0]: expected "*" or an origin`},
		{`{cors: {headers: ["X Bad"]}}`, WhereRoot, `x-gateway.cors.headers[0]: expected a header name, found "X Bad"`},
		{`{cors: {max-age: forever}}`, WhereRoot, `x-gateway.cors.max-age: expected a duration`},
		{`{cors: {origin: ["*"]}}`, WhereRoot, `unknown key "origin" (valid keys: credentials, expose-headers, headers, max-age, origins)`},
		{`{admin: {listen: "9091"}}`, WhereRoot, `x-gateway.admin.listen: expected host:port like 127.0.0.1:9091, found "9091"`},
		{`{admin: {listen: ":9091"}}`, WhereOperation, `x-gateway.admin: not allowed on an operation`},
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

func TestDecodeRateLimit(t *testing.T) {
	d, _, s := decode(t, `{rate-limit: [{rate: 10/s, burst: 20, key: client-ip}, {rate: 10000/day, key: [consumer, header:X-Tenant], name: daily, store: redis, on-store-error: deny}, {rate: 5/10s}]}`, WhereOperation)
	if len(d.Diags) != 0 {
		t.Fatal(d.Diags)
	}
	rl := s.RateLimit.V
	if len(rl) != 3 {
		t.Fatalf("decoded %+v", s.RateLimit)
	}
	if r := rl[0]; r.Rate.V != (Rate{10, time.Second, "s"}) || r.Burst.V != 20 || len(r.Key.V) != 1 || r.Key.V[0] != "client-ip" {
		t.Errorf("first limit %+v", r)
	}
	if r := rl[1]; r.Rate.V != (Rate{10000, 24 * time.Hour, "day"}) || r.Name.V != "daily" || r.Store.V != "redis" || r.OnStoreError.V != "deny" || strings.Join(r.Key.V, " ") != "consumer header:X-Tenant" {
		t.Errorf("second limit %+v", r)
	}
	if r := rl[2]; r.Rate.V != (Rate{5, 10 * time.Second, "10s"}) {
		t.Errorf("third limit %+v", r)
	}
	_, _, s = decode(t, `{rate-limit: []}`, WhereOperation)
	if !s.RateLimit.Set || len(s.RateLimit.V) != 0 {
		t.Errorf("an empty list: %+v, want set and empty", s.RateLimit)
	}
	d, r, _ := decode(t, `{trusted-proxies: [10.0.0.0/8, 192.0.2.7], client-ip-header: forwarded}`, WhereRoot)
	if len(d.Diags) != 0 || strings.Join(r.TrustedProxies.V, " ") != "10.0.0.0/8 192.0.2.7" || r.ClientIPHeader.V != "forwarded" {
		t.Errorf("root %v %+v %+v", d.Diags, r.TrustedProxies, r.ClientIPHeader)
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

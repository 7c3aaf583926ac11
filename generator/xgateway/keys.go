package xgateway

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gatewaygen/gatewaygen/runtime/anomaly"
	"github.com/gatewaygen/gatewaygen/runtime/anomaly/guard"
	"github.com/gatewaygen/gatewaygen/runtime/auth"
	"github.com/gatewaygen/gatewaygen/runtime/balance"
	"github.com/gatewaygen/gatewaygen/runtime/cache"
	"github.com/gatewaygen/gatewaygen/runtime/proxy"
	"github.com/gatewaygen/gatewaygen/runtime/ratelimit"
	"github.com/gatewaygen/gatewaygen/runtime/retry"
	"github.com/gatewaygen/gatewaygen/runtime/server"
)

// KeySpec describes one accepted x-gateway key. The decoder accepts a key
// only when this table lists it for the level being decoded, and the
// reference in docs/x-gateway.md is checked against the same table, so the
// two cannot drift.
type KeySpec struct {
	// Key is the dotted path below x-gateway; a map key chosen by the user
	// is written <name> and a list item's field []: "upstreams.<name>.targets[].url".
	Key string
	// Where lists the levels the key may appear at: "root", "path-item",
	// "operation" and "upstream" (an entry of upstreams).
	Where []string
	Type  string
	// Default is the reference's default column as written there: a
	// literal value in backquotes, made from the constant the code applies
	// where there is one, or words.
	Default string
	Example string
}

// Levels a key may appear at.
const (
	WhereRoot      = "root"
	WherePathItem  = "path-item"
	WhereOperation = "operation"
	WhereUpstream  = "upstream"
	// WhereScheme is the verification material of a security scheme: an
	// entry of the root's security map, or x-gateway on the scheme itself.
	WhereScheme = "security-scheme"
)

var (
	rootOnly = []string{WhereRoot}
	allLevel = []string{WhereRoot, WherePathItem, WhereOperation}
	routeLvl = []string{WherePathItem, WhereOperation}
	upstrLvl = []string{WhereUpstream}
	schemLvl = []string{WhereScheme}
)

var keyTable = []KeySpec{
	{Key: "name", Where: rootOnly, Type: "string", Default: "the spec file name", Example: "petstore"},
	{Key: "listen", Where: rootOnly, Type: "host:port", Default: code(server.DefaultListen), Example: `"127.0.0.1:8080"`},
	{Key: "base-path", Where: rootOnly, Type: "string", Default: "path of `servers[0].url`", Example: "/v1"},
	{Key: "formats", Where: rootOnly, Type: "enum", Default: code("assert"), Example: "annotate"},
	{Key: "upstreams", Where: rootOnly, Type: "map of upstream", Default: "none", Example: "{pets: {targets: [\"http://127.0.0.1:9001\"]}}"},
	{Key: "upstreams.<name>.targets", Where: upstrLvl, Type: "list of URL or target", Default: "required", Example: `["http://127.0.0.1:9001"]`},
	{Key: "upstreams.<name>.targets[].url", Where: upstrLvl, Type: "URL", Default: "required", Example: "http://127.0.0.1:9002"},
	{Key: "upstreams.<name>.targets[].weight", Where: upstrLvl, Type: "integer", Default: code("1"), Example: "2"},
	{Key: "upstreams.<name>.balance", Where: upstrLvl, Type: "enum", Default: code(balance.P2CEWMA), Example: "least-conn"},
	{Key: "upstreams.<name>.timeout", Where: upstrLvl, Type: "duration", Default: code(FormatDuration(proxy.DefaultTimeout)), Example: "2s"},
	// upstream failure handling
	{Key: "upstreams.<name>.hash-key", Where: upstrLvl, Type: "string", Default: "required for `hash`", Example: "header:X-User"},
	{Key: "upstreams.<name>.retries", Where: upstrLvl, Type: "object", Default: "no retries", Example: "{attempts: 2, on: [connect-error, 503]}"},
	{Key: "upstreams.<name>.retries.attempts", Where: upstrLvl, Type: "integer", Default: code("0"), Example: "2"},
	{Key: "upstreams.<name>.retries.budget", Where: upstrLvl, Type: "share", Default: code(FormatShare(retry.DefaultRatio)), Example: "10%"},
	{Key: "upstreams.<name>.retries.on", Where: upstrLvl, Type: "list of status or `connect-error`", Default: code("[connect-error]"), Example: "[connect-error, 502, 503]"},
	{Key: "upstreams.<name>.retries.backoff", Where: upstrLvl, Type: "duration", Default: "no pause", Example: "25ms"},
	{Key: "upstreams.<name>.health", Where: upstrLvl, Type: "object", Default: "no probes", Example: "{path: /healthz, interval: 5s}"},
	{Key: "upstreams.<name>.health.path", Where: upstrLvl, Type: "string", Default: "required", Example: "/healthz"},
	{Key: "upstreams.<name>.health.interval", Where: upstrLvl, Type: "duration", Default: code(FormatDuration(proxy.DefaultHealthInterval)), Example: "2s"},
	{Key: "upstreams.<name>.health.timeout", Where: upstrLvl, Type: "duration", Default: code(FormatDuration(proxy.DefaultHealthTimeout)), Example: "500ms"},
	{Key: "upstreams.<name>.health.healthy", Where: upstrLvl, Type: "integer", Default: code(strconv.Itoa(proxy.DefaultHealthHealthy)), Example: "2"},
	{Key: "upstreams.<name>.health.unhealthy", Where: upstrLvl, Type: "integer", Default: code(strconv.Itoa(proxy.DefaultHealthUnhealthy)), Example: "3"},
	{Key: "upstreams.<name>.passive", Where: upstrLvl, Type: "object", Default: "no ejection", Example: "{consecutive-failures: 5, eject: 30s}"},
	{Key: "upstreams.<name>.passive.consecutive-failures", Where: upstrLvl, Type: "integer", Default: code(strconv.Itoa(balance.DefaultConsecutiveFailures)), Example: "5"},
	{Key: "upstreams.<name>.passive.eject", Where: upstrLvl, Type: "duration", Default: code(FormatDuration(balance.DefaultEject)), Example: "30s"},
	{Key: "upstreams.<name>.host", Where: upstrLvl, Type: "enum", Default: code("target"), Example: "client"},
	{Key: "upstreams.<name>.max-in-flight", Where: upstrLvl, Type: "integer", Default: "no limit", Example: "512"},
	{Key: "upstreams.<name>.max-response-body", Where: upstrLvl, Type: "size", Default: "no limit", Example: "10MiB"},
	{Key: "upstreams.<name>.tls", Where: upstrLvl, Type: "object", Default: "system CAs, target's host", Example: "{ca: certs/upstream-ca.pem}"},
	{Key: "upstreams.<name>.tls.ca", Where: upstrLvl, Type: "file", Default: "the system's CAs", Example: "certs/upstream-ca.pem"},
	{Key: "upstreams.<name>.tls.server-name", Where: upstrLvl, Type: "string", Default: "the target's host", Example: "pets.internal"},
	{Key: "upstreams.<name>.tls.cert", Where: upstrLvl, Type: "file", Default: "none", Example: "certs/gateway.pem"},
	{Key: "upstreams.<name>.tls.key", Where: upstrLvl, Type: "file", Default: "none", Example: "certs/gateway.key"},
	{Key: "upstreams.<name>.passive.max-ejected", Where: upstrLvl, Type: "share", Default: code(FormatShare(balance.DefaultMaxEjected)), Example: "50%"},
	// response cache
	{Key: "cache", Where: allLevel, Type: "object", Default: "no caching", Example: "{ttl: 30s, vary: [Accept]}"},
	{Key: "cache.enabled", Where: allLevel, Type: "boolean", Default: "`true` when `ttl` is set", Example: "false"},
	{Key: "cache.ttl", Where: allLevel, Type: "duration", Default: "none", Example: "30s"},
	{Key: "cache.vary", Where: allLevel, Type: "list of header names", Default: "none", Example: "[Accept, Accept-Encoding]"},
	{Key: "cache.query", Where: allLevel, Type: "`all`, `none` or list of names", Default: code("all"), Example: "[page, size]"},
	{Key: "cache.authenticated", Where: allLevel, Type: "boolean", Default: code("false"), Example: "true"},
	{Key: "cache.stale-while-revalidate", Where: allLevel, Type: "duration", Default: "none", Example: "10s"},
	{Key: "cache.stale-if-error", Where: allLevel, Type: "duration", Default: "none", Example: "5m"},
	{Key: "cache.max-bytes", Where: rootOnly, Type: "size", Default: code(FormatSize(cache.DefaultMaxBytes)), Example: "256MiB"},
	{Key: "cache.store", Where: rootOnly, Type: "enum", Default: code("memory"), Example: "redis"},
	// transformations
	{Key: "request-headers", Where: allLevel, Type: "object", Default: "none", Example: "{set: {X-Source: gateway}, remove: [X-Debug]}"},
	{Key: "request-headers.set", Where: allLevel, Type: "map of name to template", Default: "none", Example: "{X-Pet: \"{path.petId}\"}"},
	{Key: "request-headers.add", Where: allLevel, Type: "map of name to template", Default: "none", Example: "{Via: gatewaygen}"},
	{Key: "request-headers.remove", Where: allLevel, Type: "list of names", Default: "none", Example: "[X-Debug, Cookie]"},
	{Key: "response-headers", Where: allLevel, Type: "object", Default: "none", Example: "{remove: [Server]}"},
	{Key: "response-headers.set", Where: allLevel, Type: "map of name to template", Default: "none", Example: "{X-Request: \"{request-id}\"}"},
	{Key: "response-headers.add", Where: allLevel, Type: "map of name to template", Default: "none", Example: "{Link: \"</docs>; rel=help\"}"},
	{Key: "response-headers.remove", Where: allLevel, Type: "list of names", Default: "none", Example: "[Server, X-Powered-By]"},
	{Key: "request-query", Where: allLevel, Type: "object", Default: "none", Example: "{set: {source: gateway}}"},
	{Key: "request-query.set", Where: allLevel, Type: "map of name to template", Default: "none", Example: "{api_key: \"{header.X-Key}\"}"},
	{Key: "request-query.add", Where: allLevel, Type: "map of name to template", Default: "none", Example: "{tag: gateway}"},
	{Key: "request-query.remove", Where: allLevel, Type: "list of names", Default: "none", Example: "[debug]"},
	{Key: "limits", Where: allLevel, Type: "object", Default: "", Example: "{max-body: 1MiB}"},
	{Key: "limits.max-header-bytes", Where: rootOnly, Type: "size", Default: code(FormatSize(server.DefaultMaxHeaderBytes)), Example: "16KiB"},
	{Key: "limits.timeout", Where: rootOnly, Type: "duration", Default: code(FormatDuration(server.DefaultTimeout)), Example: "10s"},
	{Key: "limits.header-timeout", Where: rootOnly, Type: "duration", Default: code(FormatDuration(server.DefaultHeaderTimeout)), Example: "5s"},
	{Key: "limits.idle-timeout", Where: rootOnly, Type: "duration", Default: code(FormatDuration(server.DefaultIdleTimeout)), Example: "75s"},
	{Key: "limits.max-conns", Where: rootOnly, Type: "integer", Default: code(strconv.Itoa(server.DefaultMaxConns)), Example: "4096"},
	{Key: "limits.max-conns-per-ip", Where: rootOnly, Type: "integer", Default: "no limit", Example: "256"},
	{Key: "limits.max-body", Where: allLevel, Type: "size", Default: code(FormatSize(server.DefaultMaxRequestBody)), Example: "1MiB"},
	{Key: "upstream", Where: allLevel, Type: "upstream name", Default: "none", Example: "pets"},
	{Key: "timeout", Where: allLevel, Type: "duration", Default: "the upstream's timeout", Example: "500ms"},
	{Key: "mock", Where: allLevel, Type: "boolean", Default: code("false"), Example: "true"},
	{Key: "response-validation", Where: allLevel, Type: "object", Default: "", Example: "{enabled: true, sample: 0.1}"},
	{Key: "response-validation.enabled", Where: allLevel, Type: "boolean", Default: code("false"), Example: "true"},
	{Key: "response-validation.sample", Where: allLevel, Type: "number", Default: code("1"), Example: "0.05"},
	{Key: "security", Where: rootOnly, Type: "map of scheme material", Default: "none", Example: "{petsKey: {keys: {file: keys.txt}}}"},
	{Key: "security.<scheme>.keys", Where: schemLvl, Type: "source", Default: "required for apiKey", Example: "{env: PETSTORE_KEYS}"},
	{Key: "security.<scheme>.keys.env", Where: schemLvl, Type: "string", Default: "none", Example: "PETSTORE_KEYS"},
	{Key: "security.<scheme>.keys.file", Where: schemLvl, Type: "path", Default: "none", Example: "keys.txt"},
	{Key: "security.<scheme>.jwks", Where: schemLvl, Type: "source", Default: "required for JWT schemes", Example: "{file: jwks.json}"},
	{Key: "security.<scheme>.jwks.env", Where: schemLvl, Type: "string", Default: "none", Example: "PETSTORE_JWKS"},
	{Key: "security.<scheme>.jwks.file", Where: schemLvl, Type: "path", Default: "none", Example: "jwks.json"},
	{Key: "security.<scheme>.issuer", Where: schemLvl, Type: "string", Default: "not checked", Example: "https://issuer.example"},
	{Key: "security.<scheme>.audience", Where: schemLvl, Type: "string", Default: "not checked", Example: "petstore"},
	{Key: "security.<scheme>.leeway", Where: schemLvl, Type: "duration", Default: code(FormatDuration(auth.DefaultLeeway)), Example: "10s"},
	{Key: "security.<scheme>.algorithms", Where: schemLvl, Type: "list of string", Default: "RS*, PS*, ES*, EdDSA", Example: "[ES256]"},
	{Key: "security.<scheme>.keep-credential", Where: schemLvl, Type: "boolean", Default: code("false"), Example: "true"},
	{Key: "security.<scheme>.forward-consumer", Where: schemLvl, Type: "boolean", Default: code("false"), Example: "true"},
	// operations: the admin listener
	{Key: "admin", Where: rootOnly, Type: "object", Default: "", Example: `{listen: "127.0.0.1:9091"}`},
	{Key: "admin.listen", Where: rootOnly, Type: "host:port", Default: "none: no admin listener", Example: `"127.0.0.1:9091"`},
	// anomaly detection: runtime/anomaly in the request path
	{Key: "anomaly", Where: rootOnly, Type: "object", Default: "none: no detector", Example: "{action: block, ttl: 10m}"},
	{Key: "anomaly.action", Where: rootOnly, Type: "enum", Default: code("log"), Example: "block"},
	{Key: "anomaly.ttl", Where: rootOnly, Type: "duration", Default: code(FormatDuration(guard.DefaultTTL)), Example: "1m"},
	{Key: "anomaly.capacity", Where: rootOnly, Type: "integer", Default: "none: no replica gauge", Example: "500"},
	{Key: "anomaly.warm-up", Where: rootOnly, Type: "duration", Default: code("30m"), Example: "1h"},
	{Key: "anomaly.key-auth-failures", Where: rootOnly, Type: "integer", Default: code(strconv.Itoa(anomaly.DefaultKeyAuth)), Example: "50"},
	// anomaly detection: throttling and the detectors' other thresholds
	{Key: "anomaly.throttle", Where: rootOnly, Type: "object", Default: "", Example: "{rate: 1/s, burst: 5}"},
	{Key: "anomaly.throttle.rate", Where: rootOnly, Type: "rate", Default: code(strconv.FormatInt(guard.DefaultThrottle.Count, 10) + "/s"), Example: "10/min"},
	{Key: "anomaly.throttle.burst", Where: rootOnly, Type: "integer", Default: code(strconv.FormatInt(guard.DefaultThrottle.Burst, 10)) + " with the default rate, else the rate's count", Example: "5"},
	{Key: "anomaly.key-rate", Where: rootOnly, Type: "rate", Default: code(strconv.Itoa(anomaly.DefaultKeyRate*int(time.Second)/int(anomaly.DefaultKeyWindow)) + "/s"), Example: "50/s"},
	{Key: "anomaly.key-not-found-paths", Where: rootOnly, Type: "integer", Default: code(strconv.Itoa(anomaly.DefaultKeyNotFound)), Example: "30"},
	{Key: "anomaly.key-validation-failures", Where: rootOnly, Type: "integer", Default: code(strconv.Itoa(anomaly.DefaultKeyValidation)), Example: "50"},
	{Key: "anomaly.key-throttled", Where: rootOnly, Type: "integer", Default: code(strconv.Itoa(anomaly.DefaultKeyThrottled)), Example: "100"},
	{Key: "anomaly.cooldown", Where: rootOnly, Type: "duration", Default: code(FormatDuration(anomaly.DefaultCooldown)), Example: "1h"},
	{Key: "anomaly.rate-factor", Where: rootOnly, Type: "number", Default: code(strconv.FormatFloat(anomaly.DefaultRateRatio, 'g', -1, 64)), Example: "4"},
	{Key: "anomaly.share-factor", Where: rootOnly, Type: "number", Default: code(strconv.FormatFloat(anomaly.DefaultShareRatio, 'g', -1, 64)), Example: "5"},
	{Key: "anomaly.latency-factor", Where: rootOnly, Type: "number", Default: code(strconv.FormatFloat(anomaly.DefaultLatencyRate, 'g', -1, 64)), Example: "2"},
	{Key: "anomaly.size-factor", Where: rootOnly, Type: "number", Default: code(strconv.FormatFloat(anomaly.DefaultSizeRatio, 'g', -1, 64)), Example: "4"},
	// cors: cross-origin requests from browsers
	{Key: "cors", Where: allLevel, Type: "object", Default: "", Example: `{origins: ["https://app.example.com"]}`},
	{Key: "cors.origins", Where: allLevel, Type: "list of origin", Default: "none: CORS off", Example: `["https://app.example.com"]`},
	{Key: "cors.credentials", Where: allLevel, Type: "boolean", Default: code("false"), Example: "true"},
	{Key: "cors.max-age", Where: allLevel, Type: "duration", Default: "not sent", Example: "10m"},
	{Key: "cors.headers", Where: allLevel, Type: "list of string", Default: "none beyond the declared ones", Example: "[X-Trace]"},
	{Key: "cors.expose-headers", Where: allLevel, Type: "list of string", Default: code("[X-Request-Id]"), Example: "[X-Request-Id, ETag]"},
	// auth2: JWKS from a URL
	{Key: "security.<scheme>.jwks.url", Where: schemLvl, Type: "URL", Default: "none", Example: "https://id.example/.well-known/jwks.json"},
	{Key: "security.<scheme>.jwks.refresh", Where: schemLvl, Type: "duration", Default: code(FormatDuration(auth.DefaultRefresh)), Example: "1m"},
	{Key: "security.<scheme>.jwks.min-refetch", Where: schemLvl, Type: "duration", Default: code(FormatDuration(auth.DefaultMinRefetch)), Example: "30s"},
	// auth2: http basic
	{Key: "security.<scheme>.users", Where: schemLvl, Type: "source", Default: "required for http basic", Example: "{file: users.htpasswd}"},
	{Key: "security.<scheme>.users.env", Where: schemLvl, Type: "string", Default: "none", Example: "PETSTORE_USERS"},
	{Key: "security.<scheme>.users.file", Where: schemLvl, Type: "path", Default: "none", Example: "users.htpasswd"},
	// auth2: identity downstream
	{Key: "security.<scheme>.forward", Where: schemLvl, Type: "object", Default: "none", Example: "{consumer: X-Consumer, claims: {sub: X-Claim-Sub}}"},
	{Key: "security.<scheme>.forward.consumer", Where: schemLvl, Type: "header name", Default: "none", Example: "X-Consumer"},
	{Key: "security.<scheme>.forward.claims", Where: schemLvl, Type: "map of claim to header name", Default: "none", Example: "{sub: X-Claim-Sub, tenant: X-Tenant}"},
	// auth2: HMAC
	{Key: "security.<scheme>.secret", Where: schemLvl, Type: "source", Default: "none", Example: "{env: PETSTORE_HMAC}"},
	{Key: "security.<scheme>.secret.env", Where: schemLvl, Type: "string", Default: "none", Example: "PETSTORE_HMAC"},
	{Key: "security.<scheme>.secret.file", Where: schemLvl, Type: "path", Default: "none", Example: "hmac.key"},
	// auth2: opaque tokens (RFC 7662)
	{Key: "security.<scheme>.introspection", Where: schemLvl, Type: "object", Default: "none", Example: "{url: https://id.example/introspect, client-id: gateway, client-secret: {env: INTROSPECT_SECRET}}"},
	{Key: "security.<scheme>.introspection.url", Where: schemLvl, Type: "URL", Default: "required", Example: "https://id.example/oauth2/introspect"},
	{Key: "security.<scheme>.introspection.client-id", Where: schemLvl, Type: "string", Default: "required", Example: "gateway"},
	{Key: "security.<scheme>.introspection.client-secret", Where: schemLvl, Type: "source", Default: "required", Example: "{env: INTROSPECT_SECRET}"},
	{Key: "security.<scheme>.introspection.client-secret.env", Where: schemLvl, Type: "string", Default: "none", Example: "INTROSPECT_SECRET"},
	{Key: "security.<scheme>.introspection.client-secret.file", Where: schemLvl, Type: "path", Default: "none", Example: "introspect.secret"},
	// mutualTLS: client certificates
	{Key: "security.<scheme>.client-ca", Where: schemLvl, Type: "source", Default: "required for mutualTLS", Example: "{file: clients-ca.pem}"},
	{Key: "security.<scheme>.client-ca.env", Where: schemLvl, Type: "string", Default: "none", Example: "PETSTORE_CLIENT_CA"},
	{Key: "security.<scheme>.client-ca.file", Where: schemLvl, Type: "path", Default: "none", Example: "clients-ca.pem"},
	// policy: OpenAPI 3.1 roles of an http bearer scheme
	{Key: "security.<scheme>.roles-claim", Where: schemLvl, Type: "string", Default: "none: roles from scope and scp", Example: "roles"},
	{Key: "path", Where: routeLvl, Type: "path template", Default: "the operation's path", Example: `"/internal/pets/{petId}"`},
	// Rate limits and the client address they key on (runtime/ratelimit).
	{Key: "rate-limit", Where: allLevel, Type: "limit or list of limits", Default: "none", Example: "{rate: 10/s, burst: 20, key: client-ip}"},
	{Key: "rate-limit.rate", Where: allLevel, Type: "rate", Default: "required", Example: "10/s"},
	{Key: "rate-limit.burst", Where: allLevel, Type: "integer", Default: "the rate's count", Example: "20"},
	{Key: "rate-limit.key", Where: allLevel, Type: "key or list of keys", Default: code("client-ip"), Example: "[consumer, header:X-Tenant]"},
	{Key: "rate-limit.name", Where: allLevel, Type: "string", Default: "from the rate", Example: "daily"},
	{Key: "rate-limit.store", Where: allLevel, Type: "enum", Default: code("memory"), Example: "redis"},
	{Key: "rate-limit.on-store-error", Where: allLevel, Type: "enum", Default: code("allow"), Example: "deny"},
	{Key: "trusted-proxies", Where: rootOnly, Type: "list of CIDR", Default: "none", Example: "[10.0.0.0/8, 192.0.2.7]"},
	{Key: "limits.max-in-flight", Where: allLevel, Type: "integer", Default: "no limit", Example: "64"},
	{Key: "client-ip-header", Where: rootOnly, Type: "enum", Default: code(ratelimit.HeaderXForwardedFor), Example: "forwarded"},
	// the developer portal the gateway serves
	{Key: "docs", Where: rootOnly, Type: "boolean or object", Default: code("true"), Example: "{path: /docs}"},
	{Key: "docs.enabled", Where: rootOnly, Type: "boolean", Default: code("true"), Example: "false"},
	{Key: "docs.path", Where: rootOnly, Type: "path", Default: code(DefaultDocsPath), Example: "/portal"},
}

// DefaultDocsPath is where the gateway serves its portal unless
// x-gateway.docs says otherwise.
const DefaultDocsPath = "/docs"

// code writes a default that is a literal value as the reference shows one.
func code(v string) string { return "`" + v + "`" }

// FormatShare writes a share as the reference and share decode it: a
// percentage.
func FormatShare(f float64) string {
	return strconv.FormatFloat(f*100, 'f', -1, 64) + "%"
}

// FormatSize writes n bytes as the reference and ParseSize write sizes: in
// the largest binary unit that divides it.
func FormatSize(n int64) string {
	for _, u := range []struct {
		unit string
		n    int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.n && n%u.n == 0 {
			return strconv.FormatInt(n/u.n, 10) + u.unit
		}
	}
	return strconv.FormatInt(n, 10)
}

// FormatDuration writes d as the reference writes durations: in whole
// seconds or milliseconds where it is one ("60s", not "1m0s").
func FormatDuration(d time.Duration) string {
	switch {
	case d%time.Second == 0:
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	case d%time.Millisecond == 0:
		return strconv.FormatInt(int64(d/time.Millisecond), 10) + "ms"
	}
	return d.String()
}

// futureKeys are keys of the design's later shape. They are rejected with
// "not supported yet" rather than as unknown, and never silently ignored.
var futureKeys = map[string]bool{}

// Keys returns the table of every accepted key, in the order the reference
// documents them. The slice is a copy; callers may modify it.
func Keys() []KeySpec {
	out := make([]KeySpec, len(keyTable))
	for i, k := range keyTable {
		k.Where = append([]string(nil), k.Where...)
		out[i] = k
	}
	return out
}

// allowedKeys returns the keys directly below prefix ("" for the top of an
// x-gateway object, "upstreams.<name>" for an upstream) that the table allows
// at where, sorted.
func allowedKeys(prefix, where string) []string {
	var out []string
	for _, k := range keyTable {
		rest := k.Key
		if prefix != "" {
			if !strings.HasPrefix(rest, prefix+".") {
				continue
			}
			rest = rest[len(prefix)+1:]
		}
		if strings.ContainsAny(rest, ".[") {
			continue
		}
		if !hasWhere(k, where) && !(prefix == "" && childAllowed(k.Key, where)) {
			continue
		}
		out = append(out, rest)
	}
	sort.Strings(out)
	return out
}

// childAllowed reports whether some key below parent is allowed at where,
// which makes parent itself (e.g. limits on an operation) allowed there.
func childAllowed(parent, where string) bool {
	for _, k := range keyTable {
		if strings.HasPrefix(k.Key, parent+".") && hasWhere(k, where) {
			return true
		}
	}
	return false
}

func hasWhere(k KeySpec, where string) bool {
	for _, w := range k.Where {
		if w == where {
			return true
		}
	}
	return false
}

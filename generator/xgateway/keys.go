package xgateway

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gatewaygen/gatewaygen/runtime/auth"
	"github.com/gatewaygen/gatewaygen/runtime/proxy"
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
	{Key: "upstreams.<name>.balance", Where: upstrLvl, Type: "enum", Default: code("round-robin"), Example: "round-robin"},
	{Key: "upstreams.<name>.timeout", Where: upstrLvl, Type: "duration", Default: code(FormatDuration(proxy.DefaultTimeout)), Example: "2s"},
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
	{Key: "path", Where: routeLvl, Type: "path template", Default: "the operation's path", Example: `"/internal/pets/{petId}"`},
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
var futureKeys = map[string]bool{
	"rate-limit": true, "cache": true, "anomaly": true, "cors": true,
	"retries": true, "health": true, "passive": true, "hash-key": true,
}

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

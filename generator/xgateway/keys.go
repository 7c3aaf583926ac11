package xgateway

import (
	"sort"
	"strings"
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
	Where   []string
	Type    string
	Default string
	Example string
}

// Levels a key may appear at.
const (
	WhereRoot      = "root"
	WherePathItem  = "path-item"
	WhereOperation = "operation"
	WhereUpstream  = "upstream"
)

var (
	rootOnly = []string{WhereRoot}
	allLevel = []string{WhereRoot, WherePathItem, WhereOperation}
	routeLvl = []string{WherePathItem, WhereOperation}
	upstrLvl = []string{WhereUpstream}
)

var keyTable = []KeySpec{
	{Key: "name", Where: rootOnly, Type: "string", Default: "the spec file name", Example: "petstore"},
	{Key: "listen", Where: rootOnly, Type: "host:port", Default: ":8080", Example: `"127.0.0.1:8080"`},
	{Key: "base-path", Where: rootOnly, Type: "string", Default: "path of servers[0].url", Example: "/v1"},
	{Key: "formats", Where: rootOnly, Type: "enum", Default: "assert", Example: "annotate"},
	{Key: "upstreams", Where: rootOnly, Type: "map of upstream", Default: "none", Example: "{pets: {targets: [\"http://127.0.0.1:9001\"]}}"},
	{Key: "upstreams.<name>.targets", Where: upstrLvl, Type: "list of URL or target", Default: "required", Example: `["http://127.0.0.1:9001"]`},
	{Key: "upstreams.<name>.targets[].url", Where: upstrLvl, Type: "URL", Default: "required", Example: "http://127.0.0.1:9002"},
	{Key: "upstreams.<name>.targets[].weight", Where: upstrLvl, Type: "integer", Default: "1", Example: "2"},
	{Key: "upstreams.<name>.balance", Where: upstrLvl, Type: "enum", Default: "round-robin", Example: "round-robin"},
	{Key: "upstreams.<name>.timeout", Where: upstrLvl, Type: "duration", Default: "30s", Example: "2s"},
	{Key: "limits", Where: allLevel, Type: "object", Default: "", Example: "{max-body: 1MiB}"},
	{Key: "limits.max-header-bytes", Where: rootOnly, Type: "size", Default: "16KiB", Example: "16KiB"},
	{Key: "limits.timeout", Where: rootOnly, Type: "duration", Default: "30s", Example: "10s"},
	{Key: "limits.header-timeout", Where: rootOnly, Type: "duration", Default: "10s", Example: "5s"},
	{Key: "limits.idle-timeout", Where: rootOnly, Type: "duration", Default: "60s", Example: "75s"},
	{Key: "limits.max-conns", Where: rootOnly, Type: "integer", Default: "10000", Example: "4096"},
	{Key: "limits.max-conns-per-ip", Where: rootOnly, Type: "integer", Default: "no limit", Example: "256"},
	{Key: "limits.max-body", Where: allLevel, Type: "size", Default: "4MiB", Example: "1MiB"},
	{Key: "upstream", Where: allLevel, Type: "upstream name", Default: "none", Example: "pets"},
	{Key: "timeout", Where: allLevel, Type: "duration", Default: "the upstream's timeout", Example: "500ms"},
	{Key: "mock", Where: allLevel, Type: "boolean", Default: "false", Example: "true"},
	{Key: "response-validation", Where: allLevel, Type: "object", Default: "", Example: "{enabled: true, sample: 0.1}"},
	{Key: "response-validation.enabled", Where: allLevel, Type: "boolean", Default: "false", Example: "true"},
	{Key: "response-validation.sample", Where: allLevel, Type: "number", Default: "1", Example: "0.05"},
	{Key: "path", Where: routeLvl, Type: "path template", Default: "the operation's path", Example: `"/internal/pets/{petId}"`},
}

// futureKeys are keys of the design's later shape. They are rejected with
// "not supported yet" rather than as unknown, and never silently ignored.
var futureKeys = map[string]bool{
	"rate-limit": true, "cache": true, "anomaly": true, "cors": true, "docs": true,
	"security": true, "retries": true, "health": true, "passive": true, "hash-key": true,
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

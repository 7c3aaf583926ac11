// Package xgateway decodes the x-gateway extension of an OpenAPI document
// into typed settings, each value carrying the position it was written at.
// It accepts exactly the keys that docs/x-gateway.md documents: an unknown
// key or a value of the wrong type is a located diagnostic, never a silent
// default. It does not resolve precedence between levels; lower does that.
package xgateway

import (
	"time"

	"github.com/gatewaygen/gatewaygen/generator/diag"
)

// Value is one decoded scalar with the position it was written at. Set is
// false when the key was absent, so a zero V is never mistaken for a choice.
type Value[T any] struct {
	V   T
	Pos diag.Pos
	Set bool
}

// Root is x-gateway at the document root: gateway-wide settings plus the
// defaults every operation inherits.
type Root struct {
	Pos       diag.Pos
	Name      Value[string]
	Listen    Value[string]
	BasePath  Value[string]
	Formats   Value[string] // "assert" (default) or "annotate"
	Upstreams []Upstream    // in document order
	Limits    Limits
	Security  []SchemeAuth // x-gateway.security, in document order
	Docs      Docs         // x-gateway.docs
	Settings
}

// SchemeAuth is the verification material of one security scheme, from
// x-gateway.security.<scheme> or x-gateway on the scheme.
type SchemeAuth struct {
	Scheme          string
	Pos             diag.Pos
	Keys            Secret               // apiKey: consumer:key pairs
	JWKS            Secret               // JWT schemes: the public keys
	Issuer          Value[string]        // the iss a token must have
	Audience        Value[string]        // an aud a token must have
	Leeway          Value[time.Duration] // clock skew on exp, nbf, iat
	Algorithms      Value[[]string]      // the signature allow-list
	KeepCredential  Value[bool]          // forward the credential upstream
	ForwardConsumer Value[bool]          // send the consumer upstream in X-Consumer
}

// Secret is where material comes from: an environment variable or a file.
type Secret struct {
	Env, File Value[string]
	Pos       diag.Pos
}

// Set reports whether the source was given.
func (s Secret) Set() bool { return s.Env.Set || s.File.Set }

// Limits are the server-wide limits (root only).
type Limits struct {
	MaxHeaderBytes Value[int64]         // limits.max-header-bytes
	Timeout        Value[time.Duration] // limits.timeout: deadline for a request's body and for writing its response
	HeaderTimeout  Value[time.Duration] // limits.header-timeout: deadline for a request line and headers
	IdleTimeout    Value[time.Duration] // limits.idle-timeout: a keep-alive connection's wait for its next request
	MaxConns       Value[int64]         // limits.max-conns: concurrent client connections, >= 1
	MaxConnsPerIP  Value[int64]         // limits.max-conns-per-ip: concurrent connections from one address, >= 1
}

// Upstream is one named pool of targets.
type Upstream struct {
	Name    string
	Pos     diag.Pos
	Targets []Target
	Balance Value[string]        // round-robin (the only one so far)
	Timeout Value[time.Duration] // default per-call timeout for operations using this upstream
}

// Target is one backend address of an upstream.
type Target struct {
	URL    string
	Weight int // 1 when not given
	Pos    diag.Pos
}

// Settings are the keys that may appear at the root, on a path item and on an
// operation; the most specific level wins, key by key.
type Settings struct {
	Pos      diag.Pos
	Upstream Value[string]        // name of an entry of Root.Upstreams
	Path     Value[string]        // upstream path template; path item and operation only
	Timeout  Value[time.Duration] // upstream call timeout
	Mock     Value[bool]          // answer from the spec's examples instead of proxying
	MaxBody  Value[int64]         // limits.max-body, in bytes

	ResponseValidation ResponseValidation // response-validation
}

// ResponseValidation is the response-validation object. Its two keys are
// resolved separately, so an operation may change the sample rate of
// validation switched on at the root, or switch it off.
type ResponseValidation struct {
	Enabled Value[bool]    // response-validation.enabled
	Sample  Value[float64] // response-validation.sample: the share of responses checked, in (0, 1]
}

// Docs is x-gateway.docs: whether and where the gateway serves its
// developer portal. `docs: false` is short for `docs: {enabled: false}`.
type Docs struct {
	Enabled Value[bool]   // docs.enabled, or docs itself as a boolean
	Path    Value[string] // docs.path
}

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
	// The client address rate limits key on (runtime/ratelimit).
	TrustedProxies Value[[]string] // trusted-proxies: CIDRs or addresses
	ClientIPHeader Value[string]   // client-ip-header: x-forwarded-for or forwarded
	Admin          Admin           // x-gateway.admin
	Docs           Docs            // x-gateway.docs
	// anomaly detection (anomaly.go); nil when the document has none
	Anomaly *Anomaly
	Settings
}

// Admin is the admin listener (metrics, health, readiness).
type Admin struct {
	Listen Value[string] // admin.listen: its address, apart from listen
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
	// auth2: http basic's users
	Users Secret // http basic: user:hash lines
	// auth2: identity downstream
	Forward Forward // forward: the identity's headers upstream
	// auth2: HMAC
	Secret Secret // JWT schemes: the shared secret of HS*
	// mutualTLS: the authorities of client certificates
	ClientCA Secret // mutualTLS: PEM CA certificates
	// auth2: opaque tokens
	Introspection Introspection // RFC 7662
	// policy: OpenAPI 3.1 roles of an http bearer scheme
	RolesClaim Value[string] // a claim whose values count as held roles, beside scope and scp
}

// Introspection is where a scheme's opaque tokens are checked.
type Introspection struct {
	Pos          diag.Pos
	Set          bool
	URL          Value[string]
	ClientID     Value[string]
	ClientSecret Secret
}

// Forward names the headers a scheme sends the verified identity upstream
// in.
type Forward struct {
	Pos      diag.Pos
	Consumer Value[string]  // forward.consumer: the consumer's header
	Claims   []ClaimForward // forward.claims, in document order
}

// ClaimForward sends the token's claim Claim upstream in Header.
type ClaimForward struct {
	Claim  string
	Header Value[string]
}

// Secret is where material comes from: an environment variable or a file,
// or for a JWKS a URL.
type Secret struct {
	Env, File Value[string]
	Pos       diag.Pos
	// auth2: a JWKS fetched over HTTP, and how often
	URL                 Value[string]
	Refresh, MinRefetch Value[time.Duration]
}

// Set reports whether the source was given.
func (s Secret) Set() bool { return s.Env.Set || s.File.Set || s.URL.Set }

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
	Balance Value[string]        // one of balance.Policies
	Timeout Value[time.Duration] // default per-call timeout for operations using this upstream
	HashKey Value[string]        // for balance: hash; see ParseHashKey
	Retries *Retries
	Health  *Health
	Passive *Passive

	Host            Value[string] // target (default) or client
	MaxResponseBody Value[int64]
	MaxInFlight     Value[int64] // calls in flight over all the upstream's operations
	TLS             *UpstreamTLS
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

	Cache Cache // cache; its keys are resolved one by one, as for response-validation

	RequestHeaders  Transform // request-headers
	ResponseHeaders Transform // response-headers
	RequestQuery    Transform // request-query
	// RateLimit is rate-limit: Set even when it is an empty list, which
	// lifts the limits a less specific level sets.
	RateLimit Value[[]RateLimit]
	// MaxInFlight is limits.max-in-flight: an operation's requests served
	// at once.
	MaxInFlight Value[int64]

	CORS CORS // cors
}

// RateLimit is one limit of rate-limit.
type RateLimit struct {
	Pos          diag.Pos
	Rate         Value[Rate]
	Burst        Value[int64]
	Key          Value[[]string] // client-ip, consumer, api-key, header:NAME
	Name         Value[string]
	Store        Value[string] // memory or redis
	OnStoreError Value[string] // allow or deny
}

// Rate is Count requests per Period; Unit is the period as the name of a
// limit says it ("s", "min", "h", "day", or a duration like "10s").
type Rate struct {
	Count  int64
	Period time.Duration
	Unit   string
}

// CORS is the cors object; each key is resolved on its own, operation over
// path item over root.
type CORS struct {
	Origins     Value[[]string]      // cors.origins: scheme://host[:port] or "*"
	Credentials Value[bool]          // cors.credentials
	MaxAge      Value[time.Duration] // cors.max-age
	Headers     Value[[]string]      // cors.headers: request headers allowed beyond the declared ones
	Expose      Value[[]string]      // cors.expose-headers
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

// Package ir is the API as gatewaygen understands it: plain data that lower
// produces from a loaded document and that every emitter reads. It imports no
// OpenAPI library and does no I/O. Invariants: no $ref is left except Ref to a
// named schema in API.Schemas; nothing is inherited implicitly (x-gateway
// precedence is already resolved); every name is decided and unique; slices
// are in a deterministic order; nodes carry their source position.
package ir

import (
	"time"

	"github.com/gatewaygen/gatewaygen/generator/diag"
)

// API is one gateway.
type API struct {
	Name            string        `json:"name,omitempty"` // Go package name, also the binary's prefix
	Title           string        `json:"title,omitempty"`
	Description     string        `json:"description,omitempty"`     // info.description, Markdown
	Version         string        `json:"version,omitempty"`         // info.version
	OpenAPI         string        `json:"openapi,omitempty"`         // "3.0" or "3.1": which schema semantics apply
	Source          string        `json:"source,omitempty"`          // the spec path as given, for the generated header
	BasePath        string        `json:"basePath,omitempty"`        // "" or a path like "/v1" with no trailing slash
	AnnotateFormats bool          `json:"annotateFormats,omitempty"` // x-gateway.formats: annotate: formats are not checked
	Listen          string        `json:"listen,omitempty"`
	MaxHeaderBytes  int64         `json:"maxHeaderBytes,omitempty"`
	Timeout         time.Duration `json:"timeout,omitempty"`       // body read and response write deadline; 0 = runtime default
	HeaderTimeout   time.Duration `json:"headerTimeout,omitempty"` // request line and headers deadline; 0 = runtime default
	IdleTimeout     time.Duration `json:"idleTimeout,omitempty"`   // keep-alive wait for the next request; 0 = runtime default
	MaxConns        int           `json:"maxConns,omitempty"`      // concurrent client connections; 0 = runtime default
	MaxConnsPerIP   int           `json:"maxConnsPerIP,omitempty"` // concurrent connections per client address; 0 = no limit
	MaxBody         int64         `json:"maxBody,omitempty"`       // the largest MaxBody of any operation
	CacheMaxBytes   int64         `json:"cacheMaxBytes,omitempty"` // the response cache's budget; 0 = runtime default
	CacheRedis      bool          `json:"cacheRedis,omitempty"`    // cache.store: redis, shared through --redis
	Admin           string        `json:"admin,omitempty"`         // the admin listener's address; "" for none
	Upstreams       []*Upstream   `json:"upstreams,omitempty"`
	Operations      []*Operation  `json:"operations,omitempty"` // sorted by path, then method
	Routes          *Node         `json:"routes,omitempty"`
	MaxPathParams   int           `json:"maxPathParams,omitempty"`
	Schemas         []*Schema     `json:"schemas,omitempty"` // named schemas referenced by operations, sorted by GoName
	// What the document says of itself, for the portal and the policies
	// that read it, in document order (security schemes by name).
	Servers         []Server          `json:"servers,omitempty"`
	Tags            []Tag             `json:"tags,omitempty"`
	SecuritySchemes []*SecurityScheme `json:"securitySchemes,omitempty"`
	// Webhooks are the requests the API sends rather than serves: 3.1
	// webhooks by name, then each operation's callbacks in operation
	// order. The gateway routes none of them; the portal documents them.
	Webhooks []*Webhook `json:"webhooks,omitempty"`
	// AuthSchemes are the security schemes some operation's Auth checks,
	// in order of first use; Auth plans index them.
	AuthSchemes []*AuthScheme `json:"authSchemes,omitempty"`
	// auth2: AuthIdentity lists the headers some scheme forwards an
	// identity in besides X-Consumer (sorted); every request loses its
	// own copies of them.
	AuthIdentity []string `json:"authIdentity,omitempty"`
	// Patterns names each distinct schema pattern after its first use, for
	// the compiled matcher the generated code keeps of it.
	Patterns []Pattern `json:"patterns,omitempty"`
	// The client address rate limits key on: peers whose ClientIPHeader
	// is believed (x-gateway trusted-proxies, client-ip-header).
	TrustedProxies []string `json:"trustedProxies,omitempty"`
	ClientIPHeader string   `json:"clientIpHeader,omitempty"`
	// DocsPath is where the gateway serves its developer portal (from
	// x-gateway.docs), matched before the base path; "" when it does not.
	DocsPath string `json:"docsPath,omitempty"`

	// anomaly detection (anomaly.go); nil for none
	Anomaly *Anomaly `json:"anomaly,omitempty"`
}

// Pattern is one compiled `pattern` of the generated package.
type Pattern struct {
	Name string `json:"name"`
	Expr string `json:"expr"`
}

// Server is one entry of the document's servers, as written.
type Server struct {
	URL         string `json:"url"`
	Description string `json:"description,omitempty"`
}

// Tag is one entry of the document's tags.
type Tag struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// SecurityScheme is one entry of components.securitySchemes.
type SecurityScheme struct {
	Name             string      `json:"name"`
	Type             string      `json:"type"` // apiKey, http, mutualTLS, oauth2, openIdConnect
	Description      string      `json:"description,omitempty"`
	Scheme           string      `json:"scheme,omitempty"`       // http: basic, bearer, ...
	BearerFormat     string      `json:"bearerFormat,omitempty"` // http bearer: a hint such as JWT
	In               string      `json:"in,omitempty"`           // apiKey: header, query or cookie
	ParamName        string      `json:"paramName,omitempty"`    // apiKey: the header, query parameter or cookie name
	OpenIDConnectURL string      `json:"openIdConnectUrl,omitempty"`
	Flows            []OAuthFlow `json:"flows,omitempty"` // oauth2, in the order implicit, password, clientCredentials, authorizationCode
	Pos              diag.Pos    `json:"pos,omitempty"`
}

// OAuthFlow is one flow of an oauth2 scheme.
type OAuthFlow struct {
	Flow             string  `json:"flow"`
	AuthorizationURL string  `json:"authorizationUrl,omitempty"`
	TokenURL         string  `json:"tokenUrl,omitempty"`
	RefreshURL       string  `json:"refreshUrl,omitempty"`
	Scopes           []Scope `json:"scopes,omitempty"` // sorted by name
}

// Scope is one scope an oauth2 flow declares.
type Scope struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// Requirement is one alternative of a security requirement: every scheme
// in it must pass. An empty one makes authentication optional.
type Requirement []SchemeScopes

// SchemeScopes is one scheme of a Requirement with the scopes it needs.
type SchemeScopes struct {
	Scheme string   `json:"scheme"`
	Scopes []string `json:"scopes,omitempty"`
}

// Kinds of AuthScheme.
const (
	AuthAPIKey = "apiKey" // a key in a header, query parameter or cookie
	AuthJWT    = "jwt"    // a JWT in Authorization: Bearer, checked against a JWKS
	// http basic (auth2)
	AuthBasic = "basic" // user:password in Authorization: Basic, checked against password hashes
	// opaque tokens (auth2)
	AuthIntrospect = "introspect" // an opaque token in Authorization: Bearer, checked by RFC 7662 introspection
	// mutualTLS
	AuthMutualTLS = "mutualTLS" // a client certificate the TLS listener verified against the scheme's CA
)

// AuthScheme is a security scheme the gateway enforces, with where its
// verification material comes from at start-up: names of a variable or a
// file, never the material.
type AuthScheme struct {
	Name      string `json:"name"`   // in components.securitySchemes
	GoName    string `json:"goName"` // the Gateway field that holds it
	Kind      string `json:"kind"`   // AuthAPIKey, AuthJWT or AuthBasic
	In        string `json:"in,omitempty"`
	ParamName string `json:"paramName,omitempty"`
	// Env or File is the document's source of the keys (apiKey), JWKS
	// (jwt) or users (basic); both "" when it gives none, and the gateway
	// needs one at start-up.
	Env        string        `json:"env,omitempty"`
	File       string        `json:"file,omitempty"`
	Issuer     string        `json:"issuer,omitempty"`
	Audience   string        `json:"audience,omitempty"`
	Leeway     time.Duration `json:"leeway,omitempty"`
	Algorithms []string      `json:"algorithms,omitempty"` // nil: the runtime's default list
	Keep       bool          `json:"keep,omitempty"`
	Forward    bool          `json:"forward,omitempty"`
	OIDC       bool          `json:"oidc,omitempty"` // an openIdConnect scheme, checked as a JWT scheme
	// auth2: a JWKS fetched from URL, or from the jwks_uri of the OpenID
	// configuration at Discovery (an openIdConnect scheme's
	// openIdConnectUrl, when no other source is given); Refresh and
	// MinRefetch 0 for the runtime's defaults.
	URL        string        `json:"url,omitempty"`
	Discovery  string        `json:"discovery,omitempty"`
	Refresh    time.Duration `json:"refresh,omitempty"`
	MinRefetch time.Duration `json:"minRefetch,omitempty"`
	// auth2: ConsumerHeader carries the consumer upstream instead of
	// X-Consumer (Forward); Claims are a token's claims sent upstream.
	ConsumerHeader string        `json:"consumerHeader,omitempty"`
	Claims         []ClaimHeader `json:"claims,omitempty"`
	// auth2: the document's source of the HMAC secret of HS* (names,
	// never the secret).
	SecretEnv  string `json:"secretEnv,omitempty"`
	SecretFile string `json:"secretFile,omitempty"`
	// auth2: AuthIntrospect's endpoint and client id; Env or File is its
	// client secret.
	IntrospectionURL string   `json:"introspectionUrl,omitempty"`
	ClientID         string   `json:"clientId,omitempty"`
	Pos              diag.Pos `json:"pos,omitempty"`
	// policy: RolesClaim is a claim of an http bearer token whose values
	// count, beside scope and scp, as the roles an OpenAPI 3.1
	// requirement lists.
	RolesClaim string `json:"rolesClaim,omitempty"`
}

// ClaimHeader sends a verified token's claim upstream in a header, and
// keeps it in the request's state; with Header "" it is only kept (a
// rate-limit key reads it).
type ClaimHeader struct {
	Claim  string `json:"claim"`
	Header string `json:"header"`
}

// Auth is an operation's security requirement, compiled: any one of
// Alternatives passes it. A nil Alternatives with Public set is security: [].
type Auth struct {
	Public bool `json:"public,omitempty"`
	// Alternatives in the document's order, an empty one (auth optional)
	// moved last so that a credential sent is still verified.
	Alternatives []AuthAlternative `json:"alternatives,omitempty"`
	// Unenforceable counts alternatives dropped because a scheme of theirs
	// is of a type the gateway does not enforce yet; they never pass.
	Unenforceable int `json:"unenforceable,omitempty"`
	// Func names the Gateway method that checks the requirement. It is
	// shared by every operation whose Alternatives are the same (shared
	// authorize functions): a document whose operations all take the
	// root's requirement gets one function, not one per operation.
	Func string `json:"func,omitempty"`
}

// AuthAlternative is one alternative: every check in it must pass.
type AuthAlternative []AuthCheck

// AuthCheck is one scheme of an alternative.
type AuthCheck struct {
	Scheme int      `json:"scheme"` // index in API.AuthSchemes
	Scopes []string `json:"scopes,omitempty"`
}

// Upstream is a named pool of targets.
type Upstream struct {
	Name    string        `json:"name,omitempty"`
	GoName  string        `json:"goName,omitempty"` // field name in the generated Gateway struct
	Targets []Target      `json:"targets,omitempty"`
	Balance string        `json:"balance,omitempty"` // one of balance.Policies
	Timeout time.Duration `json:"timeout,omitempty"`
	Pos     diag.Pos      `json:"pos,omitempty"`
	// HashKey is what balance hash hashes: Kind header, cookie, query or
	// client-ip, and the Name of the first three.
	HashKey *HashKey `json:"hashKey,omitempty"`
	Retries *Retries `json:"retries,omitempty"`
	Health  *Health  `json:"health,omitempty"`
	Passive *Passive `json:"passive,omitempty"`
	// ClientHost sends the client's Host rather than the target's.
	ClientHost      bool  `json:"clientHost,omitempty"`
	MaxResponseBody int64 `json:"maxResponseBody,omitempty"`
	MaxInFlight     int64 `json:"maxInFlight,omitempty"` // 0: no cap
	// TLS to https targets: files and a name; nil for the defaults.
	TLS *UpstreamTLS `json:"tls,omitempty"`
}

// UpstreamTLS is how https targets are called.
type UpstreamTLS struct {
	CAFile     string `json:"caFile,omitempty"`
	ServerName string `json:"serverName,omitempty"`
	CertFile   string `json:"certFile,omitempty"`
	KeyFile    string `json:"keyFile,omitempty"`
}

// HashKey names the part of a request an upstream's hash balancer hashes.
type HashKey struct {
	Kind string `json:"kind"`
	Name string `json:"name,omitempty"`
}

// Retries says when a failed upstream call is tried again on another
// target: Attempts retries at most, statuses On (connect errors always),
// within Budget (a share of calls), pausing Backoff on average.
type Retries struct {
	Attempts int           `json:"attempts"`
	Budget   float64       `json:"budget,omitempty"` // 0: the runtime's default
	On       []int         `json:"on,omitempty"`
	Backoff  time.Duration `json:"backoff,omitempty"`
}

// Health is an upstream's active probes; zero durations and counts are the
// runtime's defaults.
type Health struct {
	Path      string        `json:"path"`
	Interval  time.Duration `json:"interval,omitempty"`
	Timeout   time.Duration `json:"timeout,omitempty"`
	Healthy   int           `json:"healthy,omitempty"`
	Unhealthy int           `json:"unhealthy,omitempty"`
}

// Passive is an upstream's outlier ejection; zero Eject and MaxEjected are
// the runtime's defaults.
type Passive struct {
	ConsecutiveFailures int           `json:"consecutiveFailures"`
	Eject               time.Duration `json:"eject,omitempty"`
	MaxEjected          float64       `json:"maxEjected,omitempty"`
}

// Target is one backend.
type Target struct {
	URL    string `json:"url,omitempty"`
	Weight int    `json:"weight,omitempty"`
}

// Operation is one method on one path template.
type Operation struct {
	GoName      string `json:"goName,omitempty"`      // exported Go name, e.g. GetPet
	OperationID string `json:"operationId,omitempty"` // as written, may be ""
	Method      string `json:"method,omitempty"`      // upper case
	Path        string `json:"path,omitempty"`        // template below the base path
	// RoutePrefix is the part of the operation's own base path, from the
	// servers of the operation or its path item, that lies below the API's
	// BasePath; "" when it has none of its own. Clients send it before
	// Path; the upstream gets Path, below its own base.
	RoutePrefix string   `json:"routePrefix,omitempty"`
	Summary     string   `json:"summary,omitempty"`
	Description string   `json:"description,omitempty"`
	Tags        []string `json:"tags,omitempty"`
	Deprecated  bool     `json:"deprecated,omitempty"`
	// Security is the requirement that applies, the operation's own or the
	// document's: any one alternative must pass. Empty (not nil) when the
	// operation is public (security: []); nil when neither declares one.
	Security []Requirement `json:"security"`
	// Auth is what the gateway enforces of Security; nil when neither the
	// operation nor the document declares a requirement.
	Auth       *Auth         `json:"auth,omitempty"`
	Params     []*Param      `json:"params,omitempty"`     // path, query, header, cookie; in that order, then by name
	PathParams []string      `json:"pathParams,omitempty"` // names of the path template's parameters in order of appearance
	Body       *Body         `json:"body,omitempty"`       // nil when the operation takes none
	Upstream   string        `json:"upstream,omitempty"`   // "" when none is configured (mock-only)
	Rewrite    []PathPart    `json:"rewrite,omitempty"`
	Timeout    time.Duration `json:"timeout,omitempty"`
	MaxBody    int64         `json:"maxBody,omitempty"`
	Mock       bool          `json:"mock,omitempty"` // answer from examples even when the gateway is not in mock mode
	MockReply  *Reply        `json:"mockReply,omitempty"`
	Responses  []*Response   `json:"responses,omitempty"`
	// ResponseCheck says how the upstream's answers are checked against
	// Responses; nil when they are not (x-gateway response-validation).
	ResponseCheck *ResponseCheck `json:"responseCheck,omitempty"`
	// RateLimits must all admit a request (x-gateway rate-limit); nil when
	// the operation is not limited.
	RateLimits []*RateLimit `json:"rateLimits,omitempty"`
	// MaxInFlight caps the operation's requests served at once (x-gateway
	// limits.max-in-flight); 0: no cap.
	MaxInFlight int64 `json:"maxInFlight,omitempty"`
	// CORS is the operation's cross-origin policy (x-gateway cors); nil
	// when it has none and the gateway leaves CORS alone.
	CORS *CORS `json:"cors,omitempty"`
	// Sample is the request the generated tests and benchmarks send.
	Sample *Sample  `json:"sample,omitempty"`
	Pos    diag.Pos `json:"pos,omitempty"`
	// Cache is the operation's response caching; nil when it is not
	// cached (x-gateway cache).
	Cache *Cache `json:"cache,omitempty"`
	// Transform changes the request before it is proxied and the answer
	// after; nil when nothing is changed.
	Transform *Transform `json:"transform,omitempty"`
	// shared parameter decoders: ParamsOf is the GoName of an earlier
	// operation whose parameters decode exactly as this one's do (same
	// parameters, same path positions); this operation's parameter type
	// is then that one's under another name. "" when it has its own.
	ParamsOf string `json:"paramsOf,omitempty"`
	// Twins are the later operations of the same method whose path
	// templates differ from this one's only in parameter names, which
	// OpenAPI forbids and published documents do (/a/{id} and /a/{name});
	// TwinOf is set on each of them. The router reaches this operation
	// only: a request whose path values its path parameters refuse and a
	// twin's accept is that twin's.
	Twins  []*Operation `json:"-"`
	TwinOf *Operation   `json:"-"`
}

// Transform is an operation's request-headers, response-headers and
// request-query.
type Transform struct {
	RequestSet     []Assign `json:"requestSet,omitempty"`
	RequestAdd     []Assign `json:"requestAdd,omitempty"`
	RequestRemove  []string `json:"requestRemove,omitempty"`
	ResponseSet    []Assign `json:"responseSet,omitempty"`
	ResponseAdd    []Assign `json:"responseAdd,omitempty"`
	ResponseRemove []string `json:"responseRemove,omitempty"`
	QuerySet       []Assign `json:"querySet,omitempty"`
	QueryAdd       []Assign `json:"queryAdd,omitempty"`
	QueryRemove    []string `json:"queryRemove,omitempty"`
}

// Assign is a header field or query parameter a transform sets or adds,
// and its value: literal parts and variables of the request, in order.
type Assign struct {
	Name  string      `json:"name"`
	Value []ValuePart `json:"value"`
}

// ValuePart is literal text (Var "") or a variable of the request: Var
// path (Param is the index into PathParams), query and header (Name),
// consumer, request-id or method.
type ValuePart struct {
	Lit   string `json:"lit,omitempty"`
	Var   string `json:"var,omitempty"`
	Name  string `json:"name,omitempty"`
	Param int    `json:"param,omitempty"`
}

// Cache is one operation's response caching. A zero duration is none.
type Cache struct {
	TTL         time.Duration `json:"ttl,omitempty"`
	Vary        []string      `json:"vary,omitempty"`  // canonical header names
	Query       []string      `json:"query,omitempty"` // the parameters in the key, when not QueryAll
	QueryAll    bool          `json:"queryAll,omitempty"`
	PerConsumer bool          `json:"perConsumer,omitempty"`
	SWR         time.Duration `json:"staleWhileRevalidate,omitempty"`
	SIE         time.Duration `json:"staleIfError,omitempty"`
}

// Webhook is one request the API sends: a 3.1 webhook, or a callback of an
// operation (Operation names it, Expression is the runtime expression of
// the URL it is sent to).
type Webhook struct {
	Name        string      `json:"name"`
	Operation   string      `json:"operation,omitempty"`
	Expression  string      `json:"expression,omitempty"`
	Method      string      `json:"method"`
	Summary     string      `json:"summary,omitempty"`
	Description string      `json:"description,omitempty"`
	Body        []*Media    `json:"body,omitempty"`      // what it sends, per media type; JSON ones with their schema
	Responses   []*Response `json:"responses,omitempty"` // what it expects back
	Pos         diag.Pos    `json:"pos,omitempty"`
}

// CORS is one operation's cross-origin policy, every list decided: the
// preflight of its path and method is answered from it alone.
type CORS struct {
	Origins     []string      `json:"origins"`           // lower case, or "*"
	Methods     []string      `json:"methods"`           // the path's methods that allow CORS, in route order
	Headers     []string      `json:"headers,omitempty"` // request headers a page may send, sorted
	Expose      []string      `json:"expose,omitempty"`  // response headers a page may read
	MaxAge      time.Duration `json:"maxAge,omitempty"`
	Credentials bool          `json:"credentials,omitempty"`
}

// Sample is a request made of the values lower found in the document for
// an operation's parameters and body.
type Sample struct {
	Path        string      `json:"path,omitempty"`  // below the base path, parameters filled in
	Query       string      `json:"query,omitempty"` // without "?"
	Headers     []NameValue `json:"headers,omitempty"`
	Cookies     []NameValue `json:"cookies,omitempty"`
	Body        string      `json:"body,omitempty"`
	ContentType string      `json:"contentType,omitempty"` // "" when no body is sent
	// ParamsComplete: every required parameter has a value. Complete: so
	// has a required body, and the gateway must accept the request (the
	// generated tests assert it). Missing names what has none otherwise.
	ParamsComplete bool   `json:"paramsComplete,omitempty"`
	Complete       bool   `json:"complete,omitempty"`
	Missing        string `json:"missing,omitempty"`
}

// NameValue is a header or cookie of a Sample.
type NameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// RateLimit is one rate limit of an operation: Count requests per Period,
// Burst at once, counted per distinct Key.
type RateLimit struct {
	Name   string        `json:"name"` // unique within the operation
	Count  int64         `json:"count"`
	Period time.Duration `json:"period"`
	Burst  int64         `json:"burst"`
	Key    []RateKey     `json:"key"`
	Shared bool          `json:"shared,omitempty"` // counted in Redis
	// DenyOnStoreError refuses requests while Redis cannot be reached.
	DenyOnStoreError bool     `json:"denyOnStoreError,omitempty"`
	Pos              diag.Pos `json:"pos,omitempty"`
}

// RateKey is one part of a limit's key: Kind is "client-ip", "consumer",
// "header" or "claim" (with Name); api-key is lowered to consumer or
// client-ip.
type RateKey struct {
	Kind string `json:"kind"`
	Name string `json:"name,omitempty"`
}

// ResponseCheck is the response validation of one proxied operation.
type ResponseCheck struct {
	Sample  float64 `json:"sample,omitempty"`  // share of responses checked, in (0, 1]
	MaxBody int64   `json:"maxBody,omitempty"` // larger bodies are counted, not checked
}

// PathPart is a piece of the upstream path: a literal or a path parameter.
type PathPart struct {
	Literal string `json:"literal,omitempty"`
	Param   string `json:"param,omitempty"` // path parameter name when Literal is ""
}

// Param locations.
const (
	InPath   = "path"
	InQuery  = "query"
	InHeader = "header"
	InCookie = "cookie"
)

// Param is one decoded parameter.
type Param struct {
	Name        string `json:"name,omitempty"`
	In          string `json:"in,omitempty"`
	GoName      string `json:"goName,omitempty"` // field name in the operation's parameter struct
	Description string `json:"description,omitempty"`
	Required    bool   `json:"required,omitempty"`
	Shape       Shape  `json:"shape,omitempty"`
	Style       string `json:"style,omitempty"` // simple, form, label, matrix, spaceDelimited, pipeDelimited, deepObject; "" for content and unchecked
	Explode     bool   `json:"explode,omitempty"`
	// AllowEmptyValue: a query parameter given with an empty value is
	// accepted as given without a value (no check, no default).
	AllowEmptyValue bool `json:"allowEmptyValue,omitempty"`
	// AllowReserved: a query value may carry RFC 3986 reserved characters
	// unencoded; when false they must be percent-encoded.
	AllowReserved bool   `json:"allowReserved,omitempty"`
	ContentType   string `json:"contentType,omitempty"` // the media type of a content parameter (ShapeJSON, ShapeText)
	// Validate: a primitive whose schema has applicators (allOf, anyOf,
	// oneOf, not, if) or a $ref chain through them, or an array whose items
	// schema has them. After decoding, the value (each item) is checked by
	// the schema's (the items schema's) JSON validator, as the token Token
	// says its text becomes.
	Validate bool   `json:"validate,omitempty"`
	Token    *Field `json:"token,omitempty"`
	// PropTokens, for ShapeObject, runs parallel to Schema.Properties: for
	// a property whose schema has applicators, the token its text becomes
	// for the property schema's JSON validator, which checks it after its
	// type; nil for a property its own keywords check.
	PropTokens []*Field `json:"propTokens,omitempty"`
	// NestedProps, for a deepObject ShapeObject, names the declared
	// properties whose schema admits an object or array (checked as any
	// string, see Schema): a nested key p[prop][x], which OpenAPI does not
	// define but Rails, qs and PHP read, passes for them unread. Under any
	// other property it is refused: the upstream would take for the
	// property a value its checks never saw. NestedOthers says the same of
	// undeclared properties (additionalProperties absent, or admitting an
	// object or array).
	NestedProps  []string `json:"nestedProps,omitempty"`
	NestedOthers bool     `json:"nestedOthers,omitempty"`
	Schema       *Schema  `json:"schema,omitempty"`  // for ShapeObject: primitive properties only, at most MaxObjectProps
	Example      string   `json:"example,omitempty"` // a valid value as sent: the path segment (escaped), the query fragment ("a=1&a=2"), the header or cookie value; "" when none is known
	Pos          diag.Pos `json:"pos,omitempty"`
	// Union: the parameter's schema has no type of its own, and a branch
	// of its allOf/anyOf/oneOf is the array (or object) the value is read
	// as; Schema is that branch. Union is the whole schema: a value that
	// may also be a scalar (sku_ids=x for oneOf [string, array]; created=5
	// beside created[gt]=5) is first checked as one, the token UnionToken
	// says its text becomes, by Union's JSON validator. An array is a
	// scalar when it is sent as one value (one pair when exploded); an
	// object in deepObject when the name is sent without a property.
	Union      *Schema `json:"union,omitempty"`
	UnionToken *Field  `json:"unionToken,omitempty"`
}

// Shape is how a parameter is decoded.
type Shape string

const (
	ShapePrimitive Shape = "primitive" // one string, number, integer or boolean
	ShapeArray     Shape = "array"     // items are primitives, held in the request.State arenas
	ShapeObject    Shape = "object"    // name/value pairs checked as parsed; the raw value is kept
	ShapeJSON      Shape = "json"      // content: a JSON media type, checked by the schema's validator
	ShapeText      Shape = "text"      // content: another media type, passed as a string
	ShapeUnchecked Shape = "unchecked" // not compiled: present or not, the raw value passes
)

// MaxObjectProps is the largest number of declared properties an object
// parameter is checked for (a decoder tracks them in one uint64).
const MaxObjectProps = 64

// Location is how errors name the parameter: "query.limit".
func (p *Param) Location() string { return p.In + "." + p.Name }

// Body is a request body.
type Body struct {
	// Gate is the generated function that reads and checks the body;
	// operations whose bodies are checked alike share one.
	Gate     string   `json:"gate,omitempty"`
	Required bool     `json:"required,omitempty"`
	Media    []*Media `json:"media,omitempty"` // in the order a request's type is matched: exact types by name, then ranges, the most specific first
	Pos      diag.Pos `json:"pos,omitempty"`
}

// Media is one declared content type of a body.
type Media struct {
	ContentType string `json:"contentType,omitempty"` // lower case, without parameters; may be a range like application/*
	Range       bool   `json:"range,omitempty"`       // ContentType is a range (type/* or */*); set for request bodies
	JSON        bool   `json:"json,omitempty"`        // application/json or +json: validated by the schema
	// Kind says how the body is read: MediaJSON, MediaForm, MediaMultipart,
	// MediaText, MediaBinary, or "" for a media type accepted by its
	// content type alone.
	Kind string `json:"kind,omitempty"`
	// Schema is what the body's generated validator checks: the JSON body
	// itself; for MediaForm and MediaMultipart the JSON object the fields
	// are transcoded into (a binary property stands there as "" and its
	// schema is {}, its bytes being checked by its Field); for MediaText the
	// one JSON value the text becomes; for a range (Kind "", */* or
	// application/*) a body of a JSON media type it covers. Nil for
	// MediaBinary.
	Schema     *Schema  `json:"schema,omitempty"`
	Example    string   `json:"example,omitempty"`    // the document's example body (compact JSON), "" when none
	Fields     []*Field `json:"fields,omitempty"`     // MediaForm, MediaMultipart: how each known property is transcoded, sorted by name
	Extra      *Field   `json:"extra,omitempty"`      // MediaForm, MediaMultipart: how the others are, from additionalProperties; nil: as strings
	Text       *Field   `json:"text,omitempty"`       // MediaText: which JSON tokens the text may become
	MaxBytes   int64    `json:"maxBytes,omitempty"`   // MediaBinary: the schema's maxLength, in bytes; 0 when none
	Sample     string   `json:"sample,omitempty"`     // a valid body of this media type for generated tests, "" when none is known
	SampleType string   `json:"sampleType,omitempty"` // the Content-Type to send Sample with (a multipart boundary included)
}

// Media kinds.
const (
	MediaJSON      = "json"
	MediaForm      = "form"      // application/x-www-form-urlencoded
	MediaMultipart = "multipart" // multipart/form-data
	MediaText      = "text"      // text/plain
	MediaBinary    = "binary"    // application/octet-stream and other binary schemas: size only
)

// Field is how one property of a form or multipart body becomes JSON, as
// its schema and the media type's encoding say.
type Field struct {
	Name    string `json:"name,omitempty"`
	Number  bool   `json:"number,omitempty"`  // a text in JSON's number grammar becomes a number
	Boolean bool   `json:"boolean,omitempty"` // "true"/"false" become booleans
	Null    bool   `json:"null,omitempty"`    // "null" becomes null
	JSON    bool   `json:"json,omitempty"`    // the value is a JSON document (encoding contentType application/json)
	Binary  bool   `json:"binary,omitempty"`  // a file: size and content type are checked, not the bytes
	Array   bool   `json:"array,omitempty"`   // repeated keys or parts are the items
	// Sep splits one urlencoded value into array items: "," (style form,
	// explode false), " " (spaceDelimited), "|" (pipeDelimited); "" when
	// each item has its own key.
	Sep string `json:"sep,omitempty"`
	// Deep: a field sent in style deepObject, an object (color[R]=100) or,
	// with Array, an array (tags[]=a, tags[0]=a, or tags=a repeated). Sep
	// on a field that is not an Array: an object sent as names and values
	// in one value, color=R,100,G,200 (style form, spaceDelimited or
	// pipeDelimited without explode). Such an object field's properties
	// are typed by Props (sorted), the others by the field's own kinds
	// (from additionalProperties). Below a Sep field Props carry a Name and
	// kinds only; below a Deep field, which reads nested keys beyond
	// OpenAPI's one level (shipping[address][city], items[0][price]=p),
	// they are full plans, Object marking an object (each item's, for an
	// Array) and Array an array. Scalar, on a Deep field or its Props, or
	// on an Array, is how a plain value is typed when the schema admits
	// one beside the object or array (anyOf: [{type: object}, {enum:
	// [""]}]); nil when it does not.
	Deep     bool     `json:"deep,omitempty"`
	Props    []Field  `json:"props,omitempty"`
	Object   bool     `json:"object,omitempty"`
	Scalar   *Field   `json:"scalar,omitempty"`
	String   bool     `json:"string,omitempty"`   // Scalar only: the plain value may be a string
	Types    []string `json:"types,omitempty"`    // multipart: media types (or ranges) a part may declare; nil allows any
	MaxBytes int64    `json:"maxBytes,omitempty"` // binary: the schema's maxLength, in bytes
}

// Response is one declared response, for docs, mocks and response checks.
type Response struct {
	Status      string `json:"status,omitempty"` // "200", "4XX", "default"
	Description string `json:"description,omitempty"`
	ContentType string `json:"contentType,omitempty"`
	// Media are the declared content types, sorted, JSON ones with their
	// schemas; always lowered (the portal shows them), checked only when
	// the operation has a ResponseCheck.
	Media []*Media `json:"media,omitempty"`
	Pos   diag.Pos `json:"pos,omitempty"`
}

// Reply is a canned response for mock mode.
type Reply struct {
	Status      int    `json:"status,omitempty"`
	ContentType string `json:"contentType,omitempty"`
	Body        string `json:"body,omitempty"` // JSON text, compact
}

// Type is a set of JSON types.
type Type uint8

const (
	TNull Type = 1 << iota
	TBoolean
	TObject
	TArray
	TNumber
	TString
	TInteger          // a number with no fractional part
	TAny     Type = 0 // no type keyword: anything
)

// Has reports whether t includes u. TNumber includes TInteger.
func (t Type) Has(u Type) bool {
	if t == TAny {
		return true
	}
	if u == TInteger && t&TNumber != 0 {
		return true
	}
	return t&u != 0
}

// Schema is a compiled JSON schema node. A node with Ref set stands for the
// named schema of that name and has no other constraint.
type Schema struct {
	Ref    string `json:"ref,omitempty"`    // GoName of a named schema
	GoName string `json:"goName,omitempty"` // set on named schemas (API.Schemas)
	Name   string `json:"name,omitempty"`   // components name of a named schema
	Scope  string `json:"scope,omitempty"`  // on a named schema lowered more than once for $dynamicRef: the bindings of this one

	// Title and Description document the schema (Markdown) for the portal;
	// they never change how a value is checked, so two schemas that
	// differ only in them share a validator.
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`

	False     bool     `json:"false,omitempty"` // the schema false: no value is valid
	Type      Type     `json:"type,omitempty"`
	Format    string   `json:"format,omitempty"`    // checked when it is one of the formats the runtime knows; others are annotations
	Enum      []string `json:"enum,omitempty"`      // canonical JSON of each allowed value
	Const     bool     `json:"const,omitempty"`     // Enum is the one value of the schema's const: a violation is reported as const's
	Default   string   `json:"default,omitempty"`   // canonical JSON, "" when absent
	Example   string   `json:"example,omitempty"`   // canonical JSON, "" when absent
	ReadOnly  bool     `json:"readOnly,omitempty"`  // a property whose schema says so is rejected in a request
	WriteOnly bool     `json:"writeOnly,omitempty"` // a property whose schema says so is rejected in a response

	// numbers
	Minimum          *float64 `json:"minimum,omitempty"`
	Maximum          *float64 `json:"maximum,omitempty"`
	ExclusiveMinimum bool     `json:"exclusiveMinimum,omitempty"` // Minimum itself is excluded
	ExclusiveMaximum bool     `json:"exclusiveMaximum,omitempty"`
	MultipleOf       *float64 `json:"multipleOf,omitempty"`

	// strings; lengths count code points
	MinLength *int64 `json:"minLength,omitempty"`
	MaxLength *int64 `json:"maxLength,omitempty"`
	Pattern   string `json:"pattern,omitempty"`

	// arrays
	PrefixItems []*Schema `json:"prefixItems,omitempty"` // the first items, one schema each
	Items       *Schema   `json:"items,omitempty"`       // every item after PrefixItems
	MinItems    *int64    `json:"minItems,omitempty"`
	MaxItems    *int64    `json:"maxItems,omitempty"`
	UniqueItems bool      `json:"uniqueItems,omitempty"`
	Contains    *Schema   `json:"contains,omitempty"`
	MinContains *int64    `json:"minContains,omitempty"` // nil: 1 when Contains is set
	MaxContains *int64    `json:"maxContains,omitempty"`

	// objects
	Properties []*Property `json:"properties,omitempty"` // sorted by name
	Required   []string    `json:"required,omitempty"`   // sorted
	// RequestRequired and ResponseRequired are Required less the readOnly
	// properties (a request does not send them) and less the writeOnly ones
	// (a response does not); set, possibly empty, when Required is not.
	RequestRequired      []string    `json:"requestRequired,omitempty"`
	ResponseRequired     []string    `json:"responseRequired,omitempty"`
	AdditionalProperties *Schema     `json:"additionalProperties,omitempty"` // nil: any additional property is allowed
	NoAdditional         bool        `json:"noAdditional,omitempty"`         // additionalProperties: false
	MinProperties        *int64      `json:"minProperties,omitempty"`
	MaxProperties        *int64      `json:"maxProperties,omitempty"`
	PatternProperties    []*Property `json:"patternProperties,omitempty"` // Name is the pattern; in document order
	PropertyNames        *Schema     `json:"propertyNames,omitempty"`
	DependentRequired    []*Depend   `json:"dependentRequired,omitempty"` // sorted by Name
	DependentSchemas     []*Property `json:"dependentSchemas,omitempty"`  // sorted by Name

	// Applicators over the same value.
	AllOf []*Schema `json:"allOf,omitempty"`
	AnyOf []*Schema `json:"anyOf,omitempty"`
	OneOf []*Schema `json:"oneOf,omitempty"`
	Not   *Schema   `json:"not,omitempty"`
	If    *Schema   `json:"if,omitempty"`
	Then  *Schema   `json:"then,omitempty"`
	Else  *Schema   `json:"else,omitempty"`
	// Discriminator, when set with OneOf or AnyOf, picks the one branch to
	// check from the value of a property instead of trying every branch.
	Discriminator *Discriminator `json:"discriminator,omitempty"`

	// unevaluatedProperties and unevaluatedItems (JSON Schema 2020-12):
	// members no other keyword of this schema or of a passing subschema
	// applied to the same value looked at.
	UnevaluatedProperties *Schema `json:"unevaluatedProperties,omitempty"`
	UnevaluatedItems      *Schema `json:"unevaluatedItems,omitempty"`

	Pos diag.Pos `json:"pos,omitempty"`
}

// Depend is one dependentRequired entry: when Name is present, so must
// Required be.
type Depend struct {
	Name     string   `json:"name,omitempty"`
	Required []string `json:"required,omitempty"`
}

// Discriminator maps values of a property to the branch that checks them.
type Discriminator struct {
	Property string     `json:"property,omitempty"`
	Mapping  []*Mapping `json:"mapping,omitempty"` // sorted by Value
	// Fallback: a value that selects no branch, or no value, is checked
	// against the last branch instead of being rejected (a base schema and
	// its allOf subtypes).
	Fallback bool `json:"fallback,omitempty"`
}

// Mapping is one discriminator value and the index of its branch in OneOf
// (or AnyOf).
type Mapping struct {
	Value  string `json:"value,omitempty"`
	Branch int    `json:"branch"`
}

// Property is one named property of an object schema.
type Property struct {
	Name   string  `json:"name,omitempty"`
	Schema *Schema `json:"schema,omitempty"`
}

// Node is one segment of the route tree. The root stands for the empty path
// before the first "/".
type Node struct {
	GoName   string   `json:"goName,omitempty"`   // unique, for the generated function
	Literal  string   `json:"literal,omitempty"`  // the segment text for a literal child
	Param    bool     `json:"param,omitempty"`    // a parameter child: the segment is Prefix + value (+ Seps[i] + value)… + Suffix
	Prefix   string   `json:"prefix,omitempty"`   // literal text before the first parameter within the segment
	Suffix   string   `json:"suffix,omitempty"`   // literal text after the last
	Seps     []string `json:"seps,omitempty"`     // literal text between consecutive parameters; the node binds len(Seps)+1
	Literals []*Node  `json:"literals,omitempty"` // sorted by Literal
	Params   []*Node  `json:"params,omitempty"`   // parameter children, tried after the literals fail, most specific first
	Methods  []Route  `json:"methods,omitempty"`  // operations ending at this node, sorted by method
	Allow    string   `json:"allow,omitempty"`    // the Allow header value for a 405 here
}

// LiteralLen is how much literal text a parameter node's segment holds
// around and between its parameters: the more, the more specific.
func (n *Node) LiteralLen() int {
	l := len(n.Prefix) + len(n.Suffix)
	for _, s := range n.Seps {
		l += len(s)
	}
	return l
}

// Shape is a parameter node's segment with its parameters blanked:
// "{}-{}.zip".
func (n *Node) Shape() string {
	s := n.Prefix + "{}"
	for _, sep := range n.Seps {
		s += sep + "{}"
	}
	return s + n.Suffix
}

// Route binds a method at a node to an operation.
type Route struct {
	Method string     `json:"method,omitempty"`
	Op     *Operation `json:"-"` // also in API.Operations; the route tree names it by method only
}

// typeNames are the JSON type names of Type's bits, in bit order.
var typeNames = [...]string{"null", "boolean", "object", "array", "number", "string", "integer"}

// String is the set as JSON Schema writes it: "string", or
// "string|null" for several; "" for TAny.
func (t Type) String() string {
	var out []byte
	for i, name := range typeNames {
		if t&(1<<i) != 0 {
			if len(out) > 0 {
				out = append(out, '|')
			}
			out = append(out, name...)
		}
	}
	return string(out)
}

// MarshalJSON writes the set by name, so that `gatewaygen ir` reads
// "type": "string|null" rather than a bit mask.
func (t Type) MarshalJSON() ([]byte, error) { return []byte(`"` + t.String() + `"`), nil }

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
	Name           string        `json:"name,omitempty"` // Go package name, also the binary's prefix
	Title          string        `json:"title,omitempty"`
	Version        string        `json:"version,omitempty"`  // info.version
	OpenAPI        string        `json:"openAPI,omitempty"`  // "3.0" or "3.1": which schema semantics apply
	Source         string        `json:"source,omitempty"`   // the spec path as given, for the generated header
	BasePath       string        `json:"basePath,omitempty"` // "" or a path like "/v1" with no trailing slash
	Listen         string        `json:"listen,omitempty"`
	MaxHeaderBytes int64         `json:"maxHeaderBytes,omitempty"`
	Timeout        time.Duration `json:"timeout,omitempty"` // connection read/write deadline; 0 = runtime default
	MaxBody        int64         `json:"maxBody,omitempty"` // the largest MaxBody of any operation
	Upstreams      []*Upstream   `json:"upstreams,omitempty"`
	Operations     []*Operation  `json:"operations,omitempty"` // sorted by path, then method
	Routes         *Node         `json:"routes,omitempty"`
	MaxPathParams  int           `json:"maxPathParams,omitempty"`
	Schemas        []*Schema     `json:"schemas,omitempty"` // named schemas referenced by operations, sorted by GoName
}

// Upstream is a named pool of targets.
type Upstream struct {
	Name    string        `json:"name,omitempty"`
	GoName  string        `json:"goName,omitempty"` // field name in the generated Gateway struct
	Targets []Target      `json:"targets,omitempty"`
	Balance string        `json:"balance,omitempty"`
	Timeout time.Duration `json:"timeout,omitempty"`
	Pos     diag.Pos      `json:"pos,omitempty"`
}

// Target is one backend.
type Target struct {
	URL    string `json:"url,omitempty"`
	Weight int    `json:"weight,omitempty"`
}

// Operation is one method on one path template.
type Operation struct {
	GoName      string        `json:"goName,omitempty"`      // exported Go name, e.g. GetPet
	OperationID string        `json:"operationID,omitempty"` // as written, may be ""
	Method      string        `json:"method,omitempty"`      // upper case
	Path        string        `json:"path,omitempty"`        // template below the base path
	Summary     string        `json:"summary,omitempty"`
	Description string        `json:"description,omitempty"`
	Tags        []string      `json:"tags,omitempty"`
	Deprecated  bool          `json:"deprecated,omitempty"`
	Params      []*Param      `json:"params,omitempty"`     // path, query, header, cookie; in that order, then by name
	PathParams  []string      `json:"pathParams,omitempty"` // names of the path template's parameters in order of appearance
	Body        *Body         `json:"body,omitempty"`       // nil when the operation takes none
	Upstream    string        `json:"upstream,omitempty"`   // "" when none is configured (mock-only)
	Rewrite     []PathPart    `json:"rewrite,omitempty"`
	Timeout     time.Duration `json:"timeout,omitempty"`
	MaxBody     int64         `json:"maxBody,omitempty"`
	Mock        bool          `json:"mock,omitempty"` // answer from examples even when the gateway is not in mock mode
	MockReply   *Reply        `json:"mockReply,omitempty"`
	Responses   []*Response   `json:"responses,omitempty"`
	// ResponseCheck says how the upstream's answers are checked against
	// Responses; nil when they are not (x-gateway response-validation).
	ResponseCheck *ResponseCheck `json:"responseCheck,omitempty"`
	Pos           diag.Pos       `json:"pos,omitempty"`
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
	Name        string   `json:"name,omitempty"`
	In          string   `json:"in,omitempty"`
	GoName      string   `json:"goName,omitempty"` // field name in the operation's parameter struct
	Description string   `json:"description,omitempty"`
	Required    bool     `json:"required,omitempty"`
	Style       string   `json:"style,omitempty"` // simple, form (the ones compiled so far)
	Explode     bool     `json:"explode,omitempty"`
	Schema      *Schema  `json:"schema,omitempty"`
	Example     string   `json:"example,omitempty"` // a valid serialized value, for generated tests and docs; "" when none is known
	Pos         diag.Pos `json:"pos,omitempty"`
}

// Location is how errors name the parameter: "query.limit".
func (p *Param) Location() string { return p.In + "." + p.Name }

// Body is a request body.
type Body struct {
	Required bool     `json:"required,omitempty"`
	Media    []*Media `json:"media,omitempty"` // sorted by content type
	Pos      diag.Pos `json:"pos,omitempty"`
}

// Media is one declared content type of a body.
type Media struct {
	ContentType string  `json:"contentType,omitempty"` // lower case, without parameters; may be a range like application/*
	JSON        bool    `json:"jSON,omitempty"`        // application/json or +json: validated by the schema
	Schema      *Schema `json:"schema,omitempty"`
	Example     string  `json:"example,omitempty"` // the document's example body (compact JSON), "" when none
}

// Response is one declared response, for docs, mocks and response checks.
type Response struct {
	Status      string `json:"status,omitempty"` // "200", "4XX", "default"
	Description string `json:"description,omitempty"`
	ContentType string `json:"contentType,omitempty"`
	// Media are the declared content types, sorted, with their schemas;
	// lowered only when the operation has a ResponseCheck.
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

	Type     Type     `json:"type,omitempty"`
	Format   string   `json:"format,omitempty"`
	Enum     []string `json:"enum,omitempty"`    // canonical JSON of each allowed value
	Default  string   `json:"default,omitempty"` // canonical JSON, "" when absent
	Example  string   `json:"example,omitempty"` // canonical JSON, "" when absent
	ReadOnly bool     `json:"readOnly,omitempty"`

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
	Items       *Schema `json:"items,omitempty"`
	MinItems    *int64  `json:"minItems,omitempty"`
	MaxItems    *int64  `json:"maxItems,omitempty"`
	UniqueItems bool    `json:"uniqueItems,omitempty"`

	// objects
	Properties           []*Property `json:"properties,omitempty"`           // sorted by name
	Required             []string    `json:"required,omitempty"`             // sorted
	AdditionalProperties *Schema     `json:"additionalProperties,omitempty"` // nil: any additional property is allowed
	NoAdditional         bool        `json:"noAdditional,omitempty"`         // additionalProperties: false
	MinProperties        *int64      `json:"minProperties,omitempty"`
	MaxProperties        *int64      `json:"maxProperties,omitempty"`

	Pos diag.Pos `json:"pos,omitempty"`
}

// Property is one named property of an object schema.
type Property struct {
	Name   string  `json:"name,omitempty"`
	Schema *Schema `json:"schema,omitempty"`
}

// Node is one segment of the route tree. The root stands for the empty path
// before the first "/".
type Node struct {
	GoName   string  `json:"goName,omitempty"`   // unique, for the generated function
	Literal  string  `json:"literal,omitempty"`  // the segment text for a literal child
	Param    bool    `json:"param,omitempty"`    // a parameter child: the segment is Prefix + value + Suffix
	Prefix   string  `json:"prefix,omitempty"`   // literal text before the parameter within the segment
	Suffix   string  `json:"suffix,omitempty"`   // literal text after it
	Literals []*Node `json:"literals,omitempty"` // sorted by Literal
	Params   []*Node `json:"params,omitempty"`   // parameter children, tried after the literals fail, most specific first
	Methods  []Route `json:"methods,omitempty"`  // operations ending at this node, sorted by method
	Allow    string  `json:"allow,omitempty"`    // the Allow header value for a 405 here
}

// Route binds a method at a node to an operation.
type Route struct {
	Method string     `json:"method,omitempty"`
	Op     *Operation `json:"-"` // also in API.Operations; the route tree names it by method only
}

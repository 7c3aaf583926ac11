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
	Name           string // Go package name, also the binary's prefix
	Title          string
	Version        string // info.version
	OpenAPI        string // "3.0" or "3.1": which schema semantics apply
	Source         string // the spec path as given, for the generated header
	BasePath       string // "" or a path like "/v1" with no trailing slash
	Listen         string
	MaxHeaderBytes int64
	Timeout        time.Duration // connection read/write deadline; 0 = runtime default
	MaxBody        int64         // the largest MaxBody of any operation
	Upstreams      []*Upstream
	Operations     []*Operation // sorted by path, then method
	Routes         *Node
	MaxPathParams  int
	Schemas        []*Schema // named schemas referenced by operations, sorted by GoName
}

// Upstream is a named pool of targets.
type Upstream struct {
	Name    string
	GoName  string // field name in the generated Gateway struct
	Targets []Target
	Balance string
	Timeout time.Duration
	Pos     diag.Pos
}

// Target is one backend.
type Target struct {
	URL    string
	Weight int
}

// Operation is one method on one path template.
type Operation struct {
	GoName      string // exported Go name, e.g. GetPet
	OperationID string // as written, may be ""
	Method      string // upper case
	Path        string // template below the base path
	Summary     string
	Description string
	Tags        []string
	Deprecated  bool
	Params      []*Param // path, query, header, cookie; in that order, then by name
	PathParams  []string // names of the path template's parameters in order of appearance
	Body        *Body    // nil when the operation takes none
	Upstream    string   // "" when none is configured (mock-only)
	Rewrite     []PathPart
	Timeout     time.Duration
	MaxBody     int64
	Mock        bool // answer from examples even when the gateway is not in mock mode
	MockReply   *Reply
	Responses   []*Response
	Pos         diag.Pos
}

// PathPart is a piece of the upstream path: a literal or a path parameter.
type PathPart struct {
	Literal string
	Param   string // path parameter name when Literal is ""
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
	Name        string
	In          string
	GoName      string // field name in the operation's parameter struct
	Description string
	Required    bool
	Style       string // simple, form (the ones compiled so far)
	Explode     bool
	Schema      *Schema
	Example     string // a valid serialized value, for generated tests and docs; "" when none is known
	Pos         diag.Pos
}

// Location is how errors name the parameter: "query.limit".
func (p *Param) Location() string { return p.In + "." + p.Name }

// Body is a request body.
type Body struct {
	Required bool
	Media    []*Media // sorted by content type
	Pos      diag.Pos
}

// Media is one declared content type of a body.
type Media struct {
	ContentType string // lower case, without parameters; may be a range like application/*
	JSON        bool   // application/json or +json: validated by the schema
	Schema      *Schema
}

// Response is one declared response, for docs and mocks.
type Response struct {
	Status      string // "200", "4XX", "default"
	Description string
	ContentType string
}

// Reply is a canned response for mock mode.
type Reply struct {
	Status      int
	ContentType string
	Body        string // JSON text, compact
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
	Ref    string // GoName of a named schema
	GoName string // set on named schemas (API.Schemas)
	Name   string // components name of a named schema

	Type     Type
	Format   string
	Enum     []string // canonical JSON of each allowed value
	Default  string   // canonical JSON, "" when absent
	Example  string   // canonical JSON, "" when absent
	ReadOnly bool

	// numbers
	Minimum, Maximum *float64
	ExclusiveMinimum bool // Minimum itself is excluded
	ExclusiveMaximum bool
	MultipleOf       *float64

	// strings; lengths count code points
	MinLength, MaxLength *int64
	Pattern              string

	// arrays
	Items              *Schema
	MinItems, MaxItems *int64
	UniqueItems        bool

	// objects
	Properties           []*Property // sorted by name
	Required             []string    // sorted
	AdditionalProperties *Schema     // nil: any additional property is allowed
	NoAdditional         bool        // additionalProperties: false
	MinProperties        *int64
	MaxProperties        *int64

	Pos diag.Pos
}

// Property is one named property of an object schema.
type Property struct {
	Name   string
	Schema *Schema
}

// Node is one segment of the route tree. The root stands for the empty path
// before the first "/".
type Node struct {
	GoName   string  // unique, for the generated function
	Literal  string  // the segment text for a literal child
	Param    bool    // a parameter child: the segment is Prefix + value + Suffix
	Prefix   string  // literal text before the parameter within the segment
	Suffix   string  // literal text after it
	Literals []*Node // sorted by Literal
	Params   []*Node // parameter children, tried after the literals fail, most specific first
	Methods  []Route // operations ending at this node, sorted by method
	Allow    string  // the Allow header value for a 405 here
}

// Route binds a method at a node to an operation.
type Route struct {
	Method string
	Op     *Operation
}

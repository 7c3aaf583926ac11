// Package gatewaygen is the root of the gatewaygen module. It holds no logic:
// it only embeds the sources a standalone gateway is built from, so that the
// gatewaygen binary can write a self-contained module anywhere without
// reading this repository from disk. See generator/module.
package gatewaygen

import "embed"

// Source holds runtime/** (including tests and testdata, which the copier
// skips), go.mod and go.sum, at their paths in this repository.
//
//go:embed runtime go.mod go.sum
var Source embed.FS

// Portal holds the developer portal's templates and assets (HTML, CSS and
// JavaScript), which generator/portal renders and copies into a portal.
//
//go:embed templates/portal
var Portal embed.FS

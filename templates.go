package gatewaygen

import "embed"

// Templates holds templates/**: text that is not Go code, rendered into a
// generated gateway's output (generator/deploy).
//
//go:embed templates
var Templates embed.FS

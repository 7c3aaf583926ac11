//go:build !race

package cors

import (
	"testing"

	"github.com/valyala/fasthttp"
)

func TestAllocs(t *testing.T) {
	var pre, actual fasthttp.RequestCtx
	pre.Request.Header.SetMethod("OPTIONS")
	pre.Request.Header.Set("Origin", "https://app.example.com")
	pre.Request.Header.Set("Access-Control-Request-Method", "POST")
	pre.Request.Header.Set("Access-Control-Request-Headers", "content-type, authorization")
	actual.Request.Header.Set("Origin", "https://app.example.com")
	actual.Response.Header.Set("Vary", "Accept-Encoding")
	for name, f := range map[string]func(){
		"preflight": func() { app.Preflight(&pre) },
		"allow":     func() { app.Allow(&actual) },
		"vary":      func() { Vary(&actual) },
	} {
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s: %v allocations, want 0", name, n)
		}
	}
}

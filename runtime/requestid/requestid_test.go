package requestid

import (
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

func isGenerated(id string) bool {
	if len(id) != 32 {
		return false
	}
	for _, c := range id {
		if !strings.ContainsRune(hexDigits, c) {
			return false
		}
	}
	return true
}

func TestEnsure(t *testing.T) {
	tests := []struct {
		name string
		in   *string // nil: header absent
		keep bool
	}{
		{"absent", nil, false},
		{"empty", ptr(""), false},
		{"valid", ptr("client-id_42"), true},
		{"max length", ptr(strings.Repeat("a", MaxLen)), true},
		{"too long", ptr(strings.Repeat("a", MaxLen+1)), false},
		{"space", ptr("a b"), false},
		{"control", ptr("a\x01b"), false},
		{"non-ascii", ptr("caf\xc3\xa9"), false},
		{"del", ptr("a\x7f"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := &fasthttp.RequestCtx{}
			if tt.in != nil {
				ctx.Request.Header.Set(Header, *tt.in)
			}
			got := string(Ensure(ctx))
			if tt.keep && got != *tt.in {
				t.Fatalf("id %q replaced by %q", *tt.in, got)
			}
			if !tt.keep && !isGenerated(got) {
				t.Fatalf("generated id %q is not 32 hex chars", got)
			}
			if req := string(ctx.Request.Header.Peek(Header)); req != got {
				t.Fatalf("request header %q, want %q", req, got)
			}
			if resp := string(ctx.Response.Header.Peek(Header)); resp != got {
				t.Fatalf("response header %q, want %q", resp, got)
			}
			if again := string(Ensure(ctx)); again != got {
				t.Fatalf("second Ensure gave %q, want %q", again, got)
			}
		})
	}
}

// TestEnsureAgainAfterChange checks that a second Ensure, which skips
// setting the answer's id when it is already the request's, still sets it
// when the request's id changed in between.
func TestEnsureAgainAfterChange(t *testing.T) {
	ctx := &fasthttp.RequestCtx{}
	ctx.Request.Header.Set(Header, "first-id")
	Ensure(ctx)
	ctx.Request.Header.Set(Header, "second-id")
	if got := string(Ensure(ctx)); got != "second-id" {
		t.Fatalf("Ensure gave %q, want second-id", got)
	}
	if got := string(ctx.Response.Header.Peek(Header)); got != "second-id" {
		t.Fatalf("response header %q, want second-id", got)
	}
}

func TestGenerateUnique(t *testing.T) {
	seen := make(map[[32]byte]bool)
	var id [32]byte
	for range 10000 {
		Generate(&id)
		if seen[id] {
			t.Fatalf("duplicate id %s", id[:])
		}
		seen[id] = true
	}
}

func ptr(s string) *string { return &s }

func BenchmarkEnsure(b *testing.B) {
	b.Run("generate", func(b *testing.B) {
		ctx := &fasthttp.RequestCtx{}
		b.ReportAllocs()
		for b.Loop() {
			ctx.Request.Header.Del(Header)
			Ensure(ctx)
		}
	})
	// twice is a proxied request as the gateway handles it: the server
	// ensures the client's id, then the proxy again before forwarding.
	b.Run("twice", func(b *testing.B) {
		var in fasthttp.RequestHeader
		in.Set(Header, "0123456789abcdef0123456789abcdef")
		ctx := &fasthttp.RequestCtx{}
		b.ReportAllocs()
		for b.Loop() {
			in.CopyTo(&ctx.Request.Header)
			ctx.Response.Header.Reset()
			Ensure(ctx)
			Ensure(ctx)
		}
	})
	b.Run("given", func(b *testing.B) {
		ctx := &fasthttp.RequestCtx{}
		ctx.Request.Header.Set(Header, "0123456789abcdef0123456789abcdef")
		b.ReportAllocs()
		for b.Loop() {
			Ensure(ctx)
		}
	})
}

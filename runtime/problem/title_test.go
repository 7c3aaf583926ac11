package problem

import "testing"

// TestTitle: an about:blank title is RFC 9110's reason phrase, including
// the codes it renamed (fasthttp's phrases are RFC 2616's).
func TestTitle(t *testing.T) {
	for status, want := range map[int]string{
		400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 413: "Content Too Large",
		414: "URI Too Long", 416: "Range Not Satisfiable", 422: "Unprocessable Content",
		429: "Too Many Requests", 431: "Request Header Fields Too Large", 501: "Not Implemented",
	} {
		if got := Title(status); got != want {
			t.Errorf("Title(%d) = %q, want %q", status, got, want)
		}
	}
}

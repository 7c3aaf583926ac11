package problem

import "github.com/valyala/fasthttp"

// Title is the title of an about:blank problem of status: the status's
// reason phrase as RFC 9110 §15 recommends it (RFC 9457 §4.2.1 asks for
// that phrase). fasthttp still has RFC 2616's phrases for the codes RFC
// 9110 renamed; a client comparing titles with the current ones would see
// "Request Entity Too Large" where it expects "Content Too Large".
func Title(status int) string {
	switch status {
	case fasthttp.StatusRequestEntityTooLarge:
		return "Content Too Large"
	case fasthttp.StatusRequestURITooLong:
		return "URI Too Long"
	case fasthttp.StatusRequestedRangeNotSatisfiable:
		return "Range Not Satisfiable"
	case fasthttp.StatusUnprocessableEntity:
		return "Unprocessable Content"
	}
	return fasthttp.StatusMessage(status)
}

// The reason phrases of the statuses RFC 9110 renamed, for the status line.
var (
	phraseContentTooLarge      = []byte("Content Too Large")
	phraseURITooLong           = []byte("URI Too Long")
	phraseRangeNotSatisfiable  = []byte("Range Not Satisfiable")
	phraseUnprocessableContent = []byte("Unprocessable Content")
)

// renamed is the reason phrase of status where RFC 9110 renamed it, nil
// where fasthttp's own phrase is Title's.
func renamed(status int) []byte {
	switch status {
	case fasthttp.StatusRequestEntityTooLarge:
		return phraseContentTooLarge
	case fasthttp.StatusRequestURITooLong:
		return phraseURITooLong
	case fasthttp.StatusRequestedRangeNotSatisfiable:
		return phraseRangeNotSatisfiable
	case fasthttp.StatusUnprocessableEntity:
		return phraseUnprocessableContent
	}
	return nil
}

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

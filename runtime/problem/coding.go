package problem

import "github.com/valyala/fasthttp"

var (
	hAcceptEncoding = []byte(fasthttp.HeaderAcceptEncoding)
	identity        = []byte("identity")
)

// UnsupportedContentCoding answers 415 for a body sent with the content
// coding coding, which the gateway does not decode before validating it
// (RFC 9110 §15.5.16); Accept-Encoding: identity says what it takes
// instead (RFC 7694 §3).
func UnsupportedContentCoding(ctx *fasthttp.RequestCtx, coding []byte) {
	ctx.Response.Header.SetCanonical(hAcceptEncoding, identity)
	o := openBlank(ctx, fasthttp.StatusUnsupportedMediaType)
	o = append(o, `content coding \"`...)
	o = appendEscaped(o, coding)
	o = append(o, `\" is not accepted; send the body without Content-Encoding`...)
	finish(ctx, o, fasthttp.StatusUnsupportedMediaType, nil)
}

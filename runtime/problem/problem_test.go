package problem

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/jsonv"
	"github.com/gatewaygen/gatewaygen/runtime/param"
)

type body struct {
	Type      string  `json:"type"`
	Title     string  `json:"title"`
	Status    int     `json:"status"`
	Detail    string  `json:"detail"`
	Instance  string  `json:"instance"`
	Errors    []vjson `json:"errors"`
	RequestID *string `json:"request_id"`
}

type vjson struct {
	Location string `json:"location"`
	Rule     string `json:"rule"`
	Detail   string `json:"detail"`
}

func newCtx(method, uri, reqID string) *fasthttp.RequestCtx {
	ctx := &fasthttp.RequestCtx{}
	ctx.Request.Header.SetMethod(method)
	ctx.Request.SetRequestURI(uri)
	if reqID != "" {
		ctx.Request.Header.Set("X-Request-Id", reqID)
	}
	return ctx
}

func decode(t *testing.T, ctx *fasthttp.RequestCtx) body {
	t.Helper()
	if ct := string(ctx.Response.Header.ContentType()); ct != ContentType {
		t.Fatalf("content-type = %q", ct)
	}
	var b body
	dec := json.NewDecoder(strings.NewReader(string(ctx.Response.Body())))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		t.Fatalf("decode %s: %v", ctx.Response.Body(), err)
	}
	if b.Status != ctx.Response.StatusCode() {
		t.Fatalf("body status %d, response status %d", b.Status, ctx.Response.StatusCode())
	}
	return b
}

func TestHelpers(t *testing.T) {
	tests := []struct {
		name   string
		write  func(*fasthttp.RequestCtx)
		status int
		title  string
		detail string
		allow  string
	}{
		{"not found", NotFound, 404, "Not Found", "no operation matches this path", ""},
		{"method", func(c *fasthttp.RequestCtx) { MethodNotAllowed(c, "GET, POST") }, 405, "Method Not Allowed", "method DELETE is not allowed here; allowed: GET, POST", "GET, POST"},
		{"too large", func(c *fasthttp.RequestCtx) { PayloadTooLarge(c, 1048576) }, 413, "Content Too Large", "request body exceeds the limit of 1048576 bytes", ""},
		{"media", func(c *fasthttp.RequestCtx) { UnsupportedMediaType(c, "text/xml", "application/json") }, 415, "Unsupported Media Type", `content type "text/xml" is not supported; expected application/json`, ""},
		{"media none", func(c *fasthttp.RequestCtx) { UnsupportedMediaType(c, "", "application/json") }, 415, "Unsupported Media Type", `content type (none) is not supported; expected application/json`, ""},
		{"media long", func(c *fasthttp.RequestCtx) {
			UnsupportedMediaType(c, "text/"+strings.Repeat("x", 10000), "application/json")
		}, 415, "Unsupported Media Type", `content type "text/` + strings.Repeat("x", MaxFound-5) + `…" is not supported; expected application/json`, ""},
		{"bad gateway", func(c *fasthttp.RequestCtx) { BadGateway(c, "upstream pets: connection refused") }, 502, "Bad Gateway", "upstream pets: connection refused", ""},
		{"unavailable", func(c *fasthttp.RequestCtx) { ServiceUnavailable(c, "upstream pets: no targets") }, 503, "Service Unavailable", "upstream pets: no targets", ""},
		{"timeout", func(c *fasthttp.RequestCtx) { GatewayTimeout(c, "upstream pets: timed out") }, 504, "Gateway Timeout", "upstream pets: timed out", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := newCtx("DELETE", "/pets/a%20b?x=1", "")
			tt.write(ctx)
			b := decode(t, ctx)
			want := body{Type: "about:blank", Title: tt.title, Status: tt.status, Detail: tt.detail, Instance: "/pets/a%20b"}
			if b.Type != want.Type || b.Title != want.Title || b.Status != want.Status || b.Detail != want.Detail || b.Instance != want.Instance || b.Errors != nil || b.RequestID != nil {
				t.Fatalf("got %+v, want %+v", b, want)
			}
			if got := string(ctx.Response.Header.Peek("Allow")); got != tt.allow {
				t.Fatalf("Allow = %q, want %q", got, tt.allow)
			}
			// A 415 lists what the operation takes in Accept (RFC 9110 §15.5.16).
			if got, want := string(ctx.Response.Header.Peek("Accept")), map[bool]string{true: "application/json"}[tt.status == 415]; got != want {
				t.Fatalf("Accept = %q, want %q", got, want)
			}
		})
	}
}

func TestErrorsWrite(t *testing.T) {
	var e Errors
	e.Add("query.limit", "maximum", "must be <= 100, found 500")
	e.Add("/body/tags/2", "type", `must be string, found "x\"y"`)
	ctx := newCtx("GET", "/pets?limit=500", "abc123")
	e.Write(ctx)
	b := decode(t, ctx)
	if b.Type != TypeInvalidRequest || b.Title != "Request validation failed" || b.Status != 400 ||
		b.Detail != "query.limit: must be <= 100, found 500 (and 1 more)" || b.Instance != "/pets" ||
		b.RequestID == nil || *b.RequestID != "abc123" {
		t.Fatalf("got %+v", b)
	}
	want := []vjson{{"query.limit", "maximum", "must be <= 100, found 500"}, {"/body/tags/2", "type", `must be string, found "x\"y"`}}
	if len(b.Errors) != len(want) {
		t.Fatalf("errors = %+v", b.Errors)
	}
	for i := range want {
		if b.Errors[i] != want[i] {
			t.Fatalf("errors[%d] = %+v, want %+v", i, b.Errors[i], want[i])
		}
	}
}

func TestErrorsCap(t *testing.T) {
	var e Errors
	for i := 0; i < MaxViolations+5; i++ {
		if e.Full() != (i >= MaxViolations) {
			t.Fatalf("Full at %d = %v", i, e.Full())
		}
		e.Add("query.a", "required", "missing")
	}
	if e.Len() != MaxViolations || e.Dropped != 5 {
		t.Fatalf("len %d dropped %d", e.Len(), e.Dropped)
	}
	ctx := newCtx("GET", "/", "")
	e.Write(ctx)
	b := decode(t, ctx)
	if b.Detail != "query.a: missing (and 14 more)" || len(b.Errors) != MaxViolations {
		t.Fatalf("got %+v", b)
	}
	c := cap(e.List)
	e.Reset()
	if e.Len() != 0 || e.Dropped != 0 || cap(e.List) != c {
		t.Fatalf("reset: %+v cap %d", e, cap(e.List))
	}
}

// TestInstance: "instance" is a URI reference (RFC 9457 §3.1.5). A target
// sent with bytes a URI cannot hold (fasthttp takes a raw '"', '<', a
// space-free control or a byte past ASCII) is percent-encoded, not copied
// as U+FFFD or a JSON escape; what a URI holds stays as it was sent.
// TestMethodNotAllowed: a method HTTP defines that the path lacks is 405;
// one HTTP does not define is 501 (RFC 9110 §9.1, §15.6.2), both with the
// Allow of the path, and a long method is not echoed whole.
func TestMethodNotAllowed(t *testing.T) {
	for _, c := range []struct {
		method string
		status int
		detail string
	}{
		{"DELETE", 405, "method DELETE is not allowed here; allowed: GET, HEAD"},
		{"PATCH", 405, "method PATCH is not allowed here; allowed: GET, HEAD"},
		{"TRACE", 405, "method TRACE is not allowed here; allowed: GET, HEAD"},
		{"FOO", 501, "method FOO is not implemented; allowed here: GET, HEAD"},
		{"get", 501, "method get is not implemented; allowed here: GET, HEAD"},
		{strings.Repeat("X", 5000), 501, "method " + strings.Repeat("X", MaxFound) + "… is not implemented; allowed here: GET, HEAD"},
	} {
		ctx := newCtx(c.method, "/pets", "")
		MethodNotAllowed(ctx, "GET, HEAD")
		b := decode(t, ctx)
		if b.Status != c.status || b.Title != Title(c.status) || b.Detail != c.detail || string(ctx.Response.Header.Peek("Allow")) != "GET, HEAD" {
			t.Errorf("%.20s: %s (Allow %q), want %d %q", c.method, ctx.Response.Body(), ctx.Response.Header.Peek("Allow"), c.status, c.detail)
		}
	}
}

func TestInstance(t *testing.T) {
	for in, want := range map[string]string{
		"/pets/a%20b?x=1":        "/pets/a%20b",
		"/p\xffets<\">":          "/p%FFets%3C%22%3E",
		"/a\\b{c}|^`d":           "/a%5Cb%7Bc%7D%7C%5E%60d",
		"/é":                     "/%C3%A9",
		"/x:@!$&'()*+,;=-._~%2F": "/x:@!$&'()*+,;=-._~%2F",
	} {
		ctx := newCtx("GET", in, "")
		NotFound(ctx)
		if b := decode(t, ctx); b.Instance != want {
			t.Errorf("instance of %q = %q, want %q", in, b.Instance, want)
		}
	}
}

func TestEscapeTable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `""`},
		{"plain", `"plain"`},
		{`q"b\`, `"q\"b\\"`},
		{"\n\r\t\b\f\x00\x1f", `"\n\r\t\b\f\u0000\u001f"`},
		{"é✓", `"é✓"`},
		{"a\xffb", "\"a\ufffdb\""},
		{"\xe2\x82", "\"\ufffd\ufffd\""},
		{"\u2028\u2029", `"\u2028\u2029"`},
		{"</script>", `"</script>"`},
	}
	for _, tt := range tests {
		if got := string(AppendString(nil, tt.in)); got != tt.want {
			t.Errorf("AppendString(%q) = %s, want %s", tt.in, got, tt.want)
		}
		if got := string(AppendString(nil, []byte(tt.in))); got != tt.want {
			t.Errorf("AppendString([]byte %q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// FuzzAppendString checks the escaper against encoding/json: what we write
// must decode to exactly what encoding/json's own encoding decodes to.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "a\"b", "\x00\x7f", "\xff\xfe", "\u2028", "日本", "\xed\xa0\x80", "\\u0000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := AppendString(nil, s)
		if !utf8.Valid(out) {
			t.Fatalf("output not valid UTF-8: %q", out)
		}
		var got string
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("unmarshal %s: %v", out, err)
		}
		ref, _ := json.Marshal(s)
		var want string
		if err := json.Unmarshal(ref, &want); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("AppendString(%q) decodes to %q, encoding/json gives %q", s, got, want)
		}
	})
}

func BenchmarkErrorsWrite(b *testing.B) {
	ctx := newCtx("GET", "/pets?limit=500", "0123456789abcdef0123456789abcdef")
	var e Errors
	b.ReportAllocs()
	for b.Loop() {
		e.Reset()
		e.Add("query.limit", "maximum", "must be <= 100, found 500")
		e.Add("/body/tags/2", "type", "must be string, found number")
		e.Write(ctx)
	}
}

func BenchmarkNotFound(b *testing.B) {
	ctx := newCtx("GET", "/nope", "")
	b.ReportAllocs()
	for b.Loop() {
		NotFound(ctx)
	}
}

// TestReports checks that the AddAt family keeps what Add would be given
// outside a probe, counts without keeping inside one, and drops once full.
func TestReports(t *testing.T) {
	var it jsonv.Iter
	it.Reset([]byte(`{"tags":["a"]}`))
	it.FirstKey()
	it.PushKey("tags")
	want := []Violation{
		{"/body/tags", "minItems", "too few"},
		{"/body/tags/x", "minimum", "must be >= 1, found 0.5"},
		{"/body/tags/3", "maxLength", "must be at most 2 characters long, found 104"},
		{"/body/tags", "pattern", `found "a\"b"`},
		{"/body/tags/0", "type", "expected integer, found 2.5"},
		{"/body/tags", "type", "expected string, found number"},
	}
	var e Errors
	reportAll(&e, &it)
	if len(e.List) != len(want) || e.Count() != len(want) {
		t.Fatalf("kept %d, counted %d, want %d", len(e.List), e.Count(), len(want))
	}
	for i := range want {
		if e.List[i] != want[i] {
			t.Errorf("[%d] = %+v, want %+v", i, e.List[i], want[i])
		}
	}

	e.Reset()
	p := e.Probe()
	reportAll(&e, &it)
	if e.Len() != 0 || e.Count() != p+len(want) {
		t.Fatalf("probing: kept %d, count %d", e.Len(), e.Count())
	}
	if e.EndProbe(p) || e.Count() != 0 {
		t.Fatalf("the probe passed, or its count stayed: %d", e.Count())
	}
	p = e.Probe()
	if e.Keep() {
		t.Fatal("Keep while probing reported true")
	}
	if e.EndProbe(p) {
		t.Fatal("Keep while probing did not count")
	}

	e.Reset()
	for i := 0; i < MaxViolations; i++ {
		if !e.Keep() {
			t.Fatalf("Keep = false at %d", i)
		}
		e.Add("query.a", "required", "missing")
	}
	reportAll(&e, &it)
	if e.Len() != MaxViolations || e.Dropped != len(want) || e.Count() != MaxViolations+len(want) {
		t.Fatalf("full: len %d dropped %d count %d", e.Len(), e.Dropped, e.Count())
	}
}

// reportAll makes one report of each shape about the value at it.
func reportAll(e *Errors, it *jsonv.Iter) {
	e.AddAt(it.Loc(), "minItems", "too few")
	e.AddFloat(it.LocKey("x"), "minimum", "must be >= 1, found ", 0.5)
	e.AddInt(it.LocIndex(3), "maxLength", "must be at most 2 characters long, found ", 104)
	e.AddQuoted(it.Loc(), "pattern", "found ", []byte(`a"b`))
	e.AddBytes(it.LocIndex(0), "type", "expected integer, found ", []byte("2.5"))
	e.AddString(it.Loc(), "type", "expected string, found ", jsonv.Number.String())
}

// TestReportsOutliveGrowth checks that the strings of kept reports stay as
// they were while the buffer they live in grows under them, and that Reset
// lets the next request reuse it.
func TestReportsOutliveGrowth(t *testing.T) {
	var e Errors
	big := bytes.Repeat([]byte("v"), 2000)
	for round := 0; round < 3; round++ {
		e.Reset()
		for i := 0; i < MaxViolations; i++ {
			e.Add("query.n", "maximum", e.DetailInt64("found ", int64(i)))
			e.Add("query.s", "pattern", e.DetailQuoted("found ", big[:100*i])) // kept or dropped
		}
		if e.Len() != MaxViolations {
			t.Fatalf("kept %d", e.Len())
		}
		for i, v := range e.List {
			var want string
			if i%2 == 0 {
				want = "found " + strconv.Itoa(i/2)
			} else {
				want = "found " + param.Quote(big[:100*(i/2)])
			}
			if v.Detail != want {
				t.Fatalf("round %d, [%d] = %q, want %q", round, i, v.Detail, want)
			}
		}
	}
}

// TestDetails checks how a detail writes the value found: as strconv
// writes integers, as param.FormatFloat writes numbers, quoted and cut as
// param.Quote does, and nothing at all for a violation that is not kept.
func TestDetails(t *testing.T) {
	var e Errors
	if got := e.DetailInt64("found ", -500); got != "found -500" {
		t.Errorf("DetailInt64 = %q", got)
	}
	if got := e.DetailFloat("found ", 1e21); got != "found "+param.FormatFloat(1e21) {
		t.Errorf("DetailFloat = %q", got)
	}
	if got := e.DetailQuoted("found ", []byte(`a"b`)); got != `found "a\"b"` {
		t.Errorf("DetailQuoted = %q", got)
	}
	var it jsonv.Iter
	it.Reset([]byte(`{"a/b":1}`))
	it.FirstKey()
	e.AddNamed(it.LocKey("a/b"), "additionalProperties", "property ", []byte("a/b"), " is not allowed")
	if v := e.List[0]; v.Location != "/body/a~1b" || v.Detail != `property "a/b" is not allowed` {
		t.Errorf("AddNamed = %+v", v)
	}
	long := bytes.Repeat([]byte("9"), 3000)
	if got := e.DetailBytes("found ", long); got != "found "+strings.Repeat("9", MaxFound)+"…" {
		t.Errorf("DetailBytes of %d digits = %q, want them cut at %d", len(long), got, MaxFound)
	}
	key := strings.Repeat("é", 1000) // a key as long as the body: its location is cut, on a character
	it.Reset([]byte(`{"` + key + `":1}`))
	it.FirstKey()
	e.AddAt(it.LocKey(key), "additionalProperties", "not allowed")
	if loc := e.List[len(e.List)-1].Location; len(loc) > MaxLocation+len("…") || !strings.HasPrefix(loc, "/body/éé") || !strings.HasSuffix(loc, "é…") || !utf8.ValidString(loc) {
		t.Errorf("location of a %d-byte key = %q (%d bytes), want it cut at %d", len(key), loc, len(loc), MaxLocation)
	}
	for _, c := range []struct {
		key           string
		percent, plus bool
		want          string
	}{
		{"a/b~c", false, false, "query.f/a~1b~0c"},
		{"a%2Fb%7e+c", true, true, "query.f/a~1b~0 c"},
		{"a%2Fb+c%", true, false, "query.f/a~1b+c%"},
		{"a%2Fb", false, false, "query.f/a%2Fb"},
		{"", false, false, "query.f/"},
	} {
		if got := e.KeyLocation("query.f/", []byte(c.key), c.percent, c.plus); got != c.want {
			t.Errorf("KeyLocation(%q, %v, %v) = %q, want %q", c.key, c.percent, c.plus, got, c.want)
		}
	}
	// Add cuts a location it is handed (a form's, jsonv.Loc.String's) too.
	e.Reset()
	e.Add("/body/"+key, "repeated", "twice")
	if loc := e.List[0].Location; len(loc) > MaxLocation+len("…") || !strings.HasSuffix(loc, "é…") || !utf8.ValidString(loc) {
		t.Errorf("Add kept a location of %d bytes: %.40q…", len(loc), loc)
	}
	p := e.Probe()
	if got := e.KeyLocation("query.f/", []byte("a"), true, true); got != "" {
		t.Errorf("KeyLocation while probing = %q, want nothing built", got)
	}
	if got := e.DetailInt64("found ", 1); got != "" {
		t.Errorf("DetailInt64 while probing = %q, want nothing built", got)
	}
	e.EndProbe(p)
}

func TestJoinAllow(t *testing.T) {
	for _, c := range []struct{ a, b, want string }{
		{"", "GET, HEAD", "GET, HEAD"},
		{"POST", "POST", "POST"},
		{"POST", "GET, HEAD, DELETE", "POST, GET, HEAD, DELETE"},
		{"GET, HEAD", "GET, HEAD, PUT", "GET, HEAD, PUT"},
		{"GET, HEAD, PUT", "HEAD", "GET, HEAD, PUT"},
		{"PATCH", "PATCHX, PATC", "PATCH, PATCHX, PATC"},
	} {
		if got := JoinAllow(c.a, c.b); got != c.want {
			t.Errorf("JoinAllow(%q, %q) = %q, want %q", c.a, c.b, got, c.want)
		}
	}
}

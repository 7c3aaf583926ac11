package contract

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/jsonv"
	"github.com/gatewaygen/gatewaygen/runtime/problem"
)

func TestSampleRate(t *testing.T) {
	for _, tt := range []struct {
		rate float64
		n    int
		want int
	}{
		{1, 1000, 1000},
		{2, 10, 10},
		{0.5, 1000, 500},
		{0.25, 1000, 250},
		{0.1, 10000, 1000},
		{0.3, 10000, 3000},
		{0.001, 100000, 100},
		{0, 100, 0},
		{-1, 100, 0},
	} {
		o := New(Config{Sample: tt.rate})
		got := 0
		for range tt.n {
			if o.Sample() {
				got++
			}
		}
		if got != tt.want {
			t.Errorf("rate %v: %d of %d sampled, want %d", tt.rate, got, tt.n, tt.want)
		}
		if s := o.Stats(); s.Responses != uint64(tt.n) {
			t.Errorf("rate %v: Responses = %d, want %d", tt.rate, s.Responses, tt.n)
		}
	}
}

func TestSampleFirstAndSpread(t *testing.T) {
	o := New(Config{Sample: 0.25})
	var got []bool
	for range 8 {
		got = append(got, o.Sample())
	}
	want := []bool{true, false, false, false, true, false, false, false}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("pattern %v, want %v", got, want)
		}
	}
}

func TestSampleConcurrent(t *testing.T) {
	o := New(Config{Sample: 0.5})
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for range 4 {
		wg.Go(func() {
			n := 0
			for range 1000 {
				if o.Sample() {
					n++
				}
			}
			mu.Lock()
			total += n
			mu.Unlock()
		})
	}
	wg.Wait()
	if total != 2000 {
		t.Errorf("%d of 4000 sampled, want 2000", total)
	}
}

// syncBuffer is a log that tests can read while checks write to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newCtx(method string, status int, ct, body string) *fasthttp.RequestCtx {
	ctx := new(fasthttp.RequestCtx)
	ctx.Request.Header.SetMethod(method)
	ctx.Request.SetRequestURI("/pets/1")
	ctx.Request.Header.Set("X-Request-Id", "req-1")
	ctx.Response.SetStatusCode(status)
	ctx.Response.Header.SetNoDefaultContentType(true)
	if ct != "" {
		ctx.Response.Header.SetContentType(ct)
	}
	ctx.Response.SetBodyString(body)
	return ctx
}

// validateName is a hand-written stand-in for a generated validator: an
// object whose "name" must be a string.
func validateName(it *jsonv.Iter, errs *problem.Errors) {
	if it.Peek() != jsonv.Object {
		errs.Add(it.Pointer(), "type", "expected object, found "+it.Peek().String())
		it.Skip()
		return
	}
	for k := it.FirstKey(); k != nil; k = it.NextKey() {
		m := it.PushKeyBytes(k)
		if string(k) == "name" && it.Peek() != jsonv.String {
			errs.Add(it.Pointer(), "type", "expected string, found "+it.Peek().String())
		}
		it.Skip()
		it.Pop(m)
	}
}

// checkGetPet is what the generator emits for an operation declaring 200
// application/json (validateName) and 404 without content.
func checkGetPet(ctx *fasthttp.RequestCtx, op *Op) {
	c := op.Begin(ctx)
	if c == nil {
		return
	}
	switch c.Status {
	case 200:
		if c.HasBody() {
			switch string(c.Type) {
			case "application/json":
				c.Validate(validateName)
			default:
				c.WrongType("application/json")
			}
		}
	case 404:
	default:
		c.Undeclared("200, 404")
	}
	c.Done()
}

func TestCheck(t *testing.T) {
	for _, tt := range []struct {
		name                      string
		method                    string
		status                    int
		ct, body                  string
		want                      string // substring of the log line; "" for none
		checked, tooLarge, encode uint64
	}{
		{"valid", "GET", 200, "application/json; charset=utf-8", `{"name":"Rex"}`, "", 1, 0, 0},
		{"body type", "GET", 200, "application/json", `{"name":7}`, `status=200 location=/response/body/name rule=type detail="expected string, found number" more=0 request_id=req-1 violations=1`, 1, 0, 0},
		{"not JSON", "GET", 200, "application/json", `{"name":`, `location=/response/body rule=json`, 1, 0, 0},
		{"wrong type", "GET", 200, "text/html", `<p>`, `location=response.header.Content-Type rule=content-type detail="expected application/json, found text/html"`, 1, 0, 0},
		{"missing type", "GET", 200, "", `{}`, `detail="missing, expected application/json"`, 1, 0, 0},
		{"undeclared", "GET", 500, "text/plain", `boom`, `location=response.status rule=status detail="status 500 is not declared (declared: 200, 404)"`, 1, 0, 0},
		{"declared without content", "GET", 404, "text/plain", `gone`, "", 1, 0, 0},
		{"empty body", "GET", 200, "", ``, "", 1, 0, 0},
		{"head", "HEAD", 200, "text/html", ``, "", 1, 0, 0},
		{"too large", "GET", 200, "application/json", `{"name":"` + strings.Repeat("x", 100) + `"}`, "", 0, 1, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var log syncBuffer
			op := New(Config{Gateway: "pets-gateway", Op: "getPet", Method: "GET", Path: "/pets/{petId}", Sample: 1, MaxBody: 64, Log: &log})
			ctx := newCtx(tt.method, tt.status, tt.ct, tt.body)
			checkGetPet(ctx, op)
			got := log.String()
			switch {
			case tt.want == "" && got != "":
				t.Errorf("logged %q, want nothing", got)
			case tt.want != "" && !strings.Contains(got, tt.want):
				t.Errorf("logged %q, want it to contain %q", got, tt.want)
			case tt.want != "" && (strings.Count(got, "\n") != 1 || !strings.HasPrefix(got, "pets-gateway: response contract violation op=getPet method=GET path=/pets/{petId} ")):
				t.Errorf("log %q is not one line in the documented form", got)
			}
			s := op.Stats()
			if s.Checked != tt.checked || s.TooLarge != tt.tooLarge || s.Encoded != tt.encode {
				t.Errorf("stats %+v", s)
			}
			if wantV := uint64(0); tt.want != "" && s.Violations != 1 || tt.want == "" && s.Violations != wantV {
				t.Errorf("violations %d", s.Violations)
			}
			// The client's response is untouched.
			if string(ctx.Response.Body()) != tt.body || ctx.Response.StatusCode() != tt.status {
				t.Errorf("response changed: %d %q", ctx.Response.StatusCode(), ctx.Response.Body())
			}
		})
	}
}

func TestCheckEncoded(t *testing.T) {
	var log syncBuffer
	op := New(Config{Sample: 1, Log: &log})
	ctx := newCtx("GET", 200, "application/json", "\x1f\x8b garbage")
	ctx.Response.Header.Set("Content-Encoding", "gzip")
	checkGetPet(ctx, op)
	if s := op.Stats(); s.Encoded != 1 || s.Checked != 0 || log.String() != "" {
		t.Errorf("stats %+v, log %q", s, log.String())
	}
	ctx.Response.Header.Set("Content-Encoding", "Identity")
	ctx.Response.SetBodyString(`{"name":"x"}`)
	checkGetPet(ctx, op)
	if s := op.Stats(); s.Checked != 1 {
		t.Errorf("identity encoding not checked: %+v", s)
	}
}

func TestViolationsCountAndMore(t *testing.T) {
	var log syncBuffer
	op := New(Config{Gateway: "g", Op: "o", Sample: 1, Log: &log})
	body := `[` + strings.Repeat(`{"name":1},`, 14) + `{"name":1}]`
	for range 2 {
		ctx := newCtx("GET", 200, "application/json", body)
		c := op.Begin(ctx)
		c.Validate(func(it *jsonv.Iter, errs *problem.Errors) {
			for ok := it.FirstElem(); ok; ok = it.NextElem() {
				validateName(it, errs)
			}
		})
		c.Done()
	}
	lines := strings.Split(strings.TrimSuffix(log.String(), "\n"), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "more=14 ") || !strings.HasSuffix(lines[1], " violations=2") {
		t.Errorf("log:\n%s", log.String())
	}
}

func TestAppendField(t *testing.T) {
	for in, want := range map[string]string{
		"plain":     " k=plain",
		"":          ` k=""`,
		"two words": ` k="two words"`,
		`a"b`:       ` k="a\"b"`,
		"x=1":       ` k="x=1"`,
		"line\nend": ` k="line\nend"`,
		"é":         ` k="\u00e9"`,
	} {
		if got := string(appendField(nil, "k", in)); got != want {
			t.Errorf("appendField(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestAppendMediaType(t *testing.T) {
	for in, want := range map[string]string{
		"Application/JSON; charset=utf-8": "application/json",
		" text/plain ":                    "text/plain",
		"":                                "",
	} {
		if got := string(AppendMediaType(nil, []byte(in))); got != want {
			t.Errorf("AppendMediaType(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkSampleOff is the cost a proxied response pays when it is not
// sampled: one atomic add.
func BenchmarkSampleOff(b *testing.B) {
	o := New(Config{Sample: 0.0001})
	b.ReportAllocs()
	for b.Loop() {
		_ = o.Sample()
	}
}

func BenchmarkSampleParallel(b *testing.B) {
	o := New(Config{Sample: 0.1})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_ = o.Sample()
		}
	})
}

// BenchmarkCheckValid is the cost of a sampled response that keeps the
// contract.
func BenchmarkCheckValid(b *testing.B) {
	op := New(Config{Sample: 1, Log: &syncBuffer{}})
	ctx := newCtx("GET", 200, "application/json", `{"name":"Rex","tags":["a","b"]}`)
	b.ReportAllocs()
	for b.Loop() {
		if op.Sample() {
			checkGetPet(ctx, op)
		}
	}
}

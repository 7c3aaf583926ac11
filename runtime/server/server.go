// Package server is the start-up and serving shell of a generated gateway:
// configuration from flags and environment over the spec's defaults, the
// fasthttp.Server with its limits, and a main that serves until a signal.
//
// It must never know about routes, upstreams' behaviour or OpenAPI (the
// generated handler does), never read configuration after start-up, and
// never answer a malformed request with anything but problem+json.
package server

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/balance"
	"github.com/gatewaygen/gatewaygen/runtime/metrics"
	"github.com/gatewaygen/gatewaygen/runtime/problem"
	"github.com/gatewaygen/gatewaygen/runtime/requestid"
)

// DefaultListen is the address of a gateway whose document names none:
// loopback only, so that a gateway started without thought is not exposed.
const DefaultListen = "127.0.0.1:8080"

// Defaults applied by New and LimitConns when Config leaves a limit at 0.
// The generator documents and applies the same constants (generator/xgateway's
// key table).
const (
	DefaultMaxRequestBody = 1 << 20
	DefaultMaxHeaderBytes = 16 << 10
	DefaultTimeout        = 30 * time.Second
	DefaultHeaderTimeout  = 10 * time.Second
	DefaultIdleTimeout    = 60 * time.Second
	DefaultMaxConns       = 10000
	ShutdownTimeout       = 10 * time.Second
)

// Environment variables read by ParseFlags.
const (
	EnvListen        = "GATEWAY_LISTEN"
	EnvUpstreams     = "GATEWAY_UPSTREAMS"
	EnvMock          = "GATEWAY_MOCK"
	EnvHeaderTimeout = "GATEWAY_HEADER_TIMEOUT"
	EnvIdleTimeout   = "GATEWAY_IDLE_TIMEOUT"
	EnvMaxConns      = "GATEWAY_MAX_CONNS"
	EnvMaxConnsPerIP = "GATEWAY_MAX_CONNS_PER_IP"
	EnvAuth          = "GATEWAY_AUTH"
)

// Config is what the generated gateway needs at start-up. Defaults come from
// the spec; flags and environment override them.
type Config struct {
	Name           string              // API name, for logs
	Listen         string              // address, e.g. "127.0.0.1:8080"
	Upstreams      map[string][]string // overrides: upstream name -> target URLs; several make a pool
	Mock           bool                // answer from spec examples instead of proxying
	MaxRequestBody int                 // largest body any operation accepts (bytes)
	MaxHeaderBytes int                 // request line + headers limit
	Timeout        time.Duration       // deadline for reading a body once its header is in, and for writing the response
	HeaderTimeout  time.Duration       // deadline for the request line and headers, from accept or a keep-alive request's first byte
	IdleTimeout    time.Duration       // how long a keep-alive connection may wait for its next request
	MaxConns       int                 // concurrent client connections; more are answered 503 and closed
	MaxConnsPerIP  int                 // concurrent connections from one client address (429 past it); 0: no limit
	// Reload holds what SIGHUP reloads (the --upstreams-file targets);
	// ParseFlags sets it.
	Reload *Reloads
	// Auth overrides where a security scheme's verification material
	// comes from: scheme name -> "env:NAME" or "file:PATH" (runtime/auth
	// reads it; a relative path is from the working directory).
	Auth map[string]string
	// Rate limits (runtime/ratelimit): the proxies whose forwarding header
	// is believed and which header that is, and the Redis that shares
	// counts between copies (a redis:// URL; its password apart).
	TrustedProxies []string
	ClientIPHeader string
	Redis          string
	RedisPassword  string

	// Operations (lifecycle.go, admin.go): the admin listener and the drain
	// on SIGTERM.
	Admin        string        // admin listener address (/metrics, /-/health, /-/ready); "" for none
	DrainDelay   time.Duration // how long to keep accepting, not ready, after SIGTERM
	DrainTimeout time.Duration // how long in-flight requests get once the listener closes; 0: ShutdownTimeout
	AccessLog    string        // "off" (or ""), "stderr" or "stdout" (accesslog.go)
	AccessLogOut io.Writer     // for a gateway embedded in another program: where its access log goes, over AccessLog
	AccessSample float64       // share of successful requests logged, 0 to 1
	LogRedact    []string      // query parameters whose values the access log redacts
	PrintConfig  bool          // --print-config: print the effective configuration and exit
	TLSCert      string        // PEM certificate chain file of the public listener (tls.go); "" for plain HTTP
	TLSKey       string        // its private key file

	// Body limits (bodylimit.go): the largest body the operation a request
	// goes to accepts, from its method and raw path (no query); 0 or a nil
	// BodyLimit leaves MaxRequestBody. The generated Defaults sets it.
	BodyLimit func(method, path []byte) int
	// mutualTLS (mtls.go): the authorities client certificates are
	// verified against, filled by the generated New; Main sets it.
	ClientCAs *ClientCAs

	// Reloaded settings (settings.go): the process log's level, and the
	// environment file SIGHUP reads it and the access log's settings from.
	LogLevel string
	EnvFile  string
	settings *settings

	// Span export (tracing.go): the OTLP/HTTP collector, the service name
	// spans carry, and the share of new traces sampled.
	OTLPEndpoint string
	ServiceName  string
	TraceSample  float64
}

// Targets returns the targets of upstream name given on the command line or
// in the environment, else defaults (the spec's). Overrides carry no
// weights: whoever overrides a pool at start-up lists it plainly.
func (c Config) Targets(name string, defaults []balance.Target) []balance.Target {
	urls := c.Upstreams[name]
	if len(urls) == 0 {
		return defaults
	}
	ts := make([]balance.Target, len(urls))
	for i, u := range urls {
		ts[i] = balance.Target{URL: u, Weight: 1}
	}
	return ts
}

// CheckUpstreams fails when an override names an upstream that is not among
// known: a typo in --upstream must not leave traffic on the spec's default
// targets unnoticed.
func (c Config) CheckUpstreams(known ...string) error {
	names := make([]string, 0, len(c.Upstreams))
	for n := range c.Upstreams {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if !slices.Contains(known, n) {
			return fmt.Errorf("--upstream %s: no upstream of that name; this gateway has %s", n, strings.Join(known, ", "))
		}
	}
	return nil
}

// ParseFlags parses args (os.Args[1:] style) over defaults: flags win over
// the environment, which wins over defaults. Flags (-x and --x both work):
//
//	--listen ADDR          (GATEWAY_LISTEN)
//	--upstream NAME=URL    repeatable; several for one NAME make a pool
//	                       (GATEWAY_UPSTREAMS: comma-separated NAME=URL list)
//	--mock                 (GATEWAY_MOCK: 1, true, 0 or false)
//	--header-timeout DUR   (GATEWAY_HEADER_TIMEOUT, e.g. 10s)
//	--idle-timeout DUR     (GATEWAY_IDLE_TIMEOUT)
//	--max-conns N          (GATEWAY_MAX_CONNS, at least 1)
//	--max-conns-per-ip N   (GATEWAY_MAX_CONNS_PER_IP, 0 for no limit)
//
// An override replaces an upstream's whole target list, name by name.
// getenv is os.Getenv in production. --help prints usage and returns
// flag.ErrHelp.
func ParseFlags(defaults Config, args []string, getenv func(string) string) (Config, error) {
	return parseFlags(defaults, args, getenv, os.Stderr)
}

type upstreamFlag struct{ m map[string][]string }

// authFlag collects --auth SCHEME=SOURCE; a later one for a scheme wins.
type authFlag struct{ m map[string]string }

func (f *authFlag) String() string { return "" }

func (f *authFlag) Set(v string) error {
	name, src, ok := strings.Cut(strings.TrimSpace(v), "=")
	name, src = strings.TrimSpace(name), strings.TrimSpace(src)
	if !ok || name == "" || !(strings.HasPrefix(src, "env:") && len(src) > 4 || strings.HasPrefix(src, "file:") && len(src) > 5 || strings.HasPrefix(src, "url:") && len(src) > 4) {
		return fmt.Errorf("%q: want SCHEME=env:NAME, SCHEME=file:PATH or SCHEME=url:URL (a JWKS)", v)
	}
	f.m[name] = src
	return nil
}

func (f *upstreamFlag) String() string { return "" }

func (f *upstreamFlag) Set(v string) error {
	name, url, err := splitUpstream(v)
	if err != nil {
		return err
	}
	f.m[name] = append(f.m[name], url)
	return nil
}

func splitUpstream(v string) (name, url string, err error) {
	name, url, ok := strings.Cut(strings.TrimSpace(v), "=")
	name, url = strings.TrimSpace(name), strings.TrimSpace(url)
	if !ok || name == "" || url == "" {
		return "", "", fmt.Errorf("%q: want NAME=URL", v)
	}
	return name, url, nil
}

func parseFlags(defaults Config, args []string, getenv func(string) string, out io.Writer) (Config, error) {
	cfg := defaults
	cfg.Upstreams = make(map[string][]string, len(defaults.Upstreams))
	for k, v := range defaults.Upstreams {
		cfg.Upstreams[k] = append([]string(nil), v...)
	}

	if v := getenv(EnvListen); v != "" {
		cfg.Listen = v
	}
	envUpstreams := map[string]bool{}
	if v := getenv(EnvUpstreams); strings.TrimSpace(v) != "" {
		env := map[string][]string{}
		for _, item := range strings.Split(v, ",") {
			if strings.TrimSpace(item) == "" {
				continue
			}
			name, url, err := splitUpstream(item)
			if err != nil {
				return Config{}, fmt.Errorf("server: %s: %w", EnvUpstreams, err)
			}
			env[name] = append(env[name], url)
		}
		for k, v := range env {
			cfg.Upstreams[k] = v
			envUpstreams[k] = true
		}
	}
	cfg.Auth = make(map[string]string, len(defaults.Auth))
	for k, v := range defaults.Auth {
		cfg.Auth[k] = v
	}
	if v := getenv(EnvAuth); strings.TrimSpace(v) != "" {
		env := &authFlag{m: cfg.Auth}
		for _, item := range strings.Split(v, ",") {
			if strings.TrimSpace(item) == "" {
				continue
			}
			if err := env.Set(item); err != nil {
				return Config{}, fmt.Errorf("server: %s: %w", EnvAuth, err)
			}
		}
	}
	if v := getenv(EnvMock); v != "" {
		b, err := parseBool(v)
		if err != nil {
			return Config{}, fmt.Errorf("server: %s=%q: want 1, true, 0 or false", EnvMock, v)
		}
		cfg.Mock = b
	}
	for _, d := range []struct {
		env string
		dst *time.Duration
	}{{EnvHeaderTimeout, &cfg.HeaderTimeout}, {EnvIdleTimeout, &cfg.IdleTimeout}} {
		if v := getenv(d.env); v != "" {
			x, err := time.ParseDuration(strings.TrimSpace(v))
			if err != nil || x <= 0 {
				return Config{}, fmt.Errorf("server: %s=%q: want a duration > 0 like 10s", d.env, v)
			}
			*d.dst = x
		}
	}
	for _, n := range []struct {
		env string
		dst *int
		min int
	}{{EnvMaxConns, &cfg.MaxConns, 1}, {EnvMaxConnsPerIP, &cfg.MaxConnsPerIP, 0}} {
		if v := getenv(n.env); v != "" {
			x, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || x < n.min {
				return Config{}, fmt.Errorf("server: %s=%q: want an integer >= %d", n.env, v, n.min)
			}
			*n.dst = x
		}
	}

	if err := opsEnv(&cfg, getenv); err != nil {
		return Config{}, err
	}

	prog := "gateway"
	if defaults.Name != "" {
		prog = defaults.Name + "-gateway"
	}
	fs := flag.NewFlagSet(prog, flag.ContinueOnError)
	fs.SetOutput(out)
	ups := &upstreamFlag{m: map[string][]string{}}
	targetsFile := getenv(EnvUpstreamsFile)
	fs.StringVar(&targetsFile, "upstreams-file", targetsFile, "read upstream targets from `FILE`, lines of NAME=URL, and again on SIGHUP; --upstream and "+EnvUpstreams+" win over it (env "+EnvUpstreamsFile+")")
	fs.StringVar(&cfg.Listen, "listen", cfg.Listen, "`ADDR`ess to listen on (env "+EnvListen+")")
	fs.Var(ups, "upstream", "override an upstream's targets with `NAME=URL`; repeat to make a pool (env "+EnvUpstreams+", comma-separated)")
	fs.Var(&authFlag{m: cfg.Auth}, "auth", "take security scheme `SCHEME`'s keys, users or JWKS from SCHEME=env:NAME, SCHEME=file:PATH or (a JWKS) SCHEME=url:URL, and an HMAC secret from SCHEME.secret=env:NAME or file:PATH, instead of the document's source; repeatable (env "+EnvAuth+", comma-separated)")
	rateLimitFlags(fs, &cfg, getenv)
	fs.BoolVar(&cfg.Mock, "mock", cfg.Mock, "answer from the spec's examples instead of proxying (env "+EnvMock+": 1/true/0/false)")
	fs.DurationVar(&cfg.HeaderTimeout, "header-timeout", orDefault(cfg.HeaderTimeout, DefaultHeaderTimeout),
		"`DURATION` a request line and headers may take to arrive (env "+EnvHeaderTimeout+")")
	fs.DurationVar(&cfg.IdleTimeout, "idle-timeout", orDefault(cfg.IdleTimeout, DefaultIdleTimeout),
		"`DURATION` a keep-alive connection may wait for its next request (env "+EnvIdleTimeout+")")
	fs.IntVar(&cfg.MaxConns, "max-conns", orDefault(cfg.MaxConns, DefaultMaxConns),
		"`N` concurrent client connections at most; more are refused with 503 (env "+EnvMaxConns+")")
	fs.IntVar(&cfg.MaxConnsPerIP, "max-conns-per-ip", cfg.MaxConnsPerIP,
		"`N` concurrent connections from one client address at most, 0 for no limit; more are refused with 429 (env "+EnvMaxConnsPerIP+")")
	opsFlags(fs, &cfg)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: %s [flags]\n\nFlags override environment variables, which override the spec's defaults.\n\n", prog)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return Config{}, err
		}
		return Config{}, fmt.Errorf("server: %w", err)
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("server: unexpected argument %q", fs.Arg(0))
	}
	if err := settingsAfterParse(fs, &cfg); err != nil {
		return Config{}, err
	}
	if targetsFile != "" {
		m, err := readTargetsFile(targetsFile)
		if err != nil {
			return Config{}, fmt.Errorf("server: --upstreams-file: %w", err)
		}
		for k, v := range m {
			if _, set := ups.m[k]; !set && !envUpstreams[k] {
				cfg.Upstreams[k] = v
			}
		}
		cfg.Reload = &Reloads{file: targetsFile}
	}
	for k, v := range ups.m {
		cfg.Upstreams[k] = v
	}
	if len(cfg.Auth) == 0 {
		cfg.Auth = nil
	}
	switch {
	case cfg.HeaderTimeout <= 0:
		return Config{}, fmt.Errorf("server: --header-timeout %v: want a duration > 0", cfg.HeaderTimeout)
	case cfg.IdleTimeout <= 0:
		return Config{}, fmt.Errorf("server: --idle-timeout %v: want a duration > 0", cfg.IdleTimeout)
	case cfg.MaxConns < 1:
		return Config{}, fmt.Errorf("server: --max-conns %d: want at least 1", cfg.MaxConns)
	case cfg.MaxConnsPerIP < 0:
		return Config{}, fmt.Errorf("server: --max-conns-per-ip %d: want 0 (no limit) or more", cfg.MaxConnsPerIP)
	}
	if _, _, err := net.SplitHostPort(cfg.Listen); err != nil {
		return Config{}, fmt.Errorf("server: listen address %q: want HOST:PORT or :PORT", cfg.Listen)
	}
	if err := opsCheck(&cfg); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// orDefault is v, or def when v is 0 (not set by the spec).
func orDefault[T int | time.Duration | float64 | string](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// parseBool accepts only the four spellings documented, so that a typo such
// as "yes" is an error rather than a silent false.
func parseBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true":
		return true, nil
	case "0", "false":
		return false, nil
	}
	return false, strconv.ErrSyntax
}

// New returns the fasthttp.Server for cfg serving h. Zero limits take the
// package defaults. Requests fasthttp cannot parse are answered as
// problem+json: 413 for a body over the limit, 414 for a request line and
// 431 for a header over the read buffer, 408 for a read timeout, 400 otherwise.
//
// Three deadlines follow one another on a connection, as nginx's
// client_header_timeout, client_body_timeout and keepalive_timeout do.
// HeaderTimeout runs from accept (or, on a keep-alive connection, from the
// next request's first byte) until the header is complete, so a client that
// trickles its header holds a connection that long and no longer. Timeout
// then runs for the body, and again for writing the response. IdleTimeout
// bounds the wait for a keep-alive connection's next request. fasthttp arms
// its ReadTimeout at exactly those two points, and HeaderReceived, called
// once the header is parsed, moves the read deadline on; so ReadTimeout
// carries the header timeout and HeaderReceived the body's. The connection
// caps are LimitConns's.
//
// HeaderReceived also sets the body limit of each request from
// cfg.BodyLimit (its operation's), so that fasthttp refuses a Content-Length
// over it before reading a byte of the body and cuts a chunked body there;
// either way the answer is 413 and the connection is closed, the rest of
// the body unread.
//
// ReduceMemoryUsage returns a connection's read and write buffers and its
// RequestCtx to their pools between requests (idle.go says what an idle
// connection still costs). With it, fasthttp rearms ReadTimeout at a new
// connection's first byte as it does on a keep-alive one, so a header
// trickled after a silent wait can take up to twice HeaderTimeout from
// accept; and a connection that sends nothing before HeaderTimeout is
// closed without the 408.
func New(cfg Config, h fasthttp.RequestHandler) *fasthttp.Server {
	maxBody := orDefault(max(cfg.MaxRequestBody, 0), DefaultMaxRequestBody)
	maxHeader := orDefault(max(cfg.MaxHeaderBytes, 0), DefaultMaxHeaderBytes)
	timeout := orDefault(max(cfg.Timeout, 0), DefaultTimeout)
	headerTimeout := orDefault(max(cfg.HeaderTimeout, 0), DefaultHeaderTimeout)
	idle := orDefault(max(cfg.IdleTimeout, 0), DefaultIdleTimeout)
	limits := bodyLimiter{limit: cfg.BodyLimit, fallback: maxBody}
	rec := newRefusals(cfg)
	return &fasthttp.Server{
		Handler:       recovering(requestLine(h)), // panic.go
		ErrorHandler:  errorHandler(limits, maxHeader, rec),
		ExpectHandler: expectContinue(limits, rec), // expect.go
		HeaderReceived: func(hd *fasthttp.RequestHeader) fasthttp.RequestConfig {
			if !hasBody(hd) {
				// Nothing more is read: the header's deadline can stand until
				// the response is written, and no body limit needs placing
				// (a deadline moved costs a timer update per request).
				return fasthttp.RequestConfig{}
			}
			return fasthttp.RequestConfig{ReadTimeout: timeout, MaxRequestBodySize: limits.of(hd)}
		},
		Name:                         "gatewaygen",
		MaxRequestBodySize:           maxBody,
		ReadBufferSize:               maxHeader,
		ReadTimeout:                  headerTimeout,
		WriteTimeout:                 timeout,
		IdleTimeout:                  idle,
		NoDefaultServerHeader:        true,
		DisablePreParseMultipartForm: true,
		ReduceMemoryUsage:            true,
		// fasthttp keeps a worker goroutine that has served a connection
		// this long for the next one (10 s by default): after a burst of
		// connections goes idle, their workers and stacks would outlive the
		// parker's collection (parkgc.go). A loaded gateway reuses its
		// workers far more often than this.
		MaxIdleWorkerDuration: idleWorkerTime,
	}
}

// hasBody reports whether a request whose header is hd is followed by a
// body: a Content-Length above 0 or chunked framing (fasthttp's -1); with
// neither (0, or its -2) a request has none (RFC 9112 §6.3). A header not
// known (nil) is taken to have one.
func hasBody(hd *fasthttp.RequestHeader) bool {
	if hd == nil {
		return true
	}
	n := hd.ContentLength()
	return n > 0 || n == -1
}

func errorHandler(limits bodyLimiter, maxHeader int, rec *refusals) func(*fasthttp.RequestCtx, error) {
	headerDetail := "request line and headers exceed " + strconv.Itoa(maxHeader) + " bytes"
	uriDetail := "request line exceeds " + strconv.Itoa(maxHeader) + " bytes"
	return func(ctx *fasthttp.RequestCtx, err error) {
		why, headerRead := refusalOf(ctx, err)
		// Before the problem is written, so that its body names the id its
		// X-Request-Id header and the access log give, as every other does.
		requestid.Ensure(ctx)
		defer rec.record(ctx, why, headerRead)
		switch why {
		case metrics.BodyTooLarge:
			// fasthttp keeps the header of a Content-Length it refuses but
			// resets the request when it cuts a chunked body, so the limit
			// that body met is no longer known here.
			if headerRead {
				problem.PayloadTooLarge(ctx, int64(limits.of(&ctx.Request.Header)))
			} else {
				unread(ctx, fasthttp.StatusRequestEntityTooLarge, "chunked request body exceeds the body limit of its operation")
			}
		case metrics.HeadersTooLarge:
			// Counted as one refusal whichever part overran the buffer.
			if tooLarge(err) == fasthttp.StatusRequestURITooLong {
				unread(ctx, fasthttp.StatusRequestURITooLong, uriDetail)
			} else {
				unread(ctx, fasthttp.StatusRequestHeaderFieldsTooLarge, headerDetail)
			}
		case metrics.HeaderTimeout:
			unread(ctx, fasthttp.StatusRequestTimeout, "request not received in time")
		default:
			unread(ctx, fasthttp.StatusBadRequest, malformedDetail(err))
		}
	}
}

// malformed pairs a fragment of the text of fasthttp's parse errors with
// the detail a client gets for it: what was wrong and the rule it broke.
// fasthttp's text may quote request bytes, so it is matched, never sent;
// the details are fixed, which keeps the body small and free of reflected
// input. The first fragment found wins.
var malformed = [...]struct{ fragment, detail string }{
	{"missing required host header", "an HTTP/1.1 request needs a Host field with a value (RFC 9112 §3.2)"},
	{"too many host headers", "more than one Host field (RFC 9112 §3.2)"},
	{"duplicate content-length", "Content-Length given more than once (RFC 9112 §6.3)"},
	{"cannot parse content-length", "Content-Length is not a decimal number (RFC 9110 §8.6)"},
	{"content-length and transfer-encoding conflict", "both Content-Length and Transfer-Encoding (RFC 9112 §6.1)"},
	{"transfer-encoding", "Transfer-Encoding other than one chunked coding (RFC 9112 §6.1)"},
	{"invalid header key", "a field name that is not a token (RFC 9110 §5.1)"},
	{"missing colon", "a field line without a colon (RFC 9112 §5)"},
	{"malformed mime header line", "a field name that is not a token (RFC 9110 §5.1)"},
	{"invalid header value", "a field value with a character fields cannot hold (RFC 9110 §5.5)"},
	{"request method", requestLineDetail},
	{"whitespace", requestLineDetail},
	{"http version", requestLineDetail},
	{"request uri", requestLineDetail},
	{"requesturi", requestLineDetail},
	{"trailer", "a trailer field a trailer cannot carry (RFC 9110 §6.5.1)"},
	{"chunk", "malformed chunked body (RFC 9112 §7.1)"},
	{"hex number", "malformed chunked body (RFC 9112 §7.1)"},
}

const requestLineDetail = "malformed request line: expected method, target and HTTP version, one space apart (RFC 9112 §3)"

// malformedDetail says what fasthttp found wrong with a request it could
// not parse.
func malformedDetail(err error) string {
	if errors.As(err, new(fasthttp.ErrBrokenChunk)) {
		return "malformed chunked body (RFC 9112 §7.1)"
	}
	if err != nil {
		msg := strings.ToLower(err.Error())
		for _, m := range malformed {
			if strings.Contains(msg, m.fragment) {
				return m.detail
			}
		}
	}
	return "malformed HTTP request"
}

// requestLine answers, before h sees them, the requests whose request line
// is about the server rather than a resource of the API:
//
//   - an HTTP major version other than 1 gets 505. fasthttp parses any
//     "HTTP/x.y" request line and serves it as HTTP/1.1; but a server that
//     does not speak the major version a client used answers 505 (RFC 9110
//     §6.2, §15.6.6), and forwarding such a request as HTTP/1.1 would have
//     the upstream read it in a version the client did not send. A minor
//     version above 1 is served as 1.1, as RFC 9110 §6.2 has a recipient of
//     a higher minor version do;
//   - "OPTIONS *" (asterisk-form, RFC 9112 §3.2.4) asks about the server in
//     general, a ping (RFC 9110 §9.3.7): 200 with no content. Any other
//     method with that form is malformed: 400;
//   - a method longer than maxMethod is 501, as RFC 9112 §3 has a server
//     answer a method longer than any it implements: the router answered
//     405 and quoted the method, up to the whole request line, in the
//     problem's detail;
//   - CONNECT asks an intermediary for a tunnel (RFC 9110 §9.3.6), which a
//     gateway in front of an API never opens: 501, and the connection
//     closed, as the client may send the tunnel's bytes at once (the
//     router answered 404 for the authority-form target, naming
//     "host:port" as the instance, and 405 for a path);
//   - an absolute-form target (RFC 9112 §3.2.2) of another scheme than
//     http or https (ftp://host/v1/pets) names no resource of the
//     gateway: 400 (it was served as if it had been http);
//   - framing (framing.go) drops a chunked body's trailer fields and
//     refuses a transfer coding other than chunked (501).
func requestLine(h fasthttp.RequestHandler) fasthttp.RequestHandler {
	return func(ctx *fasthttp.RequestCtx) {
		hd := &ctx.Request.Header
		if p := hd.Protocol(); len(p) != len("HTTP/1.1") || p[5] != '1' || p[6] != '.' || p[7] < '0' || p[7] > '9' {
			ctx.SetConnectionClose()
			blank(ctx, fasthttp.StatusHTTPVersionNotSupported, "this gateway speaks HTTP/1.0 and HTTP/1.1")
			return
		}
		if len(hd.Method()) > maxMethod {
			ctx.SetConnectionClose()
			blank(ctx, fasthttp.StatusNotImplemented, "the method is longer than any this gateway implements (RFC 9112 §3)")
			return
		}
		if hd.IsConnect() {
			ctx.SetConnectionClose()
			blank(ctx, fasthttp.StatusNotImplemented, "this gateway opens no tunnel: CONNECT is for proxies (RFC 9110 §9.3.6)")
			return
		}
		if u := hd.RequestURI(); len(u) > 0 && u[0] != '/' {
			switch {
			case len(u) == 1 && u[0] == '*' && hd.IsOptions():
				ctx.SetStatusCode(fasthttp.StatusOK)
				return
			case len(u) == 1 && u[0] == '*':
				blank(ctx, fasthttp.StatusBadRequest, "the request target * is for OPTIONS only")
				return
			case !httpScheme(u):
				blank(ctx, fasthttp.StatusBadRequest, "an absolute request target names a resource of this gateway by an http or https URI (RFC 9112 §3.2.2)")
				return
			}
		}
		if !framing(ctx) {
			return
		}
		h(ctx)
	}
}

// maxMethod is the length of the longest method an operation can have:
// OpenAPI's are GET, PUT, POST, DELETE, OPTIONS, HEAD, PATCH and TRACE
// (3.2's QUERY among them), CONNECT being refused.
const maxMethod = len("OPTIONS")

// httpScheme reports whether the absolute-form target u begins with the
// scheme http or https, in any case, and "://".
func httpScheme(u []byte) bool {
	i := bytes.Index(u, []byte("://"))
	return i >= 0 && (bytes.EqualFold(u[:i], []byte("http")) || bytes.EqualFold(u[:i], []byte("https")))
}

// blank answers a request the server refuses before the handler sees it,
// with the request id every answer carries (X-Request-Id, and request_id in
// the problem) for the client to quote.
func blank(ctx *fasthttp.RequestCtx, status int, detail string) {
	requestid.Ensure(ctx)
	problem.Write(ctx, status, problem.TypeBlank, problem.Title(status), detail, nil)
}

// unread is blank for a request whose request line and header fasthttp
// could not read whole, or reset: the problem names no instance, as the
// target is not known (fasthttp's URI of an unread request is "/").
func unread(ctx *fasthttp.RequestCtx, status int, detail string) {
	problem.WriteUnread(ctx, status, problem.TypeBlank, problem.Title(status), detail)
}

// Main is the whole main() of a generated binary: flags over environment
// over defaults, build the handler, listen, serve until SIGINT or SIGTERM,
// then drain (serve, in lifecycle.go) and exit 0. Start-up
// errors print "<name>-gateway: <err>" and exit 1; flag errors exit 2.
func Main(defaults Config, build func(Config) (fasthttp.RequestHandler, error)) {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	os.Exit(run(defaults, build, os.Args[1:], os.Getenv, os.Stderr, stop))
}

// run is Main with its inputs passed in, so tests can drive it.
func run(defaults Config, build func(Config) (fasthttp.RequestHandler, error), args []string,
	getenv func(string) string, stderr io.Writer, stop <-chan os.Signal,
) int {
	prog := "gateway"
	if defaults.Name != "" {
		prog = defaults.Name + "-gateway"
	}
	cfg, err := parseFlags(defaults, args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 2
	}
	if cfg.PrintConfig {
		if err := printConfig(stdout, cfg); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", prog, err)
			return 1
		}
		return 0
	}
	installSettings(cfg, stderr)
	// mutualTLS: shared by every copy of cfg, so that build (the
	// generated New) can register the client CAs serve's listener uses.
	cfg.ClientCAs = &ClientCAs{}
	h, err := build(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 1
	}
	reloadsDone := make(chan struct{})
	defer close(reloadsDone)
	watchReloads(cfg.Reload, prog, stderr, reloadsDone)
	watchSettings(cfg, prog, stderr, reloadsDone)
	return serve(cfg, h, prog, stderr, stop)
}

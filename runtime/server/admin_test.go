package server

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

func TestOpsFlags(t *testing.T) {
	defaults := Config{Name: "petstore", Listen: "127.0.0.1:8080", Admin: "127.0.0.1:9091"}
	for _, c := range []struct {
		name  string
		args  []string
		env   map[string]string
		admin string
		delay time.Duration
		err   string
	}{
		{name: "document's address", admin: "127.0.0.1:9091"},
		{name: "env over document", env: map[string]string{EnvAdmin: "127.0.0.1:9999"}, admin: "127.0.0.1:9999"},
		{name: "flag over env", args: []string{"--admin", ":9100"}, env: map[string]string{EnvAdmin: "127.0.0.1:9999"}, admin: ":9100"},
		{name: "off", args: []string{"--admin", "off"}, admin: ""},
		{name: "env off", env: map[string]string{EnvAdmin: "off"}, admin: ""},
		{name: "drain delay from env", env: map[string]string{EnvDrainDelay: "2s"}, admin: "127.0.0.1:9091", delay: 2 * time.Second},
		{name: "same as listen", args: []string{"--admin", "127.0.0.1:8080"}, err: `server: --admin "127.0.0.1:8080": the same address as --listen`},
		{name: "malformed", args: []string{"--admin", "9091"}, err: `server: --admin "9091": want HOST:PORT or :PORT`},
		{name: "bad drain delay", env: map[string]string{EnvDrainDelay: "soon"}, err: `server: GATEWAY_DRAIN_DELAY="soon": want a duration`},
		{name: "zero drain timeout", args: []string{"--drain-timeout", "0s"}, err: "server: --drain-timeout 0s: want a duration > 0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseFlags(defaults, c.args, env(c.env), io.Discard)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err %v, want %s", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Admin != c.admin || got.DrainDelay != c.delay {
				t.Fatalf("admin %q delay %v, want %q %v", got.Admin, got.DrainDelay, c.admin, c.delay)
			}
		})
	}
}

func TestAdminHandler(t *testing.T) {
	var st state
	h := adminHandler(&st)
	get := func(method, path string) (int, string) {
		var ctx fasthttp.RequestCtx
		ctx.Request.Header.SetMethod(method)
		ctx.Request.SetRequestURI(path)
		h(&ctx)
		return ctx.Response.StatusCode(), string(ctx.Response.Body())
	}
	for _, c := range []struct {
		name         string
		ready, drain bool
		method, path string
		status       int
		body         string
	}{
		{"health", false, false, "GET", PathHealth, 200, "ok\n"},
		{"starting", false, false, "GET", PathReady, 503, "starting\n"},
		{"ready", true, false, "GET", PathReady, 200, "ready\n"},
		{"draining", false, true, "GET", PathReady, 503, "draining\n"},
		{"health while draining", false, true, "GET", PathHealth, 200, "ok\n"},
		{"metrics", true, false, "GET", PathMetrics, 200, ""},
		{"post", true, false, "POST", PathReady, 405, "Method Not Allowed"},
		{"unknown", true, false, "GET", "/debug/pprof", 404, "Not Found"},
		// Kubernetes' names for the same pages.
		{"healthz", false, false, "GET", "/healthz", 200, "ok\n"},
		{"livez", false, true, "GET", "/livez", 200, "ok\n"},
		{"readyz", true, false, "GET", "/readyz", 200, "ready\n"},
		{"readyz draining", false, true, "GET", "/readyz", 503, "draining\n"},
		{"readyz post", true, false, "POST", "/readyz", 405, "Method Not Allowed"},
	} {
		st.ready.Store(c.ready)
		st.draining.Store(c.drain)
		status, body := get(c.method, c.path)
		if status != c.status || !strings.Contains(body, c.body) {
			t.Errorf("%s: %d %q, want %d containing %q", c.name, status, body, c.status, c.body)
		}
	}
}

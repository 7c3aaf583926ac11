package server

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gatewaygen/gatewaygen/runtime/accesslog"
)

// TestEnvFileSettings: the environment file wins over the environment and
// loses to flags; a bad line or value fails naming the file, line or
// variable.
func TestEnvFileSettings(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good", "# gateway\nexport GATEWAY_LOG_LEVEL=\"warn\"\n\nGATEWAY_ACCESS_LOG=stderr\nGATEWAY_ACCESS_LOG_SAMPLE='0.5'\nGATEWAY_LISTEN=ignored:1\n")
	for _, c := range []struct {
		name    string
		args    []string
		env     map[string]string
		level   string
		access  string
		sample  float64
		wantErr string
	}{
		{"no file", nil, map[string]string{EnvLogLevel: "debug"}, "debug", "off", DefaultAccessSample, ""},
		{"file over environment", []string{"--env-file", good}, map[string]string{EnvLogLevel: "debug", EnvAccessLog: "stdout"}, "warn", "stderr", 0.5, ""},
		{"file from the environment", nil, map[string]string{EnvEnvFile: good}, "warn", "stderr", 0.5, ""},
		{"flags over file", []string{"--env-file", good, "--log-level", "error", "--access-log-sample", "1"}, nil, "error", "stderr", 1, ""},
		{"bad level flag", []string{"--log-level", "loud"}, nil, "", "", 0, `--log-level "loud": want debug, info, warn or error`},
		{"bad level in file", []string{"--env-file", write("lvl", "GATEWAY_LOG_LEVEL=loud\n")}, nil, "", "", 0, `lvl: GATEWAY_LOG_LEVEL="loud"`},
		{"bad line", []string{"--env-file", write("line", "GATEWAY_LOG_LEVEL=info\njust words\n")}, nil, "", "", 0, "line:2: want NAME=VALUE"},
		{"bad sample", []string{"--env-file", write("smp", "GATEWAY_ACCESS_LOG_SAMPLE=2\n")}, nil, "", "", 0, "--access-log-sample 2"},
		{"missing file", []string{"--env-file", filepath.Join(dir, "none")}, nil, "", "", 0, "no such file"},
		{"missing optional file", []string{"--env-file", "-" + filepath.Join(dir, "none")}, map[string]string{EnvLogLevel: "warn"}, "warn", "off", DefaultAccessSample, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := parseFlags(Config{Name: "t", Listen: "127.0.0.1:1"}, c.args, env(c.env), io.Discard)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.LogLevel != c.level || orDefault(cfg.AccessLog, "off") != c.access || cfg.AccessSample != c.sample {
				t.Fatalf("level %q, access log %q, sample %v; want %q, %q, %v", cfg.LogLevel, cfg.AccessLog, cfg.AccessSample, c.level, c.access, c.sample)
			}
			if cfg.Listen != "127.0.0.1:1" {
				t.Fatalf("the file changed --listen to %q", cfg.Listen)
			}
		})
	}
}

// TestReloadSettings: SIGHUP reads the environment file again: the process
// log's level and the access log's on/off and destination change at once,
// a flag stays pinned, and a bad file keeps the settings in force.
func TestReloadSettings(t *testing.T) {
	defer slog.SetDefault(slog.Default())
	var access syncBuffer
	old := stdout
	stdout = &access
	defer func() { stdout = old }()
	file := filepath.Join(t.TempDir(), "env")
	put := func(body string) {
		if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	put("GATEWAY_LOG_LEVEL=warn\nGATEWAY_ACCESS_LOG=off\n")
	cfg, err := parseFlags(Config{Name: "t", Listen: "127.0.0.1:1"}, []string{"--env-file", file, "--access-log-sample", "1"},
		env(map[string]string{EnvLogLevel: "debug"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var procLog, errOut syncBuffer
	installSettings(cfg, &procLog)
	l := accesslog.New(cfg.AccessLogConfig())
	defer l.Close()
	var ctx fasthttp.RequestCtx
	ctx.Request.SetRequestURI("/pets")
	ctx.Response.SetStatusCode(200)
	logged := func(tag string) bool {
		t.Helper()
		ctx.Request.Header.Set("X-Request-Id", tag)
		ctx.Response.Header.Set("X-Request-Id", tag)
		l.Log(&ctx, "op", "", "", 0, 0, 0)
		deadline := time.Now().Add(time.Second)
		for time.Now().Before(deadline) {
			if strings.Contains(access.String(), tag) {
				return true
			}
			time.Sleep(10 * time.Millisecond)
		}
		return false
	}

	slog.Info("info-before")
	if strings.Contains(procLog.String(), "info-before") || logged("req-before") {
		t.Fatalf("at warn with the access log off: process log %q, access log %q", procLog.String(), access.String())
	}
	done := make(chan struct{})
	defer close(done)
	watchSettings(cfg, "t", &errOut, done)
	hup := func(want string) {
		t.Helper()
		n := strings.Count(errOut.String(), "SIGHUP")
		syscall.Kill(os.Getpid(), syscall.SIGHUP)
		waitFor(t, func() bool { return strings.Count(errOut.String(), "SIGHUP") > n }, "a line about the reload")
		if !strings.Contains(errOut.String(), want) {
			t.Fatalf("stderr %q, want %q", errOut.String(), want)
		}
	}

	put("GATEWAY_LOG_LEVEL=debug\nGATEWAY_ACCESS_LOG=stdout\nGATEWAY_ACCESS_LOG_SAMPLE=0\n")
	hup("settings reloaded from " + file + ": log level debug, access log stdout, sample 1")
	slog.Debug("debug-after")
	if !strings.Contains(procLog.String(), "debug-after") {
		t.Errorf("debug line not written at debug: %q", procLog.String())
	}
	if !logged("req-after") { // sampled by the pinned flag's 1, not the file's 0
		t.Errorf("access log not on after the reload: %q", access.String())
	}

	put("GATEWAY_LOG_LEVEL=loud\nGATEWAY_ACCESS_LOG=off\n")
	hup(`GATEWAY_LOG_LEVEL="loud": want debug, info, warn or error; settings unchanged`)
	if !slog.Default().Enabled(context.Background(), slog.LevelDebug) || !logged("req-kept") {
		t.Error("a bad file changed the settings")
	}
}

package server

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/gatewaygen/gatewaygen/runtime/accesslog"
)

// Environment variables of the settings SIGHUP reloads (ParseFlags).
const (
	EnvLogLevel = "GATEWAY_LOG_LEVEL"
	EnvEnvFile  = "GATEWAY_ENV_FILE"
)

// DefaultLogLevel is the process log's level when nothing sets one.
const DefaultLogLevel = "info"

// A running process's environment cannot be changed from outside, so a
// setting to be changed without a restart has to come from a file. The one
// operators already edit is the environment file of the systemd unit
// (templates/deploy: EnvironmentFile=/etc/NAME-gateway/env, lines of
// GATEWAY_*=VALUE): --env-file names it, and SIGHUP (systemctl reload)
// reads it again. Of its variables, these take effect at once; the rest
// need a restart, as they did.
var reloadable = []string{EnvLogLevel, EnvAccessLog, EnvAccessSample}

// settings is what a reload of the environment file changes: the process
// log's level and the access log's sampling, on/off and destination. A
// setting given by flag is pinned: the file does not override it, at
// start or at reload.
type settings struct {
	file   string
	pinned map[string]bool // by environment variable name
	level  slog.LevelVar
	mu     sync.Mutex // serializes reloads
}

// processLevel is the level of the process log (log/slog's default, and so
// the log package's lines, which are INFO).
var processLevel slog.LevelVar

// accessSink is where the access log writes when reloads may move it: the
// loggers are created once, their destination follows the file.
var accessSink = &sinkWriter{}

type sinkWriter struct{ w atomic.Pointer[io.Writer] }

func (s *sinkWriter) Write(p []byte) (int, error) {
	if w := s.w.Load(); w != nil && *w != nil {
		return (*w).Write(p)
	}
	return len(p), nil
}

func (s *sinkWriter) set(dest string) {
	var w io.Writer
	switch dest {
	case "stderr":
		w = os.Stderr
	case "stdout":
		w = stdout
	}
	s.w.Store(&w)
}

// settingsEnv reads the environment of the reloadable settings into cfg.
func settingsEnv(cfg *Config, getenv func(string) string) {
	if v := strings.TrimSpace(getenv(EnvLogLevel)); v != "" {
		cfg.LogLevel = v
	}
	if v := strings.TrimSpace(getenv(EnvEnvFile)); v != "" {
		cfg.EnvFile = v
	}
}

// settingsFlags registers --log-level and --env-file.
func settingsFlags(fs *flag.FlagSet, cfg *Config) {
	fs.StringVar(&cfg.LogLevel, "log-level", cfg.LogLevel,
		"`LEVEL` of the process log: debug, info (\"\" is "+DefaultLogLevel+"), warn or error (env "+EnvLogLevel+"; reloaded from --env-file on SIGHUP)")
	fs.StringVar(&cfg.EnvFile, "env-file", cfg.EnvFile,
		"`FILE` of "+strings.Join(reloadable, ", ")+" lines (a systemd EnvironmentFile; -FILE if it may be missing), read at start over the environment and again on SIGHUP; flags win over it (env "+EnvEnvFile+")")
}

// settingsAfterParse applies the environment file over the environment,
// under the flags fs saw, and checks the result.
func settingsAfterParse(flags *flag.FlagSet, cfg *Config) error {
	if cfg.EnvFile != "" {
		s := &settings{file: cfg.EnvFile, pinned: map[string]bool{}}
		flags.Visit(func(f *flag.Flag) {
			switch f.Name {
			case "log-level":
				s.pinned[EnvLogLevel] = true
			case "access-log":
				s.pinned[EnvAccessLog] = true
			case "access-log-sample":
				s.pinned[EnvAccessSample] = true
			}
		})
		next, err := s.read(*cfg)
		if err != nil {
			return fmt.Errorf("server: --env-file: %w", err)
		}
		*cfg = next
		cfg.settings = s
	}
	if _, err := parseLevel(cfg.LogLevel); err != nil {
		return fmt.Errorf("server: --log-level %q: %w", cfg.LogLevel, err)
	}
	return nil
}

func parseLevel(v string) (slog.Level, error) {
	var l slog.Level
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "info":
		l = slog.LevelInfo
	case "debug":
		l = slog.LevelDebug
	case "warn", "warning":
		l = slog.LevelWarn
	case "error":
		l = slog.LevelError
	default:
		return 0, fmt.Errorf("want debug, info, warn or error")
	}
	return l, nil
}

// read reads the file and returns cfg with its reloadable settings
// applied, each checked; on any error nothing of it is applied.
func (s *settings) read(cfg Config) (Config, error) {
	// "-PATH" is optional, as in systemd's EnvironmentFile=-PATH: a
	// missing file sets nothing.
	path, optional := strings.CutPrefix(s.file, "-")
	vars, err := readEnvFile(path)
	if optional && errors.Is(err, fs.ErrNotExist) {
		vars, err = nil, nil
	}
	if err != nil {
		return cfg, err
	}
	for _, name := range reloadable {
		v, ok := vars[name]
		if !ok || s.pinned[name] {
			continue
		}
		switch name {
		case EnvLogLevel:
			if _, err := parseLevel(v); err != nil {
				return cfg, fmt.Errorf("%s: %s=%q: %w", s.file, name, v, err)
			}
			cfg.LogLevel = v
		case EnvAccessLog:
			cfg.AccessLog = v
		case EnvAccessSample:
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return cfg, fmt.Errorf("%s: %s=%q: want a number from 0 to 1", s.file, name, v)
			}
			cfg.AccessSample = x
		}
	}
	if err := checkAccess(cfg); err != nil {
		return cfg, fmt.Errorf("%s: %w", s.file, err)
	}
	return cfg, nil
}

// readEnvFile reads NAME=VALUE lines as systemd's EnvironmentFile= does for
// the simple cases: blank lines and lines starting with # or ; skipped, an
// optional "export ", a value in single or double quotes unquoted.
func readEnvFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	vars := map[string]string{}
	sc := bufio.NewScanner(io.LimitReader(f, 1<<20))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		name, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		name, v = strings.TrimSpace(name), strings.TrimSpace(v)
		if !ok || name == "" || strings.ContainsAny(name, " \t\"'") {
			return nil, fmt.Errorf("%s:%d: want NAME=VALUE", path, n)
		}
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		vars[name] = v
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return vars, nil
}

// installSettings makes cfg's log level the process log's and, when an
// environment file may move the access log, points the sink at its
// destination. run calls it once, before the gateway is built.
func installSettings(cfg Config, stderr io.Writer) {
	l, _ := parseLevel(cfg.LogLevel)
	processLevel.Set(l)
	slog.SetDefault(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: &processLevel})))
	if cfg.settings != nil {
		accessSink.set(cfg.AccessLog)
	}
}

// apply makes a reloaded cfg take effect.
func (s *settings) apply(cfg Config) {
	l, _ := parseLevel(cfg.LogLevel)
	processLevel.Set(l)
	accessSink.set(cfg.AccessLog)
	accesslog.ReconfigureAll(cfg.AccessSample, orDefault(cfg.AccessLog, "off") == "off")
}

// reload reads the file again over cur and applies it, returning the new
// configuration; a file that does not read or holds a bad value changes
// nothing.
func (s *settings) reload(cur Config) (Config, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	next, err := s.read(cur)
	if err != nil {
		return cur, err
	}
	s.apply(next)
	return next, nil
}

// watchSettings reloads cfg's environment file on every SIGHUP until done
// closes, saying on stderr what it set or why it kept the old settings.
func watchSettings(cfg Config, prog string, stderr io.Writer, done <-chan struct{}) {
	s := cfg.settings
	if s == nil {
		return
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		defer signal.Stop(hup)
		cur := cfg
		for {
			select {
			case <-done:
				return
			case <-hup:
				next, err := s.reload(cur)
				if err != nil {
					fmt.Fprintf(stderr, "%s: SIGHUP: %v; settings unchanged\n", prog, err)
					continue
				}
				cur = next
				fmt.Fprintf(stderr, "%s: SIGHUP: settings reloaded from %s: log level %s, access log %s, sample %v\n",
					prog, s.file, orDefault(cur.LogLevel, DefaultLogLevel), orDefault(cur.AccessLog, "off"), cur.AccessSample)
			}
		}
	}()
}

package server

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/gatewaygen/gatewaygen/runtime/accesslog"
)

// Environment variables of the access log (ParseFlags).
const (
	EnvAccessLog    = "GATEWAY_ACCESS_LOG"
	EnvAccessSample = "GATEWAY_ACCESS_LOG_SAMPLE"
	EnvLogRedact    = "GATEWAY_LOG_REDACT"
)

// DefaultAccessSample is the share of successful requests logged when
// nothing says otherwise: every refusal and error is logged anyway, and
// one success in a hundred shows the shape of normal traffic without
// making the log the gateway's main output.
const DefaultAccessSample = 0.01

// accessEnv reads the access log's environment into cfg.
func accessEnv(cfg *Config, getenv func(string) string) error {
	if v := strings.TrimSpace(getenv(EnvAccessLog)); v != "" {
		cfg.AccessLog = v
	}
	if v := strings.TrimSpace(getenv(EnvAccessSample)); v != "" {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || x < 0 || x > 1 {
			return fmt.Errorf("server: %s=%q: want a number from 0 to 1", EnvAccessSample, v)
		}
		cfg.AccessSample = x
	}
	if v := strings.TrimSpace(getenv(EnvLogRedact)); v != "" {
		cfg.LogRedact = splitList(v)
	}
	return nil
}

type listFlag struct{ dst *[]string }

func (f listFlag) String() string {
	if f.dst == nil {
		return ""
	}
	return strings.Join(*f.dst, ",")
}

func (f listFlag) Set(v string) error {
	*f.dst = append(*f.dst, splitList(v)...)
	return nil
}

// checkAccess validates the access log settings once flags are parsed.
func checkAccess(cfg Config) error {
	switch cfg.AccessLog {
	case "", "off", "stderr", "stdout":
	default:
		return fmt.Errorf("server: --access-log %q: want off, stderr or stdout", cfg.AccessLog)
	}
	if cfg.AccessSample < 0 || cfg.AccessSample > 1 {
		return fmt.Errorf("server: --access-log-sample %v: want a number from 0 to 1", cfg.AccessSample)
	}
	return nil
}

// AccessLogConfig is the access log cfg asks for; sensitive are the query
// parameters the document itself makes secret (API keys sent in the
// query), redacted beside those of --log-redact.
func (c Config) AccessLogConfig(sensitive ...string) accesslog.Config {
	var out io.Writer
	switch c.AccessLog {
	case "stderr":
		out = os.Stderr
	case "stdout":
		out = os.Stdout
	}
	off := false
	if c.AccessLogOut != nil {
		out = c.AccessLogOut
	} else if c.settings != nil {
		// settings.go: a reload may turn the log on or move it, so the
		// loggers exist from the start and write through the sink.
		out, off = accessSink, orDefault(c.AccessLog, "off") == "off"
	}
	return accesslog.Config{
		Off:       off,
		Out:       shared(out), // refusals.go: one lock per sink
		Sample:    c.AccessSample,
		Sensitive: append(append([]string(nil), sensitive...), c.LogRedact...),
	}
}

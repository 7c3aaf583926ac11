package server

import (
	"encoding/json"
	"io"
	"net/url"
	"os"
	"sort"
)

// stdout is where --print-config writes; tests replace it.
var stdout io.Writer = os.Stdout

// effective is the configuration as --print-config shows it: every
// setting after the document's defaults, the environment and the flags,
// with durations written as Go durations.
type effective struct {
	Name          string              `json:"name"`
	Listen        string              `json:"listen"`
	Admin         string              `json:"admin"`
	Upstreams     map[string][]string `json:"upstreams"`
	Mock          bool                `json:"mock"`
	Auth          map[string]string   `json:"auth"`
	MaxBody       int                 `json:"max_request_body"`
	MaxHeader     int                 `json:"max_header_bytes"`
	Timeout       string              `json:"timeout"`
	HeaderTimeout string              `json:"header_timeout"`
	IdleTimeout   string              `json:"idle_timeout"`
	MaxConns      int                 `json:"max_conns"`
	MaxConnsPerIP int                 `json:"max_conns_per_ip"`
	DrainDelay    string              `json:"drain_delay"`
	DrainTimeout  string              `json:"drain_timeout"`
	AccessLog     string              `json:"access_log"`
	AccessSample  float64             `json:"access_log_sample"`
	LogRedact     []string            `json:"log_redact"`
	TLSCert       string              `json:"tls_cert"`
	TLSKey        string              `json:"tls_key"`
	LogLevel      string              `json:"log_level"`          // settings.go
	EnvFile       string              `json:"env_file,omitempty"` // settings.go
}

// printConfig writes cfg to w as indented JSON. Secrets are redacted: a
// password in an upstream URL and an upstream URL's query. Keys and JWKS
// are never in the configuration, only where they are read from
// (env:NAME, file:PATH), which is shown.
func printConfig(w io.Writer, cfg Config) error {
	e := effective{
		Name: cfg.Name, Listen: cfg.Listen, Admin: cfg.Admin, Mock: cfg.Mock,
		Upstreams: map[string][]string{}, Auth: map[string]string{},
		MaxBody:       orDefault(cfg.MaxRequestBody, DefaultMaxRequestBody),
		MaxHeader:     orDefault(cfg.MaxHeaderBytes, DefaultMaxHeaderBytes),
		Timeout:       orDefault(cfg.Timeout, DefaultTimeout).String(),
		HeaderTimeout: orDefault(cfg.HeaderTimeout, DefaultHeaderTimeout).String(),
		IdleTimeout:   orDefault(cfg.IdleTimeout, DefaultIdleTimeout).String(),
		MaxConns:      orDefault(cfg.MaxConns, DefaultMaxConns),
		MaxConnsPerIP: cfg.MaxConnsPerIP,
		DrainDelay:    cfg.DrainDelay.String(),
		DrainTimeout:  orDefault(cfg.DrainTimeout, ShutdownTimeout).String(),
		AccessLog:     orDefault(cfg.AccessLog, "off"),
		AccessSample:  cfg.AccessSample,
		LogRedact:     append([]string{}, cfg.LogRedact...),
		TLSCert:       cfg.TLSCert,
		TLSKey:        cfg.TLSKey,
		LogLevel:      orDefault(cfg.LogLevel, DefaultLogLevel),
		EnvFile:       cfg.EnvFile,
	}
	names := make([]string, 0, len(cfg.Upstreams))
	for n := range cfg.Upstreams {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		for _, u := range cfg.Upstreams[n] {
			e.Upstreams[n] = append(e.Upstreams[n], redactURL(u))
		}
	}
	for k, v := range cfg.Auth {
		e.Auth[k] = v
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(e)
}

// Redacted replaces a secret in --print-config's output.
const Redacted = "REDACTED"

func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return Redacted // cannot tell which part is secret
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), Redacted)
	}
	if u.RawQuery != "" {
		u.RawQuery = Redacted
	}
	return u.String()
}

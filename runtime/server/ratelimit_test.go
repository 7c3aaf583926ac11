package server

import (
	"io"
	"slices"
	"testing"
)

// TestRateLimitFlags: --trusted-proxies and --redis over their variables
// over the document's trusted proxies; the password only from the
// environment.
func TestRateLimitFlags(t *testing.T) {
	defaults := Config{Name: "petstore", Listen: ":8080", TrustedProxies: []string{"10.0.0.0/8"}, ClientIPHeader: "forwarded"}
	for _, c := range []struct {
		name     string
		args     []string
		env      map[string]string
		proxies  []string
		redis    string
		password string
	}{
		{"defaults", nil, nil, []string{"10.0.0.0/8"}, "", ""},
		{"env", nil, map[string]string{EnvTrustedProxies: " 192.0.2.0/24, ,198.51.100.7 ", EnvRedis: "redis://r:6379/1", EnvRedisPassword: "s3cret"},
			[]string{"192.0.2.0/24", "198.51.100.7"}, "redis://r:6379/1", "s3cret"},
		{"flags over env", []string{"--trusted-proxies", "172.16.0.0/12", "--redis", "redis://other:6379"},
			map[string]string{EnvTrustedProxies: "192.0.2.0/24", EnvRedis: "redis://r:6379/1"},
			[]string{"172.16.0.0/12"}, "redis://other:6379", ""},
		{"empty flag trusts nobody", []string{"--trusted-proxies", ""}, nil, nil, "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := parseFlags(defaults, c.args, func(k string) string { return c.env[k] }, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(cfg.TrustedProxies, c.proxies) || cfg.Redis != c.redis || cfg.RedisPassword != c.password || cfg.ClientIPHeader != "forwarded" {
				t.Errorf("got proxies %q redis %q password %q header %q", cfg.TrustedProxies, cfg.Redis, cfg.RedisPassword, cfg.ClientIPHeader)
			}
		})
	}
}

package server

import (
	"flag"
	"strings"
)

// Environment variables of the rate limits' settings.
const (
	EnvTrustedProxies = "GATEWAY_TRUSTED_PROXIES"
	EnvRedis          = "GATEWAY_REDIS"
	// EnvRedisPassword is read from the environment only, so that the
	// password never shows in a process listing.
	EnvRedisPassword = "GATEWAY_REDIS_PASSWORD"
)

// rateLimitFlags reads the rate limits' environment into cfg and
// registers their flags on fs, which override it.
//
//	--trusted-proxies CIDR,...  (GATEWAY_TRUSTED_PROXIES)
//	--redis URL                 (GATEWAY_REDIS; password from GATEWAY_REDIS_PASSWORD)
func rateLimitFlags(fs *flag.FlagSet, cfg *Config, getenv func(string) string) {
	if v := getenv(EnvTrustedProxies); strings.TrimSpace(v) != "" {
		cfg.TrustedProxies = splitList(v)
	}
	if v := getenv(EnvRedis); v != "" {
		cfg.Redis = v
	}
	if v := getenv(EnvRedisPassword); v != "" {
		cfg.RedisPassword = v
	}
	fs.Func("trusted-proxies", "comma-separated `CIDRs` of the proxies whose forwarding header names the client rate limits key on, replacing the document's (env "+EnvTrustedProxies+")", func(v string) error {
		cfg.TrustedProxies = splitList(v)
		return nil
	})
	fs.StringVar(&cfg.Redis, "redis", cfg.Redis, "`URL` of the Redis that shares rate limits with store: redis, like redis://127.0.0.1:6379/0 (env "+EnvRedis+"; the password from "+EnvRedisPassword+")")
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

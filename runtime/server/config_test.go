package server

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

func TestPrintConfig(t *testing.T) {
	var out bytes.Buffer
	old := stdout
	stdout = &out
	defer func() { stdout = old }()
	built := false
	build := func(Config) (fasthttp.RequestHandler, error) { built = true; return nil, nil }
	var errOut syncBuffer
	code := run(Config{Name: "petstore", Listen: "127.0.0.1:8080"}, build, []string{
		"--print-config",
		"--upstream", "pets=https://svc:s3cret-pass@pets.internal:8443/base?token=s3cret-token",
		"--auth", "petsKey=env:PETS_KEYS",
		"--access-log", "stdout",
	}, env(map[string]string{EnvAdmin: "127.0.0.1:9091", EnvDrainDelay: "2s"}), &errOut, make(chan os.Signal))
	if code != 0 || built {
		t.Fatalf("exit %d, built %v: %s", code, built, errOut.String())
	}
	s := out.String()
	for _, secret := range []string{"s3cret-pass", "s3cret-token"} {
		if strings.Contains(s, secret) {
			t.Errorf("%q printed:\n%s", secret, s)
		}
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, s)
	}
	ups := got["upstreams"].(map[string]any)["pets"].([]any)
	for k, want := range map[string]any{
		"admin": "127.0.0.1:9091", "drain_delay": "2s", "access_log": "stdout", "listen": "127.0.0.1:8080",
		"drain_timeout": "10s", "max_conns": float64(DefaultMaxConns),
	} {
		if got[k] != want {
			t.Errorf("%s = %v, want %v", k, got[k], want)
		}
	}
	if ups[0] != "https://svc:REDACTED@pets.internal:8443/base?REDACTED" {
		t.Errorf("upstream printed as %v", ups[0])
	}
	if got["auth"].(map[string]any)["petsKey"] != "env:PETS_KEYS" {
		t.Errorf("auth %v", got["auth"])
	}
}

// TestBadValuesNameThemselves: a bad setting stops the start with a
// message that names the flag or variable and the value.
func TestBadValuesNameThemselves(t *testing.T) {
	for _, c := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--access-log", "syslog"}, nil, `--access-log "syslog": want off, stderr or stdout`},
		{[]string{"--access-log-sample", "2"}, nil, `--access-log-sample 2: want a number from 0 to 1`},
		{nil, map[string]string{EnvAccessSample: "half"}, `GATEWAY_ACCESS_LOG_SAMPLE="half": want a number from 0 to 1`},
		{nil, map[string]string{EnvDrainTimeout: "0s"}, `GATEWAY_DRAIN_TIMEOUT="0s"`},
		{nil, map[string]string{EnvMaxConns: "lots"}, `GATEWAY_MAX_CONNS="lots"`},
		{[]string{"--admin", "nope"}, nil, `--admin "nope"`},
	} {
		var errOut syncBuffer
		code := run(Config{Name: "petstore", Listen: "127.0.0.1:8080"}, nil, c.args, env(c.env), &errOut, make(chan os.Signal))
		if code != 2 || !strings.Contains(errOut.String(), c.want) {
			t.Errorf("%v %v: exit %d, %q; want 2 and %q", c.args, c.env, code, errOut.String(), c.want)
		}
	}
}

package server

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gatewaygen/gatewaygen/runtime/balance"
)

func TestUpstreamsFile(t *testing.T) {
	dir := t.TempDir()
	file := func(content string) string {
		p := filepath.Join(dir, "targets")
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	defaults := Config{Listen: ":1", Upstreams: map[string][]string{}}
	p := file("# comment\n\npets=http://a:1\npets = http://b:2\ninventory=http://c:3\n")
	cfg, err := ParseFlags(defaults, []string{"--upstreams-file", p, "--upstream", "inventory=http://flag:4"},
		env(map[string]string{EnvUpstreams: "pets=http://env:5"}))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(cfg.Upstreams["pets"], " "); got != "http://env:5" {
		t.Errorf("pets: %s, want the environment's over the file's", got)
	}
	if got := strings.Join(cfg.Upstreams["inventory"], " "); got != "http://flag:4" {
		t.Errorf("inventory: %s, want the flag's over the file's", got)
	}
	cfg, err = ParseFlags(defaults, nil, env(map[string]string{EnvUpstreamsFile: p}))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(cfg.Upstreams["pets"], " "); got != "http://a:1 http://b:2" || cfg.Reload == nil {
		t.Errorf("pets from %s: %s (reload %v)", EnvUpstreamsFile, got, cfg.Reload)
	}

	for content, want := range map[string]string{
		"pets http://a:1\n": "want NAME=URL",
		"pets=ftp://a\n":    "want an http or https URL",
		"# nothing\n":       "no NAME=URL line",
	} {
		if _, err := ParseFlags(defaults, []string{"--upstreams-file", file(content)}, env(nil)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want an error with %q", content, err, want)
		}
	}
}

type setter struct {
	got  []balance.Target
	fail bool
}

func (s *setter) SetTargets(ts []balance.Target) error {
	if s.fail {
		return errors.New("refused")
	}
	s.got = ts
	return nil
}

func TestReloadTargets(t *testing.T) {
	p := filepath.Join(t.TempDir(), "targets")
	os.WriteFile(p, []byte("pets=http://a:1\npets=http://b:2\n"), 0o600)
	r := &Reloads{file: p}
	pets := &setter{}
	r.Upstream("pets", pets)
	if names, err := r.ReloadTargets(); err != nil || len(names) != 1 || len(pets.got) != 2 || pets.got[1].URL != "http://b:2" {
		t.Fatalf("reload: %v %v, pets got %v", names, err, pets.got)
	}
	os.WriteFile(p, []byte("pets=http://c:3\nstock=http://d:4\n"), 0o600)
	if _, err := r.ReloadTargets(); err == nil || !strings.Contains(err.Error(), `no upstream named "stock"`) || pets.got[0].URL != "http://a:1" {
		t.Fatalf("an unknown upstream: %v; pets got %v, want them unchanged", err, pets.got)
	}
	var none *Reloads
	none.Upstream("pets", pets) // a Config built by hand has no Reloads
	if _, err := none.ReloadTargets(); err == nil {
		t.Fatal("reload without a file succeeded")
	}
}

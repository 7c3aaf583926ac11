package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// portalTestDir holds the browser test's script and its npm dependencies
// (playwright-core, axe-core), installed with `npm ci` there.
const portalTestDir = "../../scripts/portaltest"

// needBrowser returns the Chromium executable and node, or ends the test:
// skipped when one is missing and CI is unset, failed under CI (.ci/run
// installs them).
func needBrowser(t *testing.T) (chromium, node string) {
	t.Helper()
	missing := func(why string) {
		if os.Getenv("CI") != "" {
			t.Fatalf("browser test under CI: %s", why)
		}
		t.Skipf("browser test skipped: %s", why)
	}
	chromium = os.Getenv("CHROMIUM")
	if chromium == "" {
		for _, c := range []string{"chromium", "chromium-browser"} {
			if p, err := exec.LookPath(c); err == nil {
				chromium = p
				break
			}
		}
	}
	if chromium == "" {
		missing("no chromium on PATH (Debian: apt-get install chromium)")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("no node on PATH (Debian: apt-get install nodejs npm)")
	}
	for _, dep := range []string{"playwright-core", "axe-core"} {
		if _, err := os.Stat(filepath.Join(portalTestDir, "node_modules", dep)); err != nil {
			missing("scripts/portaltest/node_modules/" + dep + " is missing (run npm ci in scripts/portaltest)")
		}
	}
	return chromium, node
}

// TestPortalInBrowser loads the portal from a running generated petstore
// gateway in headless Chromium and uses it as a reader would: search,
// open an operation, expand a nested schema, try it with a valid and an
// invalid request, switch the theme; every request must stay on the
// gateway's origin and axe-core must find no serious or critical
// violation. The same site is opened from file:// too. Screenshots go to
// $PORTAL_ARTIFACTS, or a temporary directory.
func TestPortalInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a gateway and drives a browser; skipped in -short mode")
	}
	chromium, node := needBrowser(t)
	bin := buildPetstoreGateway(t)
	be := startBackend(t)
	gw := startGateway(t, bin,
		"--upstream", "pets=http://"+be.addr,
		"--upstream", "inventory=http://"+be.addr)

	site := t.TempDir()
	if code, _, errOut := runCLI(t, "docs", "../../specs/petstore.yaml", "-o", site); code != 0 {
		t.Fatalf("gatewaygen docs: exit %d\n%s", code, errOut)
	}
	artifacts := os.Getenv("PORTAL_ARTIFACTS")
	if artifacts == "" {
		artifacts = t.TempDir()
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "run.mjs")
	cmd.Dir = portalTestDir
	cmd.Env = append(os.Environ(),
		"BASE="+gw, "DOCS=/docs", "FILE_ROOT="+site, "CHROMIUM="+chromium,
		"API_KEY=demo-key-petstore-0001", "ARTIFACTS="+artifacts)
	// The script's browser is its child; a group of their own lets the
	// deadline end both.
	ownProcessGroup(cmd)
	cmd.Cancel = func() error { return killGroup(cmd) }
	out, err := cmd.CombinedOutput()
	t.Logf("browser run (screenshots in %s):\n%s", artifacts, out)
	if err != nil {
		t.Fatalf("the browser test failed: %v", err)
	}
	if !strings.Contains(string(out), "all ") {
		t.Fatal("the browser test did not reach its origin check")
	}
}

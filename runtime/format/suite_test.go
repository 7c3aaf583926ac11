package format

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// suiteDir is the official JSON Schema Test Suite, checked out beside the
// repository.
const suiteDir = "../../../shared/json-schema-test-suite/tests"

// checkers maps the string formats to their functions.
var checkers = map[string]func([]byte) bool{
	"date-time":     DateTime,
	"date":          Date,
	"time":          Time,
	"duration":      Duration,
	"email":         Email,
	"hostname":      Hostname,
	"ipv4":          IPv4,
	"ipv6":          IPv6,
	"uri":           URI,
	"uri-reference": URIReference,
	"uuid":          UUID,
	"byte":          Byte,
	"regex":         Regex,
}

// suiteFiles lists, per draft, the optional/format files that must pass in
// full.
var suiteFiles = map[string][]string{
	"draft4":       {"date-time", "email", "hostname", "ipv4", "ipv6", "uri"},
	"draft2020-12": {"date-time", "date", "time", "duration", "email", "hostname", "ipv4", "ipv6", "uri", "uri-reference", "uuid", "regex"},
}

type suiteGroup struct {
	Description string `json:"description"`
	Schema      struct {
		Format string `json:"format"`
	} `json:"schema"`
	Tests []struct {
		Description string `json:"description"`
		Data        any    `json:"data"`
		Valid       bool   `json:"valid"`
	} `json:"tests"`
}

// record appends this oracle's outcome to the file make test prints at the
// end (GATEWAYGEN_ORACLES, see scripts/oracles.sh), when it asked for one.
func record(tb testing.TB) {
	path := os.Getenv("GATEWAYGEN_ORACLES")
	if path == "" {
		return
	}
	tb.Cleanup(func() {
		status := "ran"
		switch {
		case tb.Failed():
			status = "FAILED"
		case tb.Skipped():
			status = "skipped: the JSON Schema Test Suite is not beside the repository"
		}
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			tb.Errorf("oracle report: %v", err)
			return
		}
		defer f.Close()
		fmt.Fprintf(f, "format-suite\t%s\t%s\n", status, tb.Name())
	})
}

type suiteCase struct {
	draft, format, group, desc string
	data                       string
	valid                      bool
}

// loadSuite reads every string case of suiteFiles, skipping t when the
// suite is not checked out.
func loadSuite(tb testing.TB) []suiteCase {
	tb.Helper()
	if _, err := os.Stat(suiteDir); err != nil {
		why := fmt.Sprintf("JSON Schema Test Suite not found at %s (relative to runtime/format): %v", suiteDir, err)
		// A green CI run must mean the oracle ran (generator/internal/oracledata
		// does the same for the generator's oracles; runtime may not import it).
		if os.Getenv("CI") != "" {
			tb.Fatal("oracle input missing under CI: " + why)
		}
		tb.Skip(why)
	}
	var cases []suiteCase
	for _, draft := range []string{"draft4", "draft2020-12"} {
		for _, name := range suiteFiles[draft] {
			raw, err := os.ReadFile(filepath.Join(suiteDir, draft, "optional", "format", name+".json"))
			if err != nil {
				tb.Fatal(err)
			}
			var groups []suiteGroup
			if err := json.Unmarshal(raw, &groups); err != nil {
				tb.Fatalf("%s/%s.json: %v", draft, name, err)
			}
			for _, g := range groups {
				if checkers[g.Schema.Format] == nil {
					continue // not a string format of ours
				}
				for _, c := range g.Tests {
					s, ok := c.Data.(string)
					if !ok {
						continue // formats only constrain strings
					}
					cases = append(cases, suiteCase{draft, g.Schema.Format, g.Description, c.Description, s, c.Valid})
				}
			}
		}
	}
	return cases
}

func TestSuite(t *testing.T) {
	record(t)
	cases := loadSuite(t)
	type count struct{ pass, total int }
	counts := map[string]*count{}
	var order []string
	for _, c := range cases {
		key := c.draft + "/" + c.format
		if counts[key] == nil {
			counts[key] = &count{}
			order = append(order, key)
		}
		counts[key].total++
		if got := checkers[c.format]([]byte(c.data)); got != c.valid {
			t.Errorf("%s %s: %s / %s: %q: got %v, want %v", c.draft, c.format, c.group, c.desc, c.data, got, c.valid)
			continue
		}
		counts[key].pass++
	}
	for _, key := range order {
		t.Logf("%-26s %3d/%d", key, counts[key].pass, counts[key].total)
	}
	if len(cases) == 0 {
		t.Fatal("no suite cases loaded")
	}
}

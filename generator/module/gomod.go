package module

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
)

// goMod is the part of a go.mod file that Files reads. The parser is small on
// purpose (golang.org/x/mod is not a dependency): it understands the
// directives `go mod tidy` writes, one per line or in blocks, and ignores
// the rest.
type goMod struct {
	module    string
	goVersion string
	toolchain string
	require   map[string]string // module path → version
	replace   map[string]bool   // module paths that have a replace directive
}

func parseGoMod(data []byte) (*goMod, error) {
	gm := &goMod{require: map[string]string{}, replace: map[string]bool{}}
	block := "" // directive of the open ( block, if any
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if block != "" {
			if f[0] == ")" {
				block = ""
				continue
			}
			if err := gm.directive(block, f); err != nil {
				return nil, fmt.Errorf("go.mod:%d: %w", n, err)
			}
			continue
		}
		if len(f) == 2 && f[1] == "(" {
			block = f[0]
			continue
		}
		if err := gm.directive(f[0], f[1:]); err != nil {
			return nil, fmt.Errorf("go.mod:%d: %w", n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if gm.module == "" || gm.goVersion == "" {
		return nil, fmt.Errorf("go.mod: no module or go directive")
	}
	return gm, nil
}

func (gm *goMod) directive(verb string, args []string) error {
	switch verb {
	case "module":
		if len(args) != 1 {
			return fmt.Errorf("module: want one path")
		}
		gm.module = strings.Trim(args[0], `"`)
	case "go":
		if len(args) != 1 {
			return fmt.Errorf("go: want one version")
		}
		gm.goVersion = args[0]
	case "toolchain":
		if len(args) != 1 {
			return fmt.Errorf("toolchain: want one name")
		}
		gm.toolchain = args[0]
	case "require":
		if len(args) != 2 {
			return fmt.Errorf("require: want path and version")
		}
		gm.require[strings.Trim(args[0], `"`)] = args[1]
	case "replace":
		if len(args) == 0 {
			return fmt.Errorf("replace: want a path")
		}
		gm.replace[strings.Trim(args[0], `"`)] = true
	}
	return nil
}

// provider returns the required module that provides package p: the longest
// required module path that is p or a prefix of it ending at a slash.
func (gm *goMod) provider(p string) string {
	best := ""
	for m := range gm.require {
		if (p == m || strings.HasPrefix(p, m+"/")) && len(m) > len(best) {
			best = m
		}
	}
	return best
}

// replaced returns one of mods that has a replace directive, or "".
func (gm *goMod) replaced(mods map[string]bool) string {
	for m := range mods {
		if gm.replace[m] {
			return m
		}
	}
	return ""
}

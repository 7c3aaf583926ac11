package module

import (
	"fmt"
	"strings"

	"golang.org/x/mod/modfile"
)

// goMod is what Files needs of this repository's go.mod, read with
// golang.org/x/mod/modfile, the parser the go command itself uses, so that
// any go.mod the go command accepts is read as it reads it.
type goMod struct {
	module    string
	goVersion string
	toolchain string
	require   map[string]string // module path → version
	replace   map[string]bool   // module paths that have a replace directive
}

func parseGoMod(data []byte) (*goMod, error) {
	f, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		return nil, err
	}
	if f.Module == nil || f.Go == nil {
		return nil, fmt.Errorf("go.mod: no module or go directive")
	}
	gm := &goMod{
		module:    f.Module.Mod.Path,
		goVersion: f.Go.Version,
		require:   map[string]string{},
		replace:   map[string]bool{},
	}
	if f.Toolchain != nil {
		gm.toolchain = f.Toolchain.Name
	}
	for _, r := range f.Require {
		gm.require[r.Mod.Path] = r.Mod.Version
	}
	for _, r := range f.Replace {
		gm.replace[r.Old.Path] = true
	}
	return gm, nil
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

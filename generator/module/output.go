package module

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"golang.org/x/mod/modfile"
)

// Locate finds the Go module that holds dir, which need not exist yet: it
// walks up from dir's absolute path to the nearest go.mod. It returns that
// module's path and dir relative to the module root, slash-separated ("."
// for the root itself). ok is false when no go.mod encloses dir.
func Locate(dir string) (modPath, rel string, ok bool, err error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", "", false, err
	}
	for root := abs; ; {
		data, err := os.ReadFile(filepath.Join(root, "go.mod"))
		switch {
		case err == nil:
			mp := moduleLine(data)
			if mp == "" {
				return "", "", false, fmt.Errorf("%s: no module directive", filepath.Join(root, "go.mod"))
			}
			r, err := filepath.Rel(root, abs)
			if err != nil {
				return "", "", false, err
			}
			return mp, filepath.ToSlash(r), true, nil
		case !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrPermission) && !isNotDir(err):
			return "", "", false, err
		}
		parent := filepath.Dir(root)
		if parent == root {
			return "", "", false, nil
		}
		root = parent
	}
}

// isNotDir reports whether err says a path element is a file, as when the
// output directory is given below an existing file.
func isNotDir(err error) bool {
	return errors.Is(err, syscall.ENOTDIR)
}

// moduleLine returns the module path a go.mod declares, or "".
func moduleLine(data []byte) string { return modfile.ModulePath(data) }

// WriteDir writes files (slash-separated names relative to dir) below dir,
// with mode 0644 and directories 0755, leaving a file untouched when its
// content is unchanged. It then removes every stale file below dir that
// gatewaygen wrote earlier (a *.go file or a page, style sheet or script of
// a portal whose first line is Header, see HeaderFor) but that files no
// longer holds, and directories that this leaves empty. It returns the
// removed files, relative to dir and sorted.
func WriteDir(dir string, files map[string][]byte) (removed []string, err error) {
	names := make([]string, 0, len(files))
	for name := range files {
		if !filepath.IsLocal(filepath.FromSlash(name)) {
			return nil, fmt.Errorf("write %s: output file %q leaves the directory", dir, name)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, files[name]) {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return nil, err
		}
	}

	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || headers[filepath.Ext(p)] == "" {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if _, ok := files[rel]; ok {
			return nil
		}
		gen, err := generatedByUs(p)
		if err != nil || !gen {
			return err
		}
		removed = append(removed, rel)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, rel := range removed {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.Remove(p); err != nil {
			return removed, err
		}
		// Remove directories left empty, up to (not including) dir.
		for d := filepath.Dir(p); d != filepath.Clean(dir) && strings.HasPrefix(d, filepath.Clean(dir)); d = filepath.Dir(d) {
			if os.Remove(d) != nil { // fails unless empty
				break
			}
		}
	}
	return removed, nil
}

// headers is Header as each kind of file gatewaygen writes spells it: Go
// and the portal's JavaScript as it is, the portal's HTML and CSS in their
// own comment syntax.
var headers = map[string]string{
	".go":   Header,
	".js":   Header,
	".html": "<!-- " + strings.TrimPrefix(Header, "// ") + " -->",
	".css":  "/* " + strings.TrimPrefix(Header, "// ") + " */",
	".svg":  "<!-- " + strings.TrimPrefix(Header, "// ") + " -->",
}

// HeaderFor is the first line gatewaygen writes into a file named name, ""
// for a kind of file it writes none into.
func HeaderFor(name string) string { return headers[filepath.Ext(name)] }

// generatedByUs reports whether the file's first line is its kind's Header.
func generatedByUs(p string) (bool, error) {
	f, err := os.Open(p)
	if err != nil {
		return false, err
	}
	defer f.Close()
	header := headers[filepath.Ext(p)]
	buf := make([]byte, len(header)+2)
	n, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return false, err
	}
	line, _, _ := bytes.Cut(buf[:n], []byte("\n"))
	return string(bytes.TrimSuffix(line, []byte("\r"))) == header, nil
}

// GoBuild runs `go build -trimpath -o out pkg` in dir, passing the go
// command's output through. out is made absolute first, since the command
// runs in dir. The module at dir is built on its own (GOWORK=off), so a
// go.work above it cannot change what it builds against.
func GoBuild(dir, pkg, out string, stdout, stderr io.Writer) error {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("go build: the go command is needed on PATH: %w", err)
	}
	absOut, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	cmd := exec.Command(goBin, "build", "-trimpath", "-o", absOut, pkg)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s: %w", pkg, err)
	}
	return nil
}

package load

import (
	"bytes"
	"net/url"
	"path/filepath"

	"github.com/getkin/kin-openapi/openapi3"
)

// docStart is put before a document that starts with "{" when kin-openapi
// reads it. go-yaml (which kin-openapi parses JSON with) takes a "{" where
// a simple key may start as a possible mapping key, and keeps every token
// that follows it queued until it knows; for the "{" that opens a whole
// document, that is every token of the document. After a document start
// marker no simple key may start on the line, so the queue stays short:
// kin-openapi's load of mist.com (a 2.2 MB one-line JSON document) went
// from 1.7 s and 540 MB allocated to 1.0 s and 120 MB.
//
// The marker moves whatever is on the first line four columns right, and
// nothing else. The origins kin-openapi records there are left as they are
// and moved back where they are read (originShift): a walk of the loaded
// document that moved them all took a tenth of a second of mist.com's
// load, with nothing else to do meanwhile.
const docStart = "--- "

// kinLoadStarted loads main (the main file's bytes) with docStart before
// it when it starts with "{", and returns the shift of its origins. ok is
// false when it does not, and when kin-openapi fails or panics on it:
// kinLoad then loads the file as written, which reports the failure at the
// file's own positions. A raw NEL makes kin-openapi read a JSON document by
// another path (as JSON, with no origins) unless something precedes it, so
// such a document is left alone too.
func (l *loader) kinLoadStarted(main []byte) (t *openapi3.T, shift originShift, ok bool) {
	if len(main) == 0 || main[0] != '{' || bytes.Contains(main, []byte("\u0085")) {
		return nil, originShift{}, false
	}
	defer func() {
		if recover() != nil {
			t, shift, ok = nil, originShift{}, false
		}
	}()
	t, err := l.kinLoadBytes(append([]byte(docStart), main...))
	if err != nil {
		return nil, originShift{}, false
	}
	name := (&url.URL{Path: filepath.ToSlash(l.file)}).String()
	return t, originShift{file: name, cols: len(docStart)}, true
}

// originShift says where the origins kin-openapi recorded in a document
// lie: those on the first line of file (the main file, as kin-openapi
// names it), cols columns to the right of their place in the file as
// written. The zero value moves nothing.
type originShift struct {
	file string
	cols int
}

// pos returns loc's line and column in the file as written.
func (s originShift) pos(loc *openapi3.Location) (line, col int) {
	line, col = loc.Line, loc.Column
	if s.cols != 0 && line == 1 && (loc.File == s.file || loc.File == "") {
		col -= s.cols
	}
	return line, col
}

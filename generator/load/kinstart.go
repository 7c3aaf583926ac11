package load

import (
	"bytes"
	"net/url"
	"path/filepath"
	"reflect"

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
// nothing else; shiftOrigins moves the origins kin-openapi recorded there
// back, so the loaded document is the one the file gives.
const docStart = "--- "

// kinLoadStarted loads main (the main file's bytes) with docStart before
// it when it starts with "{". ok is false when it does not, and when
// kin-openapi fails or panics on it: kinLoad then loads the file as
// written, which reports the failure at the file's own positions. A raw
// NEL makes kin-openapi read a JSON document by another path (as JSON,
// with no origins) unless something precedes it, so such a document is
// left alone too.
func (l *loader) kinLoadStarted(main []byte) (t *openapi3.T, ok bool) {
	if len(main) == 0 || main[0] != '{' || bytes.Contains(main, []byte("\u0085")) {
		return nil, false
	}
	defer func() {
		if recover() != nil {
			t, ok = nil, false
		}
	}()
	t, err := l.kinLoadBytes(append([]byte(docStart), main...))
	if err != nil {
		return nil, false
	}
	name := (&url.URL{Path: filepath.ToSlash(l.file)}).String()
	shiftOrigins(t, name, len(docStart))
	return t, true
}

// shiftOrigins moves every location of file on its first line in the
// origins reachable from t by cols columns to the left. Each origin is
// moved once, however many ways lead to it.
func shiftOrigins(t *openapi3.T, file string, cols int) {
	w := &originWalker{file: file, cols: cols, seen: map[seenKey]bool{}, origins: map[*openapi3.Origin]bool{}}
	w.walk(reflect.ValueOf(t))
}

type seenKey struct {
	p uintptr
	t reflect.Type
}

type originWalker struct {
	file    string
	cols    int
	seen    map[seenKey]bool
	origins map[*openapi3.Origin]bool
}

var originPtr = reflect.TypeFor[*openapi3.Origin]()

// walk visits what v leads to through fields (unexported ones too: the
// fields next to a $ref are kept in one), slices and maps. Values held as
// interfaces are the document's data (examples, defaults, extensions),
// which carry no origins. Nothing is written but origins, and those
// through their pointers, hence the unsafe conversion.
func (w *originWalker) walk(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		if v.Type() == originPtr {
			w.shift((*openapi3.Origin)(v.UnsafePointer()))
			return
		}
		k := seenKey{uintptr(v.UnsafePointer()), v.Type()}
		if w.seen[k] {
			return
		}
		w.seen[k] = true
		w.walk(v.Elem())
	case reflect.Struct:
		for i := range v.NumField() {
			w.walk(v.Field(i))
		}
	case reflect.Slice, reflect.Array:
		if !mayHoldOrigins(v.Type().Elem()) {
			return
		}
		for i := range v.Len() {
			w.walk(v.Index(i))
		}
	case reflect.Map:
		if !mayHoldOrigins(v.Type().Elem()) {
			return
		}
		for it := v.MapRange(); it.Next(); {
			w.walk(it.Value())
		}
	}
}

func mayHoldOrigins(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Struct, reflect.Slice, reflect.Array, reflect.Map:
		return true
	}
	return false
}

func (w *originWalker) shift(o *openapi3.Origin) {
	if w.origins[o] {
		return
	}
	w.origins[o] = true
	if o.Key != nil {
		w.move(o.Key)
	}
	for i := range o.Fields {
		w.move(&o.Fields[i])
	}
	for _, locs := range o.Sequences {
		for i := range locs {
			w.move(&locs[i])
		}
	}
}

func (w *originWalker) move(l *openapi3.Location) {
	if l.File != w.file && l.File != "" {
		return // another file, read as it is
	}
	if l.Line == 1 {
		l.Column -= w.cols
	}
	if l.EndLine == 1 {
		l.EndColumn -= w.cols
	}
}

package load

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// naiveOffset is the definition lineIndex.offset must agree with: walk
// col-1 characters from the start of the line.
func naiveOffset(data []byte, line, col int) (int, bool) {
	l := 1
	off := 0
	for l < line {
		i := strings.IndexByte(string(data[off:]), '\n')
		if i < 0 {
			return 0, false
		}
		off += i + 1
		l++
	}
	for c := 1; c < col; c++ {
		if off >= len(data) || data[off] == '\n' {
			return 0, false
		}
		_, size := utf8.DecodeRune(data[off:])
		off += size
	}
	return off, off < len(data) && data[off] != '\n'
}

func TestLineIndexOffset(t *testing.T) {
	long := strings.Repeat(`{"a":"é","$ref":"#/x"},`, 200) // one line of 4,600 characters, not ASCII
	for _, tc := range []struct {
		name string
		data string
	}{
		{"ascii lines", "openapi: 3.1.0\ninfo:\n  title: t\n"},
		{"non-ASCII lines", "a: é\nb: 日本語 x\n\nc: 🙂 y\n"},
		{"one long non-ASCII line", long},
		{"long line then short", long + "\n" + "z: ü\n"},
		{"no final newline", "a: b\nc: dé"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte(tc.data)
			x := newLineIndex(data)
			lines := strings.Count(tc.data, "\n") + 2
			for line := 0; line <= lines; line++ {
				for col := 0; col <= utf8.RuneCountInString(tc.data)+2; col += 1 + col/50 {
					want, wok := naiveOffset(data, line, col)
					if line < 1 || col < 1 {
						want, wok = 0, false
					}
					got, ok := x.offset(line, col)
					if ok != wok || (ok && got != want) {
						t.Fatalf("offset(%d, %d) = %d, %v; want %d, %v", line, col, got, ok, want, wok)
					}
				}
			}
		})
	}
}

package diff

import (
	"fmt"
	"io"
)

// Breaking counts the breaking changes.
func Breaking(changes []Change) int {
	n := 0
	for _, c := range changes {
		if c.Breaking {
			n++
		}
	}
	return n
}

// WriteText writes one change a line and a summary, for people.
func WriteText(w io.Writer, changes []Change) error {
	for _, c := range changes {
		if _, err := fmt.Fprintln(w, c.String()); err != nil {
			return err
		}
	}
	b := Breaking(changes)
	_, err := fmt.Fprintf(w, "%d changes, %d breaking\n", len(changes), b)
	return err
}

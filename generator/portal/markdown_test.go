package portal

import (
	"sync"
	"testing"
)

// TestSiteMarkdown: the remembered conversion gives each text its own
// HTML, the first time and after, from pages rendering in parallel.
func TestSiteMarkdown(t *testing.T) {
	texts := []string{"", "plain", "*em*", "**strong**", "- a\n- b", "plain ", "[x](javascript:alert(1))", "| a |\n|---|\n| 1 |"}
	s := &site{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 3 {
				for _, text := range texts {
					if got, want := s.markdown(text), markdown(text); got != want {
						t.Errorf("markdown(%q) = %q, want %q", text, got, want)
					}
				}
			}
		}()
	}
	wg.Wait()
}

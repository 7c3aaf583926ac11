package emit

import (
	"regexp"
	"testing"

	"github.com/dave/jennifer/jen"
)

// TestHasWord holds hasWord to the regexp \bid\b that mentions used.
func TestHasWord(t *testing.T) {
	for _, c := range []struct{ src, id string }{
		{"d", "d"},
		{"x := d", "d"},
		{"d.x", "d"},
		{"dd", "d"},
		{"_d", "d"},
		{"d_", "d"},
		{"d1 d", "d"},
		{"ad bd d2", "d"},
		{"f(d)", "d"},
		{`"d"`, "d"},
		{"", "d"},
		{"é d", "d"},
		{"éd", "d"},
		{"param.Decode(st.Bytes, raw)", "d"},
		{"x", ""},
	} {
		want := c.id != "" && regexp.MustCompile(`\b`+regexp.QuoteMeta(c.id)+`\b`).MatchString(c.src)
		if got := hasWord(c.src, c.id); got != want {
			t.Errorf("hasWord(%q, %q) = %v, want %v", c.src, c.id, got, want)
		}
	}
}

// TestMentions checks that the package clause and imports of the file
// mentions renders into are not searched, and that names in the code are.
func TestMentions(t *testing.T) {
	qual := jen.Qual("example.com/d", "F").Call()
	for _, c := range []struct {
		name  string
		codes []jen.Code
		id    string
		want  bool
	}{
		{"used", []jen.Code{jen.Id("use").Call(jen.Id("d"))}, "d", true},
		{"unused", []jen.Code{jen.Id("use").Call(jen.Id("dd"))}, "d", false},
		{"only the import path names it", []jen.Code{qual}, "d", true}, // the package's name is d
		{"import path word", []jen.Code{jen.Qual("example.com/p/q", "F").Call()}, "p", false},
		{"package clause", []jen.Code{jen.Id("x")}, "p", false},
	} {
		if got := mentions(c.codes, c.id); got != c.want {
			t.Errorf("%s: mentions = %v, want %v", c.name, got, c.want)
		}
	}
}

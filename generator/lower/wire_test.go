package lower

import (
	"testing"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// TestWire checks the serializer behind generated samples against the
// Style Examples table of OpenAPI 3.1.0 §4.8.12.4 (color = "blue",
// ["blue","black","brown"] and {"R":100,"G":200,"B":150}; the table lists
// object properties in R, G, B order, wire sorts them by name).
func TestWire(t *testing.T) {
	prim := "blue"
	arr := []any{"blue", "black", "brown"}
	obj := map[string]any{"R": 100.0, "G": 200.0, "B": 150.0}
	for _, c := range []struct {
		in, style string
		explode   bool
		shape     ir.Shape
		v         any
		want      string
	}{
		{"path", "matrix", false, ir.ShapePrimitive, prim, ";color=blue"},
		{"path", "matrix", false, ir.ShapeArray, arr, ";color=blue,black,brown"},
		{"path", "matrix", false, ir.ShapeObject, obj, ";color=B,150,G,200,R,100"},
		{"path", "matrix", true, ir.ShapeArray, arr, ";color=blue;color=black;color=brown"},
		{"path", "matrix", true, ir.ShapeObject, obj, ";B=150;G=200;R=100"},
		{"path", "label", false, ir.ShapePrimitive, prim, ".blue"},
		{"path", "label", false, ir.ShapeArray, arr, ".blue,black,brown"},
		{"path", "label", false, ir.ShapeObject, obj, ".B,150,G,200,R,100"},
		{"path", "label", true, ir.ShapeArray, arr, ".blue.black.brown"},
		{"path", "label", true, ir.ShapeObject, obj, ".B=150.G=200.R=100"},
		{"path", "simple", false, ir.ShapePrimitive, prim, "blue"},
		{"path", "simple", false, ir.ShapeArray, arr, "blue,black,brown"},
		{"path", "simple", false, ir.ShapeObject, obj, "B,150,G,200,R,100"},
		{"header", "simple", true, ir.ShapeObject, obj, "B=150,G=200,R=100"},
		{"query", "form", false, ir.ShapePrimitive, prim, "color=blue"},
		{"query", "form", false, ir.ShapeArray, arr, "color=blue,black,brown"},
		{"query", "form", false, ir.ShapeObject, obj, "color=B,150,G,200,R,100"},
		{"query", "form", true, ir.ShapeArray, arr, "color=blue&color=black&color=brown"},
		{"query", "form", true, ir.ShapeObject, obj, "B=150&G=200&R=100"},
		{"query", "spaceDelimited", false, ir.ShapeArray, arr, "color=blue%20black%20brown"},
		{"query", "spaceDelimited", false, ir.ShapeObject, obj, "color=B%20150%20G%20200%20R%20100"},
		{"query", "pipeDelimited", false, ir.ShapeArray, arr, "color=blue|black|brown"},
		{"query", "pipeDelimited", false, ir.ShapeObject, obj, "color=B|150|G|200|R|100"},
		{"query", "deepObject", true, ir.ShapeObject, obj, "color[B]=150&color[G]=200&color[R]=100"},
		{"cookie", "form", false, ir.ShapeArray, arr, "color=blue,black,brown"},
		{"cookie", "form", true, ir.ShapeObject, obj, "B=150; G=200; R=100"},
	} {
		p := &ir.Param{Name: "color", In: c.in, Style: c.style, Explode: c.explode, Shape: c.shape}
		if got := wire(p, c.v); got != c.want {
			t.Errorf("%s %s explode=%v %s: %q, want %q", c.in, c.style, c.explode, c.shape, got, c.want)
		}
	}
}

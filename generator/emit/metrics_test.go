package emit

import (
	"testing"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

func TestMetricLabels(t *testing.T) {
	a := &ir.Operation{OperationID: "getPet", GoName: "GetPet"}
	b := &ir.Operation{OperationID: "dup", GoName: "Dup"}
	c := &ir.Operation{OperationID: "dup", GoName: "Dup2"}
	d := &ir.Operation{GoName: "GetByID"}
	e := &ir.Operation{OperationID: MissLabel, GoName: "None2"}
	got := metricLabels([]*ir.Operation{a, b, c, d, e})
	for o, want := range map[*ir.Operation]string{a: "getPet", b: "Dup", c: "Dup2", d: "GetByID", e: "None2"} {
		if got[o] != want {
			t.Errorf("%s: label %q, want %q", o.GoName, got[o], want)
		}
	}
}

package lower

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// shareParams points each operation whose parameters decode exactly as an
// earlier operation's do to that one (ir.Operation.ParamsOf), so that one
// decoder serves both: real documents repeat the same path parameter
// (org_id, site_id) or the same paging query on hundreds of operations,
// and a decoder per operation was most of the generated code.
func (l *lowerer) shareParams() {
	first := map[string]string{}
	for _, o := range l.api.Operations {
		if len(o.Params) == 0 {
			continue
		}
		k, ok := paramsKey(o)
		if !ok {
			continue
		}
		if g, seen := first[k]; seen {
			o.ParamsOf = g
		} else {
			first[k] = o.GoName
		}
	}
}

// paramsKey is what the decoder of o's parameters is made of: every
// parameter as lowered, without what documents it or says where the
// document declares it, and the position of each path parameter in the
// route's arguments. ok is false when the parameters cannot be encoded.
func paramsKey(o *ir.Operation) (string, bool) {
	raw, err := json.Marshal(o.Params)
	if err != nil {
		return "", false
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", false
	}
	// The members that never change a check: positions, descriptions,
	// titles, examples ("example" of a Param is a sample request's value; of
	// a Schema, its documented example).
	v = ir.WithoutKeys(v, "pos", "description", "title", "example")
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(v); err != nil { // map keys sorted
		return "", false
	}
	for _, p := range o.Params {
		if p.In != ir.InPath {
			continue
		}
		at := -1
		for i, n := range o.PathParams {
			if n == p.Name {
				at = i
				break
			}
		}
		b.WriteString(" " + strconv.Itoa(at))
	}
	return b.String(), true
}

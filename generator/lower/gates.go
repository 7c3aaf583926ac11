package lower

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// bodyGates names the generated function that reads and checks each
// operation's request body (ir.Body.Gate). Operations whose bodies are
// checked alike (the same media types, read the same way, against the same
// named schemas, with the same requiredness; the create and the replace of
// one resource) share one gate; the size limit is its argument. A shared
// gate is named after its schema, any other after its operation, and the
// names go through one namer so that no two gates can meet: an operation
// called newPet and a schema called NewPet would otherwise both make
// checkNewPetBody, and one of them would check the other's body.
func (l *lowerer) bodyGates() {
	var keys []string
	groups := map[string][]*ir.Operation{}
	for _, o := range l.api.Operations {
		if o.Body == nil {
			continue
		}
		k := gateKey(o)
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], o)
	}
	names := namer{}
	// Operations' own names first: an operation's name is its identity,
	// while a shared gate can as well take the first operation's name.
	own := map[string]string{}
	for _, k := range keys {
		if g := groups[k]; sharedRef(g) == "" {
			own[k] = names.unique("check" + g[0].GoName + "Body")
		}
	}
	for _, k := range keys {
		g := groups[k]
		name := own[k]
		if name == "" {
			name = "check" + sharedRef(g) + "Body"
			if names[strings.ToLower(name)] > 0 {
				name = "check" + g[0].GoName + "Body"
			}
			name = names.unique(name)
		}
		for _, o := range g {
			o.Body.Gate = name
		}
	}
}

// sharedRef is the named schema a gate shared by several operations with
// one media type is named after, "" when the group is one operation or
// its body has several media types or an inline schema.
func sharedRef(group []*ir.Operation) string {
	m := group[0].Body.Media
	if len(group) < 2 || len(m) != 1 || m[0].Schema == nil {
		return ""
	}
	return m[0].Schema.Ref
}

// gateKey is what two operations' bodies must share to share a gate. An
// inline schema is the operation's own: its validator is named after it.
func gateKey(o *ir.Operation) string {
	var b strings.Builder
	b.WriteString(strconv.FormatBool(o.Body.Required))
	for _, m := range o.Body.Media {
		fmt.Fprintf(&b, " %s/%s/", m.ContentType, m.Kind)
		// The transcoding plan as JSON: the IR is plain data, which always
		// marshals, and %+v would print the address of a pointer field.
		plan, _ := json.Marshal(struct {
			Fields      []*ir.Field
			Extra, Text *ir.Field
			MaxBytes    int64
		}{m.Fields, m.Extra, m.Text, m.MaxBytes})
		b.Write(plan)
		switch {
		case m.Schema == nil:
		case m.Schema.Ref != "":
			b.WriteString("=" + m.Schema.Ref)
		default:
			b.WriteString("=" + o.Method + " " + o.Path)
		}
	}
	return b.String()
}

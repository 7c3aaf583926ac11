package lower

import (
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

var inOrder = map[string]int{ir.InPath: 0, ir.InQuery: 1, ir.InHeader: 2, ir.InCookie: 3}

// params merges path-item and operation parameters (the operation's win on
// the same name and location, as OpenAPI says) and lowers each one.
func (l *lowerer) params(o *ir.Operation, item *openapi3.PathItem, op *openapi3.Operation) {
	type key struct{ in, name string }
	merged := map[key]*openapi3.Parameter{}
	var order []key
	add := func(ps openapi3.Parameters) {
		for _, ref := range ps {
			if ref == nil || ref.Value == nil {
				continue
			}
			k := key{ref.Value.In, ref.Value.Name}
			if k.in == ir.InHeader {
				k.name = strings.ToLower(k.name) // header names are case-insensitive
			}
			if _, ok := merged[k]; !ok {
				order = append(order, k)
			}
			merged[k] = ref.Value
		}
	}
	add(item.Parameters)
	add(op.Parameters)
	fields := namer{}
	for _, k := range order {
		p := merged[k]
		if p.In == ir.InHeader && isReservedHeader(p.Name) {
			// OpenAPI: Accept, Content-Type and Authorization header parameters are ignored.
			continue
		}
		o.Params = append(o.Params, l.param(o, p, fields))
	}
	sort.SliceStable(o.Params, func(i, j int) bool {
		a, b := o.Params[i], o.Params[j]
		if a.In != b.In {
			return inOrder[a.In] < inOrder[b.In]
		}
		return a.Name < b.Name
	})
}

func isReservedHeader(name string) bool {
	switch strings.ToLower(name) {
	case "accept", "content-type", "authorization":
		return true
	}
	return false
}

func (l *lowerer) param(o *ir.Operation, p *openapi3.Parameter, fields namer) *ir.Param {
	pos := l.originPos(p.Origin)
	if pos.Line == 0 {
		pos = o.Pos
	}
	out := &ir.Param{
		Name:        p.Name,
		In:          p.In,
		GoName:      fields.unique(goName(p.Name)),
		Description: p.Description,
		Required:    p.Required || p.In == ir.InPath,
		Pos:         pos,
	}
	where := o.Method + " " + o.Path + ": parameter " + out.Location()
	if p.In == ir.InQuery {
		out.AllowEmptyValue, out.AllowReserved = p.AllowEmptyValue, p.AllowReserved
	} else if p.AllowEmptyValue || p.AllowReserved {
		l.diags.Invalidf(pos, "%s: allowEmptyValue and allowReserved apply to query parameters only; ignored here", where)
	}
	if len(p.Content) > 0 {
		l.content(out, p)
		return out
	}
	out.Shape = ir.ShapePrimitive
	out.Schema = &ir.Schema{}
	if p.Schema != nil {
		out.Schema = l.deref(l.schema(p.Schema, pos))
	}
	if sm, _ := p.SerializationMethod(); sm != nil {
		out.Style, out.Explode = sm.Style, sm.Explode
	}
	if t := out.Schema.Type; t != ir.TAny && t&ir.TArray != 0 && t&^(ir.TArray|ir.TNull) == 0 {
		out.Shape = ir.ShapeArray
	} else if t != ir.TAny && t&ir.TObject != 0 && t&^(ir.TObject|ir.TNull) == 0 {
		out.Shape = ir.ShapeObject
	} else if t == ir.TAny && applicators(out.Schema) {
		l.union(out)
	}
	if !styleApplies(out) {
		l.diags.Invalidf(pos, "%s: style %q does not apply to %s parameters of shape %s (OpenAPI 3.1 §4.8.12.4 Style Values); its value is passed through unchecked", where, out.Style, out.In, out.Shape)
		out.Shape, out.Style, out.Schema = ir.ShapeUnchecked, "", &ir.Schema{}
		return out
	}
	switch out.Shape {
	case ir.ShapePrimitive:
		if applicators(out.Schema) {
			out.Validate = true
			out.Token = &ir.Field{}
			l.tokenKinds(out.Token, out.Schema, 0)
		}
	case ir.ShapeArray:
		out.Schema.Items = l.deref(out.Schema.Items)
		if it := out.Schema.Items; it != nil && !primitive(it) {
			l.diags.Warnf(pos, "%s: arrays of objects or arrays are not compiled yet; items pass unchecked", where)
			out.Schema.Items = &ir.Schema{}
		} else if applicators(it) {
			out.Validate = true
			out.Token = &ir.Field{}
			l.tokenKinds(out.Token, it, 0)
		}
	case ir.ShapeObject:
		l.objectParam(out, where)
	}
	if v, ok := exampleValue(p); ok && out.Shape != ir.ShapeUnchecked {
		out.Example = wire(out, v)
	}
	return out
}

// union reads a parameter whose schema has no type by the shape its
// branches offer (Stripe's anyOf [{type: array}, {enum: [""]}]): when one
// branch is an array and none an object, it is read as that array; when
// one is an object and none an array, and it is sent in deepObject (the
// one style where a scalar and an object cannot be mistaken for each
// other), as that object. Its whole schema then checks a value sent as a
// scalar. An object whose only other branches are null (3.1's nullable
// object, anyOf [{$ref: Obj}, {type: "null"}]) is read as that object in
// any style: null is undefined in RFC 6570 (§2.3), so it is never sent, and
// no scalar is left to mistake the object for. Otherwise it stays a
// primitive checked by its whole schema.
func (l *lowerer) union(out *ir.Param) {
	var arr, obj *ir.Schema
	arrs, objs, scalars := 0, 0, 0
	var walk func(s *ir.Schema, depth int)
	walk = func(s *ir.Schema, depth int) {
		s = l.deref(s)
		if s == nil || depth > 8 {
			return
		}
		t := s.Type
		switch {
		case t != ir.TAny && t&ir.TArray != 0 && t&^(ir.TArray|ir.TNull) == 0:
			if arr == nil {
				arr = s
			}
			arrs++
		case t != ir.TAny && t&ir.TObject != 0 && t&^(ir.TObject|ir.TNull) == 0:
			if obj == nil {
				obj = s
			}
			objs++
		case t == ir.TAny && applicators(s):
			for _, list := range [][]*ir.Schema{s.AllOf, s.AnyOf, s.OneOf} {
				for _, b := range list {
					walk(b, depth+1)
				}
			}
		case t != ir.TNull:
			scalars++
		}
	}
	walk(out.Schema, 0)
	whole := out.Schema
	if arrs > 1 || objs > 1 {
		// Items or properties typed by one branch would be misread for
		// the other.
		l.diags.Warnf(out.Pos, "parameter %s: its branches offer more than one array or object to read the value as; it is checked as a single value", out.Location())
		return
	}
	switch {
	case arr != nil && obj == nil:
		out.Shape = ir.ShapeArray
	case obj != nil && arr == nil && scalars == 0:
		branch := *obj
		out.Shape, out.Schema = ir.ShapeObject, &branch
		return
	case obj != nil && arr == nil && out.In == ir.InQuery && out.Style == "deepObject":
		out.Shape = ir.ShapeObject
		arr = obj
	case obj != nil && arr == nil:
		l.diags.Warnf(out.Pos, "parameter %s: a branch is an object, which style %s cannot tell from a scalar (deepObject can); the value is checked as a single value", out.Location(), out.Style)
		return
	default:
		return
	}
	branch := *arr
	if branch.Default == "" {
		branch.Default = whole.Default // an array default is taken when absent
	}
	out.Schema = &branch
	out.Union = whole
	out.UnionToken = &ir.Field{}
	l.tokenKinds(out.UnionToken, whole, 0)
}

// content lowers a parameter declared with content instead of schema: a
// JSON media type is validated by its schema, any other is text checked by
// its schema as far as a text can be (textSchema).
func (l *lowerer) content(out *ir.Param, p *openapi3.Parameter) {
	cts := make([]string, 0, len(p.Content))
	for ct := range p.Content {
		cts = append(cts, ct)
	}
	sort.Strings(cts)
	if len(cts) > 1 {
		l.diags.Invalidf(out.Pos, "parameter %s: content must hold exactly one media type, found %d; %s is used", out.Location(), len(cts), cts[0])
	}
	mt := p.Content[cts[0]]
	out.ContentType = mediaType(cts[0])
	out.Schema = &ir.Schema{}
	out.Shape = ir.ShapeText
	// Only a JSON media type named as such makes the value JSON; under a
	// range (*/*, text/*) or any other type it is the text as sent.
	if out.ContentType == "application/json" || strings.HasSuffix(out.ContentType, "+json") {
		out.Shape = ir.ShapeJSON
		if mt != nil && mt.Schema != nil {
			out.Schema = l.schema(mt.Schema, out.Pos)
		}
	} else if mt != nil && mt.Schema != nil {
		l.textSchema(out, l.deref(l.schema(mt.Schema, out.Pos)))
	}
	var ex string
	switch {
	case p.Example != nil && out.Shape == ir.ShapeJSON:
		ex = canonical(p.Example)
	case p.Example != nil:
		ex = scalarText(p.Example)
	case mt != nil && out.Shape == ir.ShapeJSON:
		ex = mediaExample(mt)
	}
	if ex != "" {
		out.Example = wire(out, ex)
	}
}

// textSchema keeps the schema of a content parameter whose value is text
// (text/plain, */*, …) when the text can be checked by it as a primitive
// parameter is: by the string keywords and format, or as the number or
// boolean it spells, and by its applicators' JSON validator as the token
// it becomes. An object or array schema cannot be read from a text: the
// value passes unchecked, with a warning.
func (l *lowerer) textSchema(out *ir.Param, s *ir.Schema) {
	if s == nil || s.False {
		return
	}
	if !primitive(s) {
		l.diags.Warnf(out.Pos, "parameter %s: content %s carries text, which cannot hold the object or array its schema describes; the value passes unchecked", out.Location(), out.ContentType)
		return
	}
	out.Schema = s
	if applicators(s) {
		out.Validate = true
		out.Token = &ir.Field{}
		l.tokenKinds(out.Token, s, 0)
	}
}

// objectParam keeps the properties an object parameter can be checked for
// while it is parsed: primitive ones. A nested object or array property is
// accepted as any string, with a warning.
func (l *lowerer) objectParam(out *ir.Param, where string) {
	s := *out.Schema
	if len(s.Properties) > ir.MaxObjectProps {
		l.diags.Warnf(out.Pos, "%s: objects with more than %d properties are not compiled; its value is passed through unchecked", where, ir.MaxObjectProps)
		out.Shape, out.Style, out.Schema = ir.ShapeUnchecked, "", &ir.Schema{}
		return
	}
	props := make([]*ir.Property, len(s.Properties))
	var tokens []*ir.Field
	for i, pr := range s.Properties {
		ps := l.deref(pr.Schema)
		if out.Style == "deepObject" && l.nestable(ps, 0) {
			out.NestedProps = append(out.NestedProps, pr.Name)
		}
		if !primitive(ps) {
			l.diags.Warnf(out.Pos, "%s: property %q is an object or array, which parameter styles cannot carry; it is accepted unchecked", where, pr.Name)
			ps = &ir.Schema{}
		}
		props[i] = &ir.Property{Name: pr.Name, Schema: ps}
		if applicators(ps) {
			if tokens == nil {
				tokens = make([]*ir.Field, len(s.Properties))
			}
			tokens[i] = &ir.Field{}
			l.tokenKinds(tokens[i], ps, 0)
		}
	}
	s.Properties = props
	out.PropTokens = tokens
	out.NestedOthers = out.Style == "deepObject" && !s.NoAdditional && (s.AdditionalProperties == nil || l.nestable(l.deref(s.AdditionalProperties), 0))
	if ap := l.deref(s.AdditionalProperties); ap != nil && !primitive(ap) {
		s.AdditionalProperties = &ir.Schema{}
	} else {
		s.AdditionalProperties = ap
	}
	out.Schema = &s
}

// applicators reports whether s checks a value through other schemas, which
// a parameter's scalar checks do not read: its JSON validator must.
func applicators(s *ir.Schema) bool {
	return s != nil && (len(s.AllOf) > 0 || len(s.AnyOf) > 0 || len(s.OneOf) > 0 || s.Not != nil || s.If != nil)
}

// tokenKinds adds to f the JSON tokens a parameter's text may become: its
// schema's types, or when it has none, those of its applicators' branches,
// so that "3" for anyOf [integer, string] is the number 3.
func (l *lowerer) tokenKinds(f *ir.Field, s *ir.Schema, depth int) {
	s = l.deref(s)
	if s == nil || depth > 8 {
		return
	}
	if s.Type == ir.TAny {
		for _, list := range [][]*ir.Schema{s.AllOf, s.AnyOf, s.OneOf} {
			for _, b := range list {
				l.tokenKinds(f, b, depth+1)
			}
		}
		return
	}
	f.Number = f.Number || s.Type&(ir.TNumber|ir.TInteger) != 0
	f.Boolean = f.Boolean || s.Type&ir.TBoolean != 0
	f.Null = f.Null || s.Type&ir.TNull != 0
}

// nestable reports whether s admits an object or an array: by its type, or
// with no type, unless its enum or the branches of its applicators rule
// both out (allOf: one branch that does; anyOf, oneOf: every branch).
func (l *lowerer) nestable(s *ir.Schema, depth int) bool {
	s = l.deref(s)
	switch {
	case s == nil:
		return true
	case s.False:
		return false
	case s.Type != ir.TAny:
		return s.Type&(ir.TObject|ir.TArray) != 0
	case depth > 8:
		return true
	}
	if len(s.Enum) > 0 {
		for _, v := range s.Enum {
			if strings.HasPrefix(v, "{") || strings.HasPrefix(v, "[") {
				return true
			}
		}
		return false
	}
	for _, b := range s.AllOf {
		if !l.nestable(b, depth+1) {
			return false
		}
	}
	for _, list := range [][]*ir.Schema{s.AnyOf, s.OneOf} {
		if len(list) == 0 {
			continue
		}
		some := false
		for _, b := range list {
			some = some || l.nestable(b, depth+1)
		}
		if !some {
			return false
		}
	}
	return true
}

func primitive(s *ir.Schema) bool {
	return s == nil || s.Type == ir.TAny || s.Type&(ir.TObject|ir.TArray) == 0
}

// styleApplies is the OpenAPI 3.1 Style Values table: which styles a
// location takes, and for which shapes. spaceDelimited and pipeDelimited
// with explode are sent like form with explode, and that is how they are
// read; deepObject ignores explode.
func styleApplies(p *ir.Param) bool {
	switch p.In {
	case ir.InPath:
		return p.Style == "simple" || p.Style == "label" || p.Style == "matrix"
	case ir.InHeader:
		return p.Style == "simple"
	case ir.InCookie:
		return p.Style == "form"
	case ir.InQuery:
		switch p.Style {
		case "form":
			return true
		case "spaceDelimited", "pipeDelimited":
			return p.Shape != ir.ShapePrimitive
		case "deepObject":
			return p.Shape == ir.ShapeObject
		}
	}
	return false
}

// deref replaces a reference to a named schema by the schema itself; the
// parameter decoder needs the constraints inline.
func (l *lowerer) deref(s *ir.Schema) *ir.Schema {
	for i := 0; s != nil && s.Ref != "" && i < 32; i++ {
		for _, n := range l.named {
			if n.GoName == s.Ref {
				s = n
				break
			}
		}
	}
	return s
}

func scalarText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case bool:
		return strconv.FormatBool(x)
	}
	return canonical(v)
}

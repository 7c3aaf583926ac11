package emit

import (
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// readBody returns the statements of a body gate that read a body of media
// type m once its content type matched. JSON is validated as it is; a form,
// multipart or text body is first transcoded into JSON by runtime/form, so
// that the one validator of its schema checks it with every keyword; a
// binary body is checked for its size:
//
//	case "application/x-www-form-urlencoded":
//		if st.Form.URLEncoded(body, &planCreatePetForm, &st.Errs) {
//			mark := st.BeginJSON(st.Form.JSON)
//			validateCreatePetBodyForm(&st.JSON, &st.Errs)
//			st.EndJSON(mark)
//		}
//	case "application/octet-stream":
//		if len(body) > 1024 {
//			st.Errs.Add("/body", "maxLength", "must be at most 1024 bytes long, found "+strconv.Itoa(len(body)))
//		}
//
// A range with a schema validates a JSON request only:
//
//	case true: // */*
//		if string(mt) == "application/json" || bytes.HasSuffix(mt, []byte("+json")) {
//			mark := st.BeginJSON(body)
//			validateSetUserColumnsBody(&st.JSON, &st.Errs)
//			st.EndJSON(mark)
//		}
func (g *gen) readBody(o *ir.Operation, m *ir.Media) []jen.Code {
	st := func() *jen.Statement { return jen.Id("st") }
	errs := jen.Op("&").Id("st").Dot("Errs")
	validate := func(src jen.Code) []jen.Code {
		var check jen.Code = st().Dot("JSON").Dot("Skip").Call()
		if m.Schema != nil {
			check = jen.Id(g.validator(m.Schema, bodyFunc(o, m))).Call(jen.Op("&").Id("st").Dot("JSON"), jen.Op("&").Id("st").Dot("Errs"))
		}
		return []jen.Code{
			jen.Id("mark").Op(":=").Add(st()).Dot("BeginJSON").Call(src),
			check,
			st().Dot("EndJSON").Call(jen.Id("mark")),
		}
	}
	transcoded := func(call jen.Code) []jen.Code {
		if m.Schema == nil {
			return []jen.Code{call}
		}
		return []jen.Code{jen.If(call).Block(validate(st().Dot("Form").Dot("JSON"))...)}
	}
	switch m.Kind {
	case ir.MediaJSON:
		return validate(jen.Id("body"))
	case ir.MediaForm:
		return transcoded(st().Dot("Form").Dot("URLEncoded").Call(jen.Id("body"), jen.Op("&").Id(planName(o, m)), errs))
	case ir.MediaMultipart:
		return transcoded(st().Dot("Form").Dot("Multipart").Call(jen.Id("body"), jen.Id("ctx").Dot("Request").Dot("Header").Dot("ContentType").Call(), jen.Op("&").Id(planName(o, m)), errs))
	case ir.MediaText:
		// Text is read as UTF-8: a body labelled in another charset is
		// refused rather than checked as what it is not.
		ct := jen.Id("ctx").Dot("Request").Dot("Header").Dot("ContentType").Call()
		refuse := jen.If(jen.Op("!").Qual(g.rt("request"), "UTF8Text").Call(ct)).Block(
			jen.Qual(g.rt("problem"), "UnsupportedMediaType").Call(jen.Id("ctx"), jen.String().Parens(ct.Clone()), jen.Lit(m.ContentType+"; charset=utf-8")),
			jen.Return(jen.False()),
		)
		return append([]jen.Code{refuse}, transcoded(st().Dot("Form").Dot("Text").Call(jen.Id("body"), g.kind(m.Text), errs))...)
	case "":
		if m.Schema == nil {
			return nil
		}
		// A range: only a JSON request has the schema's meaning.
		isJSON := jen.String().Parens(jen.Id("mt")).Op("==").Lit("application/json").Op("||").Qual("bytes", "HasSuffix").Call(jen.Id("mt"), jen.Index().Byte().Parens(jen.Lit("+json")))
		return []jen.Code{jen.If(isJSON).Block(validate(jen.Id("body"))...)}
	case ir.MediaBinary:
		if m.MaxBytes <= 0 {
			return nil
		}
		n := strconv.FormatInt(m.MaxBytes, 10)
		return []jen.Code{jen.If(jen.Len(jen.Id("body")).Op(">").Lit(int(m.MaxBytes))).Block(
			st().Dot("Errs").Dot("Add").Call(jen.Lit("/body"), jen.Lit("maxLength"), jen.Lit("must be at most "+n+" bytes long, found ").Op("+").Qual("strconv", "Itoa").Call(jen.Len(jen.Id("body")))),
		)}
	}
	return nil
}

// planName names the transcoding plan of a form or multipart body.
func planName(o *ir.Operation, m *ir.Media) string {
	if m.Kind == ir.MediaMultipart {
		return "plan" + o.GoName + "Multipart"
	}
	return "plan" + o.GoName + "Form"
}

// plans emits the plans of o's form and multipart bodies, decided by lower
// and read by runtime/form; Extra, when additionalProperties types the
// properties the plan does not declare:
//
//	// planCreatePetForm is how a form body of POST /pets becomes JSON.
//	var planCreatePetForm = form.Plan{Fields: []form.Field{{Name: "age", Kind: form.Number}, {Name: "color", Deep: true, Props: []form.Field{{Name: "R", Kind: form.Number}}}, {Name: "name"}}, Extra: form.Field{Kind: form.Number}}
func (g *gen) plans(f *jen.File, o *ir.Operation) {
	for _, m := range o.Body.Media {
		if m.Kind != ir.MediaForm && m.Kind != ir.MediaMultipart {
			continue
		}
		name := planName(o, m)
		var plan []jen.Code
		if len(m.Fields) > 0 {
			fields := make([]jen.Code, len(m.Fields))
			for i, fd := range m.Fields {
				fields[i] = jen.Values(g.field(fd)...)
			}
			plan = append(plan, jen.Id("Fields").Op(":").Index().Qual(g.rt("form"), "Field").Values(fields...))
		}
		if m.Extra != nil {
			plan = append(plan, jen.Id("Extra").Op(":").Qual(g.rt("form"), "Field").Values(g.field(m.Extra)...))
		}
		f.Comment(name + " is how a " + m.ContentType + " body of " + o.Method + " " + o.Path + " becomes JSON.")
		f.Var().Id(name).Op("=").Qual(g.rt("form"), "Plan").Values(plan...)
	}
}

// field renders the keys of a form.Field literal, the zero ones left out.
func (g *gen) field(fd *ir.Field) []jen.Code {
	kv := func(k string, v jen.Code) jen.Code { return jen.Id(k).Op(":").Add(v) }
	var d []jen.Code
	if fd.Name != "" {
		d = append(d, kv("Name", jen.Lit(fd.Name)))
	}
	if fd.Number || fd.Boolean || fd.Null || fd.JSON || fd.Binary {
		d = append(d, kv("Kind", g.kind(fd)))
	}
	if fd.Array {
		d = append(d, kv("Array", jen.True()))
	}
	if fd.Sep != "" {
		d = append(d, kv("Sep", jen.LitRune(rune(fd.Sep[0]))))
	}
	if fd.Deep {
		d = append(d, kv("Deep", jen.True()))
	}
	if len(fd.Props) > 0 {
		props := make([]jen.Code, len(fd.Props))
		for i := range fd.Props {
			props[i] = jen.Values(g.field(&fd.Props[i])...)
		}
		d = append(d, kv("Props", jen.Index().Qual(g.rt("form"), "Field").Values(props...)))
	}
	if fd.Object && (fd.Array || !fd.Deep) { // a Deep field that is no Array is an object anyway
		d = append(d, kv("Object", jen.True()))
	}
	if sc := fd.Scalar; sc != nil {
		k := g.kind(sc)
		if sc.String {
			str := jen.Qual(g.rt("form"), "String")
			if sc.Number || sc.Boolean || sc.Null {
				str = str.Op("|").Add(g.kind(sc))
			}
			k = str
		}
		d = append(d, kv("Scalar", k))
	}
	if fd.Types != nil {
		lits := make([]jen.Code, len(fd.Types))
		for i, t := range fd.Types {
			lits[i] = jen.Lit(t)
		}
		d = append(d, kv("Types", jen.Index().String().Values(lits...)))
	}
	if fd.MaxBytes > 0 {
		d = append(d, kv("MaxBytes", jen.Lit(int(fd.MaxBytes))))
	}
	return d
}

// kind renders the form.Kind of a field; 0 is a string.
func (g *gen) kind(fd *ir.Field) jen.Code {
	var parts []string
	for _, k := range []struct {
		on   bool
		name string
	}{{fd.Number, "Number"}, {fd.Boolean, "Boolean"}, {fd.Null, "Null"}, {fd.JSON, "JSON"}, {fd.Binary, "Binary"}} {
		if k.on {
			parts = append(parts, k.name)
		}
	}
	if len(parts) == 0 {
		return jen.Lit(0)
	}
	var c *jen.Statement
	for i, p := range parts {
		if i == 0 {
			c = jen.Qual(g.rt("form"), p)
		} else {
			c = c.Op("|").Qual(g.rt("form"), p)
		}
	}
	return c
}

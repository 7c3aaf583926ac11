package emit

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"
	json "github.com/goccy/go-json"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// check is one constraint: when cond holds the value breaks rule. Its
// detail, saying what was expected and found, is text followed by the value
// found (unless show is showNone), written as show says. Kept in pieces so
// that a JSON validator can hand them to problem.Errors, which joins them
// only for a violation it keeps (not a probe's); a parameter decoder builds
// the string at once (detail).
type check struct {
	cond  jen.Code
	rule  string
	text  string
	show  shown
	found jen.Code
}

// shown is how a detail writes the value found.
type shown int

const (
	showNone   shown = iota // text alone
	showFloat               // a float64, as param.FormatFloat writes it
	showInt64               // an int64, as strconv writes it
	showInt                 // an int (a length, a count), as strconv.Itoa does
	showQuoted              // a []byte string, quoted by param.Quote
	showBytes               // a []byte token as it is (a number as sent)
	showString              // a string that costs nothing to make (strconv.FormatBool)
	showExpr                // found is the whole detail, a string expression; text is unused
)

// detail is the string expression of a detail that no problem.Errors
// method builds from its pieces (see reports and details): one written out
// at generation time, or a whole expression (showExpr).
func (g *gen) detail(c check) jen.Code {
	switch c.show {
	case showNone:
		return jen.Lit(c.text)
	case showExpr:
		return c.found
	}
	panic("emit: no report builds a detail that shows " + strconv.Itoa(int(c.show)))
}

// scalar is the Go kind a value is checked as.
type scalar int

const (
	kInt  scalar = iota // x is int64
	kNum                // x is float64
	kStr                // x is []byte
	kBool               // x is bool
)

// numChecks returns the numeric constraints of s over x, which is an int64
// (kInt) or a float64 (kNum). raw, when not nil, is the number x was parsed
// from, a JSON number: a detail then shows it as sent (9223372036854775808,
// 1e400) rather than as the float64 nearest it (9.223372036854776e+18,
// +Inf), and the int32 and int64 formats are judged on its digits, which a
// float64 cannot hold near 2^63.
func (g *gen) numChecks(s *ir.Schema, k scalar, x, raw jen.Code) []check {
	var cs []check
	// num is the check of rule: text followed by the value found.
	show, found := showFloat, x
	if k == kInt {
		show = showInt64
	} else if raw != nil {
		show, found = showBytes, raw
	}
	num := func(cond jen.Code, rule, text string) check { return check{cond, rule, text, show, found} }
	bound := func(v float64) (jen.Code, jen.Code) {
		if k == kInt && v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return x, jen.Lit(int(v))
		}
		if k == kInt {
			return jen.Id("float64").Call(x), jen.Lit(v)
		}
		return x, jen.Lit(v)
	}
	if m := s.Minimum; m != nil {
		lhs, rhs := bound(*m)
		op, rule, want := "<", "minimum", ">= "
		if s.ExclusiveMinimum {
			op, rule, want = "<=", "exclusiveMinimum", "> "
		}
		cs = append(cs, num(jen.Add(lhs).Op(op).Add(rhs), rule, "must be "+want+fmtNum(*m)+", found "))
	}
	if m := s.Maximum; m != nil {
		lhs, rhs := bound(*m)
		op, rule, want := ">", "maximum", "<= "
		if s.ExclusiveMaximum {
			op, rule, want = ">=", "exclusiveMaximum", "< "
		}
		cs = append(cs, num(jen.Add(lhs).Op(op).Add(rhs), rule, "must be "+want+fmtNum(*m)+", found "))
	}
	if m := s.MultipleOf; m != nil && *m > 0 {
		var cond jen.Code
		if k == kInt && *m == math.Trunc(*m) && *m < 1<<53 {
			cond = jen.Add(x).Op("%").Lit(int(*m)).Op("!=").Lit(0)
		} else {
			cond = jen.Op("!").Qual(g.rt("param"), "MultipleOf").Call(jen.Id("float64").Call(x), jen.Lit(*m))
		}
		cs = append(cs, num(cond, "multipleOf", "must be a multiple of "+fmtNum(*m)+", found "))
	}
	switch {
	case g.api.AnnotateFormats:
	case k == kInt && s.Format == "int32":
		cs = append(cs, num(jen.Add(x).Op("<").Lit(math.MinInt32).Op("||").Add(x).Op(">").Lit(math.MaxInt32), "format",
			"must be a valid int32, found "))
	case k == kNum && raw != nil && (s.Format == "int32" || s.Format == "int64"):
		cs = append(cs, num(jen.Op("!").Qual(g.rt("format"), formatFunc(s.Format)+"Number").Call(raw), "format",
			"must be a valid "+s.Format+", found "))
	case k == kNum && (s.Format == "int32" || s.Format == "int64"):
		cs = append(cs, num(jen.Op("!").Qual(g.rt("format"), formatFunc(s.Format)).Call(x), "format",
			"must be a valid "+s.Format+", found "))
	}
	if s.Enum != nil {
		var nums []float64
		for _, e := range s.Enum {
			var f float64
			if e != "null" && json.Unmarshal([]byte(e), &f) == nil {
				nums = append(nums, f)
			}
		}
		rule, text := enumRule(s)
		cs = append(cs, num(g.enumNumCond(nums, k, x), rule, text+", found "))
	}
	return cs
}

// usesX reports whether a check of cs reads x, the parsed number: every
// one does but the type check and a format judged on the raw number
// (numChecks with raw).
func usesX(cs []check) bool {
	for _, c := range cs {
		if c.rule != "type" && (c.rule != "format" || c.show != showBytes) {
			return true
		}
	}
	return false
}

func (g *gen) enumNumCond(nums []float64, k scalar, x jen.Code) jen.Code {
	if len(nums) == 0 {
		return jen.True()
	}
	var cond *jen.Statement
	for i, n := range nums {
		lhs, rhs := x, jen.Code(jen.Lit(n))
		if k == kInt {
			if n != math.Trunc(n) {
				continue
			}
			rhs = jen.Lit(int(n))
		}
		c := jen.Add(lhs).Op("!=").Add(rhs)
		if i == 0 || cond == nil {
			cond = c
		} else {
			cond = cond.Op("&&").Add(c)
		}
	}
	if cond == nil {
		return jen.True()
	}
	return cond
}

// strChecks returns the string constraints of s over x ([]byte).
func (g *gen) strChecks(s *ir.Schema, x jen.Code) []check {
	var cs []check
	count := jen.Qual("unicode/utf8", "RuneCount").Call(x)
	if n := s.MinLength; n != nil && *n > 0 {
		// A rune is at most four bytes (an invalid byte counts as one), so
		// a string of 4n bytes or more has n runes: no count needed. For
		// minLength 1 that is the empty string alone.
		short := jen.Add(count).Op("<").Lit(int(*n))
		switch {
		case *n == 1:
			short = jen.Len(x).Op("==").Lit(0)
		case *n <= 1<<28:
			short = jen.Len(x).Op("<").Lit(4 * int(*n)).Op("&&").Add(short)
		}
		cs = append(cs, check{short, "minLength", "must be at least " + strconv.FormatInt(*n, 10) + " characters long, found ", showInt, count})
	}
	if n := s.MaxLength; n != nil {
		// A byte count within the limit needs no rune count.
		cs = append(cs, check{jen.Len(x).Op(">").Lit(int(*n)).Op("&&").Add(count).Op(">").Lit(int(*n)), "maxLength",
			"must be at most " + strconv.FormatInt(*n, 10) + " characters long, found ", showInt, count})
	}
	if s.Pattern != "" {
		cs = append(cs, check{jen.Op("!").Id(g.pattern(s.Pattern)).Dot("Match").Call(x), "pattern",
			"must match " + strconv.Quote(s.Pattern) + ", found ", showQuoted, x})
	}
	if fn := formatFunc(s.Format); fn != "" && s.Format != "int32" && s.Format != "int64" && !g.api.AnnotateFormats {
		cs = append(cs, check{jen.Op("!").Qual(g.rt("format"), fn).Call(x), "format",
			"must be a valid " + s.Format + ", found ", showQuoted, x})
	}
	if s.Enum != nil {
		var strs []string
		for _, e := range s.Enum {
			var v string
			if e != "null" && json.Unmarshal([]byte(e), &v) == nil {
				strs = append(strs, v)
			}
		}
		cond := jen.Code(jen.True())
		if len(strs) > 0 {
			cond = jen.Op("!").Id(g.enumFunc(strs)).Call(x)
		}
		rule, text := enumRule(s)
		cs = append(cs, check{cond, rule, text + ", found ", showQuoted, x})
	}
	return cs
}

// formatFunc names the runtime/format function checking a format, or ""
// for a format that is only an annotation: unknown formats pass, as JSON
// Schema 2020-12 §7.2 says, and float and double admit every number.
func formatFunc(f string) string {
	return map[string]string{
		"date-time": "DateTime", "date": "Date", "time": "Time", "duration": "Duration",
		"email": "Email", "hostname": "Hostname", "ipv4": "IPv4", "ipv6": "IPv6",
		"uri": "URI", "uri-reference": "URIReference", "uuid": "UUID", "byte": "Byte",
		"regex": "Regex", "int32": "Int32", "int64": "Int64",
	}[f]
}

// enumJSONFunc returns the name of a function reporting whether a raw JSON
// array or object equals one of members (canonical JSON texts).
func (g *gen) enumJSONFunc(members []string) string {
	return g.enumName(enumKey("json", uniq(members)), members)
}

// boolChecks returns the enum constraint of a boolean.
func (g *gen) boolChecks(s *ir.Schema, x jen.Code) []check {
	if s.Enum == nil {
		return nil
	}
	allowT, allowF := false, false
	for _, e := range s.Enum {
		allowT = allowT || e == "true"
		allowF = allowF || e == "false"
	}
	var cond jen.Code
	switch {
	case allowT && allowF:
		return nil
	case allowT:
		cond = jen.Op("!").Add(x)
	case allowF:
		cond = x
	default:
		cond = jen.True()
	}
	rule, text := enumRule(s)
	return []check{{cond, rule, text + ", found ", showString, jen.Qual("strconv", "FormatBool").Call(x)}}
}

// chain renders checks as an if/else-if chain reporting the first broken
// rule with report; ok, when not nil, runs when every check passes.
func chain(cs []check, report func(check) jen.Code, ok []jen.Code) jen.Code {
	if len(cs) == 0 {
		if len(ok) == 0 {
			return jen.Null()
		}
		return jen.Block(ok...)
	}
	st := jen.If(cs[0].cond).Block(report(cs[0]))
	for _, c := range cs[1:] {
		st = st.Else().If(c.cond).Block(report(c))
	}
	if len(ok) > 0 {
		st = st.Else().Block(ok...)
	}
	return st
}

// pattern returns the package-level variable holding the compiled pattern:
// the name lower gave it after its first use, or, for a pattern lower did
// not see (the key of patternProperties), a numbered one.
func (g *gen) pattern(expr string) string {
	if name, ok := g.patterns[expr]; ok {
		return name
	}
	name := "pattern" + strconv.Itoa(len(g.patterns))
	for _, p := range g.api.Patterns {
		if p.Expr == expr {
			name = p.Name
		}
	}
	g.patterns[expr] = name
	return name
}

// enumName returns the name of the membership function of the enum key,
// made of its first members (isAvailablePendingSold), numbered when two
// enums would share one.
func (g *gen) enumName(key string, members []string) string {
	if name, ok := g.enums[key]; ok {
		return name
	}
	var b strings.Builder
	b.WriteString("is")
	for i, m := range members {
		if i == 3 || b.Len() > 32 {
			b.WriteString("Etc")
			break
		}
		if w := strings.Trim(m, `"`); w == "" {
			b.WriteString("Empty")
		} else {
			b.WriteString(propName(w))
		}
	}
	name := b.String()
	taken := map[string]bool{}
	for _, n := range g.enums {
		taken[n] = true
	}
	for i := 2; taken[name]; i++ {
		name = b.String() + strconv.Itoa(i)
	}
	g.enums[key] = name
	return name
}

// enumFunc returns the name of a function reporting membership in strs.
func (g *gen) enumFunc(strs []string) string {
	return g.enumName(enumKey("string", uniq(strs)), strs)
}

// tables emits the patterns and enum sets the checks above referred to.
func (g *gen) tables(f *jen.File) {
	if len(g.patterns) > 0 {
		exprs := make([]string, 0, len(g.patterns))
		for e := range g.patterns {
			exprs = append(exprs, e)
		}
		sort.Slice(exprs, func(i, j int) bool { return g.patterns[exprs[i]] < g.patterns[exprs[j]] })
		f.Comment("Patterns are compiled once, at start-up.")
		f.Var().DefsFunc(func(d *jen.Group) {
			for _, e := range exprs {
				d.Id(g.patterns[e]).Op("=").Qual(g.rt("pattern"), "MustCompile").Call(jen.Lit(e))
			}
		})
	}
	keys := make([]string, 0, len(g.enums))
	for k := range g.enums {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return g.enums[keys[i]] < g.enums[keys[j]] })
	for _, k := range keys {
		kind, strs := enumMembers(k)
		name := g.enums[k]
		if kind == "json" {
			g.enumJSONTable(f, name, strs)
			continue
		}
		lits := make([]jen.Code, len(strs))
		for i, s := range strs {
			lits[i] = jen.Lit(s)
		}
		f.Comment(name + " reports whether v is one of " + oneLine(cut(enumTextStrings(strs), 200)) + ".")
		f.Func().Id(name).Params(jen.Id("v").Index().Byte()).Bool().Block(
			jen.Switch(jen.String().Parens(jen.Id("v"))).Block(
				jen.Case(lits...).Block(jen.Return(jen.True())),
			),
			jen.Return(jen.False()),
		)
	}
}

// enumJSONTable emits the members of an enum of arrays or objects as JSON
// texts and the function comparing a value with each by JSON equality.
func (g *gen) enumJSONTable(f *jen.File, name string, members []string) {
	lits := make([]jen.Code, len(members))
	for i, m := range members {
		lits[i] = jen.Index().Byte().Parens(jen.Lit(m))
	}
	f.Var().Id(name + "Members").Op("=").Index().Index().Byte().Values(lits...)
	f.Comment(name + " reports whether the JSON value raw equals one of " + oneLine(cut(strings.Join(members, ", "), 200)) + ".")
	f.Func().Id(name).Params(jen.Id("raw").Index().Byte()).Bool().Block(
		jen.For(jen.List(jen.Id("_"), jen.Id("m")).Op(":=").Range().Id(name+"Members")).Block(
			jen.If(jen.Qual(g.rt("jsonv"), "Equal").Call(jen.Id("raw"), jen.Id("m"))).Block(jen.Return(jen.True())),
		),
		jen.Return(jen.False()),
	)
}

// enumKey identifies an enum table by its kind and members; JSON encoding
// keeps members apart whatever bytes they hold (a NUL, a comma).
func enumKey(kind string, members []string) string {
	b, _ := json.Marshal(append([]string{kind}, members...))
	return string(b)
}

func enumMembers(key string) (kind string, members []string) {
	var all []string
	_ = json.Unmarshal([]byte(key), &all)
	return all[0], all[1:]
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// enumText renders enum members for a message, cut to a readable length.
// enumRule is the rule and the start of the detail of a value s's enum
// (or const) does not allow: "must be one of 1, 2" or, for a const, "must
// be 1", reported as const's.
func enumRule(s *ir.Schema) (rule, text string) {
	if s.Const && len(s.Enum) == 1 {
		return "const", "must be " + enumText(s.Enum)
	}
	return "enum", "must be one of " + enumText(s.Enum)
}

func enumText(members []string) string {
	return cut(strings.Join(members, ", "), 200)
}

func enumTextStrings(strs []string) string {
	q := make([]string, len(strs))
	for i, s := range strs {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// uniq drops repeated members, keeping the first of each; a switch may not
// list a case twice.
func uniq(strs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range strs {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

package portal

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/gatewaygen/gatewaygen/generator/ir"
)

// sample is one code sample of an operation.
type sample struct{ Lang, Code string }

// request is what every sample sends: the operation's sample request
// (values from the document) plus the credential of its first
// requirement, as placeholders.
type request struct {
	method, url string
	headers     []ir.NameValue
	body, ctype string
	basic       bool // curl -u rather than a header
}

// samples writes o's request as curl, JavaScript fetch, Python requests
// and Go net/http.
func (s *site) samples(o *ir.Operation, fullPath string) []sample {
	r := s.request(o)
	return []sample{
		{"curl", curlSample(r)},
		{"JavaScript (fetch)", fetchSample(r)},
		{"Python (requests)", pythonSample(r)},
		{"Go (net/http)", goSample(r)},
	}
}

func (s *site) request(o *ir.Operation) request {
	r := request{method: o.Method}
	path, query := o.RoutePrefix+o.Path, ""
	var cookies []string
	if sm := o.Sample; sm != nil {
		path, query = sm.Path, sm.Query
		r.headers = append(r.headers, sm.Headers...)
		for _, c := range sm.Cookies {
			cookies = append(cookies, c.Name+"="+c.Value)
		}
		r.body, r.ctype = sm.Body, sm.ContentType
	}
	for _, req := range o.Security {
		if len(req) == 0 {
			continue
		}
		for _, sc := range req {
			def := s.schemes[sc.Scheme]
			if def == nil {
				continue
			}
			switch {
			case def.Type == "apiKey" && def.In == "header":
				r.headers = append(r.headers, ir.NameValue{Name: def.ParamName, Value: "YOUR_API_KEY"})
			case def.Type == "apiKey" && def.In == "query":
				if query != "" {
					query += "&"
				}
				query += def.ParamName + "=YOUR_API_KEY"
			case def.Type == "apiKey" && def.In == "cookie":
				cookies = append(cookies, def.ParamName+"=YOUR_API_KEY")
			case def.Type == "http" && strings.EqualFold(def.Scheme, "basic"):
				r.basic = true
				r.headers = append(r.headers, ir.NameValue{Name: "Authorization", Value: "Basic BASE64_OF_USER_COLON_PASSWORD"})
			case def.Type == "oauth2" || def.Type == "openIdConnect" || def.Type == "http" && strings.EqualFold(def.Scheme, "bearer"):
				r.headers = append(r.headers, ir.NameValue{Name: "Authorization", Value: "Bearer YOUR_TOKEN"})
			}
		}
		break
	}
	if len(cookies) > 0 {
		r.headers = append(r.headers, ir.NameValue{Name: "Cookie", Value: strings.Join(cookies, "; ")})
	}
	if r.body != "" {
		r.headers = append(r.headers, ir.NameValue{Name: "Content-Type", Value: r.ctype})
	}
	r.url = s.BaseURL + path
	if query != "" {
		r.url += "?" + query
	}
	return r
}

// shq quotes s for a POSIX shell.
func shq(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// jsq quotes s as a JSON string, which JavaScript and Python read alike.
func jsq(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func isJSON(ctype string) bool {
	t, _, _ := strings.Cut(ctype, ";")
	t = strings.TrimSpace(t)
	return t == "application/json" || strings.HasSuffix(t, "+json")
}

func curlSample(r request) string {
	var b strings.Builder
	b.WriteString("curl")
	if r.method != "GET" {
		b.WriteString(" -X " + r.method)
	}
	b.WriteString(" " + shq(r.url))
	for _, h := range r.headers {
		if r.basic && h.Name == "Authorization" && strings.HasPrefix(h.Value, "Basic ") {
			b.WriteString(" \\\n  -u 'USER:PASSWORD'")
			continue
		}
		b.WriteString(" \\\n  -H " + shq(h.Name+": "+h.Value))
	}
	if r.body != "" {
		body := r.body
		if isJSON(r.ctype) {
			body = prettyJSON(body)
		}
		b.WriteString(" \\\n  --data-binary " + shq(body))
	}
	return b.String()
}

func fetchSample(r request) string {
	var b strings.Builder
	b.WriteString("const response = await fetch(" + jsq(r.url) + ", {\n")
	b.WriteString("  method: " + jsq(r.method) + ",\n")
	if len(r.headers) > 0 {
		b.WriteString("  headers: {\n")
		for _, h := range r.headers {
			b.WriteString("    " + jsq(h.Name) + ": " + jsq(h.Value) + ",\n")
		}
		b.WriteString("  },\n")
	}
	if r.body != "" {
		if isJSON(r.ctype) {
			b.WriteString("  body: JSON.stringify(" + indentAfterFirst(prettyJSON(r.body), "  ") + "),\n")
		} else {
			b.WriteString("  body: " + jsq(r.body) + ",\n")
		}
	}
	b.WriteString("});\n")
	b.WriteString("console.log(response.status, await response.text());")
	return b.String()
}

func pythonSample(r request) string {
	var b strings.Builder
	b.WriteString("import requests\n\n")
	b.WriteString("response = requests.request(\n")
	b.WriteString("    " + jsq(r.method) + ",\n")
	b.WriteString("    " + jsq(r.url) + ",\n")
	if len(r.headers) > 0 {
		b.WriteString("    headers={\n")
		for _, h := range r.headers {
			b.WriteString("        " + jsq(h.Name) + ": " + jsq(h.Value) + ",\n")
		}
		b.WriteString("    },\n")
	}
	if r.body != "" {
		b.WriteString("    data=" + jsq(r.body) + ",\n")
	}
	b.WriteString("    timeout=30,\n)\n")
	b.WriteString("print(response.status_code, response.text)")
	return b.String()
}

func goSample(r request) string {
	var b strings.Builder
	b.WriteString("package main\n\nimport (\n\t\"fmt\"\n\t\"io\"\n\t\"net/http\"\n")
	if r.body != "" {
		b.WriteString("\t\"strings\"\n")
	}
	b.WriteString(")\n\nfunc main() {\n")
	body := "nil"
	if r.body != "" {
		text := r.body
		if isJSON(r.ctype) {
			text = prettyJSON(text)
		}
		if strings.Contains(text, "`") || strings.Contains(text, "\r") {
			body = "strings.NewReader(" + strconv.Quote(text) + ")"
		} else {
			body = "strings.NewReader(`" + text + "`)"
		}
	}
	b.WriteString("\treq, err := http.NewRequest(" + strconv.Quote(r.method) + ", " + strconv.Quote(r.url) + ", " + body + ")\n")
	b.WriteString("\tif err != nil {\n\t\tpanic(err)\n\t}\n")
	for _, h := range r.headers {
		b.WriteString("\treq.Header.Set(" + strconv.Quote(h.Name) + ", " + strconv.Quote(h.Value) + ")\n")
	}
	b.WriteString("\tresp, err := http.DefaultClient.Do(req)\n")
	b.WriteString("\tif err != nil {\n\t\tpanic(err)\n\t}\n")
	b.WriteString("\tdefer resp.Body.Close()\n")
	b.WriteString("\tdata, _ := io.ReadAll(resp.Body)\n")
	b.WriteString("\tfmt.Println(resp.Status, string(data))\n}")
	return b.String()
}

// indentAfterFirst indents every line of s but the first.
func indentAfterFirst(s, prefix string) string {
	return strings.ReplaceAll(s, "\n", "\n"+prefix)
}

package request

import "testing"

func TestMediaType(t *testing.T) {
	st := Acquire()
	defer Release(st)
	for in, want := range map[string]string{
		"application/json":                 "application/json",
		"Application/JSON; charset=utf-8":  "application/json",
		"  text/plain ;x=y":                "text/plain",
		"":                                 "",
		"application/merge-patch+json;q=1": "application/merge-patch+json",
		"text/plain\t; x=y":                "text/plain",
		";x=y":                             "",
		"application/json ":                "application/json",
		"\tapplication/xml":                "application/xml",
	} {
		if got := string(st.MediaType([]byte(in))); got != want {
			t.Errorf("MediaType(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEndJSONReplacesViolationsBySyntaxError(t *testing.T) {
	st := Acquire()
	defer Release(st)
	st.Errs.Add("query.limit", "maximum", "too big") // before the body: kept
	mark := st.BeginJSON([]byte(`{"a": 1,`))
	for k := st.JSON.FirstKey(); k != nil; k = st.JSON.NextKey() {
		st.Errs.Add("/body/a", "type", "schema violation before the syntax error")
		st.JSON.Skip()
	}
	st.EndJSON(mark)
	if st.Errs.Len() != 2 || st.Errs.List[0].Location != "query.limit" || st.Errs.List[1].Rule != "json" {
		t.Fatalf("violations = %+v", st.Errs.List)
	}
}

// TestReleaseResets checks that Release leaves nothing of a request in the
// State it pools: Acquire no longer resets, so whatever Release leaves, the
// next request would see.
func TestReleaseResets(t *testing.T) {
	st := Acquire()
	st.Errs.Add("query.a", "required", "missing")
	st.Path = append(st.Path, "/pets"...)
	st.Type = append(st.Type, "text/plain"...)
	st.Strs = append(st.Strs, "a")
	st.Ints = append(st.Ints, 1)
	st.Nums = append(st.Nums, 1.5)
	st.Bools = append(st.Bools, true)
	st.Bytes = append(st.Bytes, 'x')
	st.SplitQuery([]byte("a=1&b=2"))
	st.BeginJSON([]byte(`{"a":1}`))
	if st.JSON.Idle() {
		t.Fatal("an iterator given a body reports idle")
	}
	Release(st)
	if st.Errs.Len() != 0 || st.Errs.Count() != 0 || len(st.Path) != 0 || len(st.Type) != 0 || len(st.Strs) != 0 ||
		len(st.Ints) != 0 || len(st.Nums) != 0 || len(st.Bools) != 0 || len(st.Bytes) != 0 || len(st.Query) != 0 ||
		!st.JSON.Idle() || !st.Form.Idle() {
		t.Fatalf("Release left state behind: %+v", st)
	}
	if q := st.Query[:cap(st.Query)]; len(q) > 0 && q[0].Key != nil {
		t.Fatal("Release kept a reference into the request's query")
	}
}

// TestUTF8Text: a text body's charset parameter, if any, must name UTF-8
// (or its subset US-ASCII); the gateway checks text as UTF-8.
func TestUTF8Text(t *testing.T) {
	for in, want := range map[string]bool{
		"text/plain":                                  true,
		"text/plain; charset=utf-8":                   true,
		"text/plain;charset=UTF-8":                    true,
		`text/plain; charset="utf-8"`:                 true,
		"text/plain; format=flowed; charset=US-ASCII": true,
		"text/plain; charset = utf8 ":                 true,
		"text/plain; charsetx=utf-16":                 true,
		"text/plain; charset=utf-16":                  false,
		"text/plain; charset=ISO-8859-1":              false,
		`text/plain; charset="windows-1252"`:          false,
		"text/plain; charset=":                        false,
		"text/plain; x=1; charset=utf-16; y=2":        false,
	} {
		if got := UTF8Text([]byte(in)); got != want {
			t.Errorf("UTF8Text(%q) = %v, want %v", in, got, want)
		}
	}
}

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

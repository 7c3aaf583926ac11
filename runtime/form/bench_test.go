package form

import (
	"testing"

	"github.com/gatewaygen/gatewaygen/runtime/problem"
)

var (
	benchForm = []byte("name=R%C3%A9x+the+dog&age=3&vip=true&tags=a&tags=b&ids=1,2,3&meta=%7B%22a%22%3A1%7D")
	// benchObjects has object fields: deepObject and form without explode.
	benchObjects = []byte("name=Rex&color[R]=100&color%5BG%5D=200&color[name]=red&rgb=R,1,G,2&pos=x|3")
	// benchNested is a Stripe-style body: nested deepObject keys, indexed
	// items, and the string alternative of an object.
	benchNested = []byte("shipping[name]=Jo&shipping[address][city]=Paris&shipping[address][zip]=75001&expand[0]=customer&expand[1]=invoice&items[0][price]=p1&items[0][quantity]=2&items[1][price]=p2&metadata=&n[x]=5&n[y]=6")
	benchMP     = []byte(mp(
		"Content-Disposition: form-data; name=\"name\"\r\n\r\nRex",
		"Content-Disposition: form-data; name=\"age\"\r\n\r\n3",
		"Content-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{\"a\":1}",
		"Content-Disposition: form-data; name=\"photo\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\nPNG",
	))
)

func BenchmarkURLEncoded(b *testing.B) {
	var d Decoder
	var errs problem.Errors
	b.ReportAllocs()
	b.SetBytes(int64(len(benchForm)))
	for b.Loop() {
		errs.Reset()
		if !d.URLEncoded(benchForm, plan, &errs) {
			b.Fatal(errs.List)
		}
	}
}

func BenchmarkURLEncodedNested(b *testing.B) {
	var d Decoder
	var errs problem.Errors
	b.ReportAllocs()
	b.SetBytes(int64(len(benchNested)))
	for b.Loop() {
		errs.Reset()
		if !d.URLEncoded(benchNested, plan, &errs) {
			b.Fatal(errs.List)
		}
	}
}

func BenchmarkURLEncodedObjects(b *testing.B) {
	var d Decoder
	var errs problem.Errors
	b.ReportAllocs()
	b.SetBytes(int64(len(benchObjects)))
	for b.Loop() {
		errs.Reset()
		if !d.URLEncoded(benchObjects, plan, &errs) {
			b.Fatal(errs.List)
		}
	}
}

func BenchmarkMultipart(b *testing.B) {
	var d Decoder
	var errs problem.Errors
	b.ReportAllocs()
	b.SetBytes(int64(len(benchMP)))
	for b.Loop() {
		errs.Reset()
		if !d.Multipart(benchMP, []byte(ct), plan, &errs) {
			b.Fatal(errs.List)
		}
	}
}

package textdiff

import "testing"

func TestUnified(t *testing.T) {
	for _, c := range []struct {
		name, a, b, want string
	}{
		{name: "equal", a: "x\ny\n", b: "x\ny\n", want: ""},
		{name: "one line changed", a: "a\nb\nc\nd\ne\n", b: "a\nb\nC\nd\ne\n", want: "--- want\n+++ got\n@@ -2,3 +2,3 @@\n b\n-c\n+C\n d\n"},
		{name: "added at the end", a: "a\nb\n", b: "a\nb\nc\n", want: "--- want\n+++ got\n@@ -2,1 +2,2 @@\n b\n+c\n"},
		{name: "removed at the start", a: "a\nb\nc\n", b: "b\nc\n", want: "--- want\n+++ got\n@@ -1,2 +1,1 @@\n-a\n b\n"},
		{
			name: "two hunks far apart",
			a:    "1\n2\n3\n4\n5\n6\n7\n8\n9\n",
			b:    "x\n2\n3\n4\n5\n6\n7\n8\ny\n",
			want: "--- want\n+++ got\n@@ -1,2 +1,2 @@\n-1\n+x\n 2\n@@ -8,2 +8,2 @@\n 8\n-9\n+y\n",
		},
		{
			name: "two changes close together make one hunk",
			a:    "1\n2\n3\n4\n",
			b:    "x\n2\n3\ny\n",
			want: "--- want\n+++ got\n@@ -1,4 +1,4 @@\n-1\n+x\n 2\n 3\n-4\n+y\n",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Unified("want", "got", []byte(c.a), []byte(c.b), 1); got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

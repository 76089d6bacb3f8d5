package promql

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// matcherRegexp turns an ExactMatcher result back into what Prometheus evaluates: the
// unquoted value, as an exact string or a fully anchored regexp.
func matcherRegexp(t testing.TB, label, m string) *regexp.Regexp {
	t.Helper()
	if rest, ok := strings.CutPrefix(m, label+"=~"); ok {
		v, err := strconv.Unquote(rest)
		if err != nil {
			t.Fatalf("matcher %s: literal does not unquote: %v", m, err)
		}
		return regexp.MustCompile("^(?:" + v + ")$")
	}
	rest, ok := strings.CutPrefix(m, label+"=")
	if !ok {
		t.Fatalf("matcher %s has no %s= prefix", m, label)
	}
	v, err := strconv.Unquote(rest)
	if err != nil {
		t.Fatalf("matcher %s: literal does not unquote: %v", m, err)
	}
	return regexp.MustCompile("^" + regexp.QuoteMeta(v) + "$")
}

func TestExactMatcher(t *testing.T) {
	tests := []struct {
		name     string
		values   []string
		match    []string
		notMatch []string
	}{
		{"dot is literal", []string{"a.b"}, []string{"a.b"}, []string{"aXb", "a.bc", "xa.b"}},
		{"two values", []string{"a.b", "c"}, []string{"a.b", "c"}, []string{"aXb", "a.b|c", ""}},
		{"quote", []string{`we"ird`}, []string{`we"ird`}, []string{`we\"ird`, "weird"}},
		{"backslash", []string{`a\b`, "x"}, []string{`a\b`}, []string{`a\\b`, "ab"}},
		{"pipe and star", []string{"a|b", "c*"}, []string{"a|b", "c*"}, []string{"a", "b", "c", "ccc"}},
		{"newline", []string{"a\nb", "z"}, []string{"a\nb"}, []string{"ab", `a\nb`}},
		{"closing brace and or", []string{`x"} or vector(1) or {a="`, "y"}, []string{`x"} or vector(1) or {a="`}, []string{"x"}},
		{"unicode", []string{"clüster-Ω.例", "z"}, []string{"clüster-Ω.例"}, []string{"cluster-Ω.例", "clüster-ΩX例"}},
		{"empty value", []string{"", "a"}, []string{"", "a"}, []string{"b"}},
		{"duplicates collapse", []string{"a", "a"}, []string{"a"}, []string{"aa"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := ExactMatcher("cluster", tt.values)
			re := matcherRegexp(t, "cluster", m)
			for _, v := range tt.match {
				if !re.MatchString(v) {
					t.Errorf("%s does not match %q", m, v)
				}
			}
			for _, v := range tt.notMatch {
				if re.MatchString(v) {
					t.Errorf("%s matches %q, which was not asked for", m, v)
				}
			}
		})
	}
}

func TestExactMatcherSingleValueIsEquality(t *testing.T) {
	if got, want := ExactMatcher("cluster", []string{"a.b"}), `cluster="a.b"`; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

func FuzzExactMatcher(f *testing.F) {
	for _, s := range []string{"a.b", `"`, `\`, "a|b", "\n", "}", " or ", "例"} {
		f.Add(s, "other")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if !utf8.ValidString(a) || !utf8.ValidString(b) {
			// Prometheus label values are UTF-8 and so are filter values: JSON decoding replaces
			// invalid bytes and the resources refuse them (pluginhost hardening tests).
			t.Skip("not UTF-8")
		}
		m := ExactMatcher("cluster", []string{a, b})
		re := matcherRegexp(t, "cluster", m)
		if !re.MatchString(a) || !re.MatchString(b) {
			t.Fatalf("%s does not match its own values %q, %q", m, a, b)
		}
		for _, probe := range []string{a + "x", "x" + a, a + b} {
			if probe != a && probe != b && re.MatchString(probe) {
				t.Fatalf("%s matches %q beyond %q, %q", m, probe, a, b)
			}
		}
	})
}

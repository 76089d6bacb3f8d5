package promql

import (
	"regexp"
	"strconv"
	"strings"
)

// Quote returns s as a PromQL string literal. PromQL unquotes double-quoted strings with Go
// rules, so strconv.Quote's escapes (\", \\, \n, \u...) round-trip exactly.
func Quote(s string) string {
	return strconv.Quote(s)
}

// ExactMatcher returns a label matcher that matches exactly the given values and nothing
// else: `label="v"` for one value, `label=~"a|b"` with every value regexp-quoted for more.
// Prometheus anchors regex matchers, so `a\.b` never matches `aXb` or `xa.b`.
func ExactMatcher(label string, values []string) string {
	uniq := uniqueValues(values)
	if len(uniq) == 1 {
		return label + "=" + Quote(uniq[0])
	}
	parts := make([]string, len(uniq))
	for i, v := range uniq {
		parts[i] = regexp.QuoteMeta(v)
	}
	return label + "=~" + Quote(strings.Join(parts, "|"))
}

func uniqueValues(values []string) []string {
	seen := make(map[string]struct{}, len(values))
	out := make([]string, 0, len(values))
	for _, v := range values {
		if _, ok := seen[v]; ok {
			continue
		}
		seen[v] = struct{}{}
		out = append(out, v)
	}
	return out
}

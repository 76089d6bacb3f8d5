package simulator

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// sample is one parsed series.
type sample struct {
	metric string
	labels map[string]string
	value  float64
}

func (s sample) labelNames() string {
	names := make([]string, 0, len(s.labels))
	for n := range s.labels {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ",")
}

// parseText is a strict parser of the Prometheus text format 0.0.4: HELP and
// TYPE at most once per family and before its samples, a family's samples
// contiguous, valid names, only the three escapes in label values, no
// duplicate label or series, a trailing newline.
func parseText(text string) ([]sample, error) {
	if text != "" && !strings.HasSuffix(text, "\n") {
		return nil, fmt.Errorf("no trailing newline")
	}
	var out []sample
	help, typ, done := map[string]bool{}, map[string]bool{}, map[string]bool{}
	seen := map[string]bool{}
	current := ""
	for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		fail := func(format string, a ...any) error {
			return fmt.Errorf("line %d %q: %s", i+1, line, fmt.Sprintf(format, a...))
		}
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "#") {
			f := strings.SplitN(line, " ", 4)
			if len(f) < 3 || (f[1] != "HELP" && f[1] != "TYPE") {
				continue // a plain comment
			}
			name := f[2]
			if !validName(name) {
				return nil, fail("bad metric name")
			}
			if seenSamples(out, name) {
				return nil, fail("%s after the family's samples", f[1])
			}
			m := map[string]map[string]bool{"HELP": help, "TYPE": typ}[f[1]]
			if m[name] {
				return nil, fail("second %s", f[1])
			}
			m[name] = true
			if f[1] == "TYPE" && (len(f) != 4 || !slices.Contains([]string{"gauge", "counter", "untyped", "summary", "histogram"}, f[3])) {
				return nil, fail("bad type")
			}
			if current != name && current != "" {
				done[current] = true
			}
			current = name
			continue
		}
		s, key, err := parseSample(line)
		if err != nil {
			return nil, fail("%v", err)
		}
		if s.metric != current {
			if done[s.metric] || seenSamples(out, s.metric) {
				return nil, fail("family %s is not contiguous", s.metric)
			}
			if current != "" {
				done[current] = true
			}
			current = s.metric
		}
		if seen[key] {
			return nil, fail("duplicate series")
		}
		seen[key] = true
		out = append(out, s)
	}
	return out, nil
}

func seenSamples(out []sample, metric string) bool {
	for _, s := range out {
		if s.metric == metric {
			return true
		}
	}
	return false
}

func validName(s string) bool {
	for i, r := range s {
		if !(r == '_' || r == ':' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

// parseSample parses `name{a="x",...} value [timestamp]` and returns a key
// that identifies the series.
func parseSample(line string) (sample, string, error) {
	s := sample{labels: map[string]string{}}
	end := strings.IndexAny(line, "{ ")
	if end < 0 {
		return s, "", fmt.Errorf("no value")
	}
	s.metric = line[:end]
	if !validName(s.metric) {
		return s, "", fmt.Errorf("bad metric name %q", s.metric)
	}
	rest := line[end:]
	var names []string
	if rest[0] == '{' {
		rest = rest[1:]
		for rest != "" && rest[0] != '}' {
			eq := strings.IndexByte(rest, '=')
			if eq < 0 || len(rest) < eq+2 || rest[eq+1] != '"' {
				return s, "", fmt.Errorf("bad label near %q", rest)
			}
			name := rest[:eq]
			if !validName(name) || strings.Contains(name, ":") {
				return s, "", fmt.Errorf("bad label name %q", name)
			}
			if _, dup := s.labels[name]; dup {
				return s, "", fmt.Errorf("duplicate label %q", name)
			}
			rest = rest[eq+2:]
			var v strings.Builder
			for {
				if rest == "" {
					return s, "", fmt.Errorf("unterminated label value")
				}
				c := rest[0]
				rest = rest[1:]
				if c == '"' {
					break
				}
				if c == '\n' {
					return s, "", fmt.Errorf("raw newline in label value")
				}
				if c == '\\' {
					if rest == "" {
						return s, "", fmt.Errorf("dangling backslash")
					}
					switch rest[0] {
					case '\\':
						v.WriteByte('\\')
					case '"':
						v.WriteByte('"')
					case 'n':
						v.WriteByte('\n')
					default:
						return s, "", fmt.Errorf("bad escape \\%c", rest[0])
					}
					rest = rest[1:]
					continue
				}
				v.WriteByte(c)
			}
			s.labels[name] = v.String()
			names = append(names, name)
			if strings.HasPrefix(rest, ",") {
				rest = rest[1:]
			} else if !strings.HasPrefix(rest, "}") {
				return s, "", fmt.Errorf("want , or } near %q", rest)
			}
		}
		if rest == "" {
			return s, "", fmt.Errorf("unterminated label set")
		}
		rest = rest[1:]
	}
	if !strings.HasPrefix(rest, " ") {
		return s, "", fmt.Errorf("no space before value")
	}
	f := strings.Fields(rest)
	if len(f) < 1 || len(f) > 2 || strings.HasPrefix(rest, "  ") {
		return s, "", fmt.Errorf("want value [timestamp]")
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil && !slices.Contains([]string{"NaN", "+Inf", "-Inf"}, f[0]) {
		return s, "", fmt.Errorf("value: %v", err)
	}
	if err != nil {
		v = math.NaN()
	}
	s.value = v
	if len(f) == 2 {
		if _, err := strconv.ParseInt(f[1], 10, 64); err != nil {
			return s, "", fmt.Errorf("timestamp: %v", err)
		}
	}
	slices.Sort(names)
	key := s.metric
	for _, n := range names {
		key += "\xff" + n + "\xff" + s.labels[n]
	}
	return s, key, nil
}

// The parser must reject what it claims to: otherwise the schema tests prove little.
func TestParseTextRejects(t *testing.T) {
	bad := map[string]string{
		"no newline":     "a 1",
		"bad escape":     "a{x=\"\\t\"} 1\n",
		"dup label":      "a{x=\"1\",x=\"2\"} 1\n",
		"dup series":     "a{x=\"1\"} 1\na{x=\"1\"} 2\n",
		"two TYPE":       "# TYPE a gauge\n# TYPE a gauge\na 1\n",
		"two HELP":       "# HELP a x\n# HELP a y\na 1\n",
		"split family":   "a 1\nb 1\na{x=\"1\"} 1\n",
		"bad value":      "a one\n",
		"unterminated":   "a{x=\"1} 1\n",
		"bad label name": "a{1x=\"1\"} 1\n",
		"late TYPE":      "a 1\nb 2\n# TYPE a gauge\n",
	}
	for name, text := range bad {
		if _, err := parseText(text); err == nil {
			t.Errorf("%s: parsed %q without error", name, text)
		}
	}
	got, err := parseText("# HELP a x\n# TYPE a gauge\na{x=\"q\\\"b\\\\s\\n\"} -2.5e+07\n")
	if err != nil || len(got) != 1 || got[0].labels["x"] != "q\"b\\s\n" || got[0].value != -2.5e7 {
		t.Errorf("good text: %v %+v", err, got)
	}
}

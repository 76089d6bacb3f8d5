package prom

import (
	"math"
	"strconv"
	"strings"
)

// Value is a decoded answer: a Vector (instant query), a Matrix (range query) or LabelSets
// (series query).
//
// They are leaner than client_golang's model types on purpose: a row's labels are a slice of
// one block shared by the whole answer, not a map of their own, and samples are values, not
// pointers. A fleet's answer holds tens of thousands of rows, and allocating (then
// collecting) a map per row was the largest cost left in turning an answer into a table.
type Value interface {
	// Type is "vector" or "matrix", as the Prometheus API names result types, or "series"
	// (LabelSets).
	Type() string
}

// Label is one label of a series.
type Label struct{ Name, Value string }

// Labels are a series' labels in the order Prometheus wrote them (sorted by name).
type Labels []Label

// Get returns the value of the label name, "" when absent (as in PromQL).
func (ls Labels) Get(name string) string {
	for _, l := range ls {
		if l.Name == name {
			return l.Value
		}
	}
	return ""
}

func (ls Labels) String() string {
	var b strings.Builder
	b.WriteByte('{')
	for i, l := range ls {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(l.Name + "=" + strconv.Quote(l.Value))
	}
	b.WriteByte('}')
	return b.String()
}

// Sample is one row of an instant vector.
type Sample struct {
	Metric Labels
	T      int64 // milliseconds since the epoch
	V      float64
}

// Vector is an instant query's result.
type Vector []Sample

// Type implements Value.
func (Vector) Type() string { return "vector" }

// Point is one sample of a range query's series.
type Point struct {
	T int64 // milliseconds since the epoch
	V float64
}

// Series is one series of a range query's result.
type Series struct {
	Metric Labels
	Points []Point
}

// Matrix is a range query's result.
type Matrix []Series

// Type implements Value.
func (Matrix) Type() string { return "matrix" }

// LabelSets is a series query's result: the label sets of the series that matched.
type LabelSets []Labels

// Type implements Value.
func (LabelSets) Type() string { return "series" }

// ParseResult decodes the `result` array of an answer of the given result type ("vector"
// or "matrix"), or the `data` array of a series answer ("series"), as Prometheus writes it:
// for answers recorded earlier, and for tests.
func ParseResult(resultType string, result []byte) (Value, error) {
	if resultType == "series" {
		a, err := parse([]byte(`{"status":"success","data":` + string(result) + `}`))
		if err != nil {
			return nil, err
		}
		return a.value, nil
	}
	a, err := parseAnswer([]byte(`{"status":"success","data":{"resultType":` + strconv.Quote(resultType) + `,"result":` + string(result) + `}}`))
	if err != nil {
		return nil, err
	}
	return a.value, nil
}

// MarshalJSON writes the labels as the Prometheus API does, an object in label order.
func (ls Labels) MarshalJSON() ([]byte, error) {
	return appendLabels(nil, ls), nil
}

// MarshalJSON writes the result array as the Prometheus API does, so a recorded answer
// reads back with ParseResult.
func (v Vector) MarshalJSON() ([]byte, error) {
	return appendList(nil, '[', v, ']', func(b []byte, s Sample) []byte {
		b = append(appendLabels(append(b, `{"metric":`...), s.Metric), `,"value":`...)
		return append(appendPair(b, Point{T: s.T, V: s.V}), '}')
	}), nil
}

// MarshalJSON writes the result array as the Prometheus API does.
func (m Matrix) MarshalJSON() ([]byte, error) {
	return appendList(nil, '[', m, ']', func(b []byte, s Series) []byte {
		b = append(appendLabels(append(b, `{"metric":`...), s.Metric), `,"values":`...)
		return append(appendList(b, '[', s.Points, ']', appendPair), '}')
	}), nil
}

// MarshalJSON writes the data array as the Prometheus series API does.
func (ls LabelSets) MarshalJSON() ([]byte, error) {
	return appendList(nil, '[', ls, ']', appendLabels), nil
}

// appendList writes open, the items separated by commas, and close.
func appendList[T any](b []byte, open byte, items []T, close byte, item func([]byte, T) []byte) []byte {
	b = append(b, open)
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = item(b, it)
	}
	return append(b, close)
}

func appendLabels(b []byte, ls Labels) []byte {
	return appendList(b, '{', ls, '}', func(b []byte, l Label) []byte {
		return appendString(append(appendString(b, l.Name), ':'), l.Value)
	})
}

// appendString writes s as a JSON string. Bytes are kept as they are (no UTF-8 repair), so
// what was read reads back the same.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// appendPair writes [<seconds>,"<value>"].
func appendPair(b []byte, p Point) []byte {
	b = strconv.AppendFloat(append(b, '['), float64(p.T)/1000, 'f', -1, 64)
	return append(strconv.AppendFloat(append(b, ',', '"'), p.V, 'f', -1, 64), '"', ']')
}

// millis converts Prometheus' float seconds to milliseconds, its timestamps' precision.
func millis(sec float64) int64 {
	return int64(math.Round(sec * 1000))
}

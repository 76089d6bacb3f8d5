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

// millis converts Prometheus' float seconds to milliseconds, its timestamps' precision.
func millis(sec float64) int64 {
	return int64(math.Round(sec * 1000))
}

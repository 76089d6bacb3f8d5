package prom

import "strconv"

// Test support: answers written back as Prometheus writes them and read again, for the
// round-trip checks of the decoders (response_test.go). Production code only reads answers.

// parseResult decodes the `result` array of an answer of the given result type ("vector"
// or "matrix"), or the `data` array of a series answer ("series"), as Prometheus writes it.
func parseResult(resultType string, result []byte) (Value, error) {
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

// MarshalJSON writes the result array as the Prometheus API does, so it reads back with
// parseResult.
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

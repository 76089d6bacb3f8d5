package prom

import (
	"bytes"
	"strconv"
	"unsafe"

	"github.com/prometheus/common/model"
)

// Prometheus writes every answer the same compact way, fields in this order.
var (
	vectorPrefix = []byte(`{"status":"success","data":{"resultType":"vector","result":[`)
	matrixPrefix = []byte(`{"status":"success","data":{"resultType":"matrix","result":[`)
)

// scanResult decodes the result array of an answer in the exact form Prometheus writes
// (no whitespace, no escapes, float samples only), without the per-string allocations of a
// general JSON parser: label names and values are looked up in the answer's interner
// straight from the body's bytes, and a fleet's answer repeats them on every row. It was
// the largest cost left in turning an answer into rows.
//
// It returns the value and the envelope with the array emptied (`"result":[]`), which the
// general parser then reads for status and warnings. ok is false for anything else, and the
// caller parses the whole body the general way: this is only ever a shortcut.
func scanResult(body []byte) (v model.Value, envelope []byte, ok bool) {
	var matrix bool
	switch {
	case bytes.HasPrefix(body, vectorPrefix):
	case bytes.HasPrefix(body, matrixPrefix):
		matrix = true
	default:
		return nil, nil, false
	}
	s := scanner{b: body, pos: len(vectorPrefix), in: interner{}}
	if matrix {
		v, ok = s.matrix()
	} else {
		v, ok = s.vector()
	}
	if !ok {
		return nil, nil, false
	}
	start := len(vectorPrefix) - 1 // the array's '['
	envelope = make([]byte, 0, start+2+len(body)-s.pos)
	envelope = append(append(append(envelope, body[:start]...), "[]"...), body[s.pos:]...)
	return v, envelope, true
}

type scanner struct {
	b   []byte
	pos int
	in  interner
}

// lit consumes the literal l if it comes next.
func (s *scanner) lit(l string) bool {
	if len(s.b)-s.pos < len(l) || string(s.b[s.pos:s.pos+len(l)]) != l {
		return false
	}
	s.pos += len(l)
	return true
}

// array scans `elem,elem,...]` (the '[' already consumed).
func (s *scanner) array(elem func() bool) bool {
	if s.lit("]") {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if s.lit("]") {
			return true
		}
		if !s.lit(",") {
			return false
		}
	}
}

func (s *scanner) vector() (model.Vector, bool) {
	vec := model.Vector{}
	var slab []model.Sample // samples allocated in blocks, not one by one
	ok := s.array(func() bool {
		if len(slab) == cap(slab) {
			slab = make([]model.Sample, 0, 256)
		}
		slab = slab[:len(slab)+1]
		smp := &slab[len(slab)-1]
		var ok bool
		if !s.lit(`{"metric":`) {
			return false
		}
		if smp.Metric, ok = s.metric(); !ok || !s.lit(`,"value":[`) {
			return false
		}
		if smp.Timestamp, smp.Value, ok = s.pair(); !ok || !s.lit("}") {
			return false
		}
		vec = append(vec, smp)
		return true
	})
	return vec, ok
}

func (s *scanner) matrix() (model.Matrix, bool) {
	mat := model.Matrix{}
	ok := s.array(func() bool {
		ss := &model.SampleStream{}
		var ok bool
		if !s.lit(`{"metric":`) {
			return false
		}
		if ss.Metric, ok = s.metric(); !ok || !s.lit(`,"values":[`) {
			return false
		}
		ok = s.array(func() bool {
			if !s.lit("[") {
				return false
			}
			t, v, ok := s.pair()
			ss.Values = append(ss.Values, model.SamplePair{Timestamp: t, Value: v})
			return ok
		})
		if !ok || !s.lit("}") {
			return false
		}
		mat = append(mat, ss)
		return true
	})
	return mat, ok
}

// metric scans {"name":"value",...}.
func (s *scanner) metric() (model.Metric, bool) {
	if !s.lit("{") {
		return nil, false
	}
	m := model.Metric{}
	if s.lit("}") {
		return m, true
	}
	for {
		name, ok := s.str()
		if !ok || len(name) == 0 || !s.lit(":") { // no label has an empty name
			return nil, false
		}
		value, ok := s.str()
		if !ok {
			return nil, false
		}
		m[model.LabelName(s.in.getBytes(name))] = model.LabelValue(s.in.getBytes(value))
		if s.lit("}") {
			return m, true
		}
		if !s.lit(",") {
			return nil, false
		}
	}
}

// str scans a "..." string that needs no unescaping.
func (s *scanner) str() ([]byte, bool) {
	if !s.lit(`"`) {
		return nil, false
	}
	end := bytes.IndexByte(s.b[s.pos:], '"')
	if end < 0 {
		return nil, false
	}
	str := s.b[s.pos : s.pos+end]
	for _, c := range str {
		if c == '\\' || c < 0x20 { // an escape, or a control character JSON forbids
			return nil, false
		}
	}
	s.pos += end + 1
	return str, true
}

// pair scans `<seconds>,"<value>"]` (the '[' already consumed): seconds with up to three
// decimals, as Prometheus writes them, converted to milliseconds exactly.
func (s *scanner) pair() (model.Time, model.SampleValue, bool) {
	t, ok := s.timestamp()
	if !ok || !s.lit(",") {
		return 0, 0, false
	}
	v, ok := s.str()
	if !ok || !s.lit("]") {
		return 0, 0, false
	}
	// The bytes are only read for the conversion, never kept.
	f, err := strconv.ParseFloat(unsafe.String(unsafe.SliceData(v), len(v)), 64)
	if err != nil {
		return 0, 0, false
	}
	return t, model.SampleValue(f), true
}

// timestamp reads -?digits(.d{1,3})? as milliseconds. Other forms (exponents, more
// decimals, absurd magnitudes) are left to the general parser.
func (s *scanner) timestamp() (model.Time, bool) {
	neg := s.lit("-")
	var ms int64
	digits := 0
	for s.pos < len(s.b) && '0' <= s.b[s.pos] && s.b[s.pos] <= '9' {
		ms = ms*10 + int64(s.b[s.pos]-'0')
		s.pos++
		digits++
	}
	if digits == 0 || digits > 13 || digits > 1 && s.b[s.pos-digits] == '0' { // JSON forbids leading zeros
		return 0, false
	}
	decimals := 0
	if s.lit(".") {
		for s.pos < len(s.b) && '0' <= s.b[s.pos] && s.b[s.pos] <= '9' {
			ms = ms*10 + int64(s.b[s.pos]-'0')
			s.pos++
			decimals++
		}
		if decimals == 0 || decimals > 3 {
			return 0, false
		}
	}
	for ; decimals < 3; decimals++ {
		ms *= 10
	}
	if neg {
		ms = -ms
	}
	return model.Time(ms), true
}

package prom

import (
	"bytes"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"unsafe"
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
func scanResult(body []byte) (v Value, envelope []byte, ok bool) {
	var matrix bool
	switch {
	case bytes.HasPrefix(body, vectorPrefix):
	case bytes.HasPrefix(body, matrixPrefix):
		matrix = true
	default:
		return nil, nil, false
	}
	// A large answer is cut into parts at row boundaries and the parts are scanned at once,
	// one goroutine each: the plugin's work on a fleet's answer starts only when Prometheus
	// has sent all of it, so it is time a dashboard waits.
	first := len(vectorPrefix) // where the first row starts
	cuts := cutRows(body, first, scanParts(len(body)))
	parts := make([]scanner, len(cuts)+1)
	vectors := make([]Vector, len(parts))
	matrices := make([]Matrix, len(parts))
	oks := make([]bool, len(parts))
	var wg sync.WaitGroup
	for k := range parts {
		p := &parts[k]
		*p = scanner{b: body, pos: first, in: interner{}}
		if k > 0 {
			p.pos = cuts[k-1] + 1
		}
		if k < len(cuts) {
			p.b, p.partial = body[:cuts[k]], true
		}
		scan := func() {
			if matrix {
				matrices[k], oks[k] = p.matrix()
			} else {
				vectors[k], oks[k] = p.vector()
			}
		}
		if k == len(parts)-1 {
			scan()
		} else {
			wg.Go(scan)
		}
	}
	wg.Wait()
	for _, ok := range oks {
		if !ok {
			return nil, nil, false
		}
	}
	if matrix {
		v = Matrix(slices.Concat(matrices...))
	} else {
		v = Vector(slices.Concat(vectors...))
	}
	end := parts[len(parts)-1].pos // just after the array's ']'
	start := first - 1             // the array's '['
	envelope = make([]byte, 0, start+2+len(body)-end)
	envelope = append(append(append(envelope, body[:start]...), "[]"...), body[end:]...)
	return v, envelope, true
}

// scanParts is how many parts an answer of n bytes is scanned in: one per CPU, at most 8,
// and one more per whole 256 KiB only (a smaller part costs more in starting a goroutine
// than it saves). A variable so that tests can cut small answers too.
var scanParts = func(n int) int { return min(runtime.GOMAXPROCS(0), 8, n/(256<<10)+1) }

// rowSeparator is where one row ends and the next begins. It never occurs inside a string:
// a '"' there is always escaped.
var rowSeparator = []byte(`},{"metric":`)

// cutRows returns up to n-1 increasing positions of the ',' between two rows, evenly
// spread over body[first:].
func cutRows(body []byte, first, n int) []int {
	var cuts []int
	for k := 1; k < n; k++ {
		from := first + (len(body)-first)*k/n
		if len(cuts) > 0 {
			from = max(from, cuts[len(cuts)-1]+1)
		}
		i := bytes.Index(body[from:], rowSeparator)
		if i < 0 {
			break
		}
		cuts = append(cuts, from+i+1)
	}
	return cuts
}

type scanner struct {
	b   []byte
	pos int
	// partial: b ends where the next part's rows begin, not with the array's ']'.
	partial bool
	in      interner
	labels  slab[Label]
	prev    Labels // the previous row's labels: rows repeat names, and often values, in place
}

// lit consumes the literal l if it comes next.
func (s *scanner) lit(l string) bool {
	if len(s.b)-s.pos < len(l) || string(s.b[s.pos:s.pos+len(l)]) != l {
		return false
	}
	s.pos += len(l)
	return true
}

// rows scans the answer's rows `row,row,...`: through the array's ']' (the '[' already
// consumed), or, in a part, to the end of the part.
func (s *scanner) rows(row func() bool) bool {
	if !s.partial {
		return s.array(row)
	}
	for {
		if !row() {
			return false
		}
		if s.pos == len(s.b) {
			return true
		}
		if !s.lit(",") {
			return false
		}
	}
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

func (s *scanner) vector() (Vector, bool) {
	// One row per `{"metric":` (a string cannot hold that text: its '"' would be escaped):
	// sized once rather than grown by doubling.
	vec := make(Vector, 0, bytes.Count(s.b[s.pos:], []byte(`{"metric":`)))
	ok := s.rows(func() bool {
		m, ok := s.rowHead(`,"value":[`)
		if !ok {
			return false
		}
		t, v, ok := s.pair()
		if !ok || !s.lit("}") {
			return false
		}
		vec = append(vec, Sample{Metric: m, T: t, V: v})
		return true
	})
	return vec, ok
}

func (s *scanner) matrix() (Matrix, bool) {
	mat := Matrix{}
	var points slab[Point]
	ok := s.rows(func() bool {
		m, ok := s.rowHead(`,"values":[`)
		if !ok {
			return false
		}
		points.begin()
		ok = s.array(func() bool {
			if !s.lit("[") {
				return false
			}
			t, v, ok := s.pair()
			points.add(Point{T: t, V: v})
			return ok
		})
		if !ok || !s.lit("}") {
			return false
		}
		mat = append(mat, Series{Metric: m, Points: points.end()})
		return true
	})
	return mat, ok
}

// rowHead scans the start of a row: `{"metric":{...}` and then values, which opens the
// row's sample ("value") or samples ("values").
func (s *scanner) rowHead(values string) (Labels, bool) {
	if !s.lit(`{"metric":`) {
		return nil, false
	}
	m, ok := s.metric()
	return m, ok && s.lit(values)
}

// metric scans {"name":"value",...}.
func (s *scanner) metric() (Labels, bool) {
	if !s.lit("{") {
		return nil, false
	}
	s.labels.begin()
	if s.lit("}") {
		return s.labels.end(), true
	}
	for k := 0; ; k++ {
		name, ok := s.str()
		if !ok || len(name) == 0 || !s.lit(":") { // no label has an empty name
			return nil, false
		}
		value, ok := s.str()
		if !ok {
			return nil, false
		}
		// Every row names the same labels, and neighbours often share values (cluster,
		// node): the previous row's string at the same place spares a lookup.
		var l Label
		if k < len(s.prev) && s.prev[k].Name == string(name) {
			l.Name = s.prev[k].Name
		} else {
			l.Name = s.in.getBytes(name)
		}
		if k < len(s.prev) && s.prev[k].Value == string(value) {
			l.Value = s.prev[k].Value
		} else {
			l.Value = s.in.getBytes(value)
		}
		s.labels.add(l)
		if s.lit("}") {
			s.prev = s.labels.end()
			return s.prev, true
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
	b := s.b[s.pos:]
	for i, c := range b {
		if !plain[c] {
			if c != '"' { // an escape, or a control character JSON forbids
				return nil, false
			}
			s.pos += i + 1
			return b[:i], true
		}
	}
	return nil, false
}

// plain marks the bytes a string can hold as they are: not '"', '\\' or a control character.
var plain = func() (t [256]bool) {
	for c := range t {
		t[c] = c >= 0x20 && c != '"' && c != '\\'
	}
	return t
}()

// pair scans `<seconds>,"<value>"]` (the '[' already consumed): seconds with up to three
// decimals, as Prometheus writes them, converted to milliseconds exactly.
func (s *scanner) pair() (int64, float64, bool) {
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
	return t, f, true
}

// timestamp reads -?digits(.d{1,3})? as milliseconds. Other forms (exponents, more
// decimals, absurd magnitudes) are left to the general parser.
func (s *scanner) timestamp() (int64, bool) {
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
	return ms, true
}

package prom

import (
	"fmt"
	"net/http"
	"strconv"

	jsoniter "github.com/json-iterator/go"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
)

// decodeResponse reads a Prometheus query API answer. client_golang's own decoding
// (encoding/json over model.Sample, twice) was 80% of the plugin's CPU at fleet scale; this
// one streams the body once, and interns label names and values, which repeat across rows.
// Errors follow client_golang's api client, so classification is the same.
func decodeResponse(resp *http.Response, body []byte) (Value, []string, error) {
	code := resp.StatusCode
	// Prometheus answers query errors with 400 or 422 and a JSON body; any other non-2xx
	// (a proxy's 502, a 503 while shutting down) may carry anything.
	apiErrorCode := code == http.StatusBadRequest || code == http.StatusUnprocessableEntity
	if code/100 != 2 && !apiErrorCode {
		return nil, nil, httpError(code, body)
	}
	r, err := parseAnswer(body)
	if err != nil {
		if apiErrorCode { // a 400 from something that is not Prometheus
			return nil, nil, &v1.Error{Type: v1.ErrClient, Msg: fmt.Sprintf("client error: %d", code), Detail: string(body)}
		}
		return nil, nil, &v1.Error{Type: v1.ErrBadResponse, Msg: err.Error()}
	}
	if r.status == "error" {
		return nil, r.warnings, &v1.Error{Type: v1.ErrorType(r.errorType), Msg: r.errorMsg}
	}
	if apiErrorCode || r.status != "success" {
		return nil, nil, &v1.Error{Type: v1.ErrBadResponse, Msg: fmt.Sprintf("inconsistent body for response code %d", code)}
	}
	if r.value == nil {
		return nil, r.warnings, &v1.Error{Type: v1.ErrBadResponse, Msg: "no result in the answer"}
	}
	return r.value, r.warnings, nil
}

// httpError is a non-2xx answer as client_golang's api client reports it.
func httpError(code int, body []byte) error {
	typ, msg := v1.ErrClient, fmt.Sprintf("client error: %d", code)
	if code/100 == 5 {
		typ, msg = v1.ErrServer, fmt.Sprintf("server error: %d", code)
	}
	return &v1.Error{Type: typ, Msg: msg, Detail: string(body)}
}

type answer struct {
	status, errorType, errorMsg string
	warnings                    []string
	value                       Value
}

var jsonAPI = jsoniter.ConfigCompatibleWithStandardLibrary

// parseAnswer takes scanResult's shortcut for the rows when it applies, else parses the whole
// body the general way; both give the same answer (FuzzScanResult).
func parseAnswer(body []byte) (*answer, error) {
	if v, envelope, ok := scanResult(body); ok {
		if a, err := parse(envelope); err == nil && a.value != nil {
			a.value = v
			return a, nil
		}
	}
	return parse(body)
}

func parse(body []byte) (*answer, error) {
	it := jsonAPI.BorrowIterator(body)
	defer jsonAPI.ReturnIterator(it)
	a := &answer{}
	if it.WhatIsNext() != jsoniter.ObjectValue {
		return nil, fmt.Errorf("not a JSON object")
	}
	var resultType string
	var raw []byte // "result" seen before "resultType"
	for field := it.ReadObject(); field != ""; field = it.ReadObject() {
		switch field {
		case "status":
			a.status = it.ReadString()
		case "errorType":
			a.errorType = it.ReadString()
		case "error":
			a.errorMsg = it.ReadString()
		case "warnings":
			for it.ReadArray() {
				a.warnings = append(a.warnings, it.ReadString())
			}
		case "data":
			if it.WhatIsNext() == jsoniter.ArrayValue { // the series API's answer
				in, sets := interner{}, LabelSets{}
				var labels slab[Label]
				for it.ReadArray() {
					sets = append(sets, readMetric(it, in, &labels))
				}
				a.value = sets
				continue
			}
			if it.WhatIsNext() != jsoniter.ObjectValue {
				it.Skip()
				continue
			}
			for df := it.ReadObject(); df != ""; df = it.ReadObject() {
				switch df {
				case "resultType":
					resultType = it.ReadString()
				case "result":
					if resultType == "" {
						raw = it.SkipAndReturnBytes()
						continue
					}
					a.value = readResult(it, resultType)
				default:
					it.Skip()
				}
			}
		default:
			it.Skip()
		}
	}
	if raw != nil {
		inner := jsonAPI.BorrowIterator(raw)
		a.value = readResult(inner, resultType)
		err := inner.Error
		jsonAPI.ReturnIterator(inner)
		if err != nil {
			return nil, err
		}
	}
	if it.Error != nil {
		return nil, it.Error
	}
	return a, nil
}

func readResult(it *jsoniter.Iterator, resultType string) Value {
	in := interner{}
	var labels slab[Label]
	switch resultType {
	case "vector":
		vec := Vector{}
		for it.ReadArray() {
			var s Sample
			for f := it.ReadObject(); f != ""; f = it.ReadObject() {
				switch f {
				case "metric":
					s.Metric = readMetric(it, in, &labels)
				case "value":
					s.T, s.V = readPair(it)
				default: // native histograms: not used by certificate metrics
					it.Skip()
				}
			}
			vec = append(vec, s)
		}
		return vec
	case "matrix":
		mat := Matrix{}
		var points slab[Point]
		for it.ReadArray() {
			var s Series
			for f := it.ReadObject(); f != ""; f = it.ReadObject() {
				switch f {
				case "metric":
					s.Metric = readMetric(it, in, &labels)
				case "values":
					points.begin()
					for it.ReadArray() {
						t, v := readPair(it)
						points.add(Point{T: t, V: v})
					}
					s.Points = points.end()
				default:
					it.Skip()
				}
			}
			mat = append(mat, s)
		}
		return mat
	}
	it.ReportError("result", "unexpected resultType "+strconv.Quote(resultType))
	return nil
}

func readMetric(it *jsoniter.Iterator, in interner, labels *slab[Label]) Labels {
	labels.begin()
	for k := it.ReadObject(); k != ""; k = it.ReadObject() {
		labels.add(Label{Name: in.get(k), Value: in.get(it.ReadString())})
	}
	return labels.end()
}

// readPair reads [1435781451.781, "1"]: seconds as a number, the value as a string.
func readPair(it *jsoniter.Iterator) (int64, float64) {
	var t int64
	var v float64
	i := 0
	for it.ReadArray() {
		switch i {
		case 0:
			t = millis(it.ReadFloat64())
		case 1:
			s := it.ReadString()
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				it.ReportError("value", "invalid sample value "+strconv.Quote(s))
			}
			v = f
		default:
			it.Skip()
		}
		i++
	}
	return t, v
}

// interner keeps one copy of each label name and value of an answer: a fleet's answer
// repeats cluster names, paths and label names on every row.
type interner map[string]string

func (in interner) get(s string) string {
	if v, ok := in[s]; ok {
		return v
	}
	in[s] = s
	return s
}

// getBytes is get for bytes: a string is allocated only the first time a value is seen.
func (in interner) getBytes(b []byte) string {
	if v, ok := in[string(b)]; ok {
		return v
	}
	s := string(b)
	in[s] = s
	return s
}

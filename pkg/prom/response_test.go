package prom

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
)

func decode(t *testing.T, code int, body string) (Value, []string, error) {
	t.Helper()
	return decodeResponse(&http.Response{StatusCode: code}, []byte(body))
}

func TestDecodeVector(t *testing.T) {
	body := `{"status":"success","warnings":["w1"],"data":{"resultType":"vector","result":[
		{"metric":{"__name__":"up","job":"a\"b\\c\n"},"value":[1795773211.808,"1"]},
		{"metric":{},"value":[1,"NaN"]},{"metric":{"x":"y"},"value":[2,"-Inf"],"histogram":[1,{"count":"1"}]}]}}`
	v, w, err := decode(t, 200, body)
	if err != nil {
		t.Fatal(err)
	}
	vec := v.(Vector)
	if len(vec) != 3 || vec[0].Metric.Get("job") != "a\"b\\c\n" || vec[0].Metric.Get("__name__") != "up" || vec[0].V != 1 || vec[0].T != 1795773211808 {
		t.Fatalf("got %v", vec)
	}
	if !math.IsNaN(vec[1].V) || !math.IsInf(vec[2].V, -1) || len(w) != 1 || w[0] != "w1" {
		t.Fatalf("got %v %v", vec, w)
	}
}

func TestDecodeMatrixResultBeforeType(t *testing.T) {
	body := `{"data":{"result":[{"metric":{"a":"b"},"values":[[1,"1"],[2.5,"2"]]}],"resultType":"matrix"},"status":"success"}`
	v, _, err := decode(t, 200, body)
	if err != nil {
		t.Fatal(err)
	}
	m := v.(Matrix)
	if len(m) != 1 || len(m[0].Points) != 2 || m[0].Points[1].T != 2500 || m[0].Points[1].V != 2 || m[0].Metric.Get("a") != "b" {
		t.Fatalf("got %v", m)
	}
}

// TestDecodeMatchesClientGolang: the same body gives the same value as client_golang's model
// decoding, so replacing it changed speed only.
func TestDecodeMatchesClientGolang(t *testing.T) {
	result := `[{"metric":{"cluster":"c1","node":"1","logical_name":"api"},"value":[1700000000.5,"86400.25"]},{"metric":{"cluster":"c2"},"value":[1700000000,"-3600"]}]`
	v, _, err := decode(t, 200, `{"status":"success","data":{"resultType":"vector","result":`+result+`}}`)
	if err != nil {
		t.Fatal(err)
	}
	var want model.Vector
	if err := json.Unmarshal([]byte(result), &want); err != nil {
		t.Fatal(err)
	}
	var got model.Vector
	for _, s := range v.(Vector) {
		m := model.Metric{}
		for _, l := range s.Metric {
			m[model.LabelName(l.Name)] = model.LabelValue(l.Value)
		}
		got = append(got, &model.Sample{Metric: m, Timestamp: model.Time(s.T), Value: model.SampleValue(s.V)})
	}
	if got.String() != want.String() {
		t.Fatalf("got %s\nwant %s", got, want)
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name   string
		code   int
		body   string
		want   v1.ErrorType
		detail string
	}{
		{"bad_data", 400, `{"status":"error","errorType":"bad_data","error":"parse error"}`, v1.ErrBadData, ""},
		{"execution", 422, `{"status":"error","errorType":"execution","error":"too many samples"}`, v1.ErrExec, ""},
		{"400 not json", 400, "Bad Request", v1.ErrClient, "Bad Request"},
		{"401", 401, "no", v1.ErrClient, "no"},
		{"503", 503, `{"status":"error","error":"TSDB not ready"}`, v1.ErrServer, `{"status":"error","error":"TSDB not ready"}`},
		{"html", 200, "<html>", v1.ErrBadResponse, ""},
		{"empty", 200, "", v1.ErrBadResponse, ""},
		{"truncated", 200, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{}`, v1.ErrBadResponse, ""},
		{"no result", 200, `{"status":"success","data":{}}`, v1.ErrBadResponse, ""},
		{"scalar", 200, `{"status":"success","data":{"resultType":"scalar","result":[1,"1"]}}`, v1.ErrBadResponse, ""},
		{"bad value", 200, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"one"]}]}}`, v1.ErrBadResponse, ""},
		{"success on 400", 400, `{"status":"success","data":{"resultType":"vector","result":[]}}`, v1.ErrBadResponse, ""},
		{"200 error", 200, `{"status":"error","errorType":"internal","error":"storage corrupted"}`, "internal", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := decode(t, tt.code, tt.body)
			var apiErr *v1.Error
			if !errors.As(err, &apiErr) || apiErr.Type != tt.want || apiErr.Detail != tt.detail {
				t.Fatalf("got %#v, want type %s detail %q", err, tt.want, tt.detail)
			}
		})
	}
}

func FuzzDecodeResponse(f *testing.F) {
	for _, s := range []string{
		`{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"b"},"value":[1,"1"]}]}}`,
		`{"status":"success","data":{"result":[{"metric":{},"values":[[1,"1"]]}],"resultType":"matrix"}}`,
		`{"status":"error","errorType":"bad_data","error":"x"}`, `[]`, `{"data":{"result":1}}`, "",
	} {
		f.Add(200, []byte(s))
	}
	f.Fuzz(func(t *testing.T, code int, body []byte) {
		v, _, err := decodeResponse(&http.Response{StatusCode: code}, body)
		if err == nil {
			switch v.(type) {
			case Vector, Matrix:
			default:
				t.Fatalf("success without a vector or matrix: %T", v)
			}
		}
	})
}

// BenchmarkDecodeResponse decodes an answer of 20,000 rows, as many as 10,000 certificates
// reported by v1 and v2 give (fleetResult: v2 rows of 100 label sets, repeated).
func BenchmarkDecodeResponse(b *testing.B) {
	body := []byte(`{"status":"success","data":{"resultType":"vector","result":` + fleetResult(20000) + `}}`)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := decodeResponse(&http.Response{StatusCode: 200}, body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeClientGolang is the same answer through client_golang's model decoding,
// for comparison.
func BenchmarkDecodeClientGolang(b *testing.B) {
	body := []byte(fleetResult(20000))
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var v model.Vector
		if err := json.Unmarshal(body, &v); err != nil {
			b.Fatal(err)
		}
	}
}

// fleetResult is the JSON result array of n certificate series over 100 clusters.
func fleetResult(n int) string {
	var b strings.Builder
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"metric":{"__name__":"node_cert_expires_in_seconds","cluster":"c%02d.example.com","node":"1","logical_name":"api","path":"/etc/opt/redislabs/api_cert.pem"},"value":[1795773211.808,"31104000"]}`, i%100)
	}
	b.WriteByte(']')
	return b.String()
}

// FuzzScanResult: with or without the shortcut, every body gives the same answer or fails.
func FuzzScanResult(f *testing.F) {
	for _, s := range []string{
		`{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"a","cluster":"c.1"},"value":[1795782393.493,"31104000"]},{"metric":{},"value":[1,"NaN"]}]}}`,
		`{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"cluster":"c"},"values":[[1795782393,"-2664014.685"],[1795782403.5,"+Inf"]]}]},"warnings":["w"],"infos":["i"]}`,
		`{"status":"success","data":{"resultType":"vector","result":[]}}`,
		`{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"x\"y"},"value":[1,"1"]}]}}`,
		`{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"b"},"value":[-0.001,"1e3"]}],"stats":{"timings":{"evalTotalTime":0.1}}}}`,
		`{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"b"},"value":[01,"1"]}]}}`,
		`{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":"b"},"values":[]}]}}`,
		"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"c\":\"k\u00e4se\xff\xfe\"},\"value\":[1.5,\"2\"]}]}}",
	} {
		f.Add([]byte(s))
	}
	// Cut every answer into up to four parts, so that scanning in parts is checked too.
	defer func(parts func(int) int) { scanParts = parts }(scanParts)
	scanParts = func(n int) int { return min(4, n/40+1) }
	f.Fuzz(func(t *testing.T, body []byte) {
		want, werr := parse(body)
		got, gerr := parseAnswer(body)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("body %s: parser error %v, with shortcut %v", body, werr, gerr)
		}
		if werr != nil {
			return
		}
		wj, gj := fmt.Sprint(want.value), fmt.Sprint(got.value)
		if got.value != nil { // an answer with a result marshals back to one that decodes the same
			raw, err := json.Marshal(got.value)
			if err != nil {
				t.Fatalf("marshal %s: %v", gj, err)
			}
			if again, err := parseResult(got.value.Type(), raw); err != nil || fmt.Sprint(again) != gj {
				t.Fatalf("body %s\nmarshalled %s\nread back %v (%v)", body, raw, again, err)
			}
		}
		if wj != gj || !slices.Equal(want.warnings, got.warnings) || want.status != got.status || want.errorMsg != got.errorMsg {
			t.Fatalf("body %s\nparser:   %s %q\nshortcut: %s %q", body, wj, want.warnings, gj, got.warnings)
		}
	})
}

// The shortcut's answer for a fleet-like body equals the general parser's.
func TestScanResultMatchesParser(t *testing.T) {
	for _, body := range []string{
		`{"status":"success","data":{"resultType":"vector","result":` + fleetResult(300) + `}}`,
		`{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"cluster":"c"},"values":[[1795782393,"1"],[1795782403.25,"2"]]},{"metric":{"cluster":"d"},"values":[[1795782393.007,"-1"]]}]},"warnings":["w1","w2"]}`,
	} {
		v, _, ok := scanResult([]byte(body))
		if !ok {
			t.Fatalf("shortcut refused a compact answer: %.200s", body)
		}
		want, err := parse([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		wj, gj := fmt.Sprint(want.value), fmt.Sprint(v)
		if wj != gj {
			t.Fatalf("shortcut %s\nparser   %s", gj, wj)
		}
	}
	// Escapes, whitespace and histograms are left to the general parser.
	for _, body := range []string{
		`{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"x\"y"},"value":[1,"1"]}]}}`,
		`{"status":"success","data":{"resultType":"vector","result":[ {"metric":{},"value":[1,"1"]}]}}`,
		`{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"histogram":[1,{"count":"1"}]}]}}`,
	} {
		if _, _, ok := scanResult([]byte(body)); ok {
			t.Errorf("shortcut accepted %s", body)
		}
		if _, _, err := decodeResponse(&http.Response{StatusCode: 200}, []byte(body)); err != nil && !strings.Contains(body, "histogram") {
			t.Errorf("general parser: %v", err)
		}
	}
}

// An answer cut into parts decodes to what one scan gives, rows in the same order.
func TestScanResultInParts(t *testing.T) {
	defer func(parts func(int) int) { scanParts = parts }(scanParts)
	for _, body := range []string{
		`{"status":"success","data":{"resultType":"vector","result":` + fleetResult(1000) + `}}`,
		`{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":"1"},"values":[[1,"1"],[2,"2"]]},{"metric":{"a":"2"},"values":[[1,"3"]]},{"metric":{"a":"3"},"values":[]}]}}`,
	} {
		whole, _, ok := scanResult([]byte(body))
		if !ok {
			t.Fatal("one scan refused the answer")
		}
		for _, n := range []int{2, 3, 8} {
			scanParts = func(int) int { return n }
			cut, envelope, ok := scanResult([]byte(body))
			if !ok || fmt.Sprint(cut) != fmt.Sprint(whole) || !strings.HasSuffix(string(envelope), `"result":[]}}`) {
				t.Fatalf("%d parts: %v %s\nwant %v", n, ok, envelope, whole)
			}
		}
	}
	// A broken row in any part sends the whole answer to the general parser.
	body := []byte(`{"status":"success","data":{"resultType":"vector","result":` + fleetResult(100) + `}}`)
	copy(body[len(body)/3:], `{"metric":{"a":`)
	scanParts = func(int) int { return 4 }
	if _, _, ok := scanResult(body); ok {
		t.Error("a broken part was accepted")
	}
}

// BenchmarkDecodeResponseGeneral is BenchmarkDecodeResponse without the shortcut.
func BenchmarkDecodeResponseGeneral(b *testing.B) {
	body := []byte(`{"status":"success","data":{"resultType":"vector","result":` + fleetResult(20000) + `}}`)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parse(body); err != nil {
			b.Fatal(err)
		}
	}
}

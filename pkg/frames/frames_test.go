package frames

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/seed/rscerts/pkg/certs"
)

func TestDisplayName(t *testing.T) {
	id := certs.Identity{Cluster: "c1", Node: "2", Certificate: "api"}
	tests := []struct {
		id   certs.Identity
		by   certs.GroupBy
		want string
	}{
		{id, certs.GroupByNode, "api · node 2 · c1"},
		{id, certs.GroupByCertificate, "api · c1"},
		{id, certs.GroupByCluster, "c1"},
		{certs.Identity{Node: "node1:8070", Certificate: "cm"}, certs.GroupByNode, "cm · node node1:8070"},
		{certs.Identity{}, certs.GroupByCluster, "(no cluster label)"},
	}
	for _, tt := range tests {
		if got := DisplayName(tt.id, tt.by); got != tt.want {
			t.Errorf("DisplayName(%+v, %s) = %q, want %q", tt.id, tt.by, got, tt.want)
		}
	}
}

func TestLabels(t *testing.T) {
	id := certs.Identity{Cluster: "c1", Node: "2", Certificate: "api"}
	tests := []struct {
		by   certs.GroupBy
		want data.Labels
	}{
		{certs.GroupByNode, data.Labels{"cluster": "c1", "node": "2", "certificate": "api", "category": "user-managed"}},
		{certs.GroupByCertificate, data.Labels{"cluster": "c1", "certificate": "api", "category": "user-managed"}},
		{certs.GroupByCluster, data.Labels{"cluster": "c1"}},
	}
	for _, tt := range tests {
		if got := Labels(id, certs.UserManaged, tt.by); !got.Equals(tt.want) {
			t.Errorf("Labels(%s) = %v, want %v", tt.by, got, tt.want)
		}
	}
}

func TestNoDataFrames(t *testing.T) {
	for _, f := range []*data.Frame{Days(nil, certs.GroupByNode, DaysRemaining)[0], Timeseries(nil, certs.GroupByNode)[0]} {
		if len(f.Fields) != 0 || f.Meta == nil || f.Meta.TypeVersion != (data.FrameTypeVersion{0, 1}) {
			t.Fatalf("not a dataplane no-data frame: %+v", f)
		}
	}
}

func TestTableFieldsInContractOrder(t *testing.T) {
	f := Table([]certs.Certificate{{Identity: certs.Identity{Cluster: "c", Node: "1", Certificate: "api"}, DaysRemaining: -1.5, Status: certs.StatusExpired, DaysBehind: 2.5}}, 1.5)
	want := []string{FieldCluster, FieldNode, FieldCertificate, FieldCategory, FieldDays, FieldExpiresAt, FieldStatus, FieldSource, FieldPath, FieldDaysBehind}
	if len(f.Fields) != len(want) {
		t.Fatalf("%d fields", len(f.Fields))
	}
	for i, name := range want {
		if f.Fields[i].Name != name {
			t.Errorf("field %d is %q, want %q", i, f.Fields[i].Name, name)
		}
	}
	if days, _ := f.FieldByName(FieldDays); days.Config.Unit != UnitDays || days.At(0).(float64) != -1.5 {
		t.Errorf("days field: %+v", days)
	}
	behind, _ := f.FieldByName(FieldDaysBehind)
	if behind.Config.Unit != UnitDays || behind.At(0).(float64) != 2.5 {
		t.Errorf("days behind field: %+v", behind)
	}
	if th := behind.Config.Thresholds; th == nil || len(th.Steps) != 2 || th.Steps[1].Value != 1.5 || th.Steps[1].Color != "red" ||
		!math.IsInf(float64(th.Steps[0].Value), -1) {
		t.Errorf("days behind must turn red from driftDays (1.5): %+v", behind.Config.Thresholds)
	}
}

func TestDaysValues(t *testing.T) {
	at := time.Date(2027, 1, 2, 3, 4, 5, 6e6, time.UTC)
	rows := []certs.Certificate{
		{Identity: certs.Identity{Cluster: "c", Node: "1", Certificate: "api"}, Category: certs.UserManaged, DaysRemaining: 3, DaysBehind: 7, ExpiresAt: at},
		{Identity: certs.Identity{Cluster: "c", Node: "2", Certificate: "api"}, Category: certs.UserManaged, DaysRemaining: math.NaN(), DaysBehind: math.NaN()},
	}
	tests := []struct {
		v           Value
		name, unit  string
		first       float64
		secondIsNaN bool
	}{
		{DaysRemaining, FieldDays, UnitDays, 3, true},
		{DaysBehind, FieldDaysBehind, UnitDays, 7, true},
		{ExpiresAt, FieldExpiresAt, UnitDateTime, float64(at.UnixMilli()), true},
	}
	for _, tt := range tests {
		frs := Days(rows, certs.GroupByNode, tt.v)
		if len(frs) != 2 {
			t.Fatalf("%d frames", len(frs))
		}
		f := frs[0].Fields[0]
		if f.Name != tt.name || f.Config.Unit != tt.unit || f.At(0).(float64) != tt.first || f.Labels["node"] != "1" || f.Labels["category"] != "user-managed" {
			t.Errorf("value %d: field %q unit %q value %v labels %v", tt.v, f.Name, f.Config.Unit, f.At(0), f.Labels)
		}
		if !math.IsNaN(frs[1].Fields[0].At(0).(float64)) {
			t.Errorf("value %d: an unreadable row must be NaN, got %v", tt.v, frs[1].Fields[0].At(0))
		}
	}
}

func TestRenewalsFrame(t *testing.T) {
	at := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	ev := certs.Renewal{Identity: certs.Identity{Cluster: "c1", Node: "2", Certificate: "proxy"}, Category: certs.UserManaged,
		Time: at, ExpiresBefore: at.Add(36 * time.Hour), ExpiresAfter: at.Add(365 * 24 * time.Hour)}
	f := Renewals([]certs.Renewal{ev})
	want := []string{FieldTime, FieldCluster, FieldNode, FieldCertificate, FieldCategory, FieldExpiresBefore, FieldExpiresAfter, FieldDaysBefore, FieldDaysAfter}
	if len(f.Fields) != len(want) || f.Meta.Type != data.FrameTypeTable {
		t.Fatalf("%d fields, meta %+v", len(f.Fields), f.Meta)
	}
	for i, name := range want {
		if f.Fields[i].Name != name {
			t.Errorf("field %d is %q, want %q", i, f.Fields[i].Name, name)
		}
	}
	got := []any{f.Fields[0].At(0), f.Fields[2].At(0), f.Fields[5].At(0), f.Fields[6].At(0), f.Fields[7].At(0), f.Fields[8].At(0)}
	wantV := []any{at, "2", at.Add(36 * time.Hour), at.Add(365 * 24 * time.Hour), 1.5, 365.0}
	for i := range got {
		if got[i] != wantV[i] {
			t.Errorf("value %d = %v, want %v", i, got[i], wantV[i])
		}
	}
	for _, name := range []string{FieldDaysBefore, FieldDaysAfter} {
		if fl, _ := f.FieldByName(name); fl.Config == nil || fl.Config.Unit != UnitDays {
			t.Errorf("%s must have unit d", name)
		}
	}
	if empty := Renewals(nil); len(empty.Fields) != len(want) || empty.Rows() != 0 {
		t.Errorf("no event must be an empty table with every field: %d fields, %d rows", len(empty.Fields), empty.Rows())
	}
}

func fleet(n int) []certs.Certificate {
	rows := make([]certs.Certificate, n)
	at := time.Unix(1_800_000_000, 0)
	for i := range rows {
		rows[i] = certs.Certificate{
			Identity: certs.Identity{Cluster: fmt.Sprintf("c%03d.example.com", i/100), Node: fmt.Sprint(i / 10 % 10), Certificate: fmt.Sprint("cert", i%10)},
			Category: certs.UserManaged, DaysRemaining: float64(i % 400), ExpiresAt: at.Add(time.Duration(i) * time.Hour),
			Status: certs.StatusOK, Source: "v1+v2", Path: "/etc/opt/redislabs/api_cert.pem",
		}
	}
	return rows
}

// BenchmarkTable10k builds the certificates table for 10,000 certificates.
func BenchmarkTable10k(b *testing.B) {
	rows := fleet(10000)
	b.ReportAllocs()
	for b.Loop() {
		_ = Table(rows, 1)
	}
}

// BenchmarkDays10k builds 10,000 numeric-multi frames.
func BenchmarkDays10k(b *testing.B) {
	rows := fleet(10000)
	b.ReportAllocs()
	for b.Loop() {
		_ = Days(rows, certs.GroupByNode, DaysRemaining)
	}
}

// BenchmarkTimeseries1k builds 1,000 series of 720 points (24h at 2m).
func BenchmarkTimeseries1k(b *testing.B) {
	series := make([]certs.Series, 1000)
	at := time.Unix(1_800_000_000, 0)
	for i := range series {
		pts := make([]certs.Point, 720)
		for j := range pts {
			pts[j] = certs.Point{T: at.Add(time.Duration(j) * 2 * time.Minute), Seconds: float64(86400 * (i % 90))}
		}
		series[i] = certs.Series{Identity: certs.Identity{Cluster: "c", Node: fmt.Sprint(i), Certificate: "api"}, Category: certs.UserManaged, Points: pts}
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = Timeseries(series, certs.GroupByNode)
	}
}

// DaysLong holds exactly Days' instances: each row, read as alerting's numeric-long reader
// reads it (string fields as labels), has the labels and value of one of Days' frames, for
// every grouping and value; no result is the typed no-data frame.
func TestDaysLongHasDaysInstances(t *testing.T) {
	rows := fleet(30)
	rows[4].DaysRemaining, rows[4].DaysBehind = math.NaN(), math.NaN() // an unreadable row stays NaN
	rows[7].ExpiresAt = time.Time{}
	for _, by := range []certs.GroupBy{certs.GroupByNode, certs.GroupByCertificate, certs.GroupByCluster} {
		for _, v := range []Value{DaysRemaining, DaysBehind, ExpiresAt} {
			multi := map[string]float64{}
			var name, unit string
			for _, f := range Days(rows, by, v) {
				fl := f.Fields[0]
				multi[fl.Labels.String()] = fl.At(0).(float64)
				name, unit = fl.Name, fl.Config.Unit
			}
			f := DaysLong(rows, by, v)
			if f.Meta == nil || f.Meta.Type != data.FrameTypeNumericLong || f.Meta.TypeVersion != dataplaneVersion {
				t.Fatalf("%s/%d: meta %+v", by, v, f.Meta)
			}
			value := f.Fields[len(f.Fields)-1]
			if value.Name != name || value.Config == nil || value.Config.Unit != unit || len(f.Fields) != len(LabelNames(by))+1 {
				t.Fatalf("%s/%d: %d fields, value %q unit %+v; want %q %q", by, v, len(f.Fields), value.Name, value.Config, name, unit)
			}
			long := map[string]float64{}
			for row := 0; row < f.Rows(); row++ {
				labels := data.Labels{}
				for _, s := range f.Fields[:len(f.Fields)-1] {
					labels[s.Name] = s.At(row).(string)
				}
				long[labels.String()] = value.At(row).(float64)
			}
			same := len(long) == len(multi) && f.Rows() == len(rows)
			for k, want := range multi {
				got, ok := long[k]
				same = same && ok && (got == want || math.IsNaN(got) && math.IsNaN(want))
			}
			if !same {
				t.Errorf("%s/%d: long %v\nmulti %v", by, v, long, multi)
			}
		}
	}
	if f := DaysLong(nil, certs.GroupByNode, DaysRemaining); f.Meta.Type != data.FrameTypeNumericLong || len(f.Fields) != 0 {
		t.Errorf("no result: %+v, want the typed frame without fields", f)
	}
}

// BenchmarkDaysArrow10k is what 10,000 alert instances cost on the wire, per format: build,
// Arrow encoding (the plugin's side) and decoding (Grafana's).
func BenchmarkDaysArrow10k(b *testing.B) {
	rows := fleet(10000)
	for _, c := range []struct {
		name  string
		build func() data.Frames
	}{
		{"numeric-multi", func() data.Frames { return Days(rows, certs.GroupByNode, DaysRemaining) }},
		{"numeric-long", func() data.Frames { return data.Frames{DaysLong(rows, certs.GroupByNode, DaysRemaining)} }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			size := 0
			for b.Loop() {
				enc, err := c.build().MarshalArrow()
				if err != nil {
					b.Fatal(err)
				}
				size = 0
				for _, e := range enc {
					size += len(e)
				}
				if _, err := data.UnmarshalArrowFrames(enc); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(size), "arrow-bytes")
		})
	}
}

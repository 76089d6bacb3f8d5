package frames

import (
	"fmt"
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
	for _, f := range []*data.Frame{Days(nil, certs.GroupByNode)[0], Timeseries(nil, certs.GroupByNode)[0]} {
		if len(f.Fields) != 0 || f.Meta == nil || f.Meta.TypeVersion != (data.FrameTypeVersion{0, 1}) {
			t.Fatalf("not a dataplane no-data frame: %+v", f)
		}
	}
}

func TestTableFieldsInContractOrder(t *testing.T) {
	f := Table([]certs.Certificate{{Identity: certs.Identity{Cluster: "c", Node: "1", Certificate: "api"}, DaysRemaining: -1.5, Status: certs.StatusExpired}})
	want := []string{FieldCluster, FieldNode, FieldCertificate, FieldCategory, FieldDays, FieldExpiresAt, FieldStatus, FieldSource, FieldPath}
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
		_ = Table(rows)
	}
}

// BenchmarkDays10k builds 10,000 numeric-multi frames.
func BenchmarkDays10k(b *testing.B) {
	rows := fleet(10000)
	b.ReportAllocs()
	for b.Loop() {
		_ = Days(rows, certs.GroupByNode)
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

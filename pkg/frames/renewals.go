package frames

import (
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/seed/rscerts/pkg/certs"
)

// Renewals is the renewals table, one row per event, in the order given (the engine sorts
// by time). No event is an empty table with every field, so panels keep their columns.
func Renewals(events []certs.Renewal) *data.Frame {
	n := len(events)
	at := make([]time.Time, n)
	cluster := make([]string, n)
	node := make([]string, n)
	cert := make([]string, n)
	category := make([]string, n)
	before := make([]time.Time, n)
	after := make([]time.Time, n)
	daysBefore := make([]float64, n)
	daysAfter := make([]float64, n)
	for i, e := range events {
		at[i], cluster[i], node[i], cert[i], category[i] = e.Time.UTC(), e.Cluster, e.Node, e.Certificate, string(e.Category)
		before[i], after[i] = e.ExpiresBefore.UTC(), e.ExpiresAfter.UTC()
		daysBefore[i], daysAfter[i] = e.DaysBefore(), e.DaysAfter()
	}
	f := data.NewFrame("renewals",
		data.NewField(FieldTime, nil, at),
		data.NewField(FieldCluster, nil, cluster),
		data.NewField(FieldNode, nil, node),
		data.NewField(FieldCertificate, nil, cert),
		data.NewField(FieldCategory, nil, category),
		data.NewField(FieldExpiresBefore, nil, before),
		data.NewField(FieldExpiresAfter, nil, after),
		data.NewField(FieldDaysBefore, nil, daysBefore).SetConfig(daysConfig(FieldDaysBefore)),
		data.NewField(FieldDaysAfter, nil, daysAfter).SetConfig(daysConfig(FieldDaysAfter)),
	)
	f.Meta = &data.FrameMeta{Type: data.FrameTypeTable, TypeVersion: dataplaneVersion}
	return f
}

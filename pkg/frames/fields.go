package frames

import (
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/seed/rscerts/pkg/certs"
)

// Field and frame names of the contract.
const (
	FieldCluster     = "Cluster"
	FieldNode        = "Node"
	FieldCertificate = "Certificate"
	FieldCategory    = "Category"
	FieldDays        = "Days remaining"
	FieldExpiresAt   = "Expires at"
	FieldStatus      = "Status"
	FieldSource      = "Source"
	FieldPath        = "Path"
	FieldTime        = "Time"
	FieldDaysBehind  = "Days behind"
	// Fields of the renewals table.
	FieldExpiresBefore = "Expires before"
	FieldExpiresAfter  = "Expires after"
	FieldDaysBefore    = "Days before"
	FieldDaysAfter     = "Days after"

	// UnitDays is Grafana's unit id for days.
	UnitDays = "d"
	// UnitDateTime is Grafana's unit id for a time in Unix milliseconds.
	UnitDateTime = "dateTimeAsIso"
)

var dataplaneVersion = data.FrameTypeVersion{0, 1}

// LabelNames are the names of Labels' labels for the grouping, in the order of DaysLong's
// string fields.
func LabelNames(by certs.GroupBy) []string {
	switch by {
	case certs.GroupByCluster:
		return []string{"cluster"}
	case certs.GroupByCertificate:
		return []string{"cluster", "certificate", "category"}
	}
	return []string{"cluster", "node", "certificate", "category"}
}

// Labels returns the labels that identify one result of the given grouping: LabelNames',
// so a numeric-long row and a numeric-multi frame of one result carry the same labels.
func Labels(id certs.Identity, category certs.Category, by certs.GroupBy) data.Labels {
	names := LabelNames(by)
	out := make(data.Labels, len(names))
	for _, name := range names {
		switch name {
		case "cluster":
			out[name] = id.Cluster
		case "node":
			out[name] = id.Node
		case "certificate":
			out[name] = id.Certificate
		case "category":
			out[name] = string(category)
		}
	}
	return out
}

// DisplayName is what a person reads on a legend or stat: "api · node 2 · c1".
func DisplayName(id certs.Identity, by certs.GroupBy) string {
	var parts []string
	switch by {
	case certs.GroupByCluster:
		parts = []string{id.Cluster}
	case certs.GroupByCertificate:
		parts = []string{id.Certificate, id.Cluster}
	default:
		parts = []string{id.Certificate, "node " + id.Node, id.Cluster}
	}
	kept := parts[:0]
	for _, p := range parts {
		if p != "" && p != "node " {
			kept = append(kept, p)
		}
	}
	if len(kept) == 0 {
		return "(no cluster label)"
	}
	return strings.Join(kept, " · ")
}

func daysConfig(displayName string) *data.FieldConfig {
	return &data.FieldConfig{DisplayNameFromDS: displayName, Unit: UnitDays}
}

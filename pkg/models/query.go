package models

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/seed/rscerts/pkg/certs"
)

// QueryType selects the frame shape a query returns.
type QueryType string

const (
	// QueryCertificates returns one table: a row per certificate (or group).
	QueryCertificates QueryType = "certificates"
	// QueryDays returns one number per certificate (or group), for alert rules and stat
	// panels: dataplane numeric-multi frames, one per number, or for an alert rule's request
	// one numeric-long frame with the same instances (package frames).
	QueryDays QueryType = "days"
	// QueryTimeseries returns dataplane timeseries-multi frames of days remaining over time.
	QueryTimeseries QueryType = "timeseries"
	// QueryRenewals returns one table of renewal and rotation events over the time range.
	QueryRenewals QueryType = "renewals"
)

// Value is what a days query reports per result.
type Value string

const (
	ValueRemaining Value = "remaining" // days remaining (the default)
	ValueBehind    Value = "behind"    // days behind the newest copy in the cluster
	ValueExpires   Value = "expires"   // the expiry, Unix milliseconds
)

// MetricVersion selects which Redis Software metrics endpoint's series are read.
type MetricVersion string

const (
	MetricVersionDefault MetricVersion = ""     // the datasource setting decides
	MetricVersionAuto    MetricVersion = "auto" // v1 and v2 merged
	MetricVersionV1      MetricVersion = "v1"
	MetricVersionV2      MetricVersion = "v2"
)

func (v MetricVersion) valid() bool {
	switch v {
	case MetricVersionDefault, MetricVersionAuto, MetricVersionV1, MetricVersionV2:
		return true
	}
	return false
}

// Versions lists the endpoint versions to read.
func (v MetricVersion) Versions() []certs.Version {
	switch v {
	case MetricVersionV1:
		return []certs.Version{certs.V1}
	case MetricVersionV2:
		return []certs.Version{certs.V2}
	}
	return []certs.Version{certs.V1, certs.V2}
}

// CategoryAll is the query category that keeps every certificate.
const CategoryAll = certs.CategoryAll

// Query is the JSON model of one query. Filters hold exact values (never regexes): the
// front end expands multi-value dashboard variables into these arrays.
type Query struct {
	QueryType     QueryType      `json:"queryType"`
	Clusters      []string       `json:"clusters"`
	Nodes         []string       `json:"nodes"`
	Certificates  []string       `json:"certificates"`
	Category      certs.Category `json:"category"`
	MetricVersion MetricVersion  `json:"metricVersion"`
	GroupBy       certs.GroupBy  `json:"groupBy"`
	// Statuses keeps only certificates with these statuses (empty = all); certificates and
	// days queries only. It lets an alert rule fire on missing certificates alone.
	Statuses []string `json:"statuses,omitempty"`
	// Value is what a days query reports (empty = remaining).
	Value Value `json:"value,omitempty"`
	// Limit keeps, after filtering and grouping, only the Limit series whose lowest value in
	// the range is smallest (soonest expiry first); 0 or absent = every series. Timeseries
	// queries only.
	Limit int `json:"limit,omitempty"`
}

// MaxFilterValues bounds each filter array, so a runaway one is rejected up front with a
// clear message: cluster values are written into the PromQL (sent as a POST form, but
// stores bound a query's length), node and certificate values are compared with every row
// in Go.
const MaxFilterValues = 1000

// ParseQuery decodes and validates one query. Grafana may put queryType in the DataQuery
// itself (alerting does) or only in the JSON; the JSON wins when both are set. An error
// here is the user's: the query data handler answers it with status 400 and the downstream
// error source, which the SDK gives to errors of user input, not of the plugin.
func ParseQuery(q backend.DataQuery) (Query, error) {
	var out Query
	if len(q.JSON) > 0 {
		if err := json.Unmarshal(q.JSON, &out); err != nil {
			return out, fmt.Errorf("invalid query JSON: %w", err)
		}
	}
	if out.QueryType == "" {
		out.QueryType = QueryType(q.QueryType)
	}
	if out.QueryType == "" {
		out.QueryType = QueryCertificates
	}
	if out.Category == "" {
		out.Category = CategoryAll
	}
	if out.GroupBy == "" {
		out.GroupBy = certs.GroupByNode
	}
	if out.Value == "" {
		out.Value = ValueRemaining
	}
	return out, out.Validate()
}

// Validate rejects every value the backend does not know, naming the accepted ones.
func (q Query) Validate() error {
	switch q.QueryType {
	case QueryCertificates, QueryDays, QueryTimeseries, QueryRenewals:
	default:
		return fmt.Errorf("unknown queryType %q: use certificates, days, timeseries or renewals", q.QueryType)
	}
	switch q.Category {
	case CategoryAll, certs.UserManaged, certs.AutoRotated, certs.Other:
	default:
		return fmt.Errorf("unknown category %q: use all, user-managed, auto-rotated or other", q.Category)
	}
	if !q.MetricVersion.valid() {
		return fmt.Errorf("unknown metricVersion %q: use auto, v1, v2 or leave it empty for the datasource default", q.MetricVersion)
	}
	switch q.GroupBy {
	case certs.GroupByNode, certs.GroupByCertificate, certs.GroupByCluster:
	default:
		return fmt.Errorf("unknown groupBy %q: use node, certificate or cluster", q.GroupBy)
	}
	for _, st := range q.Statuses {
		switch certs.Status(st) {
		case certs.StatusExpired, certs.StatusCritical, certs.StatusWarning, certs.StatusRotationOverdue, certs.StatusOK, certs.StatusMissing:
		default:
			return fmt.Errorf("unknown status %q: use expired, critical, warning, rotation-overdue, ok or missing", st)
		}
	}
	if len(q.Statuses) > 0 && (q.QueryType == QueryTimeseries || q.QueryType == QueryRenewals) {
		return fmt.Errorf("statuses filters certificates and days queries; a %s query has no status", q.QueryType)
	}
	if q.QueryType == QueryRenewals && q.GroupBy != certs.GroupByNode {
		return fmt.Errorf("groupBy %q does not apply to renewals: a renewal event is one node's certificate, use groupBy node", q.GroupBy)
	}
	switch q.Value {
	case ValueRemaining:
	case ValueBehind, ValueExpires:
		if q.QueryType != QueryDays {
			return fmt.Errorf("value %q applies to days queries only", q.Value)
		}
	default:
		return fmt.Errorf("unknown value %q: use remaining, behind or expires", q.Value)
	}
	if q.Limit < 0 {
		return fmt.Errorf("limit %d is negative: use 0 (every series) or the number of series to keep", q.Limit)
	}
	if q.Limit > 0 && q.QueryType != QueryTimeseries {
		return fmt.Errorf("limit %d applies to timeseries queries only; a %s query returns every result", q.Limit, q.QueryType)
	}
	for name, values := range map[string][]string{"clusters": q.Clusters, "nodes": q.Nodes, "certificates": q.Certificates} {
		if len(values) > MaxFilterValues {
			return fmt.Errorf("%s filter has %d values; at most %d are accepted", name, len(values), MaxFilterValues)
		}
	}
	return nil
}

// Filter is the query's selection as the certs package applies it.
func (q Query) Filter() certs.Filter {
	statuses := make([]certs.Status, len(q.Statuses))
	for i, s := range q.Statuses {
		statuses[i] = certs.Status(s)
	}
	return certs.Filter{Clusters: q.Clusters, Nodes: q.Nodes, Certificates: q.Certificates, Category: q.Category, Statuses: statuses}
}

// ResolveVersion applies the datasource default to an empty metricVersion.
func (q Query) ResolveVersion(def MetricVersion) MetricVersion {
	if q.MetricVersion == MetricVersionDefault {
		if def == MetricVersionDefault {
			return MetricVersionAuto
		}
		return def
	}
	return q.MetricVersion
}

// String is a short description for logs (no values that could be secrets live in a query).
func (q Query) String() string {
	s := fmt.Sprintf("%s category=%s groupBy=%s version=%s clusters=[%s]", q.QueryType, q.Category, q.GroupBy, q.MetricVersion, strings.Join(q.Clusters, ","))
	if q.Limit > 0 {
		s += fmt.Sprintf(" limit=%d", q.Limit)
	}
	return s
}

package engine

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/seed/rscerts/pkg/certs"
	"github.com/seed/rscerts/pkg/prom"
	"github.com/seed/rscerts/pkg/promql"
)

const statePresent = "present"

// sample is a row of the present answer (metric name tells the version) or, with state
// missing, of the lookback answer (rs_state and rs_version labels).
func sample(state, version, cluster, node, cert string, v float64) prom.Sample {
	m := pairs("cluster", cluster, "node", node, "logical_name", cert, "path", "/etc/opt/redislabs/"+cert+"_cert.pem")
	if state == promql.StateMissing {
		m = append(m, prom.Label{Name: promql.LabelState, Value: promql.StateMissing}, prom.Label{Name: promql.LabelVersion, Value: version})
	} else if version == "v1" {
		m = append(m, prom.Label{Name: metricName, Value: promql.MetricV1})
	} else {
		m = append(m, prom.Label{Name: metricName, Value: promql.MetricV2})
	}
	return prom.Sample{Metric: m, V: v}
}

// pairs makes labels from name, value, name, value...
func pairs(kv ...string) prom.Labels {
	var ls prom.Labels
	for i := 0; i+1 < len(kv); i += 2 {
		ls = append(ls, prom.Label{Name: kv[i], Value: kv[i+1]})
	}
	return ls
}

// decodeInstant is what the engine does with the two answers, in one step.
func decodeInstant(t testing.TB, present, lookback prom.Value, at time.Time) ([]certs.Certificate, error) {
	t.Helper()
	seen, err := DecodeSeen(lookback)
	if err != nil {
		t.Fatal(err)
	}
	return MergeInstant(present, seen, at, certs.DefaultThresholds())
}

func TestDecodeInstant(t *testing.T) {
	at := time.Unix(1_800_000_000, 0).UTC()
	present := prom.Vector{
		sample(statePresent, "v1", "c1", "1", "api", 86400),
		sample(statePresent, "v2", "c1", "1", "api", 2*86400), // v1 is sooner: v1 wins, source v1+v2
		sample(statePresent, "v2", "c1", "1", "ccs_internode_encryption", 10*86400),
		{Metric: pairs(metricName, promql.MetricINE, "cluster", "c1"), V: 1},
		{Metric: pairs(metricName, "unrelated_metric", "cluster", "c1", "logical_name", "x"), V: 1},
	}
	lookback := prom.Vector{
		sample(promql.StateMissing, "v1", "c1", "1", "api", float64(at.Unix())+86400), // present: ignored
		sample(promql.StateMissing, "v1", "c1", "2", "proxy", float64(at.Unix())-3*86400),
	}
	rows, err := decodeInstant(t, present, lookback, at)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("rows: %+v", rows)
	}
	byName := map[string]certs.Certificate{}
	for _, r := range rows {
		byName[r.Certificate] = r
	}
	if r := byName["api"]; r.Source != "v1+v2" || r.DaysRemaining != 1 || r.Status != certs.StatusCritical || !r.ExpiresAt.Equal(at.Add(24*time.Hour)) {
		t.Errorf("api: %+v", r)
	}
	// customer_managed_ine_certificates = 1: nobody rotates it, so it is user-managed.
	if r := byName["ccs_internode_encryption"]; r.Category != certs.UserManaged || r.Status != certs.StatusCritical {
		t.Errorf("ccs: %+v", r)
	}
	if r := byName["proxy"]; r.Status != certs.StatusMissing || r.DaysRemaining != -3 || r.Source != "v1" {
		t.Errorf("proxy: %+v", r)
	}
	if len(present) != 5 {
		t.Errorf("the shared present answer was modified")
	}
}

// Rows keep their metric name, which tells the version; rows of state missing in the present
// answer vanished since the lookback answer and are missing at once, unless the certificate
// is present in another row; where the lookback answer has the certificate, its expiry (from
// the samples) is the row's, not the present answer's upper bound.
func TestDecodeInstantVersionsAndRecentlyVanished(t *testing.T) {
	at := time.Unix(1_800_000_000, 0).UTC()
	upper := float64(at.Unix()) + 5*86400
	present := prom.Vector{
		sample(statePresent, "v1", "c1", "1", "api", 86400), sample(statePresent, "v2", "c1", "1", "api", 86400),
		sample(statePresent, "v2", "c1", "1", "proxy", 2*86400),
		sample(promql.StateMissing, "v1", "c1", "2", "gone", upper),        // appeared and vanished since the lookback
		sample(promql.StateMissing, "v1", "c1", "2", "known", upper),       // vanished, known to the lookback
		sample(promql.StateMissing, "v1", "c1", "1", "proxy", upper+86400), // gone from v1, present in v2
	}
	lookback := prom.Vector{sample(promql.StateMissing, "v1", "c1", "2", "known", float64(at.Unix())+4*86400)}
	rows, err := decodeInstant(t, present, lookback, at)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rows {
		got[r.Certificate] = fmt.Sprintf("%s/%s/%g", r.Source, r.Status, r.DaysRemaining)
	}
	want := map[string]string{"api": "v1+v2/critical/1", "proxy": "v2/critical/2", "gone": "v1/missing/5", "known": "v1/missing/4"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows %v, want %v", got, want)
	}
	if !slices.IsSortedFunc(rows, func(a, b certs.Certificate) int { return cmp.Compare(a.DaysRemaining, b.DaysRemaining) }) {
		t.Errorf("not sorted: %v", got)
	}
}

func TestDecodeRejectsWrongTypes(t *testing.T) {
	if _, err := MergeInstant(prom.Matrix{}, nil, time.Now(), certs.DefaultThresholds()); err == nil {
		t.Error("a matrix for an instant query must fail")
	}
	if _, err := DecodeRange(prom.Vector{}); err == nil {
		t.Error("a vector for a range query must fail")
	}
}

// BenchmarkDecodeInstant10k decodes the present answer for 10,000 certificates reported by
// v1 and v2 (20,000 rows) plus the lookback answer (20,000 rows): what
// a query pays when the lookback answer has just been refreshed.
func BenchmarkDecodeInstant10k(b *testing.B) {
	at := time.Unix(1_800_000_000, 0)
	present, lookback := answers10k(at)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeInstant(b, present, lookback, at); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMergeInstant10k is what each query pays for the same answers once the lookback
// answer has been merged (the engine's seenMemo).
func BenchmarkMergeInstant10k(b *testing.B) {
	at := time.Unix(1_800_000_000, 0)
	present, lookback := answers10k(at)
	seen, err := DecodeSeen(lookback)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if rows, err := MergeInstant(present, seen, at, certs.DefaultThresholds()); err != nil || len(rows) != 10000 || rows[0].Source != "v1+v2" {
			b.Fatal(len(rows), err)
		}
	}
}

func answers10k(at time.Time) (present, lookback prom.Vector) {
	for i := range 10000 {
		c, n, cert := fmt.Sprintf("c%03d.example.com", i/100), fmt.Sprint(i/10%10), fmt.Sprint("cert", i%10)
		present = append(present, sample(statePresent, "v1", c, n, cert, float64(i)*3600), sample(statePresent, "v2", c, n, cert, float64(i)*3600))
		for _, v := range []string{"v1", "v2"} {
			lookback = append(lookback, sample(promql.StateMissing, v, c, n, cert, float64(at.Unix())+float64(i)*3600))
		}
	}
	return present, lookback
}

// The engine merges a shared lookback answer once and reuses it while the answer is the same.
func TestSeenMemoReusesMergedAnswer(t *testing.T) {
	at := time.Unix(1_800_000_000, 0)
	a := prom.Vector{sample(promql.StateMissing, "v1", "c", "1", "api", float64(at.Unix()))}
	b := prom.Vector{sample(promql.StateMissing, "v1", "c", "1", "api", float64(at.Unix()))}
	var m seenMemo
	s1, err := m.get(a)
	if err != nil || s1.Len() != 1 {
		t.Fatalf("%v %v", s1, err)
	}
	if s2, _ := m.get(a); s2 != s1 {
		t.Error("the same answer was merged again")
	}
	if s3, _ := m.get(b); s3 == s1 {
		t.Error("another answer got the first one's rows")
	}
	if s, err := m.get(prom.Matrix{}); err == nil || s != nil {
		t.Errorf("a matrix as lookback answer: %v, %v", s, err)
	}
	for range 2 * maxSeenAnswers {
		m.get(prom.Vector{sample(promql.StateMissing, "v1", "c", "1", "api", 1)})
	}
	if len(m.entries) > maxSeenAnswers {
		t.Errorf("%d answers kept, at most %d", len(m.entries), maxSeenAnswers)
	}
}

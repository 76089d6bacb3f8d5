package bench

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/seed/rscerts/pkg/internal/pluginproc"
)

// The protocol benchmark measures what Grafana pays: the built plugin binary, started by
// go-plugin and queried over gRPC (frames Arrow-encoded by the plugin and decoded here, as
// Grafana's server does), against the raw fetch of the docs' selectors through the same
// counting proxy, at the same time and with the same steps. Prometheus holds backfilled
// history beside the live scrape, so every range step reads real samples.
//
//	RSCERTS_BENCH_CLUSTERS=10,100 PROMETHEUS_BIN=... REQUIRE_PROMETHEUS=1 \
//	  go test -run '^$' -bench Protocol -benchtime 1x -timeout 90m ./pkg/bench/
//
// Warm is one datasource instance that has answered before (its shared lookback answer less
// than a minute old); cold is a new instance per run (a new settings version: what a first
// view, and an alert evaluation after the lookback answer expired, pay).

// protocolRuns is how many paired runs each comparison takes (cold runs cost seconds each).
const protocolRuns = 9

// history is how much backfilled history a fleet gets, and at what resolution: 7 days at 5
// minutes for 1,000 certificates (the dashboard's default range reads real samples), a day
// at a minute for 10,000, 6 hours at 5 minutes beyond (disk: 10,000 certificates for a day
// at a minute is 12 GB of generated OpenMetrics).
func history(clusters int) (window, resolution time.Duration) {
	switch {
	case clusters <= 10:
		return 7 * 24 * time.Hour, 5 * time.Minute
	case clusters <= 100:
		return 24 * time.Hour, time.Minute
	}
	return 6 * time.Hour, 5 * time.Minute
}

// pairStats is a paired comparison: the median and spread of per-pair ratios a/b, and each
// side's median time.
type pairStats struct {
	ratio, lo, hi float64
	a, b          time.Duration
}

func (s pairStats) String() string {
	return fmt.Sprintf("%8s %8s %5.2f (%4.2f-%4.2f)", s.a.Round(time.Millisecond), s.b.Round(time.Millisecond), s.ratio, s.lo, s.hi)
}

// paired runs a then b, n times; a gets the run index (a cold side needs a new instance each).
func paired(n int, a func(i int), b func()) pairStats {
	var ratios []float64
	var ta, tb []time.Duration
	for i := range n {
		start := time.Now()
		a(i)
		da := time.Since(start)
		start = time.Now()
		b()
		db := time.Since(start)
		ta, tb = append(ta, da), append(tb, db)
		ratios = append(ratios, float64(da)/float64(db))
	}
	slices.Sort(ratios)
	slices.Sort(ta)
	slices.Sort(tb)
	return pairStats{ratio: ratios[n/2], lo: ratios[0], hi: ratios[n-1], a: ta[n/2], b: tb[n/2]}
}

// protoRig is a fleet, the plugin process, and its datasources.
type protoRig struct {
	f     *fleet
	p     *pluginproc.Proc
	warm  pluginproc.DS
	saved time.Time
}

// cold is a datasource settings version no query has used: the plugin builds a new instance.
func (r *protoRig) cold(i int) pluginproc.DS {
	d := r.warm
	d.ID, d.UID, d.Updated = 2, "bench-cold", r.saved.Add(time.Duration(i+1)*time.Second)
	return d
}

// answer is what one QueryData call gave: Arrow bytes and frames, decoded as Grafana does.
type answer struct {
	arrowBytes int
	frames     data.Frames
}

// query sends one QueryData call over gRPC and decodes it; any per-query error fails tb.
func (r *protoRig) query(tb testing.TB, d pluginproc.DS, q backend.DataQuery) answer {
	out, err := r.tryQuery(d, q)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// tryQuery is query returning the per-query error.
func (r *protoRig) tryQuery(d pluginproc.DS, q backend.DataQuery) (answer, error) {
	return r.tryQueryWith(d, nil, q)
}

// alertHeaders mark a request as an alert rule evaluation, as Grafana's scheduler does.
var alertHeaders = map[string]string{backend.FromAlertHeaderName: "true"}

// tryQueryWith is tryQuery with the request's headers.
func (r *protoRig) tryQueryWith(d pluginproc.DS, headers map[string]string, q backend.DataQuery) (answer, error) {
	req := backend.ToProto().QueryDataRequest(&backend.QueryDataRequest{Headers: headers, Queries: []backend.DataQuery{q}})
	req.PluginContext = d.PluginContext(nil)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	resp, err := r.p.Data.QueryData(ctx, req)
	if err != nil {
		return answer{}, fmt.Errorf("QueryData: %w", err)
	}
	var out answer
	for _, fr := range resp.Responses[q.RefID].GetFrames() {
		out.arrowBytes += len(fr)
	}
	dec, err := backend.FromProto().QueryDataResponse(resp)
	if err != nil {
		return answer{}, err
	}
	res := dec.Responses[q.RefID]
	if res.Error != nil || len(res.Frames) == 0 {
		return answer{}, fmt.Errorf("query %s: %v (%d frames)", q.JSON, res.Error, len(res.Frames))
	}
	out.frames = res.Frames
	return out, nil
}

func (r *protoRig) rawInstant(at time.Time) string {
	return r.f.proxy.URL + "/api/v1/query?" + url.Values{"query": {rawSelectors}, "time": {strconv.FormatInt(at.Unix(), 10)}}.Encode()
}

func (r *protoRig) rawRange(start, end time.Time, step time.Duration) string {
	return r.f.proxy.URL + "/api/v1/query_range?" + url.Values{"query": {rawSelectors}, "start": {strconv.FormatInt(start.Unix(), 10)},
		"end": {strconv.FormatInt(end.Unix(), 10)}, "step": {strconv.FormatFloat(step.Seconds(), 'f', -1, 64)}}.Encode()
}

// alignedStart is where a range of this step starts: the plugin aligns steps on the epoch.
func alignedStart(from time.Time, step time.Duration) time.Time {
	return time.UnixMilli(from.UnixMilli() - from.UnixMilli()%step.Milliseconds())
}

// stepOf is the step of a time series answer (the smallest spacing of its first frame's
// times), so the raw fetch provably uses the plugin's steps.
func stepOf(tb testing.TB, frs data.Frames) time.Duration {
	for _, f := range frs {
		if f.Rows() < 2 || f.Fields[0].Type() != data.FieldTypeTime {
			continue
		}
		return f.Fields[0].At(1).(time.Time).Sub(f.Fields[0].At(0).(time.Time))
	}
	tb.Fatal("no time series frame with two points")
	return 0
}

type protocolResult struct {
	certs                               int
	history, resolution, seriesRange    time.Duration
	seriesStep                          time.Duration
	seriesDefaultLimit                  string // the error of the whole-window series at the default response limit
	tableWarm, tableCold                pairStats
	daysWarm, daysCold                  pairStats
	series, seriesLive                  pairStats
	seriesFrames, seriesPoints          int
	refreshWarm, refreshDue             pairStats
	refreshRequests                     []int // per refresh, warm then new instance
	panels                              int
	refreshFailed                       map[string]int // panel queries that failed, by error, over every refresh
	tableArrow, daysArrow, seriesArrow  int
	tableProm, daysProm, seriesPromSize int64
	pluginPeakRSS                       int64
}

func protocolScale(b *testing.B, clusters int) protocolResult {
	window, resolution := history(clusters)
	f := startFleetWithHistory(b, clusters, 10, 10, window, resolution)
	r := &protoRig{f: f, p: pluginproc.Start(b), saved: time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)}
	r.warm = pluginproc.DS{ID: 1, UID: "bench-warm", URL: f.proxy.URL, JSON: "{}", Updated: r.saved}
	res := protocolResult{certs: f.certs, history: window, resolution: resolution}

	now := time.Now
	table := func(d pluginproc.DS) answer {
		at := now()
		return r.query(b, d, query(map[string]any{"queryType": "certificates"}, at.Add(-time.Hour), at, 1000))
	}
	// days as an alert rule asks for it (FromAlert: one numeric-long frame).
	days := func(d pluginproc.DS) answer {
		at := now()
		a, err := r.tryQueryWith(d, alertHeaders, query(map[string]any{"queryType": "days"}, at.Add(-time.Hour), at, 1000))
		if err != nil {
			b.Fatal(err)
		}
		return a
	}
	raw := func() { rawGet(b, r.rawInstant(now())) }

	a := table(r.warm) // the warm instance's first answer
	res.tableArrow = a.arrowBytes
	f.proxy.reset()
	table(r.warm)
	res.tableProm = f.proxy.bytes.Load()
	res.tableWarm = paired(protocolRuns, func(int) { table(r.warm) }, raw)
	res.tableCold = paired(protocolRuns, func(i int) { table(r.cold(i)) }, raw)
	b.Logf("table warm %s; cold %s", res.tableWarm, res.tableCold) // as measured: a long run that dies later keeps these
	d := days(r.warm)
	res.daysArrow = d.arrowBytes
	f.proxy.reset()
	days(r.warm)
	res.daysProm = f.proxy.bytes.Load()
	res.daysWarm = paired(protocolRuns, func(int) { days(r.warm) }, raw)
	res.daysCold = paired(protocolRuns, func(i int) { days(r.cold(protocolRuns + i)) }, raw)
	b.Logf("days warm %s; cold %s", res.daysWarm, res.daysCold)

	// Time series over the window the history fills (up to the dashboard's 7 days), at the
	// step a 1,000-pixel panel asks for; and the last 2 minutes at 5 s (live samples).
	res.seriesRange = min(window, 7*24*time.Hour)
	// With the default response limit (64 MB) a fleet's whole-window series can be refused:
	// that is recorded, and the series are then measured on a datasource with a higher limit.
	seriesQuery := func(span time.Duration, maxPoints int64) backend.DataQuery {
		to := now()
		q := query(map[string]any{"queryType": "timeseries"}, to.Add(-span), to, maxPoints)
		q.Interval = min(q.Interval, span/time.Duration(maxPoints)) // a panel whose interval is the scrape's
		return q
	}
	if _, err := r.tryQuery(r.warm, seriesQuery(res.seriesRange, 1000)); err != nil {
		res.seriesDefaultLimit = err.Error()
	}
	big := r.warm
	big.ID, big.UID, big.JSON = 3, "bench-big", `{"responseLimitMB": 4096}`
	series := func(span time.Duration, maxPoints int64) (answer, time.Time, time.Time) {
		q := seriesQuery(span, maxPoints)
		return r.query(b, big, q), q.TimeRange.From, q.TimeRange.To
	}
	s, _, _ := series(res.seriesRange, 1000)
	res.seriesStep = stepOf(b, s.frames)
	res.seriesFrames, res.seriesArrow = len(s.frames), s.arrowBytes
	for _, fr := range s.frames {
		res.seriesPoints += fr.Rows()
	}
	f.proxy.reset()
	series(res.seriesRange, 1000)
	res.seriesPromSize = f.proxy.bytes.Load()
	var from, to time.Time
	res.series = paired(protocolRuns, func(int) { _, from, to = series(res.seriesRange, 1000) },
		func() { rawGet(b, r.rawRange(alignedStart(from, res.seriesStep), to, res.seriesStep)) })
	live, _, _ := series(2*time.Minute, 24)
	if st := stepOf(b, live.frames); st != 5*time.Second {
		b.Fatalf("2 minutes at 24 points: step %s, want 5s", st)
	}
	res.seriesLive = paired(protocolRuns, func(int) { _, from, to = series(2*time.Minute, 24) },
		func() { rawGet(b, r.rawRange(alignedStart(from, 5*time.Second), to, 5*time.Second)) })

	b.Logf("series %s @%s %s (default limit: %q); 2m @5s %s", res.seriesRange, res.seriesStep, res.series, res.seriesDefaultLimit, res.seriesLive)
	res.refreshWarm, res.refreshDue, res.refreshRequests, res.panels, res.refreshFailed = r.refreshes(b, res.seriesRange, res.seriesStep)
	res.pluginPeakRSS = peakRSS(r.p.PID)
	return res
}

// refreshes fires every panel query of the bundled dashboard at once (one QueryData call per
// panel, as Grafana does) over the series range, on the warm instance (its lookback answer
// shared, or refreshed in the background when due) and on a new instance (its first refresh
// waits for a lookback), against the raw fetches a refresh needs at
// the same moment (the instant, and the range at the panels' step, concurrently), counting
// the Prometheus requests of every refresh.
func (r *protoRig) refreshes(b *testing.B, span, step time.Duration) (warm, due pairStats, requests []int, panels int, failed map[string]int) {
	queries := dashboardQueries(b)
	var mu sync.Mutex
	failed = map[string]int{}
	refresh := func(d pluginproc.DS) int {
		to := time.Now()
		r.f.proxy.reset()
		var wg sync.WaitGroup
		for _, m := range queries {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := r.tryQuery(d, query(m, to.Add(-span), to, 1000)); err != nil {
					mu.Lock()
					failed[fmt.Sprint(m["queryType"])+": "+firstLine(err.Error())]++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		return int(r.f.proxy.requests.Load())
	}
	rawRefresh := func() {
		to := time.Now()
		var wg sync.WaitGroup
		for _, u := range []string{r.rawInstant(to), r.rawRange(alignedStart(to.Add(-span), step), to, step)} {
			wg.Add(1)
			go func() { defer wg.Done(); rawGet(b, u) }()
		}
		wg.Wait()
	}
	refresh(r.warm)
	warm = paired(5, func(int) { requests = append(requests, refresh(r.warm)) }, rawRefresh)
	due = paired(5, func(i int) { requests = append(requests, refresh(r.cold(100+i))) }, rawRefresh)
	return warm, due, requests, len(queries), failed
}

func firstLine(s string) string {
	if len(s) > 160 {
		s = s[:160] + "..."
	}
	return s
}

// peakRSS is the plugin process' peak resident set (VmHWM), bytes; 0 where /proc has none.
func peakRSS(pid int) int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// BenchmarkProtocol runs the protocol comparison at each fleet size (RSCERTS_BENCH_CLUSTERS,
// clusters of 100 certificates; default 10 and 100) and prints the table docs/performance.md
// records.
func BenchmarkProtocol(b *testing.B) {
	var results []protocolResult
	for _, clusters := range benchSizes(b) {
		b.Run(fmt.Sprintf("certs=%d", clusters*100), func(b *testing.B) {
			for range b.N {
				r := protocolScale(b, clusters)
				results = append(results, r)
				b.ReportMetric(r.tableWarm.ratio, "table-warm-a/b")
				b.ReportMetric(r.tableCold.ratio, "table-cold-a/b")
				b.ReportMetric(r.series.ratio, "series-a/b")
			}
		})
	}
	reportProtocol(results)
}

func reportProtocol(rs []protocolResult) {
	fmt.Println()
	fmt.Printf("%-7s %-26s %8s %8s %5s %11s  %s\n", "certs", "query (over the protocol)", "plugin", "raw", "a/b", "(min-max)", "notes")
	for _, r := range rs {
		row := func(name string, s pairStats, note string) {
			fmt.Printf("%-7d %-26s %s  %s\n", r.certs, name, s, note)
		}
		row("table warm", r.tableWarm, fmt.Sprintf("arrow %d B, from Prometheus %d B", r.tableArrow, r.tableProm))
		row("table cold", r.tableCold, "")
		row("days (alert rule) warm", r.daysWarm, fmt.Sprintf("arrow %d B, from Prometheus %d B", r.daysArrow, r.daysProm))
		row("days (alert rule) cold", r.daysCold, "")
		row(fmt.Sprintf("series %s @%s", r.seriesRange, r.seriesStep), r.series,
			fmt.Sprintf("%d frames, %d points, arrow %d B, from Prometheus %d B", r.seriesFrames, r.seriesPoints, r.seriesArrow, r.seriesPromSize))
		if r.seriesDefaultLimit != "" {
			fmt.Printf("%-7d series %s at the default response limit: %s\n", r.certs, r.seriesRange, r.seriesDefaultLimit)
		}
		row("series 2m @5s (live)", r.seriesLive, "")
		row("refresh warm (wall)", r.refreshWarm, fmt.Sprintf("%d panel queries", r.panels))
		row("refresh new instance", r.refreshDue, fmt.Sprintf("Prometheus requests per refresh, warm then new instance %v", r.refreshRequests))
		for e, n := range r.refreshFailed {
			fmt.Printf("%-7d refresh: %d panel queries failed: %s\n", r.certs, n, e)
		}
		fmt.Printf("%-7d history %s at %s; plugin peak RSS %.0f MB\n", r.certs, r.history, r.resolution, float64(r.pluginPeakRSS)/(1<<20))
	}
	fmt.Printf("a/b: median of %d paired runs (refresh: 5), plugin then raw, with the lowest and highest pair\n", protocolRuns)
	if len(rs) >= 2 {
		x, y := rs[0], rs[len(rs)-1]
		k := float64(y.certs) / float64(x.certs)
		g := func(a, b int64) float64 { return float64(b) / float64(a) }
		fmt.Printf("growth %.0fx certificates: table arrow %.1fx, from Prometheus %.1fx; plugin peak RSS %.1fx\n", k,
			g(int64(x.tableArrow), int64(y.tableArrow)), g(x.tableProm, y.tableProm), g(x.pluginPeakRSS, y.pluginPeakRSS))
	}
}

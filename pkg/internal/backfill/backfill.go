// Package backfill writes the history of a simulated fleet as OpenMetrics text and turns it
// into Prometheus TSDB blocks with `promtool tsdb create-blocks-from openmetrics`, so that
// tests and benchmarks can read ranges over windows full of data.
//
// Samples are exactly what a live scrape at each timestamp would store: the simulator's own
// handler renders every target (its truth at that instant, on a frozen clock), and the
// target labels the scrape config adds (job, instance) are appended to each series.
package backfill

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/seed/rscerts/pkg/simulator"
)

// Target is one scrape target: the path and parameters scraped and the job and instance
// labels the scrape config gives its series.
type Target struct {
	Job, Instance string
	Path          string // "/" (v1) or "/v2"
	Params        url.Values
}

// Job names of FleetTargets, as the fleet benchmark names its scrape jobs.
const (
	JobV1 = "redis-v1"
	JobV2 = "redis-v2"
)

// FleetTargets is the fleet benchmark's scrape layout for cfg: per cluster, v1 (/) once as
// node1.<cluster>:8070 and /v2 from node1..node3.<cluster>:8070, all with cluster=<name>.
func FleetTargets(cfg simulator.Config) []Target {
	var ts []Target
	for _, c := range cfg.Clusters {
		p := url.Values{"cluster": {c.Name}}
		ts = append(ts, Target{Job: JobV1, Instance: "node1." + c.Name + ":8070", Path: "/", Params: p})
		for n := 1; n <= 3; n++ {
			ts = append(ts, Target{Job: JobV2, Instance: fmt.Sprintf("node%d.%s:8070", n, c.Name), Path: "/v2", Params: p})
		}
	}
	return ts
}

// Options says what to write.
type Options struct {
	// Config is the simulator's; Start must be set, and be the live simulator's (rssim
	// -start) for the history to continue into its live series. Frozen is ignored.
	Config     simulator.Config
	Targets    []Target // default FleetTargets(Config)
	From, To   time.Time
	Resolution time.Duration // default 1m
}

func (o *Options) check() error {
	if o.Config.Start.IsZero() {
		return errors.New("backfill: Config.Start must be set (the live simulator's -start)")
	}
	if o.Resolution <= 0 {
		o.Resolution = time.Minute
	}
	if o.Resolution%time.Millisecond != 0 {
		return fmt.Errorf("backfill: resolution %s is not a whole number of milliseconds", o.Resolution)
	}
	if !o.From.Before(o.To) {
		return fmt.Errorf("backfill: empty range [%s, %s)", o.From, o.To)
	}
	if o.Targets == nil {
		o.Targets = FleetTargets(o.Config)
	}
	return nil
}

// Timestamps are From, From+Resolution, ... before To (From truncated to the millisecond).
func (o Options) timestamps(f func(time.Time) error) error {
	for t := o.From.Truncate(time.Millisecond); t.Before(o.To); t = t.Add(o.Resolution) {
		if err := f(t); err != nil {
			return err
		}
	}
	return nil
}

// capture is a minimal http.ResponseWriter that keeps the body.
type capture struct {
	h      http.Header
	status int
	body   bytes.Buffer
}

func (c *capture) Header() http.Header         { return c.h }
func (c *capture) WriteHeader(s int)           { c.status = s }
func (c *capture) Write(p []byte) (int, error) { return c.body.Write(p) }

// Write streams OpenMetrics text for every target at every timestamp of [From, To), ending
// with "# EOF", and returns the number of samples written. Memory use is one scrape.
// Metadata (HELP, TYPE) is left out: the families of many targets and timestamps interleave,
// which OpenMetrics does not allow for metadata, and blocks do not store it anyway.
func Write(w io.Writer, o Options) (samples int64, err error) {
	if err := o.check(); err != nil {
		return 0, err
	}
	cfg := o.Config
	cfg.Frozen = true
	sim, err := simulator.New(cfg)
	if err != nil {
		return 0, err
	}
	h := sim.Handler()
	reqs := make([]*http.Request, len(o.Targets))
	suffix := make([][]byte, len(o.Targets)) // `instance="...",job="..."`
	for i, t := range o.Targets {
		reqs[i] = httptest.NewRequest(http.MethodGet, (&url.URL{Path: t.Path, RawQuery: t.Params.Encode()}).String(), nil)
		suffix[i] = fmt.Appendf(nil, `instance=%s,job=%s`, strconv.Quote(t.Instance), strconv.Quote(t.Job))
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	rec := &capture{h: http.Header{}}
	var ts, line []byte
	err = o.timestamps(func(t time.Time) error {
		sim.SetNow(t)
		ts = strconv.AppendFloat(append(ts[:0], ' '), float64(t.UnixMilli())/1e3, 'f', -1, 64)
		for i, req := range reqs {
			rec.body.Reset()
			rec.status = http.StatusOK
			h.ServeHTTP(rec, req)
			if rec.status != http.StatusOK {
				return fmt.Errorf("backfill: %s %s: HTTP %d: %s", o.Targets[i].Job, req.URL, rec.status, rec.body.String())
			}
			body := rec.body.Bytes()
			for len(body) > 0 {
				var l []byte
				if j := bytes.IndexByte(body, '\n'); j >= 0 {
					l, body = body[:j], body[j+1:]
				} else {
					l, body = body, nil
				}
				if len(l) == 0 || l[0] == '#' {
					continue
				}
				line, err = appendSample(line[:0], l, suffix[i], ts)
				if err != nil {
					return err
				}
				if _, err := bw.Write(line); err != nil {
					return err
				}
				samples++
			}
		}
		return nil
	})
	if err != nil {
		return samples, err
	}
	if _, err := bw.WriteString("# EOF\n"); err != nil {
		return samples, err
	}
	return samples, bw.Flush()
}

// appendSample turns the exposition line `name{labels} value` into
// `name{labels,instance="..",job=".."} value ts\n`.
func appendSample(dst, l, labels, ts []byte) ([]byte, error) {
	sp := bytes.LastIndexByte(l, ' ')
	if sp <= 0 {
		return dst, fmt.Errorf("backfill: unexpected exposition line %q", l)
	}
	series, value := l[:sp], l[sp:]
	if series[len(series)-1] == '}' {
		dst = append(dst, series[:len(series)-1]...)
		if series[len(series)-2] != '{' {
			dst = append(dst, ',')
		}
	} else {
		dst = append(append(dst, series...), '{')
	}
	dst = append(dst, labels...)
	dst = append(dst, '}')
	dst = append(dst, value...)
	dst = append(dst, ts...)
	return append(dst, '\n'), nil
}

// compactionRanges are Prometheus' block ranges: 2h, 6h, 18h, 54h, 162h, ...
func compactionRanges() []time.Duration {
	r := []time.Duration{2 * time.Hour}
	for range 9 {
		r = append(r, r[len(r)-1]*3)
	}
	return r
}

// BlockDuration is the promtool --max-block-duration Create uses for a history of d: the
// smallest Prometheus compaction range at least d long (at least 54h), so the history lands
// in one or two blocks (promtool aligns windows to multiples of it) and promtool reads its
// input once per block plus once. A Prometheus whose retention/10 is below it never
// compacts them further.
func BlockDuration(d time.Duration) time.Duration {
	for _, r := range compactionRanges() {
		if r >= d && r >= 54*time.Hour {
			return r
		}
	}
	return compactionRanges()[9]
}

// Result describes one Create.
type Result struct {
	Samples       int64
	InputBytes    int64
	Generate      time.Duration // writing the OpenMetrics file
	Promtool      time.Duration // promtool creating the blocks
	BlockDuration time.Duration
	Output        string // promtool's output (the blocks it created)
}

// Create writes o's history into TSDB blocks in dataDir (created if missing) with the
// promtool binary: the OpenMetrics text is streamed into a temporary file next to dataDir
// (promtool 2.x mmaps its input, 3.x reads a pipe whole into memory, so a file it is),
// which is removed afterwards.
func Create(ctx context.Context, promtool, dataDir string, o Options) (Result, error) {
	res := Result{}
	if err := o.check(); err != nil {
		return res, err
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return res, err
	}
	f, err := os.CreateTemp(filepath.Dir(filepath.Clean(dataDir)), "backfill-*.om")
	if err != nil {
		return res, err
	}
	defer os.Remove(f.Name())
	start := time.Now()
	res.Samples, err = Write(f, o)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return res, err
	}
	res.Generate = time.Since(start)
	if fi, err := os.Stat(f.Name()); err == nil {
		res.InputBytes = fi.Size()
	}
	res.BlockDuration = BlockDuration(o.To.Sub(o.From))
	start = time.Now()
	cmd := exec.CommandContext(ctx, promtool, "tsdb", "create-blocks-from",
		"--max-block-duration="+res.BlockDuration.String(), "openmetrics", f.Name(), dataDir)
	out, err := cmd.CombinedOutput()
	res.Promtool, res.Output = time.Since(start), string(out)
	if err != nil {
		return res, fmt.Errorf("backfill: %s: %v\n%s", cmd, err, out)
	}
	return res, nil
}

// Promtool is $PROMTOOL_BIN, else promtool next to the Prometheus binary prometheus (if
// given), else promtool on PATH.
func Promtool(prometheus string) (string, error) {
	if p := os.Getenv("PROMTOOL_BIN"); p != "" {
		return p, nil
	}
	if prometheus != "" {
		p := filepath.Join(filepath.Dir(prometheus), "promtool")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	return exec.LookPath("promtool")
}

// MoveBlocks moves the blocks (directories holding a meta.json) that Create wrote to src into
// dst, a running Prometheus' data directory on the same filesystem, and returns how many it
// moved. Prometheus loads blocks that appear in its data directory within a minute (its block
// reload interval), so history can be added after it has started scraping live.
func MoveBlocks(src, dst string) (int, error) {
	entries, err := os.ReadDir(src)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if _, err := os.Stat(filepath.Join(src, e.Name(), "meta.json")); err != nil {
			continue
		}
		if err := os.Rename(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Package promrig runs a real Prometheus server (or, with RSCERTS_STORE=victoriametrics, a
// VictoriaMetrics single-node scraping the same targets) for integration tests.
//
// The binary comes from $PROMETHEUS_BIN, else `prometheus` on PATH, else it
// is built once from the Go module proxy at PinnedVersion and cached
// (VictoriaMetrics: $VICTORIAMETRICS_BIN, `victoria-metrics`, PinnedVictoriaMetrics). Tests
// are skipped loudly when no binary can be had, unless REQUIRE_PROMETHEUS=1.
package promrig

import (
	"context"
	"debug/buildinfo"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// PinnedVersion is the Go module version of Prometheus built when no binary is
// installed. Prometheus 3.x is published as module v0.3MM.P = release 3.MM.P.
const PinnedVersion = "v0.316.0"

// PinnedVictoriaMetrics is the VictoriaMetrics release built when none is installed.
const PinnedVictoriaMetrics = "v1.151.0"

const (
	modulePath   = "github.com/prometheus/prometheus"
	vmModulePath = "github.com/VictoriaMetrics/VictoriaMetrics"
	// A cold build (~300 modules, large tree) took 21-34 min on a loaded 2-core machine.
	buildTimeout = 60 * time.Minute
	// pinnedKeyword, as the value of a store's binary variable (PROMETHEUS_BIN,
	// VICTORIAMETRICS_BIN), skips PATH and forces the pinned build, so a
	// machine with Debian's 2.x installed can still test against 3.x.
	pinnedKeyword = "pinned"
)

// Required reports whether REQUIRE_PROMETHEUS=1, i.e. a missing binary must
// fail the test instead of skipping it (set it in CI so skips are not silent).
func Required() bool { return os.Getenv("REQUIRE_PROMETHEUS") == "1" }

// Binary returns the Prometheus binary to run. It skips the test (or fails
// it when Required) if none can be found or built. A set but unusable
// PROMETHEUS_BIN always fails: that is a misconfiguration, not an absence.
func Binary(t testing.TB) string {
	t.Helper()
	return findBinary(t, prometheusBuild)
}

// findBinary returns $<b.env>, else b.name on PATH, else the pinned build (see Binary).
func findBinary(t testing.TB, b pinnedBuild) string {
	t.Helper()
	if env := os.Getenv(b.env); env != "" && env != pinnedKeyword {
		if err := checkExecutable(env); err != nil {
			t.Fatalf("%s=%q is not usable: %v", b.env, env, err)
		}
		return env
	}
	if os.Getenv(b.env) != pinnedKeyword {
		if p, err := exec.LookPath(b.name); err == nil {
			return p
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	// Leave room for the test itself; go test's default -timeout is 10m.
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if dl, ok := d.Deadline(); ok {
			ctx, cancel = context.WithDeadline(ctx, dl.Add(-30*time.Second))
			defer cancel()
		}
	}
	bin, err := b.ensure(ctx, t.Logf)
	if err != nil {
		how := fmt.Sprintf("set %s=/path/to/%s, install %s on PATH, or pre-build with "+
			"`CGO_ENABLED=0 GOBIN=%s go install %s@%s` (or `go run ./pkg/internal/promrig/ensure %s`; else raise go test -timeout)",
			b.env, b.name, b.name, b.dir(), b.pkg, b.version, b.kind)
		if Required() {
			t.Fatalf("%s NOT AVAILABLE and REQUIRE_PROMETHEUS=1: %v; %s", strings.ToUpper(b.title), err, how)
		}
		t.Skipf("%s NOT AVAILABLE: integration test skipped: %v; %s; set REQUIRE_PROMETHEUS=1 to make this a failure", strings.ToUpper(b.title), err, how)
	}
	return bin
}

// EnsureBinary builds (or finds in the cache) the pinned Prometheus and
// returns its path; for CI scripts and mage targets that pre-build it so that
// tests do not pay the one-off build (5-35 minutes). Progress goes to stderr.
func EnsureBinary(ctx context.Context) (string, error) {
	return EnsureStoreBinary(ctx, KindPrometheus)
}

// EnsureStoreBinary is EnsureBinary for a store kind (KindPrometheus, KindVictoriaMetrics).
func EnsureStoreBinary(ctx context.Context, kind string) (string, error) {
	b, ok := builds[kind]
	if !ok {
		return "", fmt.Errorf("unknown store %q (want %s or %s)", kind, KindPrometheus, KindVictoriaMetrics)
	}
	return b.ensure(ctx, func(f string, a ...any) { fmt.Fprintf(os.Stderr, "promrig: "+f+"\n", a...) })
}

// pinnedBuild is a store binary built from the Go module proxy when none is installed.
type pinnedBuild struct {
	kind, title string // KindPrometheus, "Prometheus"
	env, name   string // PROMETHEUS_BIN, prometheus
	module      string // the Go module whose version the binary embeds
	pkg         string // the command's package path
	version     string
	slow        string // how long a cold build takes, for the log

	once *sync.Once
	bin  *string
	err  *error
}

var (
	prometheusBuild = pinnedBuild{kind: KindPrometheus, title: "Prometheus", env: "PROMETHEUS_BIN", name: "prometheus",
		module: modulePath, pkg: modulePath + "/cmd/prometheus", version: PinnedVersion, slow: "5-35 min",
		once: new(sync.Once), bin: new(string), err: new(error)}
	victoriaMetricsBuild = pinnedBuild{kind: KindVictoriaMetrics, title: "VictoriaMetrics", env: "VICTORIAMETRICS_BIN", name: "victoria-metrics",
		module: vmModulePath, pkg: vmModulePath + "/app/victoria-metrics", version: PinnedVictoriaMetrics, slow: "2-15 min",
		once: new(sync.Once), bin: new(string), err: new(error)}
	builds = map[string]pinnedBuild{KindPrometheus: prometheusBuild, KindVictoriaMetrics: victoriaMetricsBuild}
)

// ensure builds at most once per process (later callers share the result,
// including a failure, so N tests do not retry an N-minute build) and takes a
// file lock so parallel test processes do not build side by side.
func (b pinnedBuild) ensure(ctx context.Context, logf func(string, ...any)) (string, error) {
	b.once.Do(func() { *b.bin, *b.err = b.build(ctx, logf) })
	return *b.bin, *b.err
}

// CacheDir is $RSCERTS_CACHE_DIR, else <os.UserCacheDir()>/rscerts.
func CacheDir() string {
	if d := os.Getenv("RSCERTS_CACHE_DIR"); d != "" {
		return d
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "rscerts")
	}
	return filepath.Join(os.TempDir(), "rscerts-cache")
}

func (b pinnedBuild) dir() string { return filepath.Join(CacheDir(), b.name+"-"+b.version) }

func (b pinnedBuild) build(ctx context.Context, logf func(string, ...any)) (string, error) {
	dir := b.dir()
	bin := filepath.Join(dir, exeName(b.name))
	if checkExecutable(bin) == nil {
		return bin, nil
	}
	if err := os.MkdirAll(CacheDir(), 0o755); err != nil {
		return "", err
	}
	unlock, err := lockFile(ctx, dir+".lock", logf)
	if err != nil {
		return "", fmt.Errorf("lock %s.lock: %w", dir, err)
	}
	defer unlock()
	if checkExecutable(bin) == nil { // another process built it while we waited
		return bin, nil
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		if gr := os.Getenv("GOROOT"); gr != "" && checkExecutable(filepath.Join(gr, "bin", "go")) == nil {
			goBin = filepath.Join(gr, "bin", "go")
		} else {
			return "", fmt.Errorf("cannot build %s: `go` not found on PATH", b.title)
		}
	}
	// Install into a staging dir and rename, so an interrupted build never
	// leaves a half-written binary where the next run would trust it.
	stage, err := os.MkdirTemp(CacheDir(), b.name+"-build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(stage)
	pkg := b.pkg + "@" + b.version
	logf("building %s %s (%s) into %s: slow once (%s), cached afterwards", b.title, b.version, pkg, dir, b.slow)
	cmd := exec.CommandContext(ctx, goBin, "install", pkg)
	cmd.Dir = stage // outside any module, so the caller's go.mod/go.work cannot interfere
	// CGO_ENABLED=0: no C toolchain needed, static binary.
	cmd.Env = append(os.Environ(), "GOBIN="+stage, "CGO_ENABLED=0", "GOWORK=off", "GOFLAGS=")
	out := &tailBuffer{max: 64 << 10}
	cmd.Stdout, cmd.Stderr = out, out
	start := time.Now()
	done := make(chan struct{})
	go func() { // progress, so a silent 5-minute pause does not look like a hang
		tk := time.NewTicker(30 * time.Second)
		defer tk.Stop()
		for {
			select {
			case <-done:
				return
			case <-tk.C:
				logf("still building %s %s (%s elapsed)", b.title, b.version, time.Since(start).Round(time.Second))
			}
		}
	}()
	err = cmd.Run()
	close(done)
	if err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%v)", err, ctx.Err())
		}
		return "", fmt.Errorf("go install %s failed after %s: %v\n%s", pkg, time.Since(start).Round(time.Second), err, out.String())
	}
	built := filepath.Join(stage, exeName(b.name))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if err := os.Rename(built, bin); err != nil {
		return "", err
	}
	logf("built %s %s in %s", b.title, b.version, time.Since(start).Round(time.Second))
	return bin, nil
}

func exeName(n string) string {
	if filepath.Separator == '\\' {
		return n + ".exe"
	}
	return n
}

func checkExecutable(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if fi.IsDir() || (filepath.Separator == '/' && fi.Mode().Perm()&0o111 == 0) {
		return fmt.Errorf("%s is not an executable file", p)
	}
	return nil
}

var (
	versionRE   = regexp.MustCompile(`version\s+v?(\d+\.\d+\.\d+)`)
	vmVersionRE = regexp.MustCompile(`-v(\d+\.\d+\.\d+)`) // victoria-metrics-20260101-...-tags-v1.151.0-0-g...
)

// binaryVersion returns "2.42.0" or "3.16.0" (VictoriaMetrics: "1.151.0"), and whether
// the binary knows it itself (and so reports it over HTTP). A `go install`ed build
// prints an empty version (it is set by ldflags in release builds), so fall
// back to the module version embedded in the binary: v0.316.0 -> 3.16.0.
func binaryVersion(ctx context.Context, bin string, b pinnedBuild) (version string, self bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	re, flag := versionRE, "--version"
	if b.kind == KindVictoriaMetrics {
		re, flag = vmVersionRE, "-version"
	}
	out, err := exec.CommandContext(ctx, bin, flag).CombinedOutput()
	if m := re.FindSubmatch(out); m != nil {
		return string(m[1]), true, nil
	}
	if bi, berr := buildinfo.ReadFile(bin); berr == nil && bi.Main.Path == b.module {
		if b.kind == KindVictoriaMetrics {
			return strings.TrimPrefix(bi.Main.Version, "v"), false, nil
		}
		if v, ok := moduleToRelease(bi.Main.Version); ok {
			return v, false, nil
		}
	}
	return "", false, fmt.Errorf("cannot tell the version of %s (err %v): %s", bin, err, strings.TrimSpace(string(out)))
}

// moduleToRelease maps Prometheus' Go module versions to releases:
// v0.MM.P is 2.MM.P and v0.3MM.P is 3.MM.P.
func moduleToRelease(mod string) (string, bool) {
	var mm, p int
	if _, err := fmt.Sscanf(mod, "v0.%d.%d", &mm, &p); err != nil {
		return "", false
	}
	if mm >= 300 {
		return fmt.Sprintf("%d.%d.%d", mm/100, mm%100, p), true
	}
	return fmt.Sprintf("2.%d.%d", mm, p), true
}

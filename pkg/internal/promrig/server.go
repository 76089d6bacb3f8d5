package promrig

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	startTimeout = 60 * time.Second
	stopGrace    = 10 * time.Second
	logLimit     = 1 << 20 // keep the last MiB of Prometheus' output
	bindRetries  = 5
)

// Server is a running Prometheus (or VictoriaMetrics, see StoreKind).
type Server struct {
	URL     string // http://127.0.0.1:port
	Kind    string // KindPrometheus or KindVictoriaMetrics
	Version string // e.g. "2.42.0", "3.16.0"; VictoriaMetrics "1.151.0"
	Major   int    // 2 or 3; VictoriaMetrics 1
	// SelfVersion: the binary knows its version (a release build); a `go install` build
	// does not, and reports an empty one over HTTP.
	SelfVersion bool
	Bin         string // the binary that runs
	ConfigYAML  string // the rendered prometheus.yml (VictoriaMetrics: its -promscrape.config)
	Config      Config // what it was started with

	cmd      *exec.Cmd
	log      *tailBuffer
	exited   chan struct{} // closed once the process has exited
	waitErr  error
	stopOnce sync.Once
}

// Start runs the store chosen by RSCERTS_STORE (StoreKind) with cfg on a free loopback
// port, waits until it is ready and registers t.Cleanup to stop it. It skips or fails like
// Binary when there is no binary, and fails with the log tail if it cannot start.
func Start(t testing.TB, cfg Config) *Server {
	t.Helper()
	if StoreKind(t) == KindVictoriaMetrics {
		return StartVictoriaMetrics(t, cfg)
	}
	return StartPrometheus(t, cfg)
}

// StartPrometheus is Start with a Prometheus, whatever RSCERTS_STORE says.
func StartPrometheus(t testing.TB, cfg Config) *Server {
	t.Helper()
	return start(t, cfg, prometheusBuild, Binary(t))
}

// StartVictoriaMetrics is Start with a VictoriaMetrics single-node, whatever RSCERTS_STORE
// says. It scrapes cfg's jobs itself and accepts remote writes at /api/v1/write.
func StartVictoriaMetrics(t testing.TB, cfg Config) *Server {
	t.Helper()
	return start(t, cfg, victoriaMetricsBuild, VictoriaMetricsBinary(t))
}

func start(t testing.TB, cfg Config, b pinnedBuild, bin string) *Server {
	t.Helper()
	version, self, err := binaryVersion(context.Background(), bin, b)
	if err != nil {
		t.Fatalf("promrig: %v", err)
	}
	major, _ := strconv.Atoi(strings.SplitN(version, ".", 2)[0])
	if err := checkConfig(b.kind, cfg); err != nil {
		t.Fatal(err)
	}
	yml, err := renderConfig(cfg, b.kind, major)
	if err != nil {
		t.Fatal(err)
	}
	// TempDir before Cleanup: cleanups run last-in first-out, so the process is
	// stopped before its data directory is removed.
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfgPath, []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	for attempt := 1; ; attempt++ {
		dataDir, extra := filepath.Join(dir, fmt.Sprintf("data%d", attempt)), cfg.ExtraArgs
		if b.kind == KindPrometheus {
			extra = append(prometheusArgs(cfg, version), extra...)
		}
		if cfg.DataDir != "" { // a failed attempt leaves it as it was: Prometheus did not start
			dataDir = cfg.DataDir
		}
		s, err := launch(b.kind, bin, cfgPath, dataDir, extra)
		if err != nil {
			t.Fatalf("promrig: start %s: %v", bin, err)
		}
		s.Version, s.Major, s.SelfVersion, s.Bin, s.ConfigYAML, s.Config = version, major, self, bin, yml, cfg
		t.Cleanup(s.Stop)
		err = s.waitReady(startTimeout)
		if err == nil {
			t.Logf("promrig: %s %s ready at %s", b.title, version, s.URL)
			return s
		}
		s.Stop()
		// The port was free when picked but another process may take it before
		// the store binds it; pick again.
		if attempt < bindRetries && strings.Contains(s.Log(), "address already in use") {
			continue
		}
		t.Fatalf("promrig: %s %s (%s) did not become ready: %v\nconfig:\n%s\nlog tail:\n%s",
			b.title, version, bin, err, yml, tail(s.Log(), 60))
	}
}

func launch(kind, bin, cfgPath, dataDir string, extra []string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	cmd := exec.Command(bin, launchArgs(kind, cfgPath, dataDir, addr, extra)...)
	cmd.Dir = filepath.Dir(cfgPath) // anything the store writes relative lands in the temp dir
	s := &Server{URL: "http://" + addr, Kind: kind, cmd: cmd, log: &tailBuffer{max: logLimit}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = s.log, s.log
	setProcAttr(cmd)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { s.waitErr = cmd.Wait(); close(s.exited) }()
	return s, nil
}

// freePort asks the kernel for a free loopback port. It is released before
// Prometheus binds it, hence the retry in Start.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (s *Server) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var last string
	for time.Now().Before(deadline) {
		select {
		case <-s.exited:
			return fmt.Errorf("process exited: %v", s.waitErr)
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+readyPath(s.Kind), nil)
		resp, err := httpClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				cancel()
				return nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		cancel()
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("not ready after %s (last: %s)", timeout, last)
}

// Stop sends SIGTERM, waits up to 10s, then kills. Safe to call repeatedly and
// concurrently; it returns once the process is gone.
func (s *Server) Stop() {
	s.stopOnce.Do(func() {
		select {
		case <-s.exited:
			return
		default:
		}
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(stopGrace):
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
	})
	<-s.exited
}

// Exited reports whether the Prometheus process has ended (stopped or crashed).
func (s *Server) Exited() bool {
	select {
	case <-s.exited:
		return true
	default:
		return false
	}
}

// Log returns Prometheus' captured stdout and stderr (the last MiB).
func (s *Server) Log() string { return s.log.String() }

// tailBuffer is an io.Writer that keeps only the last max bytes.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
	max int
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.max; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("... (%d earlier lines)", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

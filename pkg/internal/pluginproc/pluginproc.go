// Package pluginproc runs the built plugin executable the way Grafana talks to it: a hashicorp
// go-plugin client with the SDK handshake starts the binary, and CheckHealth, QueryData and
// CallResource go over gRPC with real PluginContexts (instance settings, secure JSON,
// Updated). pkg/e2e (behaviour over the protocol) and pkg/bench (what Grafana pays) use it;
// it is test support, never linked into the plugin.
//
// The binary is dist/gpx_rscerts_<GOOS>_<GOARCH> (what `go tool mage -v` builds). When it
// is missing, or older than go.mod, go.sum or any Go file the binary is built from (the
// module's packages in `go list -deps ./pkg`), the harness
// rebuilds it with `go build` (CGO off, the SDK's build tag, staged and renamed into dist/
// so a concurrent reader never sees half a file). RSCERTS_PLUGIN_BIN=/path runs a given
// binary instead (e.g. one unpacked from the release archive) and never rebuilds.
package pluginproc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"

	"github.com/seed/rscerts/pkg/models"
)

const (
	// PluginID is the plugin.json id Grafana sends in every PluginContext.
	PluginID   = models.PluginID
	executable = "gpx_rscerts"
	// binEnv names a plugin executable to run as is (never rebuilt).
	binEnv = "RSCERTS_PLUGIN_BIN"
)

// moduleRoot is the directory holding go.mod, found upwards from the test's working
// directory (its package's).
func moduleRoot(t testing.TB) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		if filepath.Dir(dir) == dir {
			t.Fatalf("no go.mod above %s", wd)
		}
	}
}

func exeName() string {
	name := fmt.Sprintf("%s_%s_%s", executable, runtime.GOOS, runtime.GOARCH)
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	return name
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// Binary returns the plugin executable to launch: $RSCERTS_PLUGIN_BIN as is, else dist/'s,
// built at most once per test process when dist/ has none or a stale one.
func Binary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv(binEnv); p != "" {
		if fi, err := os.Stat(p); err != nil || fi.IsDir() {
			t.Fatalf("%s=%q is not a file: %v", binEnv, p, err)
		}
		return p
	}
	binOnce.Do(func() {
		root := moduleRoot(t)
		binPath = filepath.Join(root, "dist", exeName())
		var stale string
		stale, binErr = staleReason(root, binPath)
		if binErr != nil || stale == "" {
			return
		}
		t.Logf("pluginproc: building %s (%s)", binPath, stale)
		binErr = buildBinary(root, binPath)
	})
	if binErr != nil {
		t.Fatalf("plugin executable: %v", binErr)
	}
	return binPath
}

// staleReason says why bin must be (re)built, or "" when it is newer than go.mod, go.sum
// and every Go file (and embedded file) of the module's packages that ./pkg links in.
func staleReason(root, bin string) (string, error) {
	fi, err := os.Stat(bin)
	if errors.Is(err, fs.ErrNotExist) {
		return "missing", nil
	}
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "list", "-deps", "-tags", "arrow_json_stdlib", "-f",
		`{{if .Module}}{{if .Module.Main}}{{$d := .Dir}}{{range .GoFiles}}{{$d}}/{{.}}{{"\n"}}{{end}}{{range .EmbedFiles}}{{$d}}/{{.}}{{"\n"}}{{end}}{{end}}{{end}}`, "./pkg")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go list -deps ./pkg: %w", err)
	}
	inputs := append(strings.Fields(string(out)), filepath.Join(root, "go.mod"), filepath.Join(root, "go.sum"))
	for _, p := range inputs {
		info, err := os.Stat(p)
		if err != nil {
			return "", err
		}
		if info.ModTime().After(fi.ModTime()) {
			rel, _ := filepath.Rel(root, p)
			return "older than " + rel, nil
		}
	}
	return "", nil
}

// buildBinary builds ./pkg like the SDK's build does (static, arrow_json_stdlib tag) into a
// staging file and renames it into place.
func buildBinary(root, bin string) error {
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		return err
	}
	stage, err := os.CreateTemp(filepath.Dir(bin), ".pluginproc-build-*")
	if err != nil {
		return err
	}
	stage.Close()
	defer os.Remove(stage.Name())
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", "arrow_json_stdlib", "-ldflags", "-w -s", "-o", stage.Name(), "./pkg")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+runtime.GOOS, "GOARCH="+runtime.GOARCH)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go build ./pkg: %v\n%s", err, out)
	}
	if err := os.Chmod(stage.Name(), 0o755); err != nil {
		return err
	}
	return os.Rename(stage.Name(), bin)
}

// Proc is one running plugin process and the gRPC clients Grafana would use.
type Proc struct {
	client *plugin.Client
	PID    int
	Data   pluginv2.DataClient
	Diag   pluginv2.DiagnosticsClient
	Res    pluginv2.ResourceClient
	Log    *syncBuffer
}

// Start launches the executable through go-plugin exactly as Grafana's plugin
// manager does (handshake, gRPC only, the data/diagnostics/resource plugin sets) and kills
// it when the test ends. The executable is copied into a private folder first, so a
// standalone.txt/pid.txt left in dist/ by a debugging session cannot turn it into a
// "dummy locator" for a separately running server.
func Start(t testing.TB) *Proc {
	t.Helper()
	src := Binary(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, filepath.Base(src))
	if err := copyFile(src, bin, 0o755); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	cmd := exec.Command(bin)
	cmd.Dir = dir
	// Grafana passes its version and edition; go-plugin adds os.Environ() and the cookie.
	cmd.Env = []string{"GF_VERSION=12.0.0", "GF_EDITION=oss", "GF_PLUGIN_APP_CLIENT_SECRET="}
	setProcAttr(cmd)
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig: plugin.HandshakeConfig{
			ProtocolVersion:  grpcplugin.ProtocolVersion,
			MagicCookieKey:   grpcplugin.MagicCookieKey,
			MagicCookieValue: grpcplugin.MagicCookieValue,
		},
		VersionedPlugins: map[int]plugin.PluginSet{
			grpcplugin.ProtocolVersion: {
				"data":        &grpcplugin.DataGRPCPlugin{},
				"diagnostics": &grpcplugin.DiagnosticsGRPCPlugin{},
				"resource":    &grpcplugin.ResourceGRPCPlugin{},
			},
		},
		Cmd:              cmd,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		StartTimeout:     30 * time.Second,
		Logger: hclog.New(&hclog.LoggerOptions{
			Name: "plugin." + PluginID, Output: logs, Level: hclog.Info,
		}),
	})
	p := &Proc{client: client, Log: logs}
	t.Cleanup(func() {
		p.Stop(t)
		if t.Failed() {
			t.Logf("plugin log:\n%s", tail(logs.String(), 30))
		}
	})
	rpc, err := client.Client()
	if err != nil {
		t.Fatalf("start plugin %s: %v\n%s", bin, err, logs.String())
	}
	if rc := client.ReattachConfig(); rc != nil {
		p.PID = rc.Pid
	}
	dispense := func(name string) any {
		raw, err := rpc.Dispense(name)
		if err != nil {
			t.Fatalf("dispense %s: %v", name, err)
		}
		return raw
	}
	var ok bool
	if p.Data, ok = dispense("data").(grpcplugin.DataClient); !ok {
		t.Fatal("data plugin is not a DataClient")
	}
	if p.Diag, ok = dispense("diagnostics").(grpcplugin.DiagnosticsClient); !ok {
		t.Fatal("diagnostics plugin is not a DiagnosticsClient")
	}
	if p.Res, ok = dispense("resource").(grpcplugin.ResourceClient); !ok {
		t.Fatal("resource plugin is not a ResourceClient")
	}
	return p
}

// Stop kills the plugin (go-plugin asks it to shut down, then kills it after a grace
// period) and fails the test if the process is still there.
func (p *Proc) Stop(t testing.TB) {
	p.client.Kill()
	if !p.client.Exited() {
		t.Errorf("plugin process %d has not exited after Kill", p.PID)
	}
	if p.PID > 0 && ProcessAlive(p.PID) {
		t.Errorf("plugin process %d is still alive after Kill", p.PID)
	}
}

// DS is one datasource as Grafana stores it.
type DS struct {
	ID       int64
	UID      string
	URL      string
	JSON     string
	Secure   map[string]string
	Updated  time.Time
	User     string // basic auth user; basic auth is on when set
	Password string // basic auth password (secure JSON basicAuthPassword)
}

func (d DS) Settings() *backend.DataSourceInstanceSettings {
	secure := map[string]string{}
	for k, v := range d.Secure {
		secure[k] = v
	}
	s := &backend.DataSourceInstanceSettings{
		ID: d.ID, UID: d.UID, Type: PluginID, Name: "Redis certificates " + d.UID, URL: d.URL,
		JSONData: []byte(d.JSON), DecryptedSecureJSONData: secure, Updated: d.Updated,
	}
	if d.JSON == "" {
		s.JSONData = []byte("{}")
	}
	if d.User != "" {
		s.BasicAuthEnabled, s.BasicAuthUser = true, d.User
		secure["basicAuthPassword"] = d.Password
	}
	return s
}

var GrafanaUser = &backend.User{Login: "admin", Name: "Admin", Email: "admin@example.com", Role: "Admin"}

// PluginContext is what Grafana sends with every call; user nil is a background caller
// such as the alerting scheduler.
func (d DS) PluginContext(user *backend.User) *pluginv2.PluginContext {
	return backend.ToProto().PluginContext(backend.PluginContext{
		OrgID: 1, PluginID: PluginID, PluginVersion: "0.1.0", User: user,
		DataSourceInstanceSettings: d.Settings(),
		GrafanaConfig:              backend.NewGrafanaCfg(map[string]string{}),
	})
}

func (p *Proc) Health(t testing.TB, d DS) *pluginv2.CheckHealthResponse {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := p.Diag.CheckHealth(ctx, &pluginv2.CheckHealthRequest{PluginContext: d.PluginContext(GrafanaUser)})
	if err != nil {
		t.Fatalf("CheckHealth %s: %v", d.UID, err)
	}
	return resp
}

// Query sends one QueryData call and decodes the answer as Grafana does (Arrow frames).
func (p *Proc) Query(t testing.TB, d DS, user *backend.User, headers map[string]string, queries ...backend.DataQuery) *backend.QueryDataResponse {
	t.Helper()
	out, err := p.QueryErr(d, user, headers, queries...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// QueryErr is Query for goroutines other than the test's.
func (p *Proc) QueryErr(d DS, user *backend.User, headers map[string]string, queries ...backend.DataQuery) (*backend.QueryDataResponse, error) {
	req := backend.ToProto().QueryDataRequest(&backend.QueryDataRequest{Headers: headers, Queries: queries})
	req.PluginContext = d.PluginContext(user)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	resp, err := p.Data.QueryData(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("QueryData %s: %w", d.UID, err)
	}
	out, err := backend.FromProto().QueryDataResponse(resp)
	if err != nil {
		return nil, fmt.Errorf("decode QueryData response: %w", err)
	}
	return out, nil
}

// Resource calls a resource path and collects the streamed response.
func (p *Proc) Resource(t testing.TB, d DS, method, pathAndQuery string) (int, []byte) {
	t.Helper()
	path, _, _ := strings.Cut(pathAndQuery, "?")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	stream, err := p.Res.CallResource(ctx, &pluginv2.CallResourceRequest{
		PluginContext: d.PluginContext(GrafanaUser), Method: method, Path: path, Url: pathAndQuery,
		Headers: map[string]*pluginv2.StringList{"Accept": {Values: []string{"application/json"}}},
	})
	if err != nil {
		t.Fatalf("CallResource %s: %v", pathAndQuery, err)
	}
	status := 0
	var body bytes.Buffer
	for {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("CallResource %s: %v", pathAndQuery, err)
		}
		if status == 0 {
			status = int(msg.Code)
		}
		body.Write(msg.Body)
	}
	return status, body.Bytes()
}

func copyFile(src, dst string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// syncBuffer collects the plugin's log lines (written from go-plugin goroutines).
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

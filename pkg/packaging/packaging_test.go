package packaging

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/seed/rscerts/pkg/models"
)

// id is the plugin id every file must carry: the backend's.
const id = models.PluginID

// repoRoot is two levels above this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// distPluginJSON is the repository's plugin.json as the front-end build writes it to dist/:
// placeholders replaced and buildMode added.
func distPluginJSON(t *testing.T, version string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot(t), "plugin.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	info := m["info"].(map[string]any)
	info["version"], info["updated"] = version, "2026-11-27"
	m["buildMode"] = "production"
	// A fixed bundled dashboard, whatever the repository's plugin.json includes today.
	m["includes"] = []any{map[string]any{"type": "dashboard", "name": "Certificates", "path": "dashboards/overview.json"}}
	out, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// fakeDist writes a complete dist/ plus the leftovers packaging must drop. Binaries are
// written 0644 on purpose: the archive must carry 0755 whatever the disk says.
func fakeDist(t *testing.T, version string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"plugin.json":                    string(distPluginJSON(t, version)),
		"module.js":                      "define([],function(){return{}});\n//# sourceMappingURL=module.js.map",
		"module.js.map":                  `{"version":3,"sources":["webpack://seed-rscerts-datasource/./module.ts"],"mappings":""}`,
		"README.md":                      "# Redis Software Certificates\n\nSee [the docs](https://redis.io/docs/latest/operate/rs/security/certificates/monitor-certificates/).\n",
		"CHANGELOG.md":                   "# Changelog\n\n## 0.1.0\n",
		"LICENSE":                        "Apache License 2.0\n",
		"img/logo.svg":                   `<svg xmlns="http://www.w3.org/2000/svg"/>`,
		"dashboards/overview.json":       `{"title":"Certificates"}`,
		"123.js":                         "define([],function(){});",
		"gpx_rscerts_linux_amd64":        "ELF linux amd64",
		"gpx_rscerts_linux_arm64":        "ELF linux arm64",
		"gpx_rscerts_windows_amd64.exe":  "MZ windows",
		ManifestFile:                     "abc:pkg/main.go\n",
		"standalone.txt":                 "127.0.0.1:50051",
		"pid.txt":                        "4242",
		".DS_Store":                      "junk",
		".e2e-build-123/half-written.go": "junk",
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

type entry struct {
	mode fs.FileMode
	body string
}

func readArchive(t *testing.T, p string) map[string]entry {
	t.Helper()
	zr, err := zip.OpenReader(p)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := map[string]entry{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = entry{mode: f.Mode(), body: string(b)}
	}
	return out
}

func TestBuildArchiveFromFakeDist(t *testing.T) {
	dist := fakeDist(t, "0.1.0")
	out := t.TempDir()
	archive, err := Build(Options{DistDir: dist, OutDir: out, Version: "0.1.0"})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(archive) != id+"-0.1.0.zip" || filepath.Dir(archive) != out {
		t.Fatalf("archive at %s", archive)
	}
	got := readArchive(t, archive)
	var names []string
	for n := range got {
		names = append(names, n)
	}
	sort.Strings(names)
	want := []string{
		id + "/", id + "/123.js", id + "/CHANGELOG.md", id + "/LICENSE", id + "/README.md",
		id + "/dashboards/", id + "/dashboards/overview.json", id + "/go_plugin_build_manifest",
		id + "/gpx_rscerts_linux_amd64", id + "/gpx_rscerts_linux_arm64", id + "/gpx_rscerts_windows_amd64.exe",
		id + "/img/", id + "/img/logo.svg", id + "/module.js", id + "/module.js.map", id + "/plugin.json",
	}
	if strings.Join(names, "\n") != strings.Join(want, "\n") {
		t.Fatalf("entries:\n%s\nwant:\n%s", strings.Join(names, "\n"), strings.Join(want, "\n"))
	}
	for name, e := range got {
		switch {
		case strings.HasSuffix(name, "/"):
			if !e.mode.IsDir() || e.mode.Perm() != 0o755 {
				t.Errorf("%s: mode %v", name, e.mode)
			}
		case strings.Contains(name, "/gpx_rscerts_"):
			if e.mode != 0o755 {
				t.Errorf("%s: mode %v, want 0755", name, e.mode)
			}
		default:
			if e.mode != 0o644 {
				t.Errorf("%s: mode %v, want 0644", name, e.mode)
			}
		}
	}
	if got[id+"/gpx_rscerts_linux_amd64"].body != "ELF linux amd64" {
		t.Fatal("binary content changed")
	}
	problems, err := Check(archive, CheckOptions{Version: "0.1.0"})
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 0 {
		t.Fatalf("a correct archive has problems:\n%s", strings.Join(problems, "\n"))
	}

	// The same dist gives the same bytes (entries are sorted and time-stamped with the
	// release date).
	again, err := Build(Options{DistDir: dist, OutDir: t.TempDir(), Version: "0.1.0"})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(archive)
	b, _ := os.ReadFile(again)
	if !bytes.Equal(a, b) {
		t.Fatal("building twice gave different archives")
	}
}

func TestBuildRefusesIncompleteOrDisagreeingDist(t *testing.T) {
	cases := []struct {
		name    string
		edit    func(dir string)
		version string
		want    string
	}{
		{"placeholder version", func(dir string) {
			b, _ := os.ReadFile(filepath.Join(dir, "plugin.json"))
			_ = os.WriteFile(filepath.Join(dir, "plugin.json"), bytes.Replace(b, []byte(`"0.1.0"`), []byte(`"%VERSION%"`), 1), 0o644)
		}, "0.1.0", "placeholder"},
		{"package.json disagrees", func(string) {}, "0.2.0", "version mismatch"},
		{"no linux amd64 binary", func(dir string) { os.Remove(filepath.Join(dir, "gpx_rscerts_linux_amd64")) }, "0.1.0", "gpx_rscerts_linux_amd64"},
		{"no manifest", func(dir string) { os.Remove(filepath.Join(dir, ManifestFile)) }, "0.1.0", ManifestFile},
		{"no source map", func(dir string) { os.Remove(filepath.Join(dir, "module.js.map")) }, "0.1.0", "module.js.map"},
		{"no front end", func(dir string) { os.Remove(filepath.Join(dir, "plugin.json")) }, "0.1.0", "npm run build"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dist := fakeDist(t, "0.1.0")
			tc.edit(dist)
			_, err := Build(Options{DistDir: dist, OutDir: t.TempDir(), Version: tc.version})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

// zipOf writes an archive from name -> (mode, body); names ending in / are folders.
func zipOf(t *testing.T, name string, entries map[string]entry) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	var names []string
	for n := range entries {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		h := &zip.FileHeader{Name: n, Method: zip.Deflate}
		h.SetMode(entries[n].mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte(entries[n].body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return p
}

// goodEntries is a passing archive's content, to be broken one rule at a time.
func goodEntries(t *testing.T) map[string]entry {
	t.Helper()
	got := map[string]entry{}
	dist := fakeDist(t, "0.1.0")
	archive, err := Build(Options{DistDir: dist, OutDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	for n, e := range readArchive(t, archive) {
		got[n] = e
	}
	return got
}

func editPluginJSON(t *testing.T, e map[string]entry, edit func(m map[string]any)) {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(e[id+"/plugin.json"].body), &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	b, _ := json.Marshal(m)
	e[id+"/plugin.json"] = entry{mode: 0o644, body: string(b)}
}

func TestCheckFindsEveryBrokenRule(t *testing.T) {
	cases := []struct {
		name    string
		archive string
		edit    func(e map[string]entry)
		want    string
	}{
		{"template README", "", func(e map[string]entry) {
			e[id+"/README.md"] = entry{0o644, "# Grafana data source plugin template\n\nThis template is a starting point.\n"}
		}, "template README"},
		{"localhost link in README", "", func(e map[string]entry) {
			e[id+"/README.md"] = entry{0o644, "# Certs\n\nOpen [Grafana](http://localhost:3000/d/x).\n"}
		}, "local address: http://localhost:3000/d/x"},
		{"relative link in README", "", func(e map[string]entry) {
			e[id+"/README.md"] = entry{0o644, "# Certs\n\n![shot](img/shot.png)\n"}
		}, "relative link img/shot.png"},
		{"localhost link in plugin.json", "", func(e map[string]entry) {
			editPluginJSON(t, e, func(m map[string]any) {
				m["info"].(map[string]any)["links"] = []any{map[string]any{"name": "Demo", "url": "http://127.0.0.1:3000/"}}
			})
		}, `link "Demo" is a local address`},
		{"schema violation", "", func(e map[string]entry) {
			editPluginJSON(t, e, func(m map[string]any) { m["unknownField"] = true })
		}, "unknownField"},
		{"bad id", "", func(e map[string]entry) {
			editPluginJSON(t, e, func(m map[string]any) { m["id"] = "rscerts" })
		}, `id "rscerts" does not match`},
		{"alerting without backend", "", func(e map[string]entry) {
			editPluginJSON(t, e, func(m map[string]any) { m["backend"] = false; delete(m, "executable") })
		}, "alerting needs a backend"},
		{"missing logo", "", func(e map[string]entry) { delete(e, id+"/img/logo.svg") }, "small logo img/logo.svg is not in the archive"},
		{"missing screenshot", "", func(e map[string]entry) {
			editPluginJSON(t, e, func(m map[string]any) {
				m["info"].(map[string]any)["screenshots"] = []any{map[string]any{"name": "Table", "path": "img/table.png"}}
			})
		}, `screenshot "Table" (img/table.png) is not in the archive`},
		{"binary not executable", "", func(e map[string]entry) {
			e[id+"/gpx_rscerts_linux_arm64"] = entry{0o644, "ELF"}
		}, "gpx_rscerts_linux_arm64 has mode 0644"},
		{"no linux amd64 binary", "", func(e map[string]entry) { delete(e, id+"/gpx_rscerts_linux_amd64") }, "gpx_rscerts_linux_amd64 is missing"},
		{"no manifest", "", func(e map[string]entry) { delete(e, id+"/"+ManifestFile) }, ManifestFile + " is missing"},
		{"no source map", "", func(e map[string]entry) { delete(e, id+"/module.js.map") }, "module.js.map is missing"},
		{"standalone leftover", "", func(e map[string]entry) { e[id+"/standalone.txt"] = entry{0o644, "x"} }, "standalone mode"},
		{"second root", "", func(e map[string]entry) { e["other/README.md"] = entry{0o644, "x"} }, "exactly one root folder"},
		{"file at the top", "", func(e map[string]entry) { e["README.md"] = entry{0o644, "x"} }, "outside the root folder"},
		{"root not named after the id", "", func(e map[string]entry) {
			// Rename from a snapshot of the names: entries added while ranging over a map may
			// be visited again, which renamed some twice (dist/dist/...).
			for _, n := range slices.Collect(maps.Keys(e)) {
				v := e[n]
				delete(e, n)
				e["dist/"+strings.TrimPrefix(n, id+"/")] = v
			}
		}, `the root folder is "dist"`},
		{"version disagrees with package.json", id + "-0.1.0.zip", func(e map[string]entry) {
			editPluginJSON(t, e, func(m map[string]any) { m["info"].(map[string]any)["version"] = "0.1.1" })
		}, "differs from package.json version 0.1.0"},
		{"archive name without the version", id + ".zip", func(map[string]entry) {}, "does not carry the version 0.1.0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := goodEntries(t)
			tc.edit(e)
			name := tc.archive
			if name == "" {
				name = id + "-0.1.0.zip"
			}
			problems, err := Check(zipOf(t, name, e), CheckOptions{Version: "0.1.0"})
			if err != nil {
				t.Fatal(err)
			}
			joined := strings.Join(problems, "\n")
			if !strings.Contains(joined, tc.want) {
				t.Fatalf("problems:\n%s\nwant one mentioning %q", joined, tc.want)
			}
		})
	}
}

func TestRepositoryPluginJSONMatchesSchema(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot(t), "plugin.json"))
	if err != nil {
		t.Fatal(err)
	}
	if errs := ValidateSchema(Schema, raw); len(errs) != 0 {
		t.Fatalf("plugin.json (with placeholders) against the schema:\n%s", strings.Join(errs, "\n"))
	}
	if errs := ValidateSchema(Schema, distPluginJSON(t, "0.1.0")); len(errs) != 0 {
		t.Fatalf("built plugin.json against the schema:\n%s", strings.Join(errs, "\n"))
	}
	bad := bytes.Replace(raw, []byte(`"backend": true`), []byte(`"backend": "yes"`), 1)
	if errs := ValidateSchema(Schema, bad); len(errs) == 0 || !strings.Contains(strings.Join(errs, "\n"), "/backend") {
		t.Fatalf("a string backend passed the schema: %v", errs)
	}
	noURI := bytes.Replace(raw, []byte(`"url": "https://www.apache.org/licenses/LICENSE-2.0"`), []byte(`"url": "not a uri"`), 1)
	if errs := ValidateSchema(Schema, noURI); len(errs) == 0 {
		t.Fatal("a link that is not a URI passed the schema (format must be asserted)")
	}
}

// TestRealArchive packages the real dist/ (into a temp folder) and checks it, and checks
// dist-package/<id>-<version>.zip too when `mage package` has made one. It runs when dist/
// holds module.js and a linux amd64 binary; RSCERTS_CHECK_PACKAGE=1 makes a missing dist a
// failure (release pipelines).
func TestRealArchive(t *testing.T) {
	root := repoRoot(t)
	dist := filepath.Join(root, "dist")
	required := os.Getenv("RSCERTS_CHECK_PACKAGE") == "1"
	for _, need := range []string{"module.js", "gpx_rscerts_linux_amd64"} {
		if _, err := os.Stat(filepath.Join(dist, need)); err != nil {
			msg := "REAL ARCHIVE NOT CHECKED: dist/" + need + " is missing; run `go tool mage package` (npm run build + every backend) or set RSCERTS_CHECK_PACKAGE=1 to make this a failure"
			if required {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	version, err := PackageVersion(filepath.Join(root, "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	archive, err := Build(Options{DistDir: dist, OutDir: t.TempDir(), Version: version})
	if err != nil {
		t.Fatalf("packaging dist/: %v", err)
	}
	check := func(p string) {
		problems, err := Check(p, CheckOptions{Version: version})
		if err != nil {
			t.Fatal(err)
		}
		if len(problems) != 0 {
			t.Errorf("%s breaks the catalog's rules:\n  %s", p, strings.Join(problems, "\n  "))
		}
	}
	check(archive)
	released := filepath.Join(root, "dist-package", id+"-"+version+".zip")
	if _, err := os.Stat(released); err == nil {
		check(released)
	}
	// Sizes, for the README's development section.
	zr, err := zip.OpenReader(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if strings.Contains(f.Name, "/gpx_rscerts_") {
			t.Logf("%-50s %6.1f MiB (%6.1f MiB compressed)", strings.TrimPrefix(f.Name, id+"/"), mib(f.UncompressedSize64), mib(f.CompressedSize64))
		}
	}
	if fi, err := os.Stat(archive); err == nil {
		t.Logf("%-50s %6.1f MiB (%s %s)", filepath.Base(archive), mib(uint64(fi.Size())), runtime.GOOS, runtime.GOARCH)
	}
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }

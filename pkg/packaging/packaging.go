// Package packaging builds and checks the release archive Grafana's plugin catalog expects:
// dist-package/<id>-<version>.zip holding one folder named after the plugin id with the
// front end (module.js and its source map, plugin.json, README.md, CHANGELOG.md, LICENSE,
// img/, bundled dashboards), every backend binary (mode 0755) and go_plugin_build_manifest.
//
// Source maps stay in: Grafana's plugin validator reports a missing module.js.map as an
// error (it compares the map with the submitted source). Debugging leftovers of the SDK's
// standalone mode (standalone.txt, pid.txt) and hidden files are left out.
//
// The mage target `Package` (mage_package.go) builds dist/ and calls Build then Check.
package packaging

import (
	"archive/zip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// ManifestFile is the SDK's list of Go source hashes, written next to the binaries.
const ManifestFile = "go_plugin_build_manifest"

// excluded are dist/ files that never ship.
var excluded = map[string]bool{"standalone.txt": true, "pid.txt": true}

// required are the files every archive must hold (backend plugins also need a linux amd64
// binary and the manifest).
var required = []string{"module.js", "module.js.map", "plugin.json", "README.md", "CHANGELOG.md", "LICENSE"}

// Meta is the part of plugin.json packaging needs.
type Meta struct {
	ID         string `json:"id"`
	Type       string `json:"type"`
	Backend    bool   `json:"backend"`
	Alerting   bool   `json:"alerting"`
	Executable string `json:"executable"`
	Info       struct {
		Version string `json:"version"`
		Updated string `json:"updated"`
		Logos   struct {
			Small string `json:"small"`
			Large string `json:"large"`
		} `json:"logos"`
		Screenshots []struct {
			Name string `json:"name"`
			Path string `json:"path"`
		} `json:"screenshots"`
		Links []struct {
			Name string `json:"name"`
			URL  string `json:"url"`
		} `json:"links"`
		Author struct {
			URL string `json:"url"`
		} `json:"author"`
	} `json:"info"`
	Includes []struct {
		Type string `json:"type"`
		Path string `json:"path"`
	} `json:"includes"`
}

// ReadMeta parses a plugin.json.
func ReadMeta(pluginJSON []byte) (Meta, error) {
	var m Meta
	if err := json.Unmarshal(pluginJSON, &m); err != nil {
		return m, fmt.Errorf("plugin.json: %w", err)
	}
	return m, nil
}

// PackageVersion reads "version" from a package.json.
func PackageVersion(packageJSON string) (string, error) {
	b, err := os.ReadFile(packageJSON)
	if err != nil {
		return "", err
	}
	var p struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return "", fmt.Errorf("%s: %w", packageJSON, err)
	}
	if p.Version == "" {
		return "", fmt.Errorf("%s has no version", packageJSON)
	}
	return p.Version, nil
}

// Options says what to package.
type Options struct {
	DistDir string // the built plugin: dist/
	OutDir  string // where the zip goes: dist-package/
	// Version is the expected version (package.json's); plugin.json must agree. Empty
	// skips the comparison.
	Version string
}

// IsBinary reports whether name (a file at the archive root) is one of executable's
// per-platform binaries: <executable>_<os>_<arch>[.exe].
func IsBinary(executable, name string) bool {
	return executable != "" && strings.HasPrefix(name, path.Base(executable)+"_")
}

// Build writes <OutDir>/<id>-<version>.zip from DistDir and returns its path. It refuses a
// dist/ that is incomplete, still holds the %VERSION% placeholder, or whose version does
// not agree with Options.Version.
func Build(opts Options) (string, error) {
	pj, err := os.ReadFile(filepath.Join(opts.DistDir, "plugin.json"))
	if err != nil {
		return "", fmt.Errorf("%w (run `npm run build` first)", err)
	}
	meta, err := ReadMeta(pj)
	if err != nil {
		return "", err
	}
	if meta.ID == "" {
		return "", errors.New("dist/plugin.json has no id")
	}
	v := meta.Info.Version
	if v == "" || strings.Contains(v, "%") {
		return "", fmt.Errorf("dist/plugin.json version is %q: build the front end (`npm run build`) so the placeholder is replaced", v)
	}
	if opts.Version != "" && v != opts.Version {
		return "", fmt.Errorf("version mismatch: dist/plugin.json has %s, package.json has %s (rebuild the front end)", v, opts.Version)
	}
	for _, name := range required {
		if _, err := os.Stat(filepath.Join(opts.DistDir, name)); err != nil {
			return "", fmt.Errorf("dist is incomplete: %w", err)
		}
	}
	files, err := distFiles(opts.DistDir)
	if err != nil {
		return "", err
	}
	if meta.Backend {
		linux := path.Base(meta.Executable) + "_linux_amd64"
		if !contains(files, linux) {
			return "", fmt.Errorf("dist has no %s: build the backend (`go tool mage -v`)", linux)
		}
		if !contains(files, ManifestFile) {
			return "", fmt.Errorf("dist has no %s: build the backend with mage (the SDK's build writes it)", ManifestFile)
		}
	}

	if err := os.MkdirAll(opts.OutDir, 0o755); err != nil {
		return "", err
	}
	out := filepath.Join(opts.OutDir, fmt.Sprintf("%s-%s.zip", meta.ID, v))
	tmp, err := os.CreateTemp(opts.OutDir, ".package-*.zip")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	// Entries carry the plugin's release date, so the same dist gives the same archive.
	stamp, err := time.Parse("2006-01-02", meta.Info.Updated)
	if err != nil {
		stamp = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	zw := zip.NewWriter(tmp)
	if err := writeEntries(zw, opts.DistDir, meta, files, stamp); err != nil {
		zw.Close()
		tmp.Close()
		return "", err
	}
	if err := zw.Close(); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return "", err
	}
	return out, os.Rename(tmp.Name(), out)
}

// distFiles lists the regular files of dir that ship, slash-separated and sorted.
func distFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || excluded[rel] || !d.Type().IsRegular() {
			return nil
		}
		files = append(files, rel)
		return nil
	})
	sort.Strings(files)
	return files, err
}

func writeEntries(zw *zip.Writer, dir string, meta Meta, files []string, stamp time.Time) error {
	root := meta.ID + "/"
	dirs := map[string]bool{}
	addDir := func(name string) error {
		if dirs[name] {
			return nil
		}
		dirs[name] = true
		h := &zip.FileHeader{Name: name, Method: zip.Store, Modified: stamp}
		h.SetMode(fs.ModeDir | 0o755)
		_, err := zw.CreateHeader(h)
		return err
	}
	if err := addDir(root); err != nil {
		return err
	}
	for _, rel := range files {
		for i := strings.Index(rel, "/"); i >= 0; i = nextSlash(rel, i) {
			if err := addDir(root + rel[:i+1]); err != nil {
				return err
			}
		}
		mode := fs.FileMode(0o644)
		if IsBinary(meta.Executable, rel) {
			mode = 0o755
		}
		h := &zip.FileHeader{Name: root + rel, Method: zip.Deflate, Modified: stamp}
		h.SetMode(mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if err := copyInto(w, filepath.Join(dir, filepath.FromSlash(rel))); err != nil {
			return err
		}
	}
	return nil
}

func nextSlash(s string, i int) int {
	j := strings.Index(s[i+1:], "/")
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

func copyInto(w io.Writer, file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

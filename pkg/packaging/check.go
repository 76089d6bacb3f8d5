package packaging

import (
	"archive/zip"
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Schema is Grafana's plugin.json schema (docs/sources/developers/plugins/plugin.schema.json
// of grafana/grafana, stored copy of commit 021371ce6188d520574474e9024feeabd1868ebb), the
// one Grafana's plugin validator checks dist/plugin.json against.
//
//go:embed schema/plugin.schema.json
var Schema []byte

// schemaAdditions are top-level plugin.json properties that create-plugin's webpack build
// writes into dist/plugin.json but the stored schema copy predates: "buildMode"
// ("production" or "development"). They are added to the schema before compiling, and
// nothing else is relaxed.
var schemaAdditions = map[string]any{
	"buildMode": map[string]any{"type": "string", "enum": []any{"production", "development"}},
}

var (
	// datasourceID is the catalog's naming rule for datasource plugin ids.
	datasourceID = regexp.MustCompile(`^[0-9a-z]+-([0-9a-z]+-)?datasource$`)
	// templateReadme is the README create-plugin scaffolds.
	templateReadme = regexp.MustCompile(`(?im)^# Grafana (Panel|Data Source|Data Source Backend) Plugin Template|Grafana data source plugin template`)
	// mdLink is a markdown link or image: [text](target "title").
	mdLink = regexp.MustCompile(`\[[^\]]*\]\(([^)\s]+)[^)]*\)|<(https?://[^>\s]+)>`)
)

// CheckOptions tunes Check.
type CheckOptions struct {
	// Version is package.json's version; the archive must carry the same. Empty skips it.
	Version string
	// Schema overrides the embedded plugin.json schema.
	Schema []byte
}

// Check applies the rules of Grafana's plugin validator that need no network to a release
// archive and returns every problem found (nil when the archive passes):
// one root folder named after the id, no dist/ inside, no standalone.txt/pid.txt;
// plugin.json valid against the schema, the datasource id format, the version agreeing
// with package.json and the archive name; logos, screenshots and included dashboards
// present; README.md present, not the template, with absolute links and none to
// localhost; no localhost links in plugin.json; alerting only with backend and
// executable; module.js with its source map; for a backend, the linux amd64 binary, every
// binary with mode 0755 and go_plugin_build_manifest.
func Check(archive string, opts CheckOptions) ([]string, error) {
	zr, err := zip.OpenReader(archive)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	var problems []string
	add := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }

	// Layout: one root folder, and what is in it.
	files := map[string]*zip.File{}
	roots := map[string]bool{}
	for _, f := range zr.File {
		name := strings.TrimPrefix(f.Name, "./")
		if strings.HasPrefix(name, "/") || strings.Contains(name, "..") || strings.Contains(name, `\`) {
			add("unsafe entry name %q", f.Name)
			continue
		}
		first, rest, nested := strings.Cut(name, "/")
		roots[first] = true
		if !nested {
			add("%q lies outside the root folder", name)
			continue
		}
		if rest != "" && !f.FileInfo().IsDir() {
			files[rest] = f
		}
	}
	if len(roots) != 1 {
		add("the archive must hold exactly one root folder, found %d: %v", len(roots), sortedKeys(roots))
	}
	var root string
	for r := range roots {
		root = r
	}
	for name := range files {
		switch {
		case strings.HasPrefix(name, "dist/"):
			add("%s: dist/ must not be inside the archive: its content belongs in the root folder", name)
		case path.Base(name) == "standalone.txt" || path.Base(name) == "pid.txt":
			add("%s is a debugging leftover of the SDK's standalone mode", name)
		}
	}

	pj, ok := files["plugin.json"]
	if !ok {
		add("plugin.json is missing")
		return problems, nil
	}
	pluginJSON, err := readZipFile(pj)
	if err != nil {
		return nil, err
	}
	schema := opts.Schema
	if schema == nil {
		schema = Schema
	}
	for _, e := range ValidateSchema(schema, pluginJSON) {
		add("plugin.json: %s", e)
	}
	meta, err := ReadMeta(pluginJSON)
	if err != nil {
		add("%v", err)
		return problems, nil
	}
	if root != meta.ID {
		add("the root folder is %q, it must be the plugin id %q", root, meta.ID)
	}
	if meta.Type == "datasource" && !datasourceID.MatchString(meta.ID) {
		add("id %q does not match %s", meta.ID, datasourceID)
	}
	v := meta.Info.Version
	if strings.Contains(v, "%") {
		add("plugin.json version is the placeholder %q", v)
	}
	if opts.Version != "" && v != opts.Version {
		add("plugin.json version %s differs from package.json version %s", v, opts.Version)
	}
	if base := path.Base(strings.ReplaceAll(archive, `\`, "/")); !strings.Contains(base, "-"+v+".zip") {
		add("archive name %s does not carry the version %s", base, v)
	}

	// Referenced files.
	for kind, p := range map[string]string{"small logo": meta.Info.Logos.Small, "large logo": meta.Info.Logos.Large} {
		if p == "" {
			add("plugin.json has no %s", kind)
		} else if _, ok := files[cleanRel(p)]; !ok {
			add("%s %s is not in the archive", kind, p)
		}
	}
	for _, s := range meta.Info.Screenshots {
		if _, ok := files[cleanRel(s.Path)]; !ok {
			add("screenshot %q (%s) is not in the archive", s.Name, s.Path)
		}
	}
	for _, inc := range meta.Includes {
		if inc.Type == "dashboard" && inc.Path != "" {
			if _, ok := files[cleanRel(inc.Path)]; !ok {
				add("included dashboard %s is not in the archive", inc.Path)
			}
		}
	}
	for _, name := range []string{"module.js", "module.js.map", "CHANGELOG.md", "LICENSE"} {
		if _, ok := files[name]; !ok {
			add("%s is missing", name)
		}
	}

	// README and links.
	if rf, ok := files["README.md"]; !ok {
		add("README.md is missing")
	} else {
		readme, err := readZipFile(rf)
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(readme)) == 0 {
			add("README.md is empty")
		}
		if templateReadme.Match(readme) {
			add("README.md is create-plugin's template README")
		}
		for _, m := range mdLink.FindAllSubmatch(readme, -1) {
			link := string(m[1])
			if link == "" {
				link = string(m[2])
			}
			switch {
			case strings.HasPrefix(link, "#") || strings.HasPrefix(link, "mailto:"):
			case !strings.HasPrefix(link, "https://") && !strings.HasPrefix(link, "http://"):
				add("README.md: relative link %s will not work in the catalog: make it absolute", link)
			case isLocal(link):
				add("README.md links to a local address: %s", link)
			}
		}
	}
	if isLocal(meta.Info.Author.URL) {
		add("plugin.json author url is a local address: %s", meta.Info.Author.URL)
	}
	for _, l := range meta.Info.Links {
		if isLocal(l.URL) {
			add("plugin.json link %q is a local address: %s", l.Name, l.URL)
		}
	}

	// Backend.
	if meta.Alerting && (!meta.Backend || meta.Executable == "") {
		add("alerting is set but backend/executable are not: alerting needs a backend")
	}
	if meta.Executable != "" && !meta.Backend {
		add("executable is set but backend is false")
	}
	if meta.Backend {
		if meta.Executable == "" {
			add("backend is true but no executable is named")
		} else {
			exe := path.Base(meta.Executable)
			if _, ok := files[exe+"_linux_amd64"]; !ok {
				add("%s_linux_amd64 is missing", exe)
			}
			n := 0
			for name, f := range files {
				if !IsBinary(exe, name) {
					continue
				}
				n++
				if perm := f.Mode().Perm(); perm != 0o755 {
					add("%s has mode %04o, must be 0755", name, perm)
				}
			}
			if n == 0 {
				add("no %s_* binary in the archive", exe)
			}
		}
		if _, ok := files[ManifestFile]; !ok {
			add("%s is missing", ManifestFile)
		}
	}
	sort.Strings(problems)
	return problems, nil
}

// ValidateSchema checks a plugin.json against the schema (plus schemaAdditions) and returns
// one message per violation.
func ValidateSchema(schema, pluginJSON []byte) []string {
	var doc map[string]any
	if err := json.Unmarshal(schema, &doc); err != nil {
		return []string{"schema is not JSON: " + err.Error()}
	}
	if props, ok := doc["properties"].(map[string]any); ok {
		for k, v := range schemaAdditions {
			if _, exists := props[k]; !exists {
				props[k] = v
			}
		}
	}
	patched, err := json.Marshal(doc)
	if err != nil {
		return []string{"schema: " + err.Error()}
	}
	sdoc, err := jsonschema.UnmarshalJSON(bytes.NewReader(patched))
	if err != nil {
		return []string{"schema: " + err.Error()}
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat() // as gojsonschema (the validator's library) does: uri, email are checked
	const loc = "https://grafana.com/plugin-metadata"
	if err := c.AddResource(loc, sdoc); err != nil {
		return []string{"schema: " + err.Error()}
	}
	sch, err := c.Compile(loc)
	if err != nil {
		return []string{"schema does not compile: " + err.Error()}
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(pluginJSON))
	if err != nil {
		return []string{"not JSON: " + err.Error()}
	}
	err = sch.Validate(inst)
	if err == nil {
		return nil
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return []string{err.Error()}
	}
	printer := message.NewPrinter(language.English)
	var out []string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			out = append(out, fmt.Sprintf("/%s: %s", strings.Join(e.InstanceLocation, "/"), e.ErrorKind.LocalizedString(printer)))
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return out
}

func isLocal(raw string) bool {
	if raw == "" {
		return false
	}
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	h := strings.ToLower(u.Hostname())
	return h == "localhost" || strings.HasSuffix(h, ".localhost") || strings.HasPrefix(h, "127.") || h == "0.0.0.0" || h == "::1"
}

func cleanRel(p string) string { return strings.TrimPrefix(path.Clean("/"+p), "/") }

func readZipFile(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, 16<<20))
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

package prom

import (
	"encoding/base64"
	"net/url"
	"slices"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend/httpclient"
)

// minSecretLen keeps trivially short values (e.g. a one-letter password) from blanking
// unrelated words of a message; credentials that short are no protection anyway.
const minSecretLen = 4

const redacted = "[redacted]"

// secretsOf lists every credential the connection sends: the basic auth password (and the
// Basic header it becomes), custom header values (e.g. "Bearer <token>", and the token
// alone), the TLS client key, and a password written into the URL.
func secretsOf(opts httpclient.Options, rawURL string) []string {
	var out []string
	add := func(s string) {
		if s = strings.TrimSpace(s); len(s) >= minSecretLen && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	addBasic := func(user, password string) {
		if password == "" {
			return
		}
		add(password)
		add(base64.StdEncoding.EncodeToString([]byte(user + ":" + password)))
	}
	if ba := opts.BasicAuth; ba != nil {
		addBasic(ba.User, ba.Password)
	}
	for _, values := range opts.Header {
		for _, v := range values {
			add(v)
			if _, token, ok := strings.Cut(v, " "); ok {
				add(token)
			}
		}
	}
	if opts.TLS != nil {
		add(opts.TLS.ClientKey)
	}
	if u, err := url.Parse(rawURL); err == nil && u.User != nil {
		if p, ok := u.User.Password(); ok {
			addBasic(u.User.Username(), p)
		}
	}
	// Longest first, so a value containing another is redacted whole.
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

// redact replaces every secret in s.
func redact(s string, secrets []string) string {
	for _, secret := range secrets {
		s = strings.ReplaceAll(s, secret, redacted)
	}
	return s
}

// redactURL hides a password written into the URL (user:password@host).
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	return u.Redacted()
}

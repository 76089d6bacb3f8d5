package simulator

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// present reports which nodes expose certificate name of cluster at target.
func present(t *testing.T, s *Simulator, target, name string) map[string]bool {
	t.Helper()
	nodes := map[string]bool{}
	for _, x := range scrape(t, s, target) {
		if certName(x) == name {
			nodes[x.labels["node"]] = true
		}
	}
	return nodes
}

func TestVanishRestoreMethods(t *testing.T) {
	s := newSim(t)
	const cl = "c1.example.com"
	s.Vanish(cl, "2", "api")
	for _, target := range []string{"/?cluster=" + cl, "/v2?cluster=" + cl} {
		if got := present(t, s, target, "api"); got["2"] || !got["1"] || !got["3"] {
			t.Errorf("%s after Vanish(node 2): api on %v", target, got)
		}
	}
	if !find(t, s, cl, "2", "api").Vanished || find(t, s, cl, "1", "api").Vanished {
		t.Error("Certificates() does not report the vanished one")
	}
	s.Vanish(cl, "", "api")
	if got := present(t, s, "/v2?cluster="+cl, "api"); len(got) != 0 {
		t.Errorf("after Vanish(all nodes): api on %v", got)
	}
	s.Restore(cl, "", "api")
	if got := present(t, s, "/v2?cluster="+cl, "api"); len(got) != 3 {
		t.Errorf("after Restore: api on %v", got)
	}

	// The file name works too, and node-endpoint series vanish from their node.
	s.Vanish("c2.example.com", "2", "client_cert-12941999:1-crdt.pem")
	if got := present(t, s, "/v2?cluster=c2.example.com", "client_cert-12941999:1-crdt"); len(got) != 0 {
		t.Errorf("crdt file still on %v", got)
	}
	s.Vanish("c3.example.com", "2", "proxy")
	if len(present(t, s, "/v2?cluster=c3.example.com&node=2", "proxy")) != 0 ||
		len(present(t, s, "/v2?cluster=c3.example.com&node=1", "proxy")) != 1 {
		t.Error("node-endpoint vanish hit the wrong node")
	}
	if n := s.SetVanished("nope", "", "api", true); n != 0 {
		t.Errorf("unknown cluster matched %d", n)
	}
	if n := s.SetVanished("legacy.example.com", "", "*", true); n != 20 {
		t.Errorf("wildcard matched %d, want 20", n)
	}
	if x := only(scrape(t, s, "/v2?cluster=legacy.example.com"), metricX509); len(x) != 1 || x[0].labels["cluster"] != "" {
		t.Errorf("after vanishing all of legacy, want only the unrelated series: %v", x)
	}
}

func TestControlEndpoints(t *testing.T) {
	s := newSim(t)
	post := func(target, body string) (int, string) {
		var code int
		var out string
		if body == "" {
			code, _, out = do(t, s, http.MethodPost, target, nil)
		} else {
			code, _, out = do(t, s, http.MethodPost, target, strings.NewReader(body))
		}
		return code, out
	}
	if code, out := post("/control/vanish?cluster=c1.example.com&node=3&certificate=syncer", ""); code != 200 || !strings.Contains(out, `"matched": 1`) {
		t.Fatalf("vanish: %d %s", code, out)
	}
	if got := present(t, s, "/?cluster=c1.example.com", "syncer"); got["3"] || len(got) != 2 {
		t.Errorf("syncer on %v after control vanish", got)
	}
	_, _, body := do(t, s, http.MethodGet, "/control/certificates", nil)
	var certs []Certificate
	if err := json.Unmarshal([]byte(body), &certs); err != nil {
		t.Fatal(err)
	}
	vanished := 0
	for _, c := range certs {
		if c.Vanished {
			vanished++
			if c.Cluster != "c1.example.com" || c.Node != "3" || c.Name != "syncer" {
				t.Errorf("wrong certificate vanished: %+v", c)
			}
		}
	}
	if vanished != 1 || len(certs) != len(s.Certificates()) {
		t.Errorf("%d vanished of %d", vanished, len(certs))
	}
	if code, out := post("/control/restore", "cluster=c1.example.com&certificate=syncer"); code != 200 || !strings.Contains(out, `"matched": 3`) {
		t.Errorf("restore with form body: %d %s", code, out)
	}
	if got := present(t, s, "/?cluster=c1.example.com", "syncer"); len(got) != 3 {
		t.Errorf("syncer on %v after restore", got)
	}
	for target, want := range map[string]int{
		"/control/vanish?cluster=c1.example.com":                       400,
		"/control/vanish?cluster=nope&certificate=api":                 404,
		"/control/vanish?cluster=c1.example.com&certificate=nope":      404,
		"/control/vanish?cluster=c1.example.com&node=9&certificate=cm": 404,
	} {
		if code, _ := post(target, ""); code != want {
			t.Errorf("POST %s: %d, want %d", target, code, want)
		}
	}
	if code, _, _ := do(t, s, http.MethodGet, "/control/vanish?cluster=c1.example.com&certificate=api", nil); code != http.StatusMethodNotAllowed {
		t.Errorf("GET /control/vanish: %d, want 405", code)
	}
}

// remainingOn is the value each node exposes for a certificate at target.
func remainingOn(t *testing.T, s *Simulator, target, name string) map[string]float64 {
	t.Helper()
	m := map[string]float64{}
	for _, x := range scrape(t, s, target) {
		if x.metric != metricINE && certName(x) == name {
			m[x.labels["node"]] = x.value
		}
	}
	return m
}

func TestControlRenew(t *testing.T) {
	s := newSim(t)
	const cl = "c1.example.com"
	now := testStart.Add(10 * dayD)
	s.SetNow(now)
	before := remainingOn(t, s, "/?cluster="+cl, "proxy")

	// One node, explicit days.
	code, _, out := do(t, s, http.MethodPost, "/control/renew?cluster="+cl+"&node=2&certificate=proxy&days=30.5", nil)
	if code != 200 || !strings.Contains(out, `"matched": 1`) {
		t.Fatalf("renew node 2: %d %s", code, out)
	}
	got := remainingOn(t, s, "/?cluster="+cl, "proxy")
	if got["2"] != 30.5*86400 || got["1"] != before["1"] || got["3"] != before["3"] {
		t.Errorf("after renewing node 2 for 30.5 days: %v (before %v)", got, before)
	}
	if c := find(t, s, cl, "2", "proxy"); !c.Expiry.Equal(now.Add(30*dayD+12*time.Hour)) || !c.RenewedAt.Equal(now) {
		t.Errorf("truth: expiry %v renewed at %v", c.Expiry, c.RenewedAt)
	}

	// Every node (node empty), default lifetimes, form body; an internode one gets 90 days.
	code, _, out = do(t, s, http.MethodPost, "/control/renew", strings.NewReader("cluster="+cl+"&certificate=mesh_ca_signed_cert.pem"))
	if code != 200 || !strings.Contains(out, `"matched": 3`) {
		t.Fatalf("renew all nodes: %d %s", code, out)
	}
	for n, v := range remainingOn(t, s, "/v2?cluster="+cl, "mesh_ca_signed") {
		if v != 90*86400 {
			t.Errorf("node %s mesh_ca_signed %v s after renewal, want 90 days", n, v)
		}
	}
	if code, _, out = do(t, s, http.MethodPost, "/control/renew?cluster="+cl+"&certificate=api", nil); code != 200 || !strings.Contains(out, `"matched": 3`) {
		t.Fatalf("renew api: %d %s", code, out)
	}
	for n, v := range remainingOn(t, s, "/v2?cluster="+cl, "api") {
		if v != 365*86400 {
			t.Errorf("node %s api %v s after renewal, want 365 days", n, v)
		}
	}
	// Vanished certificates are renewed too (they stay hidden until restored).
	s.Vanish(cl, "1", "cm")
	if code, _, out = do(t, s, http.MethodPost, "/control/renew?cluster="+cl+"&node=1&certificate=cm&days=7", nil); code != 200 || !strings.Contains(out, `"matched": 1`) {
		t.Errorf("renew a vanished certificate: %d %s", code, out)
	}
	if c := find(t, s, cl, "1", "cm"); !c.Vanished || c.RemainingSeconds != 7*86400 {
		t.Errorf("vanished cm after renewal: %+v", c)
	}

	for target, want := range map[string]int{
		"/control/renew?cluster=" + cl:                                                         400,
		"/control/renew?certificate=api":                                                       400,
		"/control/renew?cluster=" + cl + "&certificate=api&days=0":                             400,
		"/control/renew?cluster=" + cl + "&certificate=api&days=-3":                            400,
		"/control/renew?cluster=" + cl + "&certificate=api&days=soon":                          400,
		"/control/renew?cluster=" + cl + "&certificate=api&days=NaN":                           400,
		"/control/renew?cluster=" + cl + "&certificate=api&days=1e9":                           400,
		"/control/renew?cluster=nope&certificate=api":                                          404,
		"/control/renew?cluster=" + cl + "&certificate=nope":                                   404,
		"/control/renew?cluster=" + cl + "&node=9&certificate=api":                             404,
		"/control/renew?cluster=c2.example.com&node=1&certificate=client_cert-12941999:1-crdt": 404,
	} {
		if code, _, body := do(t, s, http.MethodPost, target, nil); code != want {
			t.Errorf("POST %s: %d %s, want %d", target, code, body, want)
		}
	}
	if code, _, _ := do(t, s, http.MethodGet, "/control/renew?cluster="+cl+"&certificate=api", nil); code != http.StatusMethodNotAllowed {
		t.Errorf("GET /control/renew: %d, want 405", code)
	}
	// The refused requests changed nothing.
	if v := remainingOn(t, s, "/?cluster="+cl, "api"); v["1"] != 365*86400 {
		t.Errorf("api after refused renewals: %v", v)
	}
}

package cmdline

import (
	"errors"
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seed/rscerts/pkg/simulator"
)

func TestParse(t *testing.T) {
	o, err := Parse([]string{"-listen", "127.0.0.1:0", "-tls=false", "-seed", "3", "-start", "2026-01-01T00:00:00Z", "-speed", "1440",
		"-rotate-after", "c1.example.com@12h", "-skip-rotation", "c1.example.com/3", "-skip-rotation", "c2.example.com/1,2",
		"-renew", "c2.example.com/proxy/1,2@24h", "-renew", "c2.example.com/api@1d:400d", "-vanish", "c1.example.com/2/api"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg := o.Config
	if o.Listen != "127.0.0.1:0" || o.TLS || cfg.Seed != 3 || cfg.Speed != 1440 || cfg.Frozen ||
		!cfg.Start.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) || len(cfg.Clusters) != 4 {
		t.Errorf("options %+v", o)
	}
	if !slices.Equal(cfg.FirstRotations, []simulator.FirstRotation{{Cluster: "c1.example.com", After: 12 * time.Hour}}) {
		t.Errorf("FirstRotations %v", cfg.FirstRotations)
	}
	if !slices.Equal(cfg.SkipRotation, []simulator.NodeRef{{Cluster: "c1.example.com", Node: "3"}, {Cluster: "c2.example.com", Node: "1"}, {Cluster: "c2.example.com", Node: "2"}}) {
		t.Errorf("SkipRotation %v", cfg.SkipRotation)
	}
	if len(cfg.Renewals) != 2 || cfg.Renewals[0].String() != "c2.example.com/proxy/1,2@1d" || cfg.Renewals[1].String() != "c2.example.com/api@1d:400d" {
		t.Errorf("Renewals %v", cfg.Renewals)
	}
	if d := o.Describe(); !strings.Contains(d, "c3.example.com:2:node-endpoint") ||
		!strings.Contains(d, "scenario [rotate-after c1.example.com@12h, skip-rotation c1.example.com/3, skip-rotation c2.example.com/1, skip-rotation c2.example.com/2, renew c2.example.com/proxy/1,2@1d, renew c2.example.com/api@1d:400d]") {
		t.Errorf("Describe: %s", d)
	}
	sim, err := o.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range sim.Certificates() {
		if c.Vanished != (c.Cluster == "c1.example.com" && c.Node == "2" && c.Name == "api") {
			t.Errorf("%s/%s/%s vanished %v", c.Cluster, c.Node, c.Name, c.Vanished)
		}
	}

	// Defaults: the demo clusters, real time, TLS on :8070.
	o, err = Parse(nil, io.Discard)
	if err != nil || o.Listen != ":8070" || !o.TLS || o.Config.Speed != 1 || o.Config.Seed != 1 || len(o.Config.Renewals) != 0 || strings.Contains(o.Describe(), "scenario") {
		t.Errorf("defaults: %+v, %v", o, err)
	}
	if _, err := Parse([]string{"-h"}, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
}

// Every mistake names its flag and what is wrong, before anything is served.
func TestParseErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-speed", "0"}, "-speed 0: want simulated seconds per real second"},
		{[]string{"-speed", "-3"}, "-speed -3"},
		{[]string{"-speed", "NaN"}, "-speed NaN"},
		{[]string{"-speed", "fast"}, `invalid value "fast" for flag -speed`},
		{[]string{"-renew", "c2.example.com/proxy"}, `-renew "c2.example.com/proxy": no @after`},
		{[]string{"-renew", "c2.example.com/proxy/x@1h"}, `-renew "c2.example.com/proxy/x@1h": node "x"`},
		{[]string{"-renew", "c2.example.com/proxy@soon"}, `-renew "c2.example.com/proxy@soon": after: `},
		{[]string{"-renew", "c2.example.com/proxy@1h:0d"}, `-renew "c2.example.com/proxy@1h:0d": lifetime must be positive`},
		{[]string{"-renew", "c9.example.com/proxy@1h"}, `-renew "c9.example.com/proxy@1h": unknown cluster "c9.example.com"`},
		{[]string{"-renew", "c1.example.com/proxy/4@1h"}, `-renew "c1.example.com/proxy/4@1h": cluster "c1.example.com" has no node 4`},
		{[]string{"-renew", "c1.example.com/nope@1h"}, `-renew "c1.example.com/nope@1h": no certificate "nope"`},
		{[]string{"-skip-rotation", "c1.example.com"}, `-skip-rotation "c1.example.com": want cluster/node`},
		{[]string{"-skip-rotation", "c1.example.com/9"}, `-skip-rotation "c1.example.com/9": cluster "c1.example.com" has no node 9`},
		{[]string{"-skip-rotation", "c1.example.com/2,9"}, `-skip-rotation "c1.example.com/2,9": cluster "c1.example.com" has no node 9`},
		{[]string{"-renew", "c2.example.com/proxy/1,4@24h"}, `-renew "c2.example.com/proxy/1,4@24h": cluster "c2.example.com" has no node 4`},
		{[]string{"-cluster", "i:2:docs:ine", "-skip-rotation", "i/1"}, `-skip-rotation "i/1": cluster "i" has customer-managed internode certificates`},
		{[]string{"-rotate-after", "c1.example.com"}, `-rotate-after "c1.example.com": want cluster@after`},
		{[]string{"-rotate-after", "c1.example.com@40d"}, `-rotate-after "c1.example.com@40d": after must be in (0, 30d]`},
		{[]string{"-rotate-after", "c9@1h"}, `-rotate-after "c9@1h": unknown cluster "c9"`},
		{[]string{"-rotate-after", "c1.example.com@1h", "-rotate-after", "c1.example.com@2h"}, `-rotate-after "c1.example.com@2h": set twice`},
		{[]string{"-vanish", "c1.example.com/api"}, `-vanish "c1.example.com/api": want cluster/node/certificate`},
		{[]string{"-vanish", "c1.example.com/1/nope"}, `-vanish "c1.example.com/1/nope": want cluster/node/certificate naming an existing certificate`},
		{[]string{"-scale", "1:2"}, `-scale "1:2"`},
		{[]string{"extra"}, `unexpected arguments`},
	} {
		o, err := Parse(tt.args, io.Discard)
		if err == nil {
			_, err = o.New()
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want an error containing %q", tt.args, err, tt.want)
		}
	}
}
